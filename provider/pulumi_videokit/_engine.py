"""Warnings to the engine that started this plugin, shown by the CLI on their resource.

The engine starts a resource plugin with its own address as the last argument; both doors (the
native plugin and the dynamic provider's host) log to it through the engine's ``Log`` call.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Sequence
from functools import cache

import grpc
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

log = logging.getLogger("pulumi_videokit")

_ADDRESS = re.compile(r"^[A-Za-z0-9.\-\[\]:]+:\d{1,5}$")


def engine_address(argv: Sequence[str]) -> str | None:
    """The engine's address among a plugin's arguments: the last one that is ``host:port``."""
    found = [a for a in argv[1:] if not a.startswith("-") and _ADDRESS.match(a)]
    return found[-1] if found and not found[-1].endswith(":0") else None


@cache
def _stub(address: str) -> engine_pb2_grpc.EngineStub:
    return engine_pb2_grpc.EngineStub(grpc.insecure_channel(address))


def warn(urn: str, message: str, address: str | None = None) -> None:
    """A warning on the resource ``urn``; in the provider's log instead when no engine can be
    reached (a plugin started by hand)."""
    address = address or engine_address(sys.argv)
    if address is not None:
        try:
            _stub(address).Log(engine_pb2.LogRequest(severity=engine_pb2.WARNING, message=message, urn=urn))
            return
        except grpc.RpcError as exc:
            log.debug("the engine at %s took no warning: %s", address, exc.code())
    log.warning("%s: %s", urn, message)
