"""The emulator's ASGI app: auth, request log, fault injection, and every documented route."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import contract
from . import _admin, _analytics, _core, _live, _recorder, _streaming, _vod
from ._faults import AFTER_COMMIT, FaultPlan
from ._http import ApiError, Context, EmulatorConfig, judge, service_response
from ._store import Store

UNGUARDED = ("/_emulator", "/_upload", "/openapi.json", "/docs", "/redoc")
MAX_LOG = 10_000


class EmulatedDrop(Exception):
    """Raised after a response has started, so the server cuts the connection."""


class Gate:
    """ASGI middleware: checks credentials, logs each request, injects faults."""

    def __init__(self, app: ASGIApp, ctx: Context) -> None:
        self.app = app
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNGUARDED):
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        chunks: list[bytes] = []
        more = True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        raw = b"".join(chunks)

        async def replay() -> Message:
            return {"type": "http.request", "body": raw, "more_body": False}

        entry: dict[str, Any] = {
            "method": method,
            "path": path,
            "query": scope.get("query_string", b"").decode(),
            "body": _redacted_body(raw, self.ctx.config.api_key),
            "status": None,
            "fault": None,
        }
        self.ctx.requests.append(entry)
        del self.ctx.requests[:-MAX_LOG]

        headers = {k.decode().lower(): v.decode() for k, v in scope.get("headers", [])}
        if (
            headers.get("x-api-key") != self.ctx.config.api_key
            or headers.get("x-tenant-id") != self.ctx.config.tenant_id
        ):
            entry["status"] = 401
            await _send_json(send, 401, service_response(401, "missing or invalid X-Api-Key / X-Tenant-Id"))
            return

        if self.ctx.config.latency_ms:
            await asyncio.sleep(self.ctx.config.latency_ms / 1000)
        fired = self.ctx.faults.pick(method, path)
        after = None
        for rule in fired:
            if rule.kind == "latency":
                await asyncio.sleep(rule.seconds)
            elif rule.kind in AFTER_COMMIT:
                after = rule
            else:
                status = int(rule.kind)
                entry.update(status=status, fault=rule.kind)
                extra = {"retry-after": f"{rule.retry_after:g}"} if rule.retry_after is not None else {}
                await _send_json(send, status, service_response(status, f"emulated {status}"), extra)
                return

        captured: list[Message] = []
        answer: list[bytes] = []
        audit = self.ctx.config.audit_responses

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
            elif audit and message["type"] == "http.response.body":
                answer.append(message.get("body", b""))
            if after is None:
                await send(message)
            else:
                captured.append(message)

        await self.app(scope, replay, capture)
        if audit:
            _audit(self.ctx, scope, entry, b"".join(answer))
        if after is None:
            return
        entry["fault"] = after.kind
        if after.kind == "timeout":
            await asyncio.sleep(after.seconds)
            for message in captured:
                await send(message)
            return
        start = next(m for m in captured if m["type"] == "http.response.start")
        headers_out = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        await send({**start, "headers": [*headers_out, (b"content-length", b"4096")]})
        await send({"type": "http.response.body", "body": b"{", "more_body": True})
        raise EmulatedDrop("connection dropped after commit")


REDACTED = "[redacted]"
SECRET_FIELDS = frozenset({"key", "apikey", "streamkey", "secret", "signingkey", "password", "token"})


def _audit(ctx: Context, scope: Scope, entry: dict[str, Any], raw: bytes) -> None:
    """Keep every field of a successful JSON answer that the reference does not document."""
    route = scope.get("route")
    if not isinstance(route, Route) or not raw or (entry["status"] or 500) >= 400:
        return
    try:
        documented = contract.endpoint(entry["method"], route.path)
        body = json.loads(raw)
    except (KeyError, ValueError):
        return
    extension = ctx.config.return_key_material and route.path == "/core/v1/api-key"
    for name in contract.response_problems(documented, body):
        if not (extension and name == "key"):  # the one extension, asked for by its flag
            ctx.undocumented.append(f"{entry['method']} {route.path}: {name}")


def _redact(value: Any, api_key: str) -> Any:
    if isinstance(value, dict):
        return {k: REDACTED if k.lower() in SECRET_FIELDS else _redact(v, api_key) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v, api_key) for v in value]
    if isinstance(value, str) and api_key:
        return value.replace(api_key, REDACTED)
    return value


def _redacted_body(raw: bytes, api_key: str) -> Any:
    if not raw:
        return None
    try:
        return _redact(json.loads(raw), api_key)
    except ValueError:
        return f"<{len(raw)} bytes>"


async def _send_json(send: Send, status: int, body: Any, extra: dict[str, str] | None = None) -> None:
    payload = json.dumps(body).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(payload)).encode()),
    ]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


def create_app(
    config: EmulatorConfig | None = None,
    *,
    store: Store | None = None,
    faults: FaultPlan | None = None,
) -> FastAPI:
    """Build the emulator app."""
    ctx = Context(config=config or EmulatorConfig(), store=store or Store(), faults=faults or FaultPlan())
    app = FastAPI(
        title="Cloud Video Kit API (emulator)",
        version="1",
        description="A local stand-in for a Cloud Video Kit tenant.",
        dependencies=[Depends(judge)],
    )
    app.state.ctx = ctx

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(service_response(exc.status, exc.message, exc.code), status_code=exc.status)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        msg = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        return JSONResponse(service_response(400, msg), status_code=400)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(service_response(exc.status_code, str(exc.detail)), status_code=exc.status_code)

    for module in (_live, _streaming, _core, _recorder, _vod, _analytics, _admin):
        app.include_router(module.router(ctx))
    app.add_middleware(Gate, ctx=ctx)
    return app
