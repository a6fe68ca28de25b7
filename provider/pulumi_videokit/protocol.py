"""What both doors and the CI reports say to (or read from) the engine, in one place.

The engine's sentinels, the provider's own bookkeeping properties, the owner a create is
journaled under, which failures reach the engine as one sentence, a create that half succeeded
as ``ErrorResourceInitFailed``, the rich-status abort, and a plan as a detailed diff.  The gRPC
and protobuf modules are imported on first use, so the reports and the core stay cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from .client._errors import VideoKitError
from .reconcile.errors import UserError

if TYPE_CHECKING:
    import grpc

    from .reconcile.diff import Plan

#: The engine's placeholder for a value known only after apply.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: The key and value that mark a secret in the engine's property values and JSON.
SIG = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"

#: The dynamic door's serialized provider, kept beside every resource's inputs.
PROVIDER = "__provider"
#: Who a create belongs to (its backend and URN), recorded by the dynamic door's programs.
OWNER = "__owner"
#: Marks the state of an object imported by id: its never-returned fields were never known.
IMPORTED = "__imported"
#: Bookkeeping properties that are never the user's.
BOOKKEEPING = frozenset({PROVIDER, OWNER, IMPORTED})

#: What reaches the engine as one sentence; any other exception is a bug, shown with its traceback.
EXPECTED: tuple[type[BaseException], ...] = (VideoKitError, UserError)


def is_unknown(value: Any) -> bool:
    """Pulumi's placeholder for a value not known until apply (the sentinel, or the SDK's
    ``Unknown``/``Output`` objects in a program)."""
    return (isinstance(value, str) and value == UNKNOWN) or type(value).__name__ in ("Unknown", "Output")


def owner(urn: str) -> str:
    """Who a create belongs to, for the journal: the backend and the resource's URN."""
    from .reconcile.journal import backend_url, resource_owner

    return resource_owner(backend_url(), urn)


class _Status(NamedTuple):
    code: grpc.StatusCode
    details: str
    trailing_metadata: tuple[tuple[str, bytes], ...]


def abort(context: Any, message: str, detail: Any = None) -> None:
    """End the call with ``message`` as it is (and ``detail``, a protobuf message, packed beside
    it), as a rich gRPC status the engine shows without decoration.  Raises, as gRPC does."""
    import grpc
    from google.protobuf import any_pb2

    # The SDK's own copy of google.rpc.Status: loading googleapis' copy beside it (as the SDK's
    # provider server does) is a duplicate symbol in protobuf's pool.
    from pulumi.runtime.proto import status_pb2

    status = status_pb2.Status(code=grpc.StatusCode.UNKNOWN.value[0], message=message)
    if detail is not None:
        packed = any_pb2.Any()
        packed.Pack(detail)
        status.details.append(packed)
    metadata = (("grpc-status-details-bin", status.SerializeToString()),)
    context.abort_with_status(_Status(grpc.StatusCode.UNKNOWN, message, metadata))


def init_failed(object_id: str, properties: Any, inputs: Any, reason: str) -> Any:
    """The engine's answer to a create that made ``object_id`` and then failed: the object and
    its properties stay in state (both ``Struct``\\s, encoded by the door)."""
    from pulumi.runtime.proto import provider_pb2

    return provider_pb2.ErrorResourceInitFailed(
        id=object_id, properties=properties, inputs=inputs, reasons=[reason]
    )


def detailed_diff(decided: Plan, old_inputs: Mapping[str, Any], news: Mapping[str, Any]) -> dict[str, str]:
    """Each changed property's kind of change, by the engine's ``PropertyDiff.Kind`` names."""
    out: dict[str, str] = {}
    for name in decided.changed:
        if name not in old_inputs:
            change = "ADD"
        elif news.get(name) is None:
            change = "DELETE"
        else:
            change = "UPDATE"
        out[name] = f"{change}_REPLACE" if name in decided.replaces else change
    return out


__all__ = [
    "BOOKKEEPING",
    "EXPECTED",
    "IMPORTED",
    "OWNER",
    "PROVIDER",
    "SECRET_SIG",
    "SIG",
    "UNKNOWN",
    "abort",
    "detailed_diff",
    "init_failed",
    "is_unknown",
    "owner",
]
