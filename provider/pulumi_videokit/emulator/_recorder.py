"""Recordings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from ..models import RecordingCreate, RecordingUpdate
from ..models.vod import OutputCreate
from ._http import (
    ApiError,
    Context,
    check_id,
    page,
    pick,
    query_list,
    read_json,
    service_response,
    validate,
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
        check_id(rec_id)
        rec = data["recordings"].get(rec_id)
        if rec is None:
            raise ApiError(404, f"recording {rec_id} not found")
        return rec

    @r.post("/cvr/v1/recordings", summary="Create Recording")
    async def create(request: Request) -> Any:
        spec = validate(RecordingCreate, await read_json(request)).wire()
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
        patch = validate(RecordingUpdate, await read_json(request)).wire()
        with store.write() as data:
            rec = rec_or_404(data, id)
            if "source" in patch and rec["status"] != "Pending":
                raise ApiError(409, "source can only change while the recording is Pending")
            for key in ("catchup", "archive"):
                if key in patch:
                    rec[key] = {**rec.get(key, {}), **patch.pop(key)}
            rec.update(patch)
            rec["lastModificationDate"] = iso()
            return pick(rec, LIST_FIELDS)

    @r.delete("/cvr/v1/recordings/{id}", summary="Delete Recording")
    async def delete(id: str) -> Any:
        with store.write() as data:
            rec_or_404(data, id)
            del data["recordings"][id]
            data["assets"].pop(id, None)
        return None

    @r.post("/cvr/v1/recordings/deletemany", summary="Delete Multiple Recordings")
    async def delete_many(request: Request) -> Any:
        ids = await read_json(request)
        if not isinstance(ids, list):
            raise ApiError(400, "body must be an array of recording ids")
        out = {}
        with store.write() as data:
            for rec_id in ids:
                found = data["recordings"].pop(rec_id, None) is not None
                data["assets"].pop(rec_id, None)
                out[rec_id] = service_response(
                    200 if found else 404,
                    "Recording deleted successfully" if found else "Recording not found",
                )
        return out

    @r.post("/cvr/v1/recordings/{id}/outputs", summary="Add Output to Recording")
    async def add_output(id: str, request: Request) -> Any:
        spec = validate(OutputCreate, await read_json(request)).wire()
        output_id = spec.get("id") or new_id()
        with store.write() as data:
            rec = rec_or_404(data, id)
            if any(o.get("id") == output_id for o in rec["outputs"]):
                raise ApiError(409, f"output {output_id} exists")
            rec["outputs"].append({**spec, "id": output_id, "status": "Pending", "endpoints": []})
        return {
            "items": [{"id": output_id}],
            "pageCount": 1,
            "pageSize": 1,
            "totalCount": 1,
            "pageNumber": 1,
            "hasMore": False,
        }

    @r.delete("/cvr/v1/recordings/{recordingId}/outputs/{id}", summary="Remove Output from Recording")
    async def remove_output(recordingId: str, id: str) -> Any:
        with store.write() as data:
            rec = rec_or_404(data, recordingId)
            kept = [o for o in rec["outputs"] if o.get("id") != id]
            if len(kept) == len(rec["outputs"]):
                raise ApiError(404, f"output {id} not found")
            rec["outputs"] = kept
        return None

    return r
