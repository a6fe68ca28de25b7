"""Routes the real API does not have, under ``/_emulator``: request log, faults, state."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ._faults import FaultRule, parse_spec
from ._http import ApiError, Context, read_json
from ._live import CHANNELS, settle
from ._store import COLLECTIONS, iso

PREFIX = "/_emulator"


def router(ctx: Context) -> APIRouter:
    r = APIRouter(prefix=PREFIX, include_in_schema=False)

    @r.get("/requests")
    async def requests_log() -> Any:
        return list(ctx.requests)

    @r.delete("/requests")
    async def clear_requests() -> Any:
        ctx.requests.clear()
        return {"cleared": True}

    @r.get("/faults")
    async def faults() -> Any:
        return {
            "rules": [x.public() for x in ctx.faults.rules],
            "injected": dict(ctx.faults.injected),
        }

    @r.put("/faults")
    async def set_faults(request: Request) -> Any:
        body = await read_json(request)
        try:
            if isinstance(body, dict) and "spec" in body:
                rules = parse_spec(str(body["spec"]))
            else:
                rules = [
                    FaultRule(**item) for item in (body.get("rules", []) if isinstance(body, dict) else body)
                ]
        except (TypeError, ValueError) as exc:
            raise ApiError(400, str(exc)) from None
        ctx.faults.replace(rules)
        return {"rules": [x.public() for x in rules]}

    @r.get("/state")
    async def state() -> Any:
        return ctx.store.snapshot()

    @r.post("/seed")
    async def seed(request: Request) -> Any:
        body = await read_json(request)
        if not isinstance(body, dict) or not set(body) <= set(COLLECTIONS):
            raise ApiError(400, f"body must map collections ({', '.join(COLLECTIONS)}) to objects")
        with ctx.store.write() as data:
            for name, items in body.items():
                rows = items if isinstance(items, list) else list(items.values())
                for item in rows:
                    key = item.get({"domains": "playerDomainId", "presets": "name"}.get(name, "id"))
                    data[name][str(key)] = item
        return {"seeded": {k: len(v) for k, v in body.items()}}

    @r.put("/channels/{id}/status")
    async def force_status(id: str, request: Request) -> Any:
        body = await read_json(request)
        with ctx.store.write() as data:
            channel = settle(ctx, CHANNELS.get(data, id))
            channel["status"] = body["status"]
            channel["lastModificationDate"] = iso()
        return {"id": id, "status": body["status"]}

    return r
