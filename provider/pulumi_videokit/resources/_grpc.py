"""Answer the engine with a clean error, or with a create that half succeeded.

The Python dynamic-provider host turns every exception into an error whose text is a Python
traceback, and it has no way to send the engine's partial-failure answer (a gRPC status carrying
``ErrorResourceInitFailed`` with the new id and its properties).  This module finds the gRPC
call context of the host's handler on the call stack and aborts the call with a rich status
itself; the engine reads that status, so users see one clear sentence, and a half-created
object stays in state.  Where no such context exists (a provider called directly), the
exception is raised as it is, and for creates the journal lets the next run adopt the object.
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import Mapping
from typing import Any

import grpc
from pulumi.runtime import rpc

from .. import _engine
from ..protocol import abort, init_failed
from ..reconcile.errors import HalfCreated

#: The host's handlers (``DynamicResourceProviderServicer`` in ``pulumi/dynamic/__main__.py``).
HANDLERS = frozenset({"Check", "Diff", "Create", "Read", "Update", "Delete"})
HOST_FILE = os.path.join("pulumi", "dynamic", "__main__.py")


def _handler_local(name: str) -> Any:
    """A local of the host's own handler frame (its ``request`` or ``context``), if any."""
    frame = inspect.currentframe()
    while frame is not None:
        code = frame.f_code
        if code.co_name in HANDLERS and code.co_filename.endswith(HOST_FILE):
            return frame.f_locals.get(name)
        frame = frame.f_back
    return None


def _context() -> grpc.ServicerContext | None:
    """The call context of the host's own handler frame, and only that frame's."""
    candidate = _handler_local("context")
    return candidate if isinstance(candidate, grpc.ServicerContext) else None


def urn() -> str:
    """The URN of the current call's resource; empty where there is no call."""
    return str(getattr(_handler_local("request"), "urn", "") or "")


def warn(message: str) -> None:
    """A warning on the current call's resource, shown by the CLI (the provider's log only,
    where there is no call)."""
    _engine.warn(urn(), message)


def _struct(values: Mapping[str, Any]) -> Any:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(dict(values), {}))
    finally:
        loop.close()


def delivered() -> bool:
    """Whether the engine is still there to take the current call's answer (a plugin outlives a
    killed engine); true where there is no call (a provider called directly)."""
    context = _context()
    return context is None or bool(context.is_active())


def fail(message: str) -> None:
    """Fail the current call with ``message`` alone; returns when there is no call to fail."""
    context = _context()
    if context is not None:
        abort(context, message)


def report(half: HalfCreated, provider: Mapping[str, Any]) -> None:
    """Fail the current Create, telling the engine that the object exists with its outputs (the
    serialized ``provider`` kept beside them); where there is no call, ``half`` is raised."""
    context = _context()
    if context is None:
        raise half
    outputs, inputs = _struct({**half.outputs, **provider}), _struct({**half.inputs, **provider})
    abort(context, half.reason, init_failed(half.object_id, outputs, inputs, half.reason))
