"""Live channels and events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request

from ._http import (
    ApiError,
    Collection,
    Context,
    delete_routes_with_asset,
    page,
    patched,
    pick,
    query_list,
    read_json,
    service_response,
)
from ._store import iso, new_id, now, parse_time

CHANNELS = Collection("channels", "channel")
EVENTS = Collection("events", "event")

CHANNEL_FIELDS = (
    "id",
    "endpoints",
    "archiveEndpointIds",
    "transcodeEndpointId",
    "cdn",
    "inputs",
    "encoding",
    "status",
    "internalStatus",
    "metadata",
    "createDate",
    "lastModificationDate",
    "automationDisabled",
    "name",
)
EVENT_FIELDS = (
    "id",
    "channelId",
    "start",
    "end",
    "title",
    "ensureChannel",
    "metadata",
    "tags",
    "attributes",
    "createDate",
    "lastModificationDate",
    "status",
    "catchup",
)
EVENT_DETAIL_FIELDS = (
    "id",
    "channelId",
    "start",
    "end",
    "ensureChannel",
    "title",
    "catchup",
    "metadata",
    "createDate",
    "lastModificationDate",
)


def _endpoints(ctx: Context, channel_id: str, types: list[dict[str, Any]]) -> list[dict[str, Any]]:
    base = f"https://{ctx.config.tenant_name}.live.videokit.cloud/{channel_id}"
    out = []
    for index, item in enumerate(types or [{"type": "Hls"}]):
        kind = str(item.get("type", "Hls"))
        fmt = "DASH" if kind.lower().startswith("dash") else "HLS"
        ext = "mpd" if fmt == "DASH" else "m3u8"
        out.append(
            {
                "id": f"{channel_id}-{kind.lower()}-{index}",
                "accessType": "Http",
                "format": fmt,
                "url": f"{base}/{kind.lower()}/index.{ext}",
                "preset": kind,
                "protection": "Drm" if "drm" in kind.lower() else "None",
            }
        )
    return out


def _inputs(ctx: Context, channel_id: str, spec: dict[str, Any]) -> list[dict[str, Any]]:
    pipelines = 2 if spec.get("redundancy") == "DoubleInput" else 1
    kind = spec.get("input", {}).get("type", "RTMP_PUSH")
    cidr = spec.get("input", {}).get("whitelistCidr", "0.0.0.0/0")
    return [
        {
            "id": f"{channel_id}-input",
            "type": kind,
            "destinations": [
                {"url": f"rtmp://ingest-{n + 1}.{ctx.config.tenant_name}.videokit.cloud/live/{channel_id}"}
                for n in range(pipelines)
            ],
            "details": {"securityGroupIps": [cidr]},
        }
    ]


def settle(ctx: Context, channel: dict[str, Any]) -> dict[str, Any]:
    """Finish a Starting/Stopping transition whose time has come."""
    target, due = channel.get("_transitionTo"), channel.get("_transitionAt")
    if target and due and parse_time(due) <= now():
        channel["status"] = target
        channel["internalStatus"] = "RUNNING" if target == "On" else "IDLE"
        channel.pop("_transitionTo", None)
        channel.pop("_transitionAt", None)
    return channel


def public_channel(ctx: Context, channel: dict[str, Any]) -> dict[str, Any]:
    return pick(settle(ctx, channel), CHANNEL_FIELDS)


def event_status(event: dict[str, Any]) -> str:
    start, end, current = parse_time(event["start"]), parse_time(event["end"]), now()
    if current >= end:
        return "Finished"
    return "Live" if current >= start else "Scheduled"


def public_event(event: dict[str, Any], fields: tuple[str, ...] = EVENT_FIELDS) -> dict[str, Any]:
    out = dict(event)
    out["status"] = event_status(event)
    out.setdefault("catchup", {"endpoints": []})
    return pick(out, fields)


def router(ctx: Context) -> APIRouter:
    r = APIRouter()
    store = ctx.store

    @r.get("/live/v1/channels", summary="List Channels")
    async def list_channels(request: Request) -> Any:
        with store.advancing() as data:
            rows = [public_channel(ctx, c) for c in data["channels"].values()]
        query = request.query_params.get("query")
        if query:
            rows = [c for c in rows if query.lower() in (c.get("name") or "").lower() or query == c["id"]]
        return page(request, sorted(rows, key=lambda c: c.get("createDate", "")))

    @r.post("/live/v1/channels", summary="Create Channel")
    async def create_channel(request: Request) -> Any:
        spec = await read_json(request)
        channel_id = new_id()
        stamp = iso()
        with store.write() as data:
            data["channels"][channel_id] = {
                "id": channel_id,
                "name": spec["name"],
                "endpoints": _endpoints(ctx, channel_id, spec.get("endpoints") or []),
                "archiveEndpointIds": [],
                "transcodeEndpointId": None,
                "cdn": {"enabled": True},
                "inputs": _inputs(ctx, channel_id, spec),
                "encoding": {
                    "preset": "default",
                    "pipelines": 2 if spec.get("redundancy") == "DoubleInput" else 1,
                },
                "status": "Off",
                "internalStatus": "IDLE",
                "metadata": {},
                "createDate": stamp,
                "lastModificationDate": stamp,
                "automationDisabled": False,
                "_spec": spec,
            }
        return {"id": channel_id}

    @r.get("/live/v1/channels/limit", summary="Get Channel Limit")
    async def channel_limit() -> Any:
        return {"limit": 20}

    @r.get("/live/v1/channels/{id}", summary="Get Channel Details")
    async def get_channel(id: str) -> Any:
        with store.advancing() as data:
            return public_channel(ctx, CHANNELS.get(data, id))

    @r.patch("/live/v1/channels/{id}", summary="Update Channel")
    async def update_channel(id: str, request: Request) -> Any:
        patch = await read_json(request)
        with store.write() as data:
            channel = CHANNELS.get(data, id)
            spec = channel.setdefault("_spec", {})
            for key, value in patch.items():
                if key in ("name", "automationDisabled"):
                    channel[key] = value
                spec[key] = value
            if "endpoints" in patch:
                channel["endpoints"] = _endpoints(ctx, id, patch["endpoints"])
            if "input" in patch:
                channel["inputs"] = _inputs(ctx, id, spec)
            channel["lastModificationDate"] = iso()
        return {"id": id}

    @r.delete("/live/v1/channels/{id}", summary="Delete Channel")
    async def delete_channel(id: str) -> Any:
        with store.write() as data:
            channel = settle(ctx, CHANNELS.get(data, id))
            if channel["status"] not in ("Off", "Error"):
                raise ApiError(409, f"channel {id} is {channel['status']}; stop it before deleting")
            del data["channels"][id]
            for event_id in [k for k, e in data["events"].items() if e["channelId"] == id]:
                del data["events"][event_id]
        return service_response(200, "Channel deleted successfully")

    def transition(id: str, allowed: str, passing: str, target: str) -> None:
        with store.write() as data:
            channel = settle(ctx, CHANNELS.get(data, id))
            status = channel["status"]
            if status in (passing, target):
                return
            if status != allowed:
                raise ApiError(409, f"channel {id} is {status}; cannot go to {target}")
            channel["status"] = passing
            channel["internalStatus"] = passing.upper()
            channel["_transitionTo"] = target
            channel["_transitionAt"] = iso(now() + timedelta(seconds=ctx.config.transition_seconds))
            settle(ctx, channel)

    @r.post("/live/v1/channels/{id}/start", summary="Start Channel")
    async def start_channel(id: str) -> Any:
        transition(id, "Off", "Starting", "On")
        return None

    @r.post("/live/v1/channels/{id}/stop", summary="Stop Channel")
    async def stop_channel(id: str) -> Any:
        transition(id, "On", "Stopping", "Off")
        return None

    @r.get("/live/v1/channels/{id}/status", summary="Get Channel Status")
    async def channel_status(id: str) -> Any:
        with store.advancing() as data:
            return pick(public_channel(ctx, CHANNELS.get(data, id)), ("id", "status", "internalStatus"))

    @r.get("/live/v1/channels/{id}/stats", summary="Get Channel Statistics")
    async def channel_stats(id: str, request: Request) -> Any:
        with store.advancing() as data:
            CHANNELS.get(data, id)
        period = int(request.query_params.get("periodSeconds") or 60)
        if period % 60:
            raise ApiError(400, "periodSeconds must be a multiple of 60")
        end = parse_time(request.query_params.get("end") or iso())
        start = parse_time(request.query_params.get("start") or iso(end - timedelta(hours=1)))
        points: list[dict[str, Any]] = []
        t = start
        while t < end and len(points) < 500:
            points.append({"time": iso(t), "value": 0.0})
            t += timedelta(seconds=period)
        return {
            "metrics": {
                "ingestBitrate": {
                    "id": "ingestBitrate",
                    "description": "Input bitrate",
                    "unitName": "bits per second",
                    "unitSymbol": "bps",
                    "data": points,
                }
            }
        }

    @r.get("/live/v1/channelsstatus", summary="Get Channels Status")
    async def channels_status(request: Request) -> Any:
        ids = set(query_list(request, "ids", csv=True))
        with store.advancing() as data:
            return [
                pick(public_channel(ctx, c), ("id", "status", "internalStatus"))
                for c in data["channels"].values()
                if not ids or c["id"] in ids
            ]

    @r.get("/live/v1/channels/{id}/configuration", summary="Get Channel Configuration")
    async def channel_configuration(id: str) -> Any:
        with store.advancing() as data:
            CHANNELS.get(data, id)
        return {
            "id": id,
            "configuration": {"awsRegion": "eu-west-1", "bucketName": f"channel-{id}"},
        }

    # ---- events ----

    @r.post("/live/v1/events", summary="Create Event")
    async def create_event(request: Request) -> Any:
        spec = await read_json(request)
        if parse_time(spec["start"]) >= parse_time(spec["end"]):
            raise ApiError(400, "start must be before end")
        event_id = "event-" + new_id()
        stamp = iso()
        with store.write() as data:
            if spec["channelId"] not in data["channels"]:
                raise ApiError(400, f"channelId {spec['channelId']} names no channel")
            data["events"][event_id] = {
                "id": event_id,
                **spec,
                "tags": spec.get("tags", []),
                "attributes": spec.get("attributes", []),
                "metadata": spec.get("metadata", {}),
                "ensureChannel": spec.get("ensureChannel", False),
                "createDate": stamp,
                "lastModificationDate": stamp,
            }
            data["assets"][event_id] = {
                "id": event_id,
                "type": "LiveEvent",
                "source": "Live",
                "status": "Processing",
                "channelId": spec["channelId"],
                "title": spec.get("title"),
                "start": spec["start"],
                "end": spec["end"],
                "createDate": stamp,
                "lastModificationDate": stamp,
                "_ownedBy": event_id,
            }
        return {"id": event_id}

    @r.get("/live/v1/events", summary="List Events")
    async def list_events(request: Request) -> Any:
        q = request.query_params
        channels = set(query_list(request, "channels"))
        if q.get("channelId"):
            channels.add(q["channelId"])
        statuses = set(query_list(request, "statuses"))
        tags = set(query_list(request, "tags"))
        with store.write() as data:
            rows = [public_event(e) for e in data["events"].values()]
        if channels:
            rows = [e for e in rows if e["channelId"] in channels]
        if statuses:
            rows = [e for e in rows if e["status"] in statuses]
        if tags:
            rows = [e for e in rows if tags & set(e.get("tags") or [])]
        if q.get("searchStart"):
            rows = [e for e in rows if parse_time(e["end"]) >= parse_time(q["searchStart"])]
        if q.get("searchEnd"):
            rows = [e for e in rows if parse_time(e["start"]) <= parse_time(q["searchEnd"])]
        if q.get("query"):
            text = q["query"].lower()
            rows = [e for e in rows if text in (e.get("title") or "").lower() or text == e["id"]]
        rows.sort(key=lambda e: parse_time(e["start"]), reverse=q.get("desc") == "true")
        return page(request, rows)

    @r.get("/live/v1/events/{id}", summary="Get Event Details")
    async def get_event(id: str) -> Any:
        with store.advancing() as data:
            return public_event(EVENTS.get(data, id), EVENT_DETAIL_FIELDS)

    @r.patch("/live/v1/events/{id}", summary="Update Event")
    async def update_event(id: str, request: Request) -> Any:
        patch = await read_json(request)
        with store.write() as data:
            event = EVENTS.get(data, id)
            merged = {**event, **patch}
            if parse_time(merged["start"]) >= parse_time(merged["end"]):
                raise ApiError(400, "start must be before end")
            return public_event(patched(event, patch))

    delete_routes_with_asset(r, ctx, "/live/v1/events", EVENTS, title="Event")

    return r
