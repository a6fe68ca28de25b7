"""Act on a decision: create (adopting where asked or where a create's answer was lost),
read, update and delete, each tolerant of the API's failure modes."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from ..client import NotFoundError, OutcomeUnknownError, RetryBudgetExceededError, ServerError
from .diff import Plan
from .errors import AdoptionError
from .journal import Journal
from .observe import merge_observed

if TYPE_CHECKING:
    from .kinds import Kind


def _one(kind: Kind, inputs: Mapping[str, Any], ids: list[str]) -> str | None:
    if len(ids) > 1:
        raise AdoptionError(
            f"{len(ids)} existing {kind.spec.kind} objects share the {kind.spec.natural_key_text} "
            f"of this declaration ({', '.join(ids)}); adopt one by id instead"
        )
    return ids[0] if ids else None


def _ambiguous(exc: BaseException) -> bool:
    """A create failed in a way that may or may not have made the object."""
    if isinstance(exc, RetryBudgetExceededError):
        exc = exc.last
    return isinstance(exc, (OutcomeUnknownError, ServerError))


class PartialCreateError(Exception):
    """The object was created, but a step after that failed; ``object_id`` names it."""

    def __init__(self, object_id: str, cause: BaseException) -> None:
        super().__init__(f"created {object_id}, then: {cause}")
        self.object_id = object_id
        self.cause = cause


def _since(started: float) -> datetime:
    # Clocks differ; anything made shortly before the intent still counts.
    return datetime.fromtimestamp(started, UTC) - timedelta(minutes=5)


def create(
    kind: Kind,
    inputs: Mapping[str, Any],
    *,
    journal: Journal | None = None,
    owner: str | None = None,
    attempts: int = 4,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[str, dict[str, Any]]:
    """Create, or take over what ``adopt`` names, or recover an earlier create that was cut short.

    A create whose answer was lost, or that failed with a 5xx, is never sent again blindly:
    the object is first looked up by its natural key.
    """
    made: list[str] = []

    def record(object_id: str, memo: Mapping[str, Any] | None = None) -> None:
        made.append(object_id)
        if journal is not None and owner:
            journal.created(owner, kind.spec.kind, object_id, memo)

    def take_over(
        object_id: str, lost: bool = False, memo: Mapping[str, Any] | None = None
    ) -> tuple[str, dict[str, Any]]:
        if memo is None:
            record(object_id)
        try:
            if lost:
                return kind.recovered(object_id, inputs, record, memo)
            return object_id, kind.adopted(object_id, inputs)
        except Exception as exc:
            raise PartialCreateError(made[-1], exc) from exc

    adopt = inputs.get("adopt")
    if adopt:
        if isinstance(adopt, str) and adopt.lower() != "true":
            if kind.observe(adopt, inputs) is None:
                raise AdoptionError(f"cannot adopt {kind.spec.kind} {adopt!r}: it does not exist")
            return take_over(adopt)
        found = _one(kind, inputs, kind.find(inputs))
        if found:
            return take_over(found)

    started = time.time()
    if journal is not None and owner:
        prior = journal.get(owner)
        if prior is not None and prior.object_id and kind.observe(prior.object_id, inputs) is not None:
            return take_over(prior.object_id, lost=True, memo=prior.memo)
        if prior is not None and not prior.object_id:
            found = _one(kind, inputs, kind.find(inputs, since=_since(prior.started)))
            if found:
                return take_over(found, lost=True)
        started = journal.begin(owner, kind.spec.kind).started

    for attempt in range(1, attempts + 1):
        try:
            return kind.create(inputs, record)
        except Exception as exc:
            if made:
                raise PartialCreateError(made[-1], exc) from exc
            if not _ambiguous(exc) or attempt == attempts:
                raise
            found = _one(kind, inputs, kind.find(inputs, since=_since(started)))
            if found:
                return take_over(found, lost=True)
            sleep(min(8.0, 0.25 * 2**attempt))
    raise AssertionError("unreachable")


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
