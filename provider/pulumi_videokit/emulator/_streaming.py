"""Streaming assets, settings, chapters, images, tags, allowed domains, player settings, QR codes."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import APIRouter, Request, Response

from ._http import (
    ApiError,
    Collection,
    Context,
    body_field,
    check_id,
    delete_many,
    documented,
    page,
    patched,
    pick,
    query_list,
    read_json,
)
from ._store import Data, iso, new_id

ASSETS = Collection("assets", "asset")

SETTING_NAMES = ("tokenRequired", "devToolsAccess", "cap", "analytics", "codeObfuscation")

TENANT_SETTINGS = {
    "tokenRequired": "Enabled",
    "devToolsAccess": "Disabled",
    "cap": "Enabled",
    "analytics": "Enabled",
    "codeObfuscation": "Enabled",
}
ASSET_FIELDS = documented("GET /streaming/v1/assets/{assetId}")
ASSET_LIST_FIELDS = documented("GET /streaming/v1/assets", items=True)
ASSET_PATCH_FIELDS = documented("PATCH /streaming/v1/assets/{assetId}")


def _tag(name: str) -> dict[str, str]:
    return {"id": hashlib.md5(name.encode()).hexdigest()[:8] + "-0000-0000-0000-000000000000", "name": name}


def _chapter(chapter: dict[str, Any], *, listed: bool) -> dict[str, Any]:
    """A stored chapter as answered: List Assets spells its bounds start/end, the other answers
    startSecond/endSecond with the read-only durationSeconds."""
    start, end = chapter.get("startSecond"), chapter.get("endSecond")
    if listed:
        return {"id": chapter["id"], "title": chapter.get("title"), "start": start, "end": end}
    duration = end - start if isinstance(end, int) and isinstance(start, int) else None
    return {
        "id": chapter["id"],
        "title": chapter.get("title"),
        "startSecond": start,
        "endSecond": end,
        "durationSeconds": duration,
    }


def public_asset(asset: dict[str, Any], fields: tuple[str, ...] = ASSET_FIELDS) -> dict[str, Any]:
    """An asset as Get Asset Details answers it; List Assets (``ASSET_LIST_FIELDS``) and Update Asset
    (``ASSET_PATCH_FIELDS``) answer tags as plain strings, as their examples show."""
    out = dict(asset)
    own = asset.get("_settings") or {}
    out["settings"] = {
        name: {"asset": own.get(name, "Inherit"), "tenant": TENANT_SETTINGS[name]} for name in SETTING_NAMES
    }
    names = list(asset.get("tags") or [])
    out["tags"] = names if fields is not ASSET_FIELDS else [_tag(t) for t in names]
    out.setdefault("images", {})
    out["chapters"] = [_chapter(c, listed=fields is ASSET_LIST_FIELDS) for c in asset.get("chapters") or []]
    out.setdefault("attributes", [])
    out.setdefault("metadata", {"Title": asset.get("title")} if asset.get("title") else {})
    out.setdefault("tokenRequiredPolicy", {"asset": "inherit", "tenant": "true"})
    out.setdefault("isDrm", False)
    out.setdefault("isWatermarkProtected", False)
    return pick(out, fields)


def router(ctx: Context) -> APIRouter:
    r = APIRouter()
    store = ctx.store

    @r.get("/streaming/v1/assets", summary="List Assets")
    async def list_assets(request: Request) -> Any:
        q = request.query_params
        types = set(query_list(request, "types")) | ({q["type"]} if q.get("type") else set())
        channels = set(query_list(request, "channels")) | ({q["channelId"]} if q.get("channelId") else set())
        rows = [public_asset(a, ASSET_LIST_FIELDS) for a in store.snapshot()["assets"].values()]
        if types:
            rows = [a for a in rows if a.get("type") in types]
        if channels:
            rows = [a for a in rows if a.get("channelId") in channels]
        return page(request, sorted(rows, key=lambda a: a.get("createDate") or ""))

    @r.get("/streaming/v1/assets/{assetId}", summary="Get Asset Details")
    async def get_asset(assetId: str) -> Any:
        return public_asset(ASSETS.get(store.snapshot(), assetId))

    @r.patch("/streaming/v1/assets/{assetId}", summary="Update Asset")
    async def update_asset(assetId: str, request: Request) -> Any:
        patch = await read_json(request)
        with store.write() as data:
            asset = ASSETS.get(data, assetId)
            if "tokenRequiredPolicy" in patch:
                asset["tokenRequiredPolicy"] = {
                    "asset": patch.pop("tokenRequiredPolicy").lower(),
                    "tenant": "true",
                }
            if "chapters" in patch:
                # The list given is the asset's chapters from now on, each with an id of its own.
                patch["chapters"] = [{"id": new_id(), **c} for c in patch["chapters"]]
            if "tags" in patch:
                patch["tags"] = list(dict.fromkeys(patch["tags"]))
            return public_asset(patched(asset, patch), ASSET_PATCH_FIELDS)

    @r.patch("/streaming/v1/assets/{assetId}/settings", summary="Update Asset Settings")
    async def update_settings(assetId: str, request: Request) -> Any:
        patch = await read_json(request)
        with store.write() as data:
            asset = ASSETS.get(data, assetId)
            own = asset.setdefault("_settings", {})
            for name, value in patch.items():
                if value == "Inherit":
                    own.pop(name, None)
                else:
                    own[name] = value
            asset["lastModificationDate"] = iso()
            return public_asset(asset)

    @r.post("/streaming/v1/assets/{assetId}/chapters", summary="Create Asset Chapters")
    async def create_chapters(assetId: str, request: Request) -> Any:
        chapters = await body_field(request, "chapters", [])
        with store.write() as data:
            asset = ASSETS.get(data, assetId)
            for chapter in chapters:
                asset.setdefault("chapters", []).append({"id": new_id(), **chapter})
            asset["lastModificationDate"] = iso()
        return None

    @r.delete("/streaming/v1/assets/{assetId}/chapters/{chapterId}", summary="Delete Asset Chapter")
    async def delete_chapter(assetId: str, chapterId: str) -> Any:
        with store.write() as data:
            asset = ASSETS.get(data, assetId)
            before = len(asset.get("chapters", []))
            asset["chapters"] = [c for c in asset.get("chapters", []) if c.get("id") != chapterId]
            if len(asset["chapters"]) == before:
                raise ApiError(404, f"chapter {chapterId} not found")
            asset["lastModificationDate"] = iso()
        return None

    @r.post("/streaming/v1/assets/{assetId}/images", summary="Create Asset Images")
    async def create_images(assetId: str, request: Request) -> Any:
        images = await body_field(request, "images")
        if not isinstance(images, dict):
            raise ApiError(400, "images must be an object keyed by image name")
        with store.write() as data:
            asset = ASSETS.get(data, assetId)
            for key, image in images.items():
                if not isinstance(image, dict):
                    raise ApiError(400, f"images.{key} must be an object")
                asset.setdefault("images", {})[key] = {
                    "Id": image.get("Id", image.get("id")),
                    "Name": image.get("Name", image.get("name")),
                    "Url": image.get("Url", image.get("url")),
                }
        return None

    @r.delete("/streaming/v1/assets/{assetId}/images/{imageKey}", summary="Delete Asset Image")
    async def delete_image(assetId: str, imageKey: str) -> Any:
        with store.write() as data:
            asset = ASSETS.get(data, assetId)
            if asset.get("images", {}).pop(imageKey, None) is None:
                raise ApiError(404, f"image {imageKey} not found")
        return None

    @r.post("/streaming/v1/assets/{assetId}/tags", summary="Add Asset Tags")
    async def add_tags(assetId: str, request: Request) -> Any:
        tags = await body_field(request, "tags")
        if not isinstance(tags, list) or not tags:
            raise ApiError(400, "tags is required: a list of {name}")
        names = [t.get("name") if isinstance(t, dict) else t for t in tags]
        if not all(isinstance(n, str) and n for n in names):
            raise ApiError(400, "every tag needs a name")
        with store.write() as data:
            asset = ASSETS.get(data, assetId)
            current = asset.setdefault("tags", [])
            current.extend(n for n in names if n not in current)
        return None

    @r.delete("/streaming/v1/assets/{assetId}/tags/{tag}", summary="Delete Asset Tag")
    async def delete_tag(assetId: str, tag: str) -> Any:
        with store.write() as data:
            asset = ASSETS.get(data, assetId)
            if tag not in asset.get("tags", []):
                raise ApiError(404, f"tag {tag} not found")
            asset["tags"].remove(tag)
        return None

    # ---- uploaded images ----

    @r.post("/streaming/v1/assets/{assetId}/images/uploaded/start", summary="Start Image Upload")
    async def start_image_upload(assetId: str, request: Request) -> Any:
        body = await read_json(request)
        if not isinstance(body, dict) or not body.get("name") or not isinstance(body.get("fileSize"), int):
            raise ApiError(400, "name and fileSize are required")
        with store.write() as data:
            ASSETS.get(data, assetId)
        from ._vod import begin_upload

        return begin_upload(ctx, body["name"], body["fileSize"], kind="image", asset_id=assetId)

    @r.post("/streaming/v1/assets/{assetId}/images/uploaded/complete", summary="Finish Image Upload")
    async def complete_image_upload(assetId: str, request: Request) -> Any:
        from ._vod import finish_upload

        body = await read_json(request)
        record = finish_upload(ctx, body, kind="image")
        return {"fileId": record["id"], "fileKey": record["fileKey"], "url": record["url"]}

    @r.get(
        "/streaming/v1/assets/{assetId}/images/uploaded/{fileId}/part/{partNumber}",
        summary="Get Next Part Upload URL",
    )
    async def image_part(assetId: str, fileId: str, partNumber: int) -> Any:
        from ._vod import part_url

        return {"url": part_url(ctx, fileId, partNumber)}

    @r.get("/streaming/v1/assets/{assetId}/images/uploaded", summary="List Images")
    async def list_images(assetId: str, request: Request) -> Any:
        data = store.snapshot()
        ASSETS.get(data, assetId)
        rows = [_public_image(i) for i in data["images"].values() if i.get("assetId") == assetId]
        return page(request, rows)

    @r.get("/streaming/v1/assets/{assetId}/images/uploaded/{fileId}", summary="Get Image Details")
    async def get_image(assetId: str, fileId: str) -> Any:
        image = store.snapshot()["images"].get(fileId)
        if image is None or image.get("assetId") != assetId:
            raise ApiError(404, f"image {fileId} not found")
        return _public_image(image)

    @r.delete("/streaming/v1/assets/{assetId}/images/uploaded/{fileId}", summary="Delete Uploaded Image")
    async def delete_uploaded(assetId: str, fileId: str) -> Any:
        with store.write() as data:
            image = data["images"].get(fileId)
            if image is None or image.get("assetId") != assetId:
                raise ApiError(404, f"image {fileId} not found")
            del data["images"][fileId]
        return {"deletedFileKey": image["fileKey"]}

    @r.post(
        "/streaming/v1/assets/{assetId}/images/uploaded/deletemany",
        summary="Delete Multiple Images",
    )
    async def delete_uploaded_many(assetId: str, request: Request) -> Any:
        def remove(data: Data, file_id: str) -> bool:
            if (data["images"].get(file_id) or {}).get("assetId") != assetId:
                return False
            del data["images"][file_id]
            return True

        return await delete_many(ctx, request, remove, "file")

    @r.get("/streaming/v1/assets/{assetId}/images/frames", summary="Get Image Frames")
    async def frames(assetId: str) -> Any:
        ASSETS.get(store.snapshot(), assetId)
        return {
            "items": [
                {
                    "s3Uri": f"s3://frames/{assetId}/{n}.jpg",
                    "url": f"{ctx.config.public_url}/_files/frames/{assetId}/{n}.jpg",
                }
                for n in range(3)
            ]
        }

    # ---- allowed domains ----

    @r.get("/streaming/v1/domains", summary="List Allowed Domains")
    async def list_domains() -> Any:
        return [
            pick(d, ("playerDomainId", "analyticsDomainId", "url"))
            for d in store.snapshot()["domains"].values()
        ]

    @r.post("/streaming/v1/domains", summary="Add Allow Domain")
    async def add_domain(request: Request) -> Any:
        url = (await read_json(request))["url"]
        with store.write() as data:
            wanted = url.lower().rstrip("/")
            if any(d["url"].lower().rstrip("/") == wanted for d in data["domains"].values()):
                raise ApiError(409, f"domain {url} is already allowed")
            domain = {"playerDomainId": new_id(), "analyticsDomainId": new_id(), "url": url}
            data["domains"][domain["playerDomainId"]] = domain
        return domain

    @r.delete("/streaming/v1/domains", summary="Delete Allow Domain")
    async def delete_domain(request: Request) -> Any:
        player = request.query_params.get("playerDomainId")
        analytics = request.query_params.get("analyticsDomainId")
        if not player and not analytics:
            raise ApiError(400, "playerDomainId or analyticsDomainId is required")
        with store.write() as data:
            for key, domain in list(data["domains"].items()):
                if (player and domain["playerDomainId"] == player) or (
                    analytics and domain["analyticsDomainId"] == analytics
                ):
                    del data["domains"][key]
                    return None
        raise ApiError(404, "domain not found")

    @r.get("/streaming/v1/settings", summary="Get Settings")
    async def player_settings() -> Any:
        data = store.snapshot()
        return {
            "tenantId": ctx.config.tenant_id,
            "tenantName": ctx.config.tenant_name,
            "playerEncryptedData": "emulated",
            "contentAcquisitionInfo": {
                "acquireContentUrl": f"{ctx.config.public_url}/player/v1/acquirecontent",
                "sourceConfigUrl": f"{ctx.config.public_url}/v1/sourceconfig",
                "authorization": {
                    "tokenRequiredPolicy": True,
                    "signingKey": ctx.config.signing_key,
                    "signingAlgorithm": "HS256",
                },
            },
            "capInfo": {
                "enabled": True,
                "capUrl": f"{ctx.config.public_url}/heartbeat",
                "signingKey": ctx.config.signing_key,
            },
            "allowedDomains": [
                pick(d, ("playerDomainId", "analyticsDomainId", "url")) for d in data["domains"].values()
            ],
            "playerConfigInfo": {
                "devToolsAccess": False,
                "analytics": True,
                "codeObfuscation": True,
            },
        }

    @r.get("/streaming/v1/qrcode/{id}", summary="Generate QR Code")
    async def qrcode(id: str) -> Response:
        check_id(id)
        ASSETS.get(store.snapshot(), id)
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="29" height="29">'
            f'<title>{id}</title><rect width="29" height="29" fill="#fff"/></svg>'
        )
        return Response(content=svg, media_type="image/svg+xml")

    return r


def _public_image(image: dict[str, Any]) -> dict[str, Any]:
    return pick(
        image,
        (
            "id",
            "fileKey",
            "status",
            "fileSize",
            "s3Uri",
            "url",
            "bucket",
            "orginalFileName",
            "name",
            "createDate",
            "lastModificationDate",
        ),
    )
