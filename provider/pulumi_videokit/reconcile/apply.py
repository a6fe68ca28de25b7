"""Act on a decision: create (adopting where asked, finishing this resource's own interrupted
create), read, update and delete, each tolerant of the API's failure modes."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..client import (
    ConflictError,
    NotFoundError,
    OutcomeUnknownError,
    RetryBudgetExceededError,
    ServerError,
)
from .diff import Plan, comparable, plan
from .errors import AdoptionError, AlreadyExistsError, HalfCreated, InterruptRefused, UserError
from .journal import Attempt, Journal, owner_tenant
from .observe import merge_observed

if TYPE_CHECKING:
    from .kinds import Kind


def _one(kind: Kind, ids: list[str], what: str) -> str | None:
    if len(ids) > 1:
        raise AdoptionError(
            f"{len(ids)} existing {kind.spec.kind} objects share the {kind.spec.natural_key_text} "
            f"of {what} ({', '.join(ids)}); adopt one by id instead",
            tuple(ids),
        )
    return ids[0] if ids else None


def _ambiguous(exc: BaseException) -> bool:
    """A create failed in a way that may or may not have made the object."""
    if isinstance(exc, RetryBudgetExceededError):
        exc = exc.last
    # Only the create's own POST can have made the object: a read before it that failed did not.
    return isinstance(exc, (OutcomeUnknownError, ServerError)) and exc.method in ("POST", "")


def _since(started: float) -> datetime:
    # Clocks differ; anything made shortly before the attempt still counts.
    return datetime.fromtimestamp(started, UTC) - timedelta(minutes=5)


def natural_key(kind: Kind, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The values of the kind's natural key in ``inputs``."""
    return {k: inputs[k] for k in kind.spec.natural_key if inputs.get(k) is not None}


def refuse_interruption(
    kind: type[Kind] | Kind,
    object_id: str,
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    decided: Plan,
    live_state: Callable[[], str | None],
) -> None:
    """Refuse a change that would stop or replace a live object, unless the user allows it.

    ``live_state`` is asked (one read) only when the change would interrupt."""
    reasons = kind.interruptions(olds, news, decided)
    if not reasons or news.get("allowInterrupt"):
        return
    live = live_state()
    if live in kind.spec.live_states:
        raise InterruptRefused(
            f"{kind.spec.kind} {olds.get('name') or news.get('name') or object_id} is {live}: "
            + "; ".join(reasons)
            + ". Set allowInterrupt: true (allow_interrupt=True) to let this happen."
        )


def adoptable(kind: Kind, inputs: Mapping[str, Any]) -> str | None:
    """The existing object ``adopt`` names (by id, or by natural key with ``true``), checked
    against on-air protection; ``None`` when ``adopt: true`` finds nothing (then it is created).

    Read-only, so a preview may ask it too."""
    adopt = inputs.get("adopt")
    if not adopt:
        return None
    if isinstance(adopt, str) and adopt.lower() != "true":
        seen = kind.observe(adopt, inputs)
        if seen is None:
            raise AdoptionError(f"cannot adopt {kind.spec.kind} {adopt!r}: it does not exist")
        object_id = adopt
    else:
        found = _one(kind, kind.find(inputs), "this declaration")
        if found is None:
            return None
        object_id = found
        seen = kind.observe(object_id, inputs)
        if seen is None:
            return None
    # Adoption never replaces: only what it changes in place may interrupt.
    changed = plan(kind.spec, seen.inputs, inputs).changed
    refuse_interruption(
        kind, object_id, seen.inputs, inputs, Plan(changed=changed), lambda: kind.live_state(object_id)
    )
    return object_id


def create(
    kind: Kind,
    inputs: Mapping[str, Any],
    *,
    journal: Journal | None = None,
    owner: str | None = None,
    attempts: int = 4,
    sleep: Callable[[float], None] = time.sleep,
    delivered: Callable[[], bool] = lambda: True,
    warn: Callable[[str], None] = lambda message: None,
) -> tuple[str, dict[str, Any]]:
    """Create; or take over what ``adopt`` names; or finish this resource's own create that an
    earlier run began and never saw answered (``owner`` names the resource in ``journal``).

    The attempt is over once the engine can have the answer: ``delivered`` says whether the
    engine is still there to take it (a plugin outlives a killed engine and finishes its calls).
    ``warn`` is told what a recovered create could not get back (secrets only its answer held).

    Nothing else is ever taken over: a create whose answer was lost, or that failed with a 5xx,
    is resolved by its natural key among objects that did not exist before its POST.
    """
    made: list[str] = []
    attempt: Attempt | None = None

    def record(object_id: str, memo: Mapping[str, Any] | None = None) -> None:
        made.append(object_id)
        kind.noted(inputs, object_id)
        if journal is not None and attempt is not None:
            journal.made(attempt, object_id, memo)

    def keep(object_id: str) -> None:
        """This resource holds ``object_id`` from now on (made, taken over or half created)."""
        kind.noted(inputs, object_id)
        if journal is not None and owner:
            claim(kind, journal, owner, object_id)

    def take_over(
        object_id: str, lost: bool = False, memo: Mapping[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        if memo is None:
            record(object_id)
        else:
            # A resumed create journaled this id with its memo: it is made, and stays journaled so.
            made.append(object_id)
        try:
            if lost:
                found = kind.recovered(object_id, inputs, record, memo)
                missing = [name for name in kind.spec.secret_outputs if name not in found[1]]
                if missing:
                    warn(_lost_secrets(kind, object_id, missing))
                return found
            return object_id, kind.adopted(object_id, inputs)
        except Exception as exc:
            raise HalfCreated(made[-1], exc) from exc

    def held(result: tuple[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
        keep(result[0])
        return result

    def over() -> None:
        """The create's answer is in hand, or it failed cleanly: the attempt is over."""
        if journal is not None and attempt is not None:
            journal.finish(attempt)

    def answered(result: tuple[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
        """A made object whose answer the engine will not get stays journaled for its next run;
        it is claimed before its attempt is over."""
        held(result)
        if delivered():
            over()
        return result

    adopted = adoptable(kind, inputs)
    if adopted is not None:
        return held(take_over(adopted))

    judged: Attempt | None = None
    if journal is not None and owner:
        judged = journal.pending(owner)
        if judged is not None:
            attempt = judged
            try:
                rivals = _rivals(kind, journal, judged)
                resumed = _resume(kind, inputs, judged, take_over, rivals)
            except HalfCreated as half:
                keep(half.object_id)
                journal.finish(judged)
                raise
            if resumed is not None:
                journal.abandon(owner)
                return answered(resumed)
    if journal is not None and owner:
        # Begun before the lookup, so a create of the key that finishes meanwhile claims its object.
        attempt = journal.begin(owner, kind.spec.kind, natural_key(kind, inputs))
    try:
        existing = kind.existing(inputs) if kind.spec.natural_key else []
    except BaseException:
        if journal is not None and attempt is not None:
            journal.finish(attempt)
        raise
    if journal is not None and attempt is not None:
        if not journal.sent(attempt, existing, judged):
            raise UserError(_superseded(kind))
        existing = attempt.existing
    started = attempt.started if attempt is not None else time.time()

    for number in range(1, attempts + 1):
        try:
            result = kind.create(inputs, record)
        except Exception as exc:
            if made:
                keep(made[-1])
                over()
                raise HalfCreated(made[-1], exc) from exc
            if isinstance(exc, ConflictError):
                over()
                raise _already_exists(kind, inputs, kind.find(inputs), exc) from None
            if not _ambiguous(exc):
                over()
                raise
            kind.relist()
            if number == attempts:
                raise  # the outcome is unknown: the attempt stays for the next run to resolve
            current = journal.pending(owner) if journal is not None and owner else None
            if attempt is not None and (current is None or current.token != attempt.token):
                raise UserError(_superseded(kind)) from exc
            candidates = _new_since(kind, inputs, started, existing)
            if journal is not None and current is not None:
                # Ids other creates claimed since this attempt began are theirs, never its own;
                # so is what another resource's create of the key has already been answered with.
                named = {r.object_id for r in _rivals(kind, journal, current)}
                candidates = [i for i in candidates if i not in current.existing and i not in named]
            found = _one(kind, candidates, "this create")
            if found:
                try:
                    resolved = take_over(found, lost=True)
                except HalfCreated as half:
                    keep(half.object_id)
                    over()
                    raise
                except Exception:
                    over()
                    raise
                return answered(resolved)
            sleep(min(8.0, 0.25 * 2**number))
            continue
        return answered(result)
    raise AssertionError("unreachable")


def _superseded(kind: Kind) -> str:
    return (
        f"another run of this {kind.spec.kind} took its create over meanwhile (a run killed earlier "
        "whose provider was still finishing it), so this one stopped: run `pulumi up` again"
    )


def _lost_secrets(kind: Kind, object_id: str, missing: list[str]) -> str:
    names = " and ".join(f"`{m}`" for m in missing)
    return (
        f"the answer to this {kind.spec.kind}'s create was lost, so {object_id} was found and kept "
        f"without the {names} a tenant sends only in that answer; to get a new one, replace it "
        f"(`pulumi up --replace` with this resource's URN)"
    )


def claim(kind: Kind, journal: Journal, owner: str, object_id: str) -> None:
    """A resource now holds ``object_id``: no interrupted create on this tenant may take it."""
    tenant = owner_tenant(owner)
    for attempt in journal.attempts():
        if (
            attempt.kind == kind.spec.kind
            and attempt.object_id in (None, object_id)
            and attempt.owner != owner
            and owner_tenant(attempt.owner) == tenant
        ):
            journal.claimed(attempt, object_id)


def _new_since(kind: Kind, lookup: Mapping[str, Any], started: float, existing: list[str]) -> list[str]:
    """Objects with the natural key of ``lookup`` made by an attempt that began at ``started``."""
    return [i for i in kind.find(lookup, since=_since(started)) if i not in existing]


def _rivals(kind: Kind, journal: Journal, prior: Attempt) -> list[Attempt]:
    """Other resources' interrupted creates of this kind and natural key on this tenant."""
    tenant = owner_tenant(prior.owner)
    return [
        a
        for a in journal.attempts()
        if a.owner != prior.owner
        and a.sent
        and a.kind == kind.spec.kind
        and owner_tenant(a.owner) == tenant
        and comparable(kind.spec, a.key) == comparable(kind.spec, prior.key)
    ]


def _theirs(candidate: str, rival: Attempt) -> bool:
    """Whether ``rival``'s create may have made ``candidate``."""
    if rival.object_id is not None:
        return candidate == rival.object_id
    return candidate not in rival.existing


def _resume(
    kind: Kind,
    inputs: Mapping[str, Any],
    prior: Attempt,
    take_over: Callable[..., tuple[str, dict[str, Any]]],
    rivals: Sequence[Attempt] = (),
) -> tuple[str, dict[str, Any]] | None:
    """Finish this resource's own interrupted create; ``None`` when it left nothing behind.

    Two resources whose creates of one natural key were both cut off before the API named the
    ids can tell their objects apart: an object that already existed when a rival began is never
    the rival's, so the one object no rival may have made is this create's own.
    """
    if not prior.sent:
        return None  # cut off before its POST: it made nothing
    object_id = prior.object_id if prior.object_id not in prior.existing else None
    if object_id is None:
        found = _new_since(kind, {**inputs, **prior.key}, prior.started, prior.existing)
        if len(found) > 1:
            ours = [i for i in found if not any(_theirs(i, r) for r in rivals)]
            found = ours if len(ours) == 1 else found
        object_id = _one(kind, found, "an interrupted create")
    if object_id is None:
        return None
    seen = kind.observe(object_id, {**inputs, **prior.key})
    if seen is None:
        return None
    spec = kind.spec
    was, now = comparable(spec, prior.key), comparable(spec, natural_key(kind, inputs))
    if any(was.get(k) != now.get(k) for k in spec.create_only & set(spec.natural_key)):
        # The declaration moved on to what its own orphan cannot become: the orphan goes.
        with contextlib.suppress(NotFoundError):
            kind.delete(object_id, {**seen.inputs, **seen.outputs, **(prior.memo or {})})
        return None
    return take_over(object_id, lost=True, memo=prior.memo)


def article(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def _already_exists(
    kind: Kind, inputs: Mapping[str, Any], existing: list[str], exc: ConflictError
) -> AlreadyExistsError:
    spec = kind.spec
    key = ", ".join(f"{k} {v}" for k, v in natural_key(kind, inputs).items())
    ids = f" ({', '.join(existing)})" if existing else ""
    return AlreadyExistsError(
        f"{article(spec.kind)} {spec.kind} with {key} already exists in the tenant{ids}: "
        f"{exc.server_message or exc.message}. If this entry was renamed, list its old name in "
        "`aliases`; to manage the existing one from this stack instead, set `adopt: true` (a "
        "stack that adopts an object deletes it on destroy, whoever else uses it)"
    )


def read(
    kind: Kind, object_id: str, state: Mapping[str, Any]
) -> tuple[str | None, dict[str, Any], dict[str, Any]]:
    """Refresh: the id (None when gone), the outputs and the inputs to record."""
    last = {k: state[k] for k in kind.spec.input_names() if k in state}
    seen = kind.observe(object_id, last)
    if seen is None:
        return None, {}, {}
    inputs = merge_observed(kind.spec, last, seen.inputs)
    outputs = {**state, **inputs, **seen.outputs}
    for name in kind.spec.secret_outputs:
        if name in state and name not in seen.outputs:
            outputs[name] = state[name]
    return object_id, outputs, inputs


def update(
    kind: Kind, object_id: str, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan
) -> dict[str, Any]:
    return kind.update(object_id, olds, news, plan)


def delete(
    kind: Kind,
    object_id: str,
    state: Mapping[str, Any],
    *,
    journal: Journal | None = None,
    owner: str | None = None,
) -> None:
    """Delete; an object already gone counts as deleted."""
    with contextlib.suppress(NotFoundError):
        kind.delete(object_id, state)
    if journal is not None and owner:
        journal.forget(owner)
