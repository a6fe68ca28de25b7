"""VOD assets and files, multipart uploads (with the part URLs the emulator serves), presets."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Request, Response

from ._http import (
    ApiError,
    Collection,
    Context,
    add_output,
    delete_many,
    delete_routes_with_asset,
    documented,
    get_and_update_routes,
    page,
    patched,
    pick,
    query_list,
    read_json,
    remove_output,
)
from ._store import iso, new_id, now, parse_time

FILES = Collection("files", "file")
VOD_ASSETS = Collection("vodAssets", "VOD asset")

PART_SIZE = 5 * 1024 * 1024
PRESETS = [
    {"name": "dash_hls_1080p", "description": "HD 1080p adaptive", "createsDownload": False},
    {"name": "dash_hls_720p", "description": "HD 720p adaptive", "createsDownload": False},
    {"name": "mp4", "description": "Single MP4 download", "createsDownload": True},
]
FILE_TYPES = {
    "Audio": [".mp3", ".wav"],
    "Caption": [".txt", ".srt", ".vtt"],
    "Video": [".mp4", ".mxf", ".mov", ".ts"],
}
FILE_LIST_FIELDS = documented("GET /vod/v1/files", items=True)


def _file_type(name: str) -> str:
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return next((k for k, v in FILE_TYPES.items() if ext in v), "Video")


def begin_upload(
    ctx: Context,
    name: str,
    size: int,
    *,
    kind: str,
    asset_id: str = "",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Open a multipart upload and hand out part URLs served by the emulator itself."""
    if size < 1:
        raise ApiError(400, "fileSize must be positive")
    file_id = new_id()
    parts = max(1, -(-size // PART_SIZE))
    last = size - PART_SIZE * (parts - 1)
    key = f"{ctx.config.tenant_id}/sources/{'images/uploaded' if kind == 'image' else 'files'}/{name}"
    with ctx.store.write() as data:
        data["uploads"][file_id] = {
            "id": file_id,
            "kind": kind,
            "assetId": asset_id,
            "name": name,
            "fileSize": size,
            "fileKey": key,
            "partsCount": parts,
            "etags": {},
            "extra": extra or {},
        }
    return {
        "fileId": file_id,
        "multipartUrls": [part_link(ctx, file_id, n) for n in range(1, parts + 1)],
        "fileKey": key,
        "partSize": PART_SIZE if parts > 1 else size,
        "lastPartSize": last,
        "partsCount": parts,
    }


def part_link(ctx: Context, file_id: str, number: int) -> str:
    return f"{ctx.config.public_url}/_upload/{file_id}/{number}"


def part_url(ctx: Context, file_id: str, number: int) -> str:
    upload = ctx.store.snapshot()["uploads"].get(file_id)
    if upload is None:
        raise ApiError(404, f"upload {file_id} not found")
    if not 1 <= number <= upload["partsCount"]:
        raise ApiError(400, f"partNumber must be between 1 and {upload['partsCount']}")
    return part_link(ctx, file_id, number)


def finish_upload(ctx: Context, body: Any, *, kind: str) -> dict[str, Any]:
    """Check the parts' ETags and turn the upload into a file or image."""
    if not isinstance(body, dict) or not isinstance(body.get("fileId"), str):
        raise ApiError(400, "fileId is required")
    parts = body.get("parts")
    if not isinstance(parts, list) or not parts:
        raise ApiError(400, "parts is required: a list of {partNumber, eTag}")
    stamp = iso()
    with ctx.store.write() as data:
        upload = data["uploads"].get(body["fileId"])
        if upload is None or upload["kind"] != kind:
            raise ApiError(404, f"upload {body['fileId']} not found")
        given = {}
        for part in parts:
            if not isinstance(part, dict) or "partNumber" not in part or "eTag" not in part:
                raise ApiError(400, "each part needs partNumber and eTag")
            given[int(part["partNumber"])] = str(part["eTag"]).strip('"')
        expected = {int(k): v for k, v in upload["etags"].items()}
        if set(given) != set(range(1, upload["partsCount"] + 1)):
            raise ApiError(400, f"expected parts 1..{upload['partsCount']}, got {sorted(given)}")
        for number, etag in given.items():
            if expected.get(number) != etag:
                raise ApiError(400, f"part {number}: eTag does not match the uploaded part")
        file_id = upload["id"]
        record = {
            "id": file_id,
            "tenantId": ctx.config.tenant_id,
            "fileKey": upload["fileKey"],
            "status": "Completed",
            "fileSize": upload["fileSize"],
            "name": upload["name"],
            "orginalFileName": upload["name"],
            "bucket": "emulator",
            "s3Uri": f"s3://emulator/{upload['fileKey']}",
            "location": upload["fileKey"],
            "createDate": stamp,
            "lastModificationDate": stamp,
            "url": f"{ctx.config.public_url}/_files/{upload['fileKey']}",
            **upload["extra"],
        }
        if kind == "image":
            record["assetId"] = upload["assetId"]
            data["images"][file_id] = record
        else:
            record["_parts"] = {str(k): v for k, v in sorted(upload.get("sizes", {}).items())}
            record.update(
                fileTypes=_file_type(upload["name"]),
                vodAssets=[],
                tags=[],
                attributes=[],
                tracks=[
                    {
                        "trackSelector": {"trackId": "video_1"},
                        "type": "Video",
                        "language": "en",
                        "name": "Video",
                    }
                ],
            )
            data["files"][file_id] = record
        del data["uploads"][file_id]
    return record


def settle_vod(asset: dict[str, Any]) -> dict[str, Any]:
    """Finish a VOD asset's transcoding (Processing → Available) whose time has come."""
    target, due = asset.get("_transitionTo"), asset.get("_transitionAt")
    if target and due and parse_time(due) <= now():
        asset["status"] = target
        asset.pop("_transitionTo", None)
        asset.pop("_transitionAt", None)
    return asset


def router(ctx: Context) -> APIRouter:
    r = APIRouter()
    store = ctx.store

    @r.put("/_upload/{fileId}/{partNumber}", include_in_schema=False)
    async def upload_part(fileId: str, partNumber: int, request: Request) -> Response:
        content = await request.body()
        etag = hashlib.md5(content).hexdigest()
        with store.write() as data:
            upload = data["uploads"].get(fileId)
            if upload is None:
                raise ApiError(404, f"upload {fileId} not found")
            if not 1 <= partNumber <= upload["partsCount"]:
                raise ApiError(400, "no such part")
            upload["etags"][str(partNumber)] = etag
            upload.setdefault("sizes", {})[str(partNumber)] = len(content)
        return Response(status_code=200, headers={"ETag": f'"{etag}"'})

    @r.post("/vod/v1/files/start", summary="Start File Upload")
    async def start_upload(request: Request) -> Any:
        spec = await read_json(request)
        extra = {"friendlyName": spec["friendlyName"], "metadata": spec.get("metadata", {})}
        started = begin_upload(ctx, spec["name"], spec["fileSize"], kind="file", extra=extra)
        stamp = iso()
        with store.write() as data:
            # A file exists from its start, Uploading (List Files filters by that status).
            data["files"][started["fileId"]] = {
                "id": started["fileId"],
                "tenantId": ctx.config.tenant_id,
                "fileKey": started["fileKey"],
                "status": "Uploading",
                "fileSize": spec["fileSize"],
                "name": spec["name"],
                "orginalFileName": spec["name"],
                "createDate": stamp,
                "lastModificationDate": stamp,
                "vodAssets": [],
                "tags": [],
                "attributes": [],
                **extra,
            }
        return started

    @r.get("/vod/v1/files/{id}/part/{partNumber}", summary="Get Next Part Upload URL")
    async def next_part(id: str, partNumber: int) -> Any:
        return {"url": part_url(ctx, id, partNumber)}

    @r.post("/vod/v1/files/complete", summary="Finish File Upload")
    async def complete_upload(request: Request) -> Any:
        record = finish_upload(ctx, await read_json(request), kind="file")
        return {"fileId": record["id"], "fileKey": record["fileKey"]}

    @r.post("/vod/v1/files/{id}/cancel", summary="Cancel File Upload")
    async def cancel_upload(id: str, request: Request) -> Any:
        body = await read_json(request, required=False) or {}
        with store.write() as data:
            upload = data["uploads"].pop(id, None)
            if upload is None:
                raise ApiError(404, f"upload {id} not found")
            if body.get("delete"):
                data["files"].pop(id, None)
            elif id in data["files"]:
                data["files"][id]["status"] = "Error"
        return None

    @r.post("/vod/v1/files/{id}/detect", summary="Detect File Tracks")
    async def detect(id: str) -> Any:
        record = FILES.get(store.snapshot(), id)
        return {"tracks": record.get("tracks", [])}

    @r.get("/vod/v1/files/{id}/preview", summary="Get File Preview URL")
    async def preview(id: str) -> Any:
        record = FILES.get(store.snapshot(), id)
        return {"link": record.get("url"), "expirationDate": iso()}

    @r.get("/vod/v1/files", summary="List Files")
    async def list_files(request: Request) -> Any:
        rows = [pick(f, FILE_LIST_FIELDS) for f in store.snapshot()["files"].values()]
        status = request.query_params.get("status")
        if status:
            rows = [f for f in rows if f.get("status") == status]
        return page(request, rows)

    get_and_update_routes(r, ctx, "/vod/v1/files", FILES, title="File")

    @r.delete("/vod/v1/files/{id}", summary="Delete File")
    async def delete_file(id: str) -> Any:
        with store.write() as data:
            record = FILES.delete(data, id)
        return {"deletedFileKey": record["fileKey"]}

    @r.post("/vod/v1/files/deletemany", summary="Delete Multiple Files")
    async def delete_files(request: Request) -> Any:
        return await delete_many(ctx, request, FILES.remover(), "file")

    @r.get("/vod/v1/filetypes", summary="Get File Types")
    async def file_types() -> Any:
        return {"fileTypes": FILE_TYPES}

    @r.get("/vod/v1/languages", summary="Get Languages")
    async def languages() -> Any:
        return {"languages": ["en", "pl", "de", "fr", "pt"]}

    # ---- VOD assets ----

    @r.post("/vod/v1/assets", summary="Create VOD Asset")
    async def create_vod(request: Request) -> Any:
        spec = await read_json(request)
        asset_id, stamp = new_id(), iso()
        with store.write() as data:
            for source in spec["transcodedSources"]:
                if source["fileId"] not in data["files"]:
                    raise ApiError(400, f"fileId {source['fileId']} names no file")
            known = {str(p["name"]) for p in PRESETS} | set(data["presets"])
            if spec["preset"] not in known:
                raise ApiError(
                    400, f"unknown preset {spec['preset']!r} (allowed: {', '.join(sorted(known))})"
                )
            data["vodAssets"][asset_id] = {
                "id": asset_id,
                "preset": spec["preset"],
                "title": spec.get("title"),
                "metadata": spec.get("metadata", {}),
                "tenantId": ctx.config.tenant_id,
                # Transcoding takes transition_seconds, like a channel's start or stop.
                "status": "Processing",
                "_transitionTo": "Available",
                "_transitionAt": iso(now() + timedelta(seconds=ctx.config.transition_seconds)),
                "createDate": stamp,
                "lastModificationDate": stamp,
                "fileIds": {s["fileId"]: s.get("fileTypesFlag", "Video") for s in spec["transcodedSources"]},
                # Get VOD Asset's example answers each source with its file and type only.
                "sources": [
                    {"fileId": s["fileId"], "fileTypesFlag": s.get("fileTypesFlag", "Video")}
                    for s in spec["transcodedSources"]
                ],
                "outputs": [],
                "tags": [],
                "attributes": [],
                "transcodedJobId": new_id(),
                "durationMilliseconds": 60000,
                "endpoints": [
                    {
                        "id": f"{asset_id}-hls",
                        "accessType": "Http",
                        "format": "HLS",
                        "url": f"{ctx.config.public_url}/_files/vod/{asset_id}/index.m3u8",
                    }
                ],
            }
            for source in spec["transcodedSources"]:
                data["files"][source["fileId"]].setdefault("vodAssets", []).append(asset_id)
            data["assets"][asset_id] = {
                "id": asset_id,
                "type": "Vod",
                "source": "Vod",
                "status": "Available",
                "title": spec.get("title"),
                "preset": spec["preset"],
                "createDate": stamp,
                "lastModificationDate": stamp,
                "durationMilliseconds": 60000,
            }
        return {"id": asset_id}

    @r.get("/vod/v1/assets", summary="List VOD Assets")
    async def list_vod(request: Request) -> Any:
        fields = documented("GET /vod/v1/assets", items=True)
        params = request.query_params
        with store.write() as data:
            found = [settle_vod(a) for a in data["vodAssets"].values()]
        query = (params.get("query") or "").lower()
        if query:
            found = [a for a in found if query in (a.get("title") or "").lower()]
        if params.get("fileId"):
            found = [a for a in found if params["fileId"] in (a.get("fileIds") or {})]
        statuses = set(query_list(request, "statuses"))
        if statuses:
            found = [a for a in found if a.get("status") in statuses]
        presets = set(query_list(request, "presets"))
        if presets:
            found = [a for a in found if a.get("preset") in presets]
        return page(request, [pick(a, fields) for a in found])

    vod_get_fields = documented("GET /vod/v1/assets/{id}")
    vod_patch_fields = documented("PATCH /vod/v1/assets/{id}")

    @r.get("/vod/v1/assets/{id}", summary="Get VOD Asset")
    async def get_vod(id: str) -> Any:
        with store.advancing() as data:
            return pick(settle_vod(VOD_ASSETS.get(data, id)), vod_get_fields)

    @r.patch("/vod/v1/assets/{id}", summary="Update VOD Asset")
    async def update_vod(id: str, request: Request) -> Any:
        patch = await read_json(request)
        with store.write() as data:
            found = settle_vod(VOD_ASSETS.get(data, id))
            streaming = data["assets"].get(id)
            if streaming is not None and "title" in patch:
                streaming["title"] = patch["title"]
            return pick(patched(found, patch), vod_patch_fields)

    delete_routes_with_asset(r, ctx, "/vod/v1/assets", VOD_ASSETS, title="VOD Asset", noun="asset")

    @r.post("/vod/v1/assets/{id}/outputs", summary="Add Output to VOD")
    async def add_vod_output(id: str, request: Request) -> Any:
        spec = await read_json(request)
        with store.write() as data:
            output_id = add_output(VOD_ASSETS.get(data, id), spec, "Processing")
        return {"outputId": output_id}

    @r.delete("/vod/v1/assets/{id}/outputs/{outputId}", summary="Remove Output from VOD")
    async def remove_vod_output(id: str, outputId: str) -> Any:
        with store.write() as data:
            remove_output(VOD_ASSETS.get(data, id), outputId)
        return None

    @r.get("/transcoder/v1/presets", summary="List Available Presets")
    async def presets(request: Request) -> Any:
        extra = [
            pick(p, ("name", "description", "createsDownload")) for p in store.snapshot()["presets"].values()
        ]
        return page(request, PRESETS + extra)

    return r
