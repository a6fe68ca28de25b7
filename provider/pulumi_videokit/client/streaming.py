"""Streaming: assets and their settings, chapters, images and tags; allowed domains; player settings."""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Sequence
from typing import Any

from ..models import (
    AllowedDomain,
    Asset,
    PlayerSettings,
    ServiceResponse,
    UploadComplete,
    UploadedImage,
    UploadStart,
)
from ..models.streaming import DeletedFile, PartUrl
from ._resource import APIResource, Body, body, seg


class Assets(APIResource):
    """``/streaming/v1/assets``."""

    def list(self, **filters: Any) -> Iterator[Asset]:
        return self._list("/streaming/v1/assets", Asset, filters)

    def get(self, asset_id: str) -> Asset:
        return self._get(f"/streaming/v1/assets/{seg(asset_id)}", Asset)

    def update(self, asset_id: str, patch: Body) -> Asset | None:
        out: Asset | None = self._send(
            "PATCH", f"/streaming/v1/assets/{seg(asset_id)}", Asset, json=body(patch)
        )
        return out

    def update_settings(self, asset_id: str, settings: Body) -> Asset | None:
        out: Asset | None = self._send(
            "PATCH", f"/streaming/v1/assets/{seg(asset_id)}/settings", Asset, json=body(settings)
        )
        return out

    def create_chapters(self, asset_id: str, chapters: Sequence[Body]) -> None:
        self._send(
            "POST",
            f"/streaming/v1/assets/{seg(asset_id)}/chapters",
            json={"chapters": [body(c) for c in chapters]},
        )

    def delete_chapter(self, asset_id: str, chapter_id: str) -> None:
        self._send("DELETE", f"/streaming/v1/assets/{seg(asset_id)}/chapters/{seg(chapter_id)}")

    def add_images(self, asset_id: str, images: dict[str, Body]) -> None:
        wire = {}
        for key, image in images.items():
            data = body(image) or {}
            wire[key] = {k[:1].upper() + k[1:]: v for k, v in data.items()}
        self._send("POST", f"/streaming/v1/assets/{seg(asset_id)}/images", json={"images": wire})

    def delete_image(self, asset_id: str, image_key: str) -> None:
        self._send("DELETE", f"/streaming/v1/assets/{seg(asset_id)}/images/{seg(image_key)}")

    def add_tags(self, asset_id: str, tags: builtins.list[str]) -> None:
        self._send(
            "POST",
            f"/streaming/v1/assets/{seg(asset_id)}/tags",
            json={"tags": [{"name": t} for t in tags]},
            idempotent=True,
        )

    def delete_tag(self, asset_id: str, tag: str) -> None:
        self._send("DELETE", f"/streaming/v1/assets/{seg(asset_id)}/tags/{seg(tag)}")


class UploadedImages(APIResource):
    """``/streaming/v1/assets/{assetId}/images/uploaded``: images uploaded in parts."""

    def _root(self, asset_id: str) -> str:
        return f"/streaming/v1/assets/{seg(asset_id)}/images/uploaded"

    def start(self, asset_id: str, *, name: str, file_size: int) -> UploadStart:
        out: UploadStart = self._send(
            "POST",
            self._root(asset_id) + "/start",
            UploadStart,
            json={"name": name, "fileSize": file_size},
        )
        return out

    def part_url(self, asset_id: str, file_id: str, part_number: int) -> str:
        return self._get(f"{self._root(asset_id)}/{seg(file_id)}/part/{part_number}", PartUrl).url

    def complete(self, asset_id: str, file_id: str, parts: builtins.list[Body]) -> UploadComplete:
        out: UploadComplete = self._send(
            "POST",
            self._root(asset_id) + "/complete",
            UploadComplete,
            json={"fileId": file_id, "parts": [body(p) for p in parts]},
            idempotent=True,
        )
        return out

    def list(self, asset_id: str, **filters: Any) -> Iterator[UploadedImage]:
        return self._list(self._root(asset_id), UploadedImage, filters)

    def get(self, asset_id: str, file_id: str) -> UploadedImage:
        return self._get(f"{self._root(asset_id)}/{seg(file_id)}", UploadedImage)

    def delete(self, asset_id: str, file_id: str) -> DeletedFile | None:
        out: DeletedFile | None = self._send("DELETE", f"{self._root(asset_id)}/{seg(file_id)}", DeletedFile)
        return out

    def delete_many(self, asset_id: str, ids: builtins.list[str]) -> dict[str, ServiceResponse]:
        return self._delete_many(self._root(asset_id) + "/deletemany", ids)

    def frames(self, asset_id: str) -> Any:
        return self._t.request("GET", f"/streaming/v1/assets/{seg(asset_id)}/images/frames")


class Domains(APIResource):
    """``/streaming/v1/domains``: the player's allowed domains."""

    def list(self) -> builtins.list[AllowedDomain]:
        raw = self._t.request("GET", "/streaming/v1/domains")
        items = raw.get("items", []) if isinstance(raw, dict) else raw or []
        return [AllowedDomain.model_validate(x) for x in items]

    def create(self, url: str) -> AllowedDomain:
        out: AllowedDomain = self._send("POST", "/streaming/v1/domains", AllowedDomain, json={"url": url})
        return out

    def delete(self, *, player_domain_id: str | None, analytics_domain_id: str | None) -> None:
        self._send(
            "DELETE",
            "/streaming/v1/domains",
            params={"playerDomainId": player_domain_id, "analyticsDomainId": analytics_domain_id},
        )


class Streaming:
    """The Streaming API group."""

    def __init__(self, transport: Any) -> None:
        self.assets = Assets(transport)
        self.images = UploadedImages(transport)
        self.domains = Domains(transport)
        self._t = transport

    def settings(self) -> PlayerSettings:
        return PlayerSettings.model_validate(self._t.request("GET", "/streaming/v1/settings"))
