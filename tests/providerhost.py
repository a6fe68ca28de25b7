"""Drive the real dynamic-provider host (``python -m pulumi.dynamic``) over gRPC, as the engine does."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import grpc
from pulumi.dynamic.dynamic import serialize_provider
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2 as pb
from pulumi.runtime.proto import provider_pb2_grpc, status_pb2

from pulumi_videokit.resources import RESOURCES

UNKNOWN = rpc.UNKNOWN
KIND_OF = {cls._provider_cls.kind.spec.kind: cls for cls in RESOURCES.values()}


def _struct(props: dict[str, Any]) -> Any:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(rpc.serialize_properties(props, {}))
    finally:
        loop.close()


def _plain(struct: Any) -> dict[str, Any]:
    return dict(rpc.deserialize_properties(struct, keep_unknowns=True))


class HostError(Exception):
    """The host answered a call with an error."""

    def __init__(self, err: grpc.RpcError) -> None:
        super().__init__(err.details())  # type: ignore[attr-defined]
        self.details: str = err.details() or ""  # type: ignore[attr-defined]
        #: The rich status the engine reads (``grpc-status-details-bin``), when one was sent.
        self.status: status_pb2.Status | None = None
        for key, value in err.trailing_metadata() or ():  # type: ignore[attr-defined]
            if key == "grpc-status-details-bin":
                self.status = status_pb2.Status.FromString(value)

    def init_failed(self) -> pb.ErrorResourceInitFailed | None:
        """The partial-failure detail of a create that half succeeded, if the status carries one."""
        for detail in self.status.details if self.status else ():
            found = pb.ErrorResourceInitFailed()
            if detail.Unpack(found):
                return found
        return None


class ProviderHost:
    """One ``python -m pulumi.dynamic`` process and a gRPC stub to it."""

    def __init__(self, config: dict[str, str], env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-u", "-m", "pulumi.dynamic"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})},
        )
        assert self.proc.stdout is not None
        port = int(self.proc.stdout.readline().decode().strip())
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.stub.Configure(pb.ConfigureRequest(args=_struct(dict(config))))
        self._providers: dict[str, str] = {}

    def __enter__(self) -> ProviderHost:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> str:
        self.channel.close()
        self.proc.kill()
        _, err = self.proc.communicate(timeout=10)
        return err.decode(errors="replace")

    def provider(self, kind: str) -> str:
        if kind not in self._providers:
            self._providers[kind] = serialize_provider(KIND_OF[kind]._provider_cls())
        return self._providers[kind]

    def _props(self, kind: str, props: dict[str, Any]) -> Any:
        return _struct({**props, "__provider": self.provider(kind)})

    def _urn(self, kind: str) -> str:
        return f"urn:pulumi:test::videokit::pulumi-python:dynamic/videokit:{kind}::r"

    def _call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request)
        except grpc.RpcError as err:
            raise HostError(err) from None

    def check(
        self, kind: str, news: dict[str, Any], olds: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        r = self._call(
            "Check",
            pb.CheckRequest(
                urn=self._urn(kind), olds=self._props(kind, olds or {}), news=self._props(kind, news)
            ),
        )
        inputs = _plain(r.inputs)
        inputs.pop("__provider", None)
        return inputs, [(f.property, f.reason) for f in r.failures]

    def diff(self, kind: str, object_id: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        return self._call(
            "Diff",
            pb.DiffRequest(
                id=object_id, urn=self._urn(kind), olds=self._props(kind, olds), news=self._props(kind, news)
            ),
        )

    def create(self, kind: str, props: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        r = self._call("Create", pb.CreateRequest(urn=self._urn(kind), properties=self._props(kind, props)))
        outs = _plain(r.properties)
        outs.pop("__provider", None)
        return r.id, outs

    def read(
        self, kind: str, object_id: str, state: dict[str, Any]
    ) -> tuple[str, dict[str, Any], dict[str, Any]]:
        r = self._call(
            "Read", pb.ReadRequest(id=object_id, urn=self._urn(kind), properties=self._props(kind, state))
        )
        outs, inputs = _plain(r.properties), _plain(r.inputs)
        outs.pop("__provider", None)
        inputs.pop("__provider", None)
        return r.id, outs, inputs

    def update(self, kind: str, object_id: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
        r = self._call(
            "Update",
            pb.UpdateRequest(
                id=object_id, urn=self._urn(kind), olds=self._props(kind, olds), news=self._props(kind, news)
            ),
        )
        outs = _plain(r.properties)
        outs.pop("__provider", None)
        return outs

    def delete(self, kind: str, object_id: str, state: dict[str, Any]) -> None:
        self._call(
            "Delete", pb.DeleteRequest(id=object_id, urn=self._urn(kind), properties=self._props(kind, state))
        )
