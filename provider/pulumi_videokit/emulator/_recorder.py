"""Recordings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ._http import (
    ApiError,
    Context,
    add_output,
    delete_routes_with_asset,
    get_or_404,
    page,
    patched,
    pick,
    query_list,
    read_json,
    remove_output,
)
from ._store import Data, iso, new_id

LIST_FIELDS = (
    "id",
    "title",
    "status",
    "createDate",
    "lastModificationDate",
    "durationMilliseconds",
    "metadata",
)
DETAIL_FIELDS = (
    "id",
    "source",
    "catchup",
    "archive",
    "outputs",
    "expirationDate",
    "status",
    "metadata",
    "errorMessage",
    "createDate",
    "lastModificationDate",
    "durationMilliseconds",
    "title",
)


def router(ctx: Context) -> APIRouter:
    r = APIRouter()
    store = ctx.store

    def rec_or_404(data: Data, rec_id: str) -> dict[str, Any]:
        return get_or_404(data, "recordings", rec_id, "recording")

    @r.post("/cvr/v1/recordings", summary="Create Recording")
    async def create(request: Request) -> Any:
        spec = await read_json(request)
        details = spec["source"].get("liveChannelDetails") or {}
        rec_id, stamp = new_id(), iso()
        with store.write() as data:
            if details.get("channelId") and details["channelId"] not in data["channels"]:
                raise ApiError(400, f"channelId {details['channelId']} names no channel")
            meta = spec.get("metadata") or {}
            data["recordings"][rec_id] = {
                "id": rec_id,
                "source": spec["source"],
                "catchup": {**(spec.get("catchup") or {"enabled": False}), "endpoints": []},
                "archive": {
                    **(spec.get("archive") or {"enabled": False}),
                    "public": spec.get("public", False),
                    "status": "Pending",
                    "endpoints": [],
                },
                "outputs": [{**o, "status": "Pending", "endpoints": []} for o in spec.get("outputs", [])],
                "status": "Pending",
                "metadata": {"title": meta.get("title")} if meta.get("title") else {},
                "title": meta.get("title"),
                "createDate": stamp,
                "lastModificationDate": stamp,
                "durationMilliseconds": 0,
            }
            data["assets"][rec_id] = {
                "id": rec_id,
                "type": "Recording",
                "source": "Recorder",
                "status": "Pending",
                "channelId": details.get("channelId"),
                "title": meta.get("title"),
                "createDate": stamp,
                "lastModificationDate": stamp,
            }
        return {"id": rec_id}

    @r.get("/cvr/v1/recordings", summary="List Recordings")
    async def list_recordings(request: Request) -> Any:
        channels = set(query_list(request, "channels"))
        if request.query_params.get("channelId"):
            channels.add(request.query_params["channelId"])
        rows = list(store.snapshot()["recordings"].values())
        if channels:
            rows = [
                x for x in rows if (x["source"].get("liveChannelDetails") or {}).get("channelId") in channels
            ]
        return page(request, [pick(x, LIST_FIELDS) for x in rows])

    @r.get("/cvr/v1/recordings/{id}", summary="Get Recording Details")
    async def get(id: str) -> Any:
        return pick(rec_or_404(store.snapshot(), id), DETAIL_FIELDS)

    @r.patch("/cvr/v1/recordings/{id}", summary="Update Recording")
    async def update(id: str, request: Request) -> Any:
        patch = await read_json(request)
        with store.write() as data:
            rec = rec_or_404(data, id)
            if "source" in patch and rec["status"] != "Pending":
                raise ApiError(409, "source can only change while the recording is Pending")
            for key in ("catchup", "archive"):
                if key in patch:
                    rec[key] = {**rec.get(key, {}), **patch.pop(key)}
            return pick(patched(rec, patch), LIST_FIELDS)

    delete_routes_with_asset(r, ctx, "/cvr/v1/recordings", "recordings", "recording", title="Recording")

    @r.post("/cvr/v1/recordings/{id}/outputs", summary="Add Output to Recording")
    async def add_recording_output(id: str, request: Request) -> Any:
        spec = await read_json(request)
        with store.write() as data:
            output_id = add_output(rec_or_404(data, id), spec, "Pending")
        return {
            "items": [{"id": output_id}],
            "pageCount": 1,
            "pageSize": 1,
            "totalCount": 1,
            "pageNumber": 1,
            "hasMore": False,
        }

    @r.delete("/cvr/v1/recordings/{recordingId}/outputs/{id}", summary="Remove Output from Recording")
    async def remove_recording_output(recordingId: str, id: str) -> Any:
        with store.write() as data:
            remove_output(rec_or_404(data, recordingId), id)
        return None

    return r
