"""The operations both doors serve, on plain dicts: check, diff, create, read, update, delete.

A door (the dynamic providers, the native plugin) turns the engine's calls into these and the
answers back; no decision lives in a door.  Nothing here knows of Pulumi.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import math
import os
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from ..client import (
    DEFAULT_MAX_REQUESTS_PER_SECOND,
    ClientConfig,
    NotFoundError,
    VideoKitClient,
    VideoKitError,
    default_rate,
    header_problem,
    tenant_name_problem,
    url_problem,
)
from ..protocol import IMPORTED, PROVIDER, UNKNOWN, detailed_diff, is_unknown
from ..specs import words
from . import apply
from .diff import Plan, plan
from .errors import AdoptionError, ConfigurationError, HalfCreated, InterruptRefused, UserError
from .journal import Journal, scoped
from .kinds import Kind, Settings, kind_of_section
from .validate import problems

CONFIG_KEYS = {
    "tenant_name": ("videokit:tenantName", "VIDEOKIT_TENANT_NAME"),
    "tenant_id": ("videokit:tenantId", "VIDEOKIT_TENANT_ID"),
    "api_key": ("videokit:apiKey", "VIDEOKIT_API_KEY"),
    "endpoint": ("videokit:endpoint", "VIDEOKIT_ENDPOINT"),
    "retry_total_seconds": ("videokit:retryTotalSeconds", "VIDEOKIT_RETRY_TOTAL_SECONDS"),
    "timeout_seconds": ("videokit:timeoutSeconds", "VIDEOKIT_TIMEOUT_SECONDS"),
    "wait_timeout_seconds": ("videokit:waitTimeoutSeconds", "VIDEOKIT_WAIT_TIMEOUT_SECONDS"),
    "poll_seconds": ("videokit:pollSeconds", "VIDEOKIT_POLL_SECONDS"),
    "journal_dir": ("videokit:journalDir", "VIDEOKIT_JOURNAL_DIR"),
    "log_level": ("videokit:logLevel", "VIDEOKIT_LOG_LEVEL"),
    "max_requests_per_second": ("videokit:maxRequestsPerSecond", "VIDEOKIT_MAX_REQUESTS_PER_SECOND"),
}

#: The numeric settings: the default, whether a value is allowed, and the allowed range in words.
NUMBERS: dict[str, tuple[float, Callable[[float], bool], str]] = {
    "retry_total_seconds": (
        60,
        lambda x: 0 <= x <= 86400,
        "a number of seconds from 0 (no retries) to 86400",
    ),
    "timeout_seconds": (30, lambda x: 0 < x <= 3600, "a number of seconds more than 0 and at most 3600"),
    "wait_timeout_seconds": (
        600,
        lambda x: 0 < x <= 86400,
        "a number of seconds more than 0 and at most 86400",
    ),
    "poll_seconds": (1, lambda x: 0 < x <= 3600, "a number of seconds more than 0 and at most 3600"),
    "max_requests_per_second": (
        DEFAULT_MAX_REQUESTS_PER_SECOND,
        lambda x: x == 0 or 1 <= x <= 100000,
        "0 (no limit) or a number from 1 to 100000",
    ),
}

#: Ids this process's diffs decided to replace, by kind: an object whose reference still names
#: one in the same run was left behind by ``--target``.
_REPLACED: dict[str, set[str]] = {}
_REPLACED_LOCK = threading.Lock()

#: What this process's creates made or took over, by kind and id: the resource (scoped owner)
#: and its inputs.  A delete of the same id by another resource of the stack comes from an entry
#: renamed without ``aliases`` (the engine creates the new name first): the object is the new
#: entry's now.
_MADE: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {}
_MADE_LOCK = threading.Lock()


def new_run() -> None:
    """Forget what earlier runs' creates made.  A run is a process on both doors (the engine starts
    each plugin for one operation); a caller that runs several operations in one process starts
    each with this, or an entry renamed *with* ``aliases`` in between would read as taken over."""
    with _MADE_LOCK:
        _MADE.clear()


def _stack_and_name(scoped_owner: str) -> tuple[str, str]:
    """A scoped owner's tenant, backend, stack and project, and its resource's name."""
    tenant, owner = json.loads(scoped_owner)
    backend, _, urn = str(owner).partition("|")
    stack, _, name = urn.rpartition("::")
    return f"{tenant}|{backend}|{stack.split('::')[:2]}", name


def read_config(lookup: Mapping[str, Any]) -> dict[str, str]:
    """Pulumi config first (``videokit:apiKey``), then the environment (``VIDEOKIT_API_KEY``)."""
    values: dict[str, str] = {}
    for name, (key, env) in CONFIG_KEYS.items():
        value = lookup.get(key)
        if value in (None, ""):
            value = os.environ.get(env)
        if value not in (None, ""):
            values[name] = str(value)
    return values


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def log_to_stderr(level: str) -> None:
    """Send the package's log to stderr, which the engine keeps (``-v=9 --logflow``); the client
    redacts credentials and key material before anything is written."""
    if not level:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("videokit %(levelname)s %(message)s"))
    logger = logging.getLogger("pulumi_videokit")
    logger.handlers[:] = [handler]
    if level.upper() not in LOG_LEVELS:
        logger.setLevel(logging.WARNING)
        logger.warning(
            "%s is %r, which is not a level (%s); logging warnings and errors",
            _setting("log_level"),
            level,
            ", ".join(name.lower() for name in LOG_LEVELS),
        )
        return
    logger.setLevel(level.upper())


def _setting(name: str) -> str:
    key, env = CONFIG_KEYS[name]
    return f"{key} / {env}"


def _numbers(config: Mapping[str, str]) -> tuple[dict[str, float], list[str]]:
    """Each numeric setting as a number, and a sentence for each one out of its range."""
    values: dict[str, float] = {}
    refused: list[str] = []
    for name, (default, allowed, allowed_words) in NUMBERS.items():
        raw = config.get(name)
        try:
            value = float(default if raw is None else raw)
        except ValueError:
            value = math.nan
        if not allowed(value):
            shown = str(raw) if len(str(raw)) <= 24 else str(raw)[:23] + "…"
            refused.append(f"{_setting(name)} must be {allowed_words} (it is {shown!r})")
        values[name] = value
    return values, refused


def connect(kind: type[Kind], config: Mapping[str, str], cancelled: threading.Event | None = None) -> Kind:
    """A kind bound to a client built from ``config``; a missing or unusable setting is the user's
    to fix, and is refused before any request, naming the setting and never a credential."""
    missing = [CONFIG_KEYS[k][0] for k in ("api_key", "tenant_id") if k not in config]
    if "tenant_name" not in config and "endpoint" not in config:
        missing.append("videokit:tenantName (or videokit:endpoint)")
    if missing:
        raise ConfigurationError(
            "missing provider configuration: "
            + ", ".join(missing)
            + " (set them with `pulumi config set`, --secret for the API key, "
            "or the VIDEOKIT_* environment variables)"
        )
    numbers, refused = _numbers(config)
    for name in ("api_key", "tenant_id"):
        problem = header_problem(config[name])
        if problem:
            refused.append(f"{_setting(name)} {problem}: set it again, copied exactly")
    endpoint = config.get("endpoint", "")
    problem = url_problem(endpoint) if endpoint else None
    if problem:
        refused.append(
            f"{_setting('endpoint')} {problem}: set it to the API's base URL, such as "
            "https://<tenant>.api.videokit.cloud (or http://127.0.0.1:8080 for the emulator)"
        )
    tenant_name = config.get("tenant_name", "")
    problem = tenant_name_problem(tenant_name) if tenant_name and not endpoint else None
    if problem:
        refused.append(f"{_setting('tenant_name')} {problem}")
    if refused:
        raise ConfigurationError("; ".join(refused))
    client = VideoKitClient(
        ClientConfig(
            api_key=config["api_key"],
            tenant_id=config["tenant_id"],
            tenant_name=tenant_name,
            endpoint=endpoint,
            retry_total_seconds=numbers["retry_total_seconds"],
            timeout_seconds=numbers["timeout_seconds"],
            max_requests_per_second=(
                numbers["max_requests_per_second"]
                if "max_requests_per_second" in config
                else default_rate(endpoint)
            ),
        )
    )
    settings = Settings(
        wait_timeout_seconds=numbers["wait_timeout_seconds"],
        poll_seconds=numbers["poll_seconds"],
        cancelled=cancelled or threading.Event(),
    )
    return kind(client, settings)


def strip(props: Mapping[str, Any], outputs: tuple[str, ...] = ()) -> dict[str, Any]:
    """Inputs without the serialized provider and without computed outputs (the owner stays)."""
    return {k: v for k, v in props.items() if k != PROVIDER and k not in outputs}


@dataclass(frozen=True)
class Decided:
    """A diff's answer: the plan, and each changed property's kind of change (the engine's
    ``PropertyDiff.Kind`` names)."""

    plan: Plan
    detailed: dict[str, str]


_M = TypeVar("_M", bound=Callable[..., Any])


def _operation(method: _M) -> _M:
    """One engine call is one operation: its API calls share one retry budget."""

    @functools.wraps(method)
    def within(self: Service, *args: Any, **kwargs: Any) -> Any:
        with self.kind.client.operation():
            return method(self, *args, **kwargs)

    return cast(_M, within)


class Service:
    """One kind's operations for one provider process; the API client is made on first use."""

    def __init__(self, kind: type[Kind], config: Mapping[str, str]) -> None:
        self.kind_cls = kind
        self.spec = kind.spec
        self.config = dict(config)
        self._kind: Kind | None = None
        self._cancelled = threading.Event()

    @property
    def kind(self) -> Kind:
        if self._kind is None:
            self._kind = connect(self.kind_cls, self.config, self._cancelled)
        return self._kind

    def cancel(self) -> None:
        """The engine is cancelling: waits in flight stop at their next poll."""
        self._cancelled.set()

    def journal(self) -> Journal:
        directory = self.config.get("journal_dir")
        return Journal(Path(directory) if directory else None)

    def check(
        self, news: Mapping[str, Any], olds: Mapping[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The inputs to record, and every problem by property.  No API call, except for a new
        ``adopt`` whose declaration would interrupt what it adopts (so a preview refuses it)."""
        inputs, found = self.kind_cls.completed(strip(news, self.spec.outputs))
        found += problems(self.spec, inputs, olds)
        if not found and not olds and inputs.get("adopt"):
            refused = self._adoption_refused(inputs)
            if refused:
                found.append(("adopt", refused))
        return {k: v for k, v in inputs.items() if v is not None}, found

    def _adoption_refused(self, inputs: dict[str, Any]) -> str | None:
        if any(is_unknown(v) for v in inputs.values()):
            return None
        if not self.kind_cls.interruptions({}, inputs, Plan(changed=sorted(inputs))):
            return None
        try:
            with self.kind.client.operation():
                apply.adoptable(self.kind, inputs)
        except InterruptRefused as exc:
            return str(exc)
        except (ConfigurationError, VideoKitError, AdoptionError):
            return None  # judged again, with its own error, when the create runs
        return None

    def old_inputs(self, state: Mapping[str, Any]) -> dict[str, Any]:
        return {k: state[k] for k in self.spec.input_names() if k in state}

    def settled(self, state: Mapping[str, Any], old_inputs: Mapping[str, Any]) -> dict[str, Any]:
        """The old inputs, less what a half-done create left to converge (absent from its state)."""
        left = [f for f in self.kind_cls.converged_after_create if f not in state]
        return {k: v for k, v in old_inputs.items() if k not in left}

    def unseen(self, state: Mapping[str, Any], old_inputs: Mapping[str, Any]) -> frozenset[str]:
        """Fields of an imported object that the API never returned and nobody applied yet."""
        if not state.get(IMPORTED):
            return frozenset()
        return frozenset(k for k in self.spec.never_returned if k not in old_inputs)

    def diff(
        self,
        object_id: str,
        state: Mapping[str, Any],
        news: Mapping[str, Any],
        old_inputs: Mapping[str, Any] | None = None,
    ) -> Decided:
        """What changes and whether it replaces, from the engine's state as it is (and the old
        inputs, where the engine keeps them); refuses to interrupt a live object unless allowed.

        The one API call a diff may make: the run state (read once), when the plan would interrupt
        or changes a field whose kind replaces it only in some states (``Kind.replanned``)."""
        new_inputs = strip(news, self.spec.outputs)
        old_inputs = self.settled(state, old_inputs or self.old_inputs(state))
        live = functools.cache(lambda: self._live_state(object_id) or state.get("status"))
        decided = self.kind_cls.replanned(
            plan(self.spec, old_inputs, new_inputs, self.unseen(state, old_inputs)), live
        )
        olds = {**old_inputs, "name": state.get("name") or old_inputs.get("name")}
        apply.refuse_interruption(self.kind_cls, object_id, olds, new_inputs, decided, live)
        if decided.replaces:
            with _REPLACED_LOCK:
                _REPLACED.setdefault(self.spec.kind, set()).add(object_id)
        return Decided(decided, detailed_diff(decided, old_inputs, new_inputs))

    def preview_create(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """What a create will answer, as far as a preview knows: the outputs are not known yet."""
        self.refuse_stale_references(props, preview=True)
        return {**{name: UNKNOWN for name in self.spec.outputs}, **strip(props)}

    def preview_update(self, state: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, Any]:
        """What an update will answer, as far as a preview knows: the outputs it had (one it never
        had, such as key material a tenant did not return, an update does not bring), the new inputs."""
        kept = {k: state[k] for k in self.spec.outputs if k in state}
        return {**kept, **strip(news)}

    def refuse_stale_references(self, inputs: Mapping[str, Any], *, preview: bool = False) -> None:
        """Refuse a create whose reference names an object this run replaces: ``--target``
        recreates a dependent with its old inputs, so it would name the deleted object. In a
        preview the object is still there; otherwise it must also be gone (one read, made only
        for an id a diff of this process decided to replace)."""
        for key, (target, section) in self.spec.references.items():
            value = inputs.get(target)
            named = kind_of_section(section)
            kind = named.spec.kind
            with _REPLACED_LOCK:
                stale = isinstance(value, str) and value in _REPLACED.get(kind, set())
            if stale and not preview:
                other = Service(named, self.config).kind
                with other.client.operation():
                    stale = other.observe(str(value), {}) is None
            if stale:
                raise UserError(
                    f"{target} names {kind} {value}, which this run replaces, so this {self.spec.kind} "
                    f"would be created on the deleted {key}: `--target` keeps the old inputs of what it "
                    f"does not name. Add `--target-dependents` (or run without `--target`) to move it "
                    f"to the new {key}"
                )

    def _live_state(self, object_id: str) -> str | None:
        """The run state now; when the API cannot say, the caller falls back to the one in state."""
        try:
            with self.kind.client.operation():
                return self.kind.live_state(object_id)
        except (ConfigurationError, VideoKitError):
            return None

    @_operation
    def create(
        self,
        props: Mapping[str, Any],
        owner: str | None,
        delivered: Callable[[], bool] = lambda: True,
        warn: Callable[[str], None] = lambda message: None,
    ) -> tuple[str, dict[str, Any]]:
        """Create (or adopt, or finish this resource's own interrupted create); the outputs
        include the inputs.  ``owner`` names the resource: its backend and URN; ``delivered``
        says whether the engine is still there to take the answer; ``warn`` shows the user what
        a recovered create could not get back."""
        inputs = strip(props, self.spec.outputs)
        self.refuse_stale_references(inputs)
        kind = self.kind
        try:
            object_id, outputs = apply.create(
                kind,
                inputs,
                journal=self.journal(),
                owner=self.scoped(owner) if owner else None,
                delivered=delivered,
                warn=warn,
            )
        except HalfCreated as exc:
            self._made(exc.object_id, owner, inputs)  # in state too: it holds the object
            raise self._half_created(kind, exc, inputs) from exc
        self._made(object_id, owner, inputs)
        return object_id, {**inputs, **outputs}

    def _made(self, object_id: str, owner: str | None, inputs: dict[str, Any]) -> None:
        if owner:
            held = (self.scoped(owner), inputs)
            with _MADE_LOCK:
                made = _MADE.setdefault((self.spec.kind, object_id), [])
                made[:] = [m for m in made if m[0] != held[0]] + [held]

    def scoped(self, owner: str) -> str:
        """The journal's key for ``owner`` on this provider's tenant."""
        endpoint = urlsplit(self.config.get("endpoint", ""))
        # The journal on disk names the tenant, never the credentials an endpoint URL may carry.
        where = endpoint._replace(netloc=endpoint.netloc.rpartition("@")[2]).geturl()
        where = where or self.config.get("tenant_name", "")
        tenant = f"{self.config.get('tenant_id', '')}@{where}"
        return scoped(tenant, owner)

    def _half_created(self, kind: Kind, exc: HalfCreated, inputs: dict[str, Any]) -> HalfCreated:
        try:
            seen = kind.observe(exc.object_id, inputs)
        except VideoKitError:
            seen = None
        actual = dict(inputs)
        if seen is not None:
            actual.update({k: v for k, v in seen.inputs.items() if k in inputs})
        outputs = {**actual, **(seen.outputs if seen else {})}
        # What a create converges after the object exists is left out, so the next run does it.
        recorded = {k: v for k, v in inputs.items() if k not in kind.converged_after_create}
        for name in kind.converged_after_create:
            outputs.pop(name, None)
        reason = (
            f"{self.spec.kind} {exc.object_id} was created, but then: {exc.cause}. "
            "It is kept in the stack; the next `pulumi up` finishes the job."
        )
        return HalfCreated(exc.object_id, exc.cause, outputs, recorded, reason)

    @_operation
    def read(
        self, object_id: str, state: Mapping[str, Any], *, importing: bool = False
    ) -> tuple[str | None, dict[str, Any], dict[str, Any]]:
        """Refresh (or import, where nothing was applied yet): the id (None when gone), the
        outputs and the inputs to record."""
        if importing:
            seen = self.kind.observe(object_id, {})
            if seen is None:
                return None, {}, {}
            inputs = {k: v for k, v in seen.inputs.items() if v is not None}
            return object_id, {**inputs, **seen.outputs, IMPORTED: True}, inputs
        return apply.read(self.kind, object_id, strip(state))

    @_operation
    def update(
        self,
        object_id: str,
        state: Mapping[str, Any],
        news: Mapping[str, Any],
        old_inputs: Mapping[str, Any] | None = None,
        owner: str | None = None,
    ) -> dict[str, Any]:
        """Change the object in place. An object renamed into another's natural key is claimed
        for ``owner``, so no interrupted create of that key elsewhere takes it for its own."""
        old_inputs = self.settled(state, old_inputs or self.old_inputs(state))
        new_inputs = strip(news, self.spec.outputs)
        decided = plan(self.spec, old_inputs, new_inputs, self.unseen(state, old_inputs))
        if set(decided.changed) & set(self.spec.natural_key):
            # Claimed before the rename is sent: one that fails half way may still have landed.
            self.kind.noted(new_inputs, object_id)
            if owner:
                apply.claim(self.kind, self.journal(), self.scoped(owner), object_id)
        outputs = apply.update(self.kind, object_id, state, new_inputs, decided)
        kept = {k: state[k] for k in self.spec.secret_outputs if k in state and k not in outputs}
        return {**new_inputs, **kept, **outputs}

    @_operation
    def delete(
        self,
        object_id: str,
        state: Mapping[str, Any],
        owner: str | None,
        warn: Callable[[str], None] = lambda message: None,
    ) -> None:
        """Delete (or give back) the object; when another resource of this stack made it its own
        in this run, only what that one does not declare is given back, and ``warn`` says so."""
        scoped_owner = self.scoped(owner) if owner else None
        successors = self._successors(object_id, scoped_owner)
        if not successors:
            apply.delete(self.kind, object_id, strip(state), journal=self.journal(), owner=scoped_owner)
            return
        declared: dict[str, Any] = {}
        for _, inputs in successors:
            declared.update({k: v for k, v in inputs.items() if v is not None})
        with contextlib.suppress(NotFoundError):  # gone meanwhile: nothing left to give back
            self.kind.released(object_id, strip(state), declared)
        names = words([f"`{name}`" for name, _ in successors])
        gives_back = type(self.kind).released is not Kind.released
        warn(
            f"{self.spec.kind} {object_id} was taken over by {names} in this run (an entry renamed "
            "without `aliases`?), so this delete "
            + (
                f"leaves what {names} declare{'s' if len(successors) == 1 else ''} as set. What was "
                "found before is what this resource had set: listing the old name in `aliases` keeps "
                "one resource and what the first apply found."
                if gives_back
                else f"sends nothing: the object is {names}'s now."
            )
        )

    def _successors(self, object_id: str, scoped_owner: str | None) -> list[tuple[str, dict[str, Any]]]:
        """The names and inputs of the other resources of this stack whose creates in this run
        made ``object_id`` their own; forgets this resource's own record."""
        if scoped_owner is None:
            return []
        with _MADE_LOCK:
            made = _MADE.get((self.spec.kind, object_id), [])
            others = [m for m in made if m[0] != scoped_owner]
            if len(others) != len(made):
                _MADE[(self.spec.kind, object_id)] = others
        mine, _ = _stack_and_name(scoped_owner)
        named = [(_stack_and_name(owner), inputs) for owner, inputs in others]
        return [(name, inputs) for (stack, name), inputs in named if stack == mine]


__all__ = [
    "CONFIG_KEYS",
    "Decided",
    "Service",
    "connect",
    "log_to_stderr",
    "new_run",
    "read_config",
    "strip",
]
