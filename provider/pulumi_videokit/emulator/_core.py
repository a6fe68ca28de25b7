"""API keys and tenant status."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ._http import ApiError, Context, page, pick, read_json
from ._store import Data, iso, new_id, new_key_material

KEY_FIELDS = ("id", "name", "roleName", "roleId", "createdAt")


def router(ctx: Context) -> APIRouter:
    r = APIRouter()
    store = ctx.store

    def key_or_404(data: Data, key_id: str) -> dict[str, Any]:
        key = data["apiKeys"].get(key_id)
        if key is None:
            raise ApiError(404, f"API key {key_id} not found")
        return key

    def role_name(data: Data, role_id: str) -> str:
        role = data["roles"].get(role_id)
        if role is None:
            raise ApiError(
                400, f"roleId {role_id!r} names no role (known: {', '.join(sorted(data['roles']))})"
            )
        return str(role["name"])

    @r.get("/core/v1/settings/tenant/{id}/status", summary="Get Tenant Status")
    async def tenant_status(id: str) -> Any:
        if id != ctx.config.tenant_id:
            raise ApiError(404, f"tenant {id} not found")
        return {"status": "Active", "message": "Tenant is active and running."}

    @r.get("/core/v1/api-key", summary="Get API Keys")
    async def list_keys(request: Request) -> Any:
        rows = [pick(k, KEY_FIELDS) for k in store.snapshot()["apiKeys"].values()]
        query = request.query_params.get("Query")
        if query:
            rows = [k for k in rows if query.lower() in k["name"].lower()]
        rows.sort(
            key=lambda k: str(k.get(request.query_params.get("Sort") or "createdAt") or ""),
            reverse=request.query_params.get("Desc") == "true",
        )
        return page(request, rows, names=("Page", "Limit"))

    @r.get("/core/v1/api-key/{id}", summary="Get Single API Key")
    async def get_key(id: str) -> Any:
        return pick(key_or_404(store.snapshot(), id), ("id", "name", "roleId"))

    @r.post("/core/v1/api-key", summary="Create API Key")
    async def create_key(request: Request) -> Any:
        spec = await read_json(request)
        key_id = new_id()
        material, digest = new_key_material()
        with store.write() as data:
            data["apiKeys"][key_id] = {
                "id": key_id,
                "name": spec["name"],
                "roleId": spec["roleId"],
                "roleName": role_name(data, spec["roleId"]),
                "createdAt": iso(),
                "keyHash": digest,
            }
        answer = {"id": key_id, "name": spec["name"], "roleId": spec["roleId"]}
        if ctx.config.return_key_material:
            # Not in the reference: shown once, on create, only when the emulator is asked to.
            answer["key"] = material
        return answer

    @r.put("/core/v1/api-key/{id}", summary="Update API Key")
    async def update_key(id: str, request: Request) -> Any:
        spec = await read_json(request)
        with store.write() as data:
            key = key_or_404(data, id)
            key.update(name=spec["name"], roleId=spec["roleId"], roleName=role_name(data, spec["roleId"]))
        return {"id": id, "name": spec["name"], "roleId": spec["roleId"]}

    @r.delete("/core/v1/api-key/{id}", summary="Delete API Key")
    async def delete_key(id: str) -> Any:
        with store.write() as data:
            key_or_404(data, id)
            del data["apiKeys"][id]
        return None

    return r
