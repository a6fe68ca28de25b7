"""Door 1: one generic dynamic provider, bound to a kind, over the core's operations."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)

from ..protocol import EXPECTED, OWNER, PROVIDER, owner
from ..reconcile.errors import ConfigurationError, HalfCreated, InterruptRefused
from ..reconcile.kinds import Kind
from . import _grpc

if TYPE_CHECKING:
    from ..reconcile.service import Service

F = TypeVar("F", bound=Callable[..., Any])


def clean_errors(method: F) -> F:
    """Let an expected failure reach the engine as one sentence rather than a traceback."""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return method(*args, **kwargs)
        except EXPECTED as exc:
            _grpc.fail(str(exc))
            raise

    return cast(F, wrapper)


def _owner(props: dict[str, Any]) -> str | None:
    """Who the call's resource is, for the journal: its backend and URN, as the native plugin
    has it (a state written before the URN was read carries it as ``__owner``)."""
    urn = _grpc.urn()
    return owner(urn) if urn else props.get(OWNER)


class VideoKitProvider(ResourceProvider):
    """Check, diff, create, read, update and delete one kind through the core.

    Instances hold nothing until ``configure``: the pickled form in state is a
    reference to this class, never a credential.
    """

    kind: ClassVar[type[Kind]]
    serialize_as_secret_always = False

    def __getstate__(self) -> dict[str, Any]:
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def configure(self, req: ConfigureRequest) -> None:
        # The service (and the HTTP client) is imported here, in the provider's host: a program
        # only names this class.
        from ..reconcile.service import CONFIG_KEYS, log_to_stderr, read_config

        self._config = read_config({k: req.config.get(k) for k, _ in CONFIG_KEYS.values()})
        log_to_stderr(self._config.get("log_level", ""))

    def _service(self) -> Service:
        from ..reconcile.service import Service, read_config

        cached: Service | None = self.__dict__.get("_live_service")
        if cached is None:
            cached = Service(self.kind, self.__dict__.get("_config") or read_config({}))
            self.__dict__["_live_service"] = cached
        return cached

    # ---- the dynamic provider protocol ----

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs, found = self._service().check(news, _olds)
        return CheckResult(inputs, [CheckFailure(prop, reason) for prop, reason in found])

    @clean_errors
    def diff(self, object_id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        decided = self._service().diff(object_id, olds, news).plan
        return DiffResult(
            changes=decided.has_changes,
            replaces=decided.replaces,
            stables=[],
            delete_before_replace=decided.delete_before_replace,
        )

    @clean_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        try:
            object_id, outputs = self._service().create(props, _owner(props), _grpc.delivered, _grpc.warn)
        except HalfCreated as half:
            _grpc.report(half, {PROVIDER: props[PROVIDER]})
            raise
        return CreateResult(object_id, outputs)

    @clean_errors
    def read(self, object_id: str, props: dict[str, Any]) -> ReadResult:
        found, outputs, inputs = self._service().read(object_id, props)
        if found is None:
            return ReadResult(None, {})
        return ReadResult(found, outputs, inputs)

    @clean_errors
    def update(self, object_id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._service().update(object_id, olds, news, owner=_owner(news)))

    @clean_errors
    def delete(self, object_id: str, props: dict[str, Any]) -> None:
        self._service().delete(object_id, props, _owner(props), _grpc.warn)


__all__ = ["ConfigurationError", "InterruptRefused", "VideoKitProvider"]
