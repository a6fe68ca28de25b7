"""Drive the native plugin, ``pulumi-resource-videokit``, as the engine does: a process, its port, gRPC."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import grpc
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2 as pb
from pulumi.runtime.proto import provider_pb2_grpc

from pulumi_videokit.native._props import SECRET, SIG, decode, encode

from .providerhost import HostError

#: The plugin as the engine starts it (`videokit plugin install` runs the same command).
PLUGIN = [sys.executable, "-m", "pulumi_videokit"]


def secret(value: Any) -> dict[str, Any]:
    return {SIG: SECRET, "value": value}


def urn(kind: str, name: str = "r") -> str:
    return f"urn:pulumi:test::videokit::videokit:index:{kind}::{name}"


#: The plugin's errors carry the same rich status as the dynamic host's.
NativeError = HostError


class NativeHost:
    """One plugin process and a stub to it."""

    def __init__(self, config: dict[str, Any]) -> None:
        self.proc = subprocess.Popen(
            [*PLUGIN, "127.0.0.1:0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        assert self.proc.stdout is not None
        port = int(self.proc.stdout.readline().decode().strip())
        self.channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        self.stub = provider_pb2_grpc.ResourceProviderStub(self.channel)
        self.configured = self.stub.Configure(pb.ConfigureRequest(args=encode(config), acceptSecrets=True))

    def __enter__(self) -> NativeHost:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> str:
        self.channel.close()
        self.proc.kill()
        _, err = self.proc.communicate(timeout=10)
        return err.decode(errors="replace")

    def call(self, method: str, request: Any) -> Any:
        try:
            return getattr(self.stub, method)(request)
        except grpc.RpcError as err:
            raise NativeError(err) from None

    def schema(self) -> str:
        return str(self.call("GetSchema", pb.GetSchemaRequest()).schema)

    def info(self) -> Any:
        return self.call("GetPluginInfo", empty_pb2.Empty())

    def check(
        self, kind: str, news: dict[str, Any], olds: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        r = self.call("Check", pb.CheckRequest(urn=urn(kind), news=encode(news), olds=encode(olds or {})))
        return decode(r.inputs)[0], [(f.property, f.reason) for f in r.failures]

    def diff(self, kind: str, object_id: str, olds: dict[str, Any], news: dict[str, Any]) -> Any:
        return self.call(
            "Diff", pb.DiffRequest(urn=urn(kind), id=object_id, olds=encode(olds), news=encode(news))
        )

    def create(self, kind: str, props: dict[str, Any], name: str = "r") -> tuple[str, Any]:
        r = self.call("Create", pb.CreateRequest(urn=urn(kind, name), properties=encode(props)))
        return r.id, r.properties

    def read(
        self,
        kind: str,
        object_id: str,
        props: dict[str, Any] | None = None,
        inputs: dict[str, Any] | None = None,
    ) -> Any:
        return self.call(
            "Read",
            pb.ReadRequest(
                urn=urn(kind), id=object_id, properties=encode(props or {}), inputs=encode(inputs or {})
            ),
        )

    def update(
        self, kind: str, object_id: str, olds: dict[str, Any], news: dict[str, Any], *, preview: bool = False
    ) -> Any:
        request = pb.UpdateRequest(
            urn=urn(kind), id=object_id, olds=encode(olds), news=encode(news), preview=preview
        )
        return self.call("Update", request).properties

    def delete(self, kind: str, object_id: str, props: dict[str, Any], name: str = "r") -> None:
        self.call("Delete", pb.DeleteRequest(urn=urn(kind, name), id=object_id, properties=encode(props)))
