"""Recordings: a recording moves along its window, as the reference's statuses describe.

Pending until the window starts (the only status in which its source may change, Update
Recording), Processing from the start until ``transition_seconds`` after the end (recording, then
archiving), Available after that.  Catchup addresses appear once recording starts (when catchup is
enabled); archive and output addresses once it is Available.  A recording without a window (the
source's ``liveChannelDetails`` left out) keeps the status it has.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request

from ._http import (
    ApiError,
    Collection,
    Context,
    add_output,
    delete_routes_with_asset,
    page,
    pick,
    query_bool,
    query_list,
    read_json,
    remove_output,
)
from ._store import Data, iso, new_id, now, parse_time

RECORDINGS = Collection("recordings", "recording")

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
#: How long catchup addresses live after the window ends ("typically valid for 14 days").
CATCHUP_DAYS = 14
#: The statuses a recording with a window moves through.
STAGES = ("Pending", "Processing", "Available")
#: List Recordings' documented sort properties, and what each reads.
SORTS: dict[str, Callable[[dict[str, Any]], str]] = {
    "source.livechanneldetails.start": lambda r: _window(r)[0] or "",
    "metadata.title": lambda r: r.get("title") or "",
    "createdate": lambda r: r.get("createDate") or "",
    "lastmodificationdate": lambda r: r.get("lastModificationDate") or "",
}


def _window(rec: dict[str, Any]) -> tuple[str | None, str | None]:
    details = (rec.get("source") or {}).get("liveChannelDetails") or {}
    return details.get("start"), details.get("end")


def _channel(rec: dict[str, Any]) -> str | None:
    details = (rec.get("source") or {}).get("liveChannelDetails") or {}
    channel = details.get("channelId")
    return str(channel) if channel else None


def _endpoint(ctx: Context, rec_id: str, name: str, fmt: str, ext: str) -> dict[str, Any]:
    base = f"https://{ctx.config.tenant_name}.cvr.videokit.cloud/{rec_id}"
    return {"id": f"{name}-endpoint-1", "accessType": "Http", "format": fmt, "url": f"{base}/{name}.{ext}"}


def settle(ctx: Context, data: Data, rec: dict[str, Any]) -> dict[str, Any]:
    """Bring a recording (and the streaming asset the platform made for it) to the status its
    window gives now; a recording without a window keeps its status."""
    start_s, end_s = _window(rec)
    if not start_s or not end_s or rec.get("status") not in STAGES:
        return rec
    start, end, current = parse_time(start_s), parse_time(end_s), now()
    done = end + timedelta(seconds=ctx.config.transition_seconds)
    status = "Pending" if current < start else "Processing" if current < done else "Available"
    rec_id = rec["id"]
    rec["durationMilliseconds"] = max(0, int((min(current, end) - start).total_seconds() * 1000))
    catchup = rec.setdefault("catchup", {})
    if status != "Pending" and catchup.get("enabled"):
        catchup["expirationTime"] = iso(end + timedelta(days=CATCHUP_DAYS))
        catchup["endpoints"] = [_endpoint(ctx, rec_id, "catchup", "HLS", "m3u8")]
    else:
        catchup.pop("expirationTime", None)
        catchup["endpoints"] = []
    archive = rec.setdefault("archive", {})
    if archive.get("enabled"):
        archive["status"] = status
        if status == "Available":
            archive["endpoints"] = [_endpoint(ctx, rec_id, "archive", "MP4", "mp4")]
            archive["archivisationCompletedDate"] = iso(done)
    for output in rec.get("outputs") or []:
        output["status"] = "Available" if status == "Available" else "Pending"
        output["endpoints"] = (
            [_endpoint(ctx, rec_id, f"output-{output['id']}", "MP4", "mp4")] if status == "Available" else []
        )
    if status != rec["status"]:
        rec["status"] = status
        rec["lastModificationDate"] = iso()
        asset = data["assets"].get(rec_id)
        if asset is not None:
            asset["status"] = status
            asset["lastModificationDate"] = rec["lastModificationDate"]
    return rec


def _check_window(data: Data, source: dict[str, Any]) -> None:
    details = source.get("liveChannelDetails") or {}
    channel = details.get("channelId")
    if channel and channel not in data["channels"]:
        raise ApiError(400, f"channelId {channel} names no channel")
    start, end = details.get("start"), details.get("end")
    if start and end and parse_time(start) >= parse_time(end):
        raise ApiError(400, "source.liveChannelDetails.start must be before its end")


def _flat_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """Create Recording's metadata as List Recordings answers it: the title beside each attribute."""
    out: dict[str, Any] = {"title": meta["title"]} if meta.get("title") else {}
    for item in meta.get("attributes") or []:
        out[str(item.get("key"))] = item.get("value")
    return out


def _matches(rec: dict[str, Any], request: Request) -> bool:
    """Whether a recording passes List Recordings' filters."""
    q = request.query_params
    channels = set(query_list(request, "channels"))
    if q.get("channelId"):
        channels.add(q["channelId"])
    if channels and _channel(rec) not in channels:
        return False
    statuses = set(query_list(request, "statuses"))
    if statuses and rec.get("status") not in statuses:
        return False
    start, end = _window(rec)
    if q.get("searchStart") and (not end or parse_time(end) < parse_time(q["searchStart"])):
        return False
    if q.get("searchEnd") and (not start or parse_time(start) > parse_time(q["searchEnd"])):
        return False
    for name, field in (("createDate", "createDate"), ("lastModificationDate", "lastModificationDate")):
        stamp = rec.get(field)
        if q.get(name + "Start") and (not stamp or parse_time(stamp) < parse_time(q[name + "Start"])):
            return False
        if q.get(name + "End") and (not stamp or parse_time(stamp) > parse_time(q[name + "End"])):
            return False
    text = (q.get("query") or "").lower()
    if text:
        values = [str(rec.get("title") or ""), *map(str, (rec.get("metadata") or {}).values())]
        if not any(text in v.lower() for v in values) and text != rec["id"]:
            return False
    return True


def recording(ctx: Context, data: Data, rec_id: str) -> dict[str, Any]:
    """The recording ``rec_id``, its status moved on with time; 404 when there is none."""
    return settle(ctx, data, RECORDINGS.get(data, rec_id))


def router(ctx: Context) -> APIRouter:
    r = APIRouter()
    store = ctx.store

    @r.post("/cvr/v1/recordings", summary="Create Recording")
    async def create(request: Request) -> Any:
        spec = await read_json(request)
        details = spec["source"].get("liveChannelDetails") or {}
        rec_id, stamp = new_id(), iso()
        with store.write() as data:
            _check_window(data, spec["source"])
            meta = spec.get("metadata") or {}
            rec = data["recordings"][rec_id] = {
                "id": rec_id,
                "source": spec["source"],
                "catchup": {**(spec.get("catchup") or {"enabled": False}), "endpoints": []},
                "archive": {
                    **(spec.get("archive") or {"enabled": False}),
                    "public": spec.get("public", False),
                    "status": "Pending",
                    "endpoints": [],
                },
                "outputs": [],
                "status": "Pending",
                "metadata": _flat_metadata(meta),
                "title": meta.get("title"),
                "createDate": stamp,
                "lastModificationDate": stamp,
                "durationMilliseconds": 0,
            }
            for output in spec.get("outputs") or []:
                add_output(rec, output, "Pending")
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
            settle(ctx, data, rec)
        return {"id": rec_id}

    @r.get("/cvr/v1/recordings", summary="List Recordings")
    async def list_recordings(request: Request) -> Any:
        with store.advancing() as data:
            rows = [settle(ctx, data, x) for x in data["recordings"].values()]
            rows = [x for x in rows if _matches(x, request)]
            # The documented sort properties; the notes call them examples, so another sorts by date.
            key = SORTS.get((request.query_params.get("sort") or "").lower(), SORTS["createdate"])
            rows.sort(key=lambda x: (key(x), x["id"]), reverse=bool(query_bool(request, "desc")))
            return page(request, [pick(x, LIST_FIELDS) for x in rows])

    @r.get("/cvr/v1/recordings/{id}", summary="Get Recording Details")
    async def get(id: str) -> Any:
        with store.advancing() as data:
            return pick(recording(ctx, data, id), DETAIL_FIELDS)

    @r.patch("/cvr/v1/recordings/{id}", summary="Update Recording")
    async def update(id: str, request: Request) -> Any:
        patch = await read_json(request)
        with store.write() as data:
            rec = recording(ctx, data, id)
            if "source" in patch:
                if rec["status"] != "Pending":
                    raise ApiError(
                        409, f"recording {id} is {rec['status']}: its source can change only while Pending"
                    )
                _check_window(data, patch["source"])
                rec["source"] = patch["source"]
                asset = data["assets"].get(id)
                if asset is not None:
                    asset["channelId"] = _channel(rec)
            for key in ("catchup", "archive"):
                if key in patch:
                    rec[key] = {**rec.get(key, {}), **patch[key]}
            if "title" in patch:
                rec["title"] = patch["title"] or None
                if "title" in rec.get("metadata", {}):
                    rec["metadata"]["title"] = patch["title"]
            if "metadata" in patch:
                # The example answers with exactly the key-value pairs sent.
                rec["metadata"] = dict(patch["metadata"])
            if "attributes" in patch:
                # "[key]=value" pairs: the attributes beside the title, all of them.
                kept = {"title": rec["metadata"]["title"]} if "title" in rec.get("metadata", {}) else {}
                for item in patch["attributes"]:
                    key, sep, value = str(item).partition("=")
                    if not sep or not key:
                        raise ApiError(400, f"attribute {item!r} is not in [key]=value format")
                    kept[key] = value
                rec["metadata"] = kept
            if "tags" in patch:
                rec["tags"] = list(patch["tags"])
            rec["lastModificationDate"] = iso()
            return pick(settle(ctx, data, rec), LIST_FIELDS)

    delete_routes_with_asset(r, ctx, "/cvr/v1/recordings", RECORDINGS, title="Recording")

    @r.post("/cvr/v1/recordings/{id}/outputs", summary="Add Output to Recording")
    async def add_recording_output(id: str, request: Request) -> Any:
        spec = await read_json(request)
        with store.write() as data:
            rec = recording(ctx, data, id)
            output_id = add_output(rec, spec, "Pending")
            settle(ctx, data, rec)  # an output added to a recorded window is made at once
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
            remove_output(recording(ctx, data, recordingId), id)
        return None

    return r
