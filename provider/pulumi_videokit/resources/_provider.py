"""One generic dynamic provider, bound to a kind; configured from stack config or the environment."""

from __future__ import annotations

import functools
import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar, cast

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

from ..client import ClientConfig, VideoKitClient, VideoKitError
from ..reconcile import apply
from ..reconcile.diff import UNKNOWN, plan
from ..reconcile.errors import ConfigurationError, InterruptRefused, UserError
from ..reconcile.journal import Journal
from ..reconcile.kinds import Kind, Settings
from . import _grpc
from ._validate import problems

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
}


def read_config(lookup: Mapping[str, Any]) -> dict[str, str]:
    """Pulumi config first, then the environment."""
    values: dict[str, str] = {}
    for name, (key, env) in CONFIG_KEYS.items():
        value = lookup.get(key)
        if value in (None, ""):
            value = os.environ.get(env)
        if value not in (None, ""):
            values[name] = str(value)
    return values


OWNER = "__owner"


def strip(props: Mapping[str, Any], outputs: tuple[str, ...] = ()) -> dict[str, Any]:
    """Inputs without the serialized provider and without computed outputs (the owner stays)."""
    return {k: v for k, v in props.items() if k != "__provider" and k not in outputs}


#: What reaches the engine as one sentence; any other exception is a bug, shown with its traceback.
EXPECTED: tuple[type[BaseException], ...] = (VideoKitError, UserError)

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


class VideoKitProvider(ResourceProvider):
    """Check, diff, create, read, update and delete one kind through the client.

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
        self._config = read_config({k: req.config.get(k) for k, _ in CONFIG_KEYS.values()})
        level = self._config.get("log_level", "").upper()
        if level:
            # The host's stderr reaches the engine's log (`pulumi up -v=9 --logflow`); the
            # client redacts credentials and key material before anything is written.
            handler = logging.StreamHandler(sys.stderr)
            handler.setFormatter(logging.Formatter("videokit %(levelname)s %(message)s"))
            logger = logging.getLogger("pulumi_videokit")
            logger.handlers[:] = [handler]
            logger.setLevel(level)

    def _kind(self) -> Kind:
        cached: Kind | None = self.__dict__.get("_live_kind")
        if cached is not None:
            return cached
        cfg = self.__dict__.get("_config") or read_config({})
        missing = [CONFIG_KEYS[k][0] for k in ("api_key", "tenant_id") if k not in cfg]
        if "tenant_name" not in cfg and "endpoint" not in cfg:
            missing.append("videokit:tenantName (or videokit:endpoint)")
        if missing:
            raise ConfigurationError(
                "missing provider configuration: "
                + ", ".join(missing)
                + " (set them with `pulumi config set`, --secret for the API key, "
                "or the VIDEOKIT_* environment variables)"
            )
        client = VideoKitClient(
            ClientConfig(
                api_key=cfg["api_key"],
                tenant_id=cfg["tenant_id"],
                tenant_name=cfg.get("tenant_name", ""),
                endpoint=cfg.get("endpoint", ""),
                retry_total_seconds=float(cfg.get("retry_total_seconds", 60)),
                timeout_seconds=float(cfg.get("timeout_seconds", 30)),
            )
        )
        settings = Settings(
            wait_timeout_seconds=float(cfg.get("wait_timeout_seconds", 600)),
            poll_seconds=float(cfg.get("poll_seconds", 1)),
        )
        kind = self.kind(client, settings)
        self.__dict__["_live_kind"] = kind
        return kind

    # ---- the dynamic provider protocol ----

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        spec = self.kind.spec
        inputs = strip(news, spec.outputs)
        failures = [CheckFailure(prop, reason) for prop, reason in problems(spec, inputs)]
        return CheckResult({k: v for k, v in inputs.items() if v is not None}, failures)

    @clean_errors
    def diff(self, object_id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        spec = self.kind.spec
        old_inputs = {k: olds[k] for k in spec.input_names() if k in olds}
        new_inputs = strip(news, spec.outputs)
        decided = plan(spec, old_inputs, new_inputs)
        reasons = self.kind.interruptions(old_inputs, new_inputs, decided)
        if reasons and not new_inputs.get("allowInterrupt"):
            state = self._live_state(object_id) or olds.get("status")
            if state in spec.live_states:
                raise InterruptRefused(
                    f"{spec.kind} {olds.get('name') or object_id} is {state}: "
                    + "; ".join(reasons)
                    + ". Set allowInterrupt: true (allow_interrupt=True) to let this happen."
                )
        return DiffResult(
            changes=decided.has_changes,
            replaces=decided.replaces,
            stables=[],
            delete_before_replace=decided.delete_before_replace,
        )

    def _live_state(self, object_id: str) -> str | None:
        """The object's run state now; when the API cannot say, the one in state is used."""
        try:
            return self._kind().live_state(object_id)
        except (ConfigurationError, VideoKitError):
            return None

    def _journal(self) -> Journal:
        directory = (self.__dict__.get("_config") or {}).get("journal_dir")
        return Journal(Path(directory) if directory else None)

    @clean_errors
    def create(self, props: dict[str, Any]) -> CreateResult:
        inputs = strip(props, self.kind.spec.outputs)
        kind = self._kind()
        try:
            object_id, outputs = apply.create(kind, inputs, journal=self._journal(), owner=props.get(OWNER))
        except apply.PartialCreateError as exc:
            self._report_partial(kind, exc, props, inputs)
            raise
        return CreateResult(object_id, {**inputs, **outputs})

    def _report_partial(
        self, kind: Kind, exc: apply.PartialCreateError, props: Mapping[str, Any], inputs: dict[str, Any]
    ) -> None:
        try:
            seen = kind.observe(exc.object_id, inputs)
        except Exception:
            seen = None
        actual = dict(inputs)
        if seen is not None:
            actual.update({k: v for k, v in seen.inputs.items() if k in inputs})
        outputs = {**actual, **(seen.outputs if seen else {}), "__provider": props["__provider"]}
        for name in kind.converged_after_create:
            outputs.pop(name, None)
        reason = (
            f"{self.kind.spec.kind} {exc.object_id} was created, but then: {exc.cause}. "
            "It is kept in the stack; the next `pulumi up` finishes the job."
        )
        _grpc.report(exc.object_id, outputs, {**inputs, "__provider": props["__provider"]}, reason)

    @clean_errors
    def read(self, object_id: str, props: dict[str, Any]) -> ReadResult:
        found, outputs, inputs = apply.read(self._kind(), object_id, strip(props))
        if found is None:
            return ReadResult(None, {})
        return ReadResult(found, outputs, inputs)

    @clean_errors
    def update(self, object_id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        spec = self.kind.spec
        old_inputs = {k: olds[k] for k in spec.input_names() if k in olds}
        new_inputs = strip(news, spec.outputs)
        outputs = apply.update(self._kind(), object_id, olds, new_inputs, plan(spec, old_inputs, new_inputs))
        kept = {k: olds[k] for k in spec.secret_outputs if k in olds and k not in outputs}
        return UpdateResult({**new_inputs, **kept, **outputs})

    @clean_errors
    def delete(self, object_id: str, props: dict[str, Any]) -> None:
        apply.delete(self._kind(), object_id, strip(props), journal=self._journal(), owner=props.get(OWNER))


__all__ = ["UNKNOWN", "ConfigurationError", "InterruptRefused", "VideoKitProvider", "read_config"]
