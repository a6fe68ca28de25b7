"""Door 2: the ``videokit`` resource plugin, serving the provider protocol over the core.

Each call decodes the engine's properties, asks the kind's :class:`~..reconcile.service.Service`
and encodes the answer; secrets stay secrets both ways.  A user's mistake or an API refusal is
answered with its message alone (a rich gRPC status, which the engine shows as it is); a create
that half succeeded is answered with ``ErrorResourceInitFailed``, so the object stays in state;
anything else is a bug, logged with its traceback.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent import futures
from typing import Any, TypeAlias, TypeVar, cast

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import plugin_pb2, provider_pb2_grpc
from pulumi.runtime.proto import provider_pb2 as pb

from .. import lookups
from .._engine import warn
from .._version import __version__
from ..protocol import EXPECTED, abort, init_failed, is_unknown, owner
from ..reconcile.errors import HalfCreated, UserError
from ..reconcile.kinds import SECRET_FIELDS, kind_named
from ..reconcile.service import Service, log_to_stderr, new_run, read_config
from ._props import decode, encode
from .schema import PACKAGE, SECRET_CONFIG, TOKEN, render


def _encode(values: Mapping[str, Any], secret: Iterable[str] = ()) -> struct_pb2.Struct:
    """Properties for the engine: key material wrapped as a secret wherever it appears."""
    return encode(values, secret, SECRET_FIELDS)


#: Threads serving calls at once: more than the engine's default parallelism asks for.
WORKERS = 64
F = TypeVar("F", bound=Callable[..., Any])
Ctx: TypeAlias = Any  # grpc.ServicerContext; grpc ships no types


def answered(method: F) -> F:
    """Answer an expected failure with its message alone; a bug is left to show as one."""

    @functools.wraps(method)
    def wrapper(self: Servicer, request: Any, context: Ctx) -> Any:
        try:
            return method(self, request, context)
        except HalfCreated as half:
            properties, inputs = _encode(half.outputs, self._secret_outputs(request)), _encode(half.inputs)
            abort(context, half.reason, init_failed(half.object_id, properties, inputs, half.reason))
        except EXPECTED as exc:
            abort(context, str(exc))
        # Anything else is a bug: gRPC logs its traceback and answers "Exception calling application".
        raise AssertionError("unreachable: abort raises")

    return cast(F, wrapper)


def _kind_of(urn: str) -> str:
    token = urn.split("::")[2] if urn.count("::") >= 3 else ""
    if not token.startswith(TOKEN):
        raise UserError(f"{token or urn} is not a type of the {PACKAGE} package")
    return token.removeprefix(TOKEN)


class Servicer(provider_pb2_grpc.ResourceProviderServicer):
    """The provider protocol; one instance serves every kind for one engine."""

    def __init__(self, engine: str | None = None) -> None:
        #: The engine's address, for warnings on a resource.
        self.engine = engine
        self._config: dict[str, str] = read_config({})
        self._services: dict[str, Service] = {}
        self._lookups: lookups.Session | None = None
        self._lock = threading.Lock()

    def _service(self, urn: str) -> Service:
        kind = _kind_of(urn)
        with self._lock:
            if kind not in self._services:
                try:
                    self._services[kind] = Service(kind_named(kind), self._config)
                except KeyError:
                    raise UserError(f"{TOKEN}{kind} is not a resource of the {PACKAGE} package") from None
            return self._services[kind]

    def _secret_outputs(self, request: Any) -> set[str]:
        urn = getattr(request, "urn", "")
        return set(self._service(urn).spec.secret_outputs) if urn else set()

    # ---- plugin ----

    def GetPluginInfo(self, request: empty_pb2.Empty, context: Ctx) -> plugin_pb2.PluginInfo:
        return plugin_pb2.PluginInfo(version=__version__)

    def GetSchema(self, request: pb.GetSchemaRequest, context: Ctx) -> pb.GetSchemaResponse:
        return pb.GetSchemaResponse(schema=render())

    def CheckConfig(self, request: pb.CheckRequest, context: Ctx) -> pb.CheckResponse:
        # The engine sends config before it knows the plugin takes secrets, so as plain values:
        # the answer marks the secret settings as secrets again, and the engine keeps them so.
        news, secret = decode(request.news)
        return pb.CheckResponse(inputs=encode(news, secret | SECRET_CONFIG))

    def DiffConfig(self, request: pb.DiffRequest, context: Ctx) -> pb.DiffResponse:
        # Credentials and endpoints may change freely: no object is replaced for them.
        return pb.DiffResponse(changes=pb.DiffResponse.DIFF_NONE)

    def Configure(self, request: pb.ConfigureRequest, context: Ctx) -> pb.ConfigureResponse:
        args, _ = decode(request.args)
        lookup = {f"{PACKAGE}:{k}": v for k, v in args.items()}
        for key, value in request.variables.items():  # older engines: "videokit:config:apiKey"
            lookup.setdefault(key.replace(":config:", ":"), value)
        self._config = read_config(lookup)
        with self._lock:
            self._services.clear()
            self._lookups = None
        new_run()  # a plugin attached to by several runs (PULUMI_DEBUG_PROVIDERS) starts each anew
        log_to_stderr(self._config.get("log_level", ""))
        return pb.ConfigureResponse(
            acceptSecrets=True, supportsPreview=True, acceptResources=True, acceptOutputs=False
        )

    def Cancel(self, request: empty_pb2.Empty, context: Ctx) -> empty_pb2.Empty:
        # Requests are bounded by the retry budget; waits for a channel's state stop now.
        with self._lock:
            for service in self._services.values():
                service.cancel()
        return empty_pb2.Empty()

    # ---- functions ----

    @answered
    def Invoke(self, request: pb.InvokeRequest, context: Ctx) -> pb.InvokeResponse:
        """A lookup (``videokit:index:getPresets``); each API call is made once per run (this process)."""
        if not request.tok.startswith(TOKEN):
            raise UserError(f"{request.tok} is not a function of the {PACKAGE} package")
        fn = lookups.function(request.tok.removeprefix(TOKEN))
        args, _ = decode(request.args)
        answer = pb.InvokeResponse()
        if any(is_unknown(v) for v in args.values()):
            return answer  # a preview's argument not known yet: so is the answer
        fn.arguments(args)  # a wrong argument is refused before the client is made
        with self._lock:
            if self._lookups is None:
                self._lookups = lookups.new_session(self._config)
            session = self._lookups
        getattr(answer, "return").CopyFrom(_encode(session.invoke(fn.name, args)))
        return answer

    # ---- resources ----

    @answered
    def Check(self, request: pb.CheckRequest, context: Ctx) -> pb.CheckResponse:
        news, secret = decode(request.news)
        olds, _ = decode(request.olds)
        inputs, found = self._service(request.urn).check(news, olds)
        return pb.CheckResponse(
            inputs=_encode(inputs, secret),
            failures=[pb.CheckFailure(property=p, reason=r) for p, r in found],
        )

    @answered
    def Diff(self, request: pb.DiffRequest, context: Ctx) -> pb.DiffResponse:
        state, _ = decode(request.olds)
        olds, _ = decode(request.old_inputs) if request.HasField("old_inputs") else ({}, set())
        news, _ = decode(request.news)
        decided = self._service(request.urn).diff(request.id, state, news, olds or None)
        changes = decided.plan
        return pb.DiffResponse(
            changes=pb.DiffResponse.DIFF_SOME if changes.has_changes else pb.DiffResponse.DIFF_NONE,
            replaces=changes.replaces,
            diffs=changes.changed,
            detailedDiff={
                name: pb.PropertyDiff(kind=pb.PropertyDiff.Kind.Value(kind), inputDiff=True)
                for name, kind in decided.detailed.items()
            },
            hasDetailedDiff=True,
            deleteBeforeReplace=changes.delete_before_replace,
        )

    @answered
    def Create(self, request: pb.CreateRequest, context: Ctx) -> pb.CreateResponse:
        service = self._service(request.urn)
        props, secret = decode(request.properties)
        secret |= set(service.spec.secret_outputs)
        if request.preview:
            return pb.CreateResponse(id="", properties=_encode(service.preview_create(props), secret))
        object_id, outputs = service.create(
            props,
            owner(request.urn),
            context.is_active,
            lambda message: warn(request.urn, message, self.engine),
        )
        return pb.CreateResponse(id=object_id, properties=_encode(outputs, secret))

    @answered
    def Read(self, request: pb.ReadRequest, context: Ctx) -> pb.ReadResponse:
        service = self._service(request.urn)
        state, secret = decode(request.properties)
        inputs_before, input_secret = decode(request.inputs)
        importing = not state and not inputs_before
        found, outputs, inputs = service.read(request.id, state, importing=importing)
        if found is None:
            return pb.ReadResponse(id="")
        secret |= set(service.spec.secret_outputs)
        return pb.ReadResponse(
            id=found, properties=_encode(outputs, secret), inputs=_encode(inputs, input_secret)
        )

    @answered
    def Update(self, request: pb.UpdateRequest, context: Ctx) -> pb.UpdateResponse:
        service = self._service(request.urn)
        state, secret = decode(request.olds)
        news, new_secret = decode(request.news)
        secret |= new_secret | set(service.spec.secret_outputs)
        if request.preview:
            return pb.UpdateResponse(properties=_encode(service.preview_update(state, news), secret))
        olds, _ = decode(request.old_inputs) if request.HasField("old_inputs") else ({}, set())
        outputs = service.update(request.id, state, news, olds or None, owner(request.urn))
        return pb.UpdateResponse(properties=_encode(outputs, secret))

    @answered
    def Delete(self, request: pb.DeleteRequest, context: Ctx) -> empty_pb2.Empty:
        state, _ = decode(request.properties)
        self._service(request.urn).delete(
            request.id, state, owner(request.urn), lambda message: warn(request.urn, message, self.engine)
        )
        return empty_pb2.Empty()


def serve(address: str = "127.0.0.1:0", engine: str | None = None) -> tuple[grpc.Server, int]:
    """Start serving; the port the engine should dial."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=WORKERS))
    provider_pb2_grpc.add_ResourceProviderServicer_to_server(Servicer(engine), server)
    port = server.add_insecure_port(address)
    server.start()
    return server, port


__all__ = ["Servicer", "serve", "struct_pb2"]
