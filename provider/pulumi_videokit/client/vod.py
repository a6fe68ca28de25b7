"""VOD: assets, outputs, files and multipart uploads; Transcoder presets."""

from __future__ import annotations

import builtins
import logging
import os
import threading
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx

from ..models import CreatedId, FilePreview, Preset, ServiceResponse, UploadStart, VodAsset, VodFile
from ..models.streaming import DeletedFile, PartUrl, UploadComplete
from ..models.vod import DetectedTracks, FileTypes, Languages, OutputCreated
from ._base import without_query
from ._errors import APIConnectionError, status_error
from ._resource import APIResource, Body, body, seg


class _WithoutQuery(logging.Filter):
    """httpx logs each request's URL (INFO): a pre-signed part URL's query, its signature, is masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(without_query(str(a)) if isinstance(a, httpx.URL) else a for a in record.args)
        return True


logging.getLogger("httpx").addFilter(_WithoutQuery())

_part_pools: dict[tuple[int, float], httpx.Client] = {}
_part_pools_lock = threading.Lock()


def _part_pool(timeout: float) -> httpx.Client:
    """A pool for part uploads, apart from the API's: a part URL is a pre-signed address on
    another host, and no API credential is ever sent to it."""
    key = (os.getpid(), timeout)
    with _part_pools_lock:
        client = _part_pools.get(key)
        if client is None or client.is_closed:
            client = httpx.Client(timeout=timeout, limits=httpx.Limits(max_connections=8))
            _part_pools[key] = client
        return client


def put_part(url: str, content: Iterable[bytes], size: int, *, timeout: float = 300.0) -> str:
    """PUT one part of a multipart upload, streamed from ``content`` (``size`` bytes), and
    return its ETag. Errors name the URL's host and path only: its query is a signature."""
    parts = urlsplit(url)
    shown = f"{parts.scheme}://{parts.netloc}{parts.path}"
    try:
        response = _part_pool(timeout).put(
            url,
            content=iter(content),
            headers={"Content-Length": str(size), "Content-Type": "application/octet-stream"},
        )
    except httpx.TransportError as exc:
        raise APIConnectionError(
            f"PUT {shown}: {type(exc).__name__}", method="PUT", path=parts.path
        ) from None
    if response.status_code >= 300:
        raise status_error(
            method="PUT",
            path=shown,
            status=response.status_code,
            server_message=without_query(response.text[:200]),
        )
    etag = str(response.headers.get("etag", "")).strip('"')
    if not etag:
        raise APIConnectionError(f"PUT {shown}: the answer carries no ETag", method="PUT", path=parts.path)
    return etag


class VodAssets(APIResource):
    """``/vod/v1/assets``."""

    def create(self, spec: Body) -> str:
        created: CreatedId = self._send("POST", "/vod/v1/assets", CreatedId, json=body(spec))
        return created.id

    def list(self, **filters: Any) -> Iterator[VodAsset]:
        """List VOD Assets; ``query``, ``fileId``, ``statuses``, ``ids``… as the reference spells them."""
        return self._list("/vod/v1/assets", VodAsset, filters)

    def get(self, asset_id: str) -> VodAsset:
        return self._get(f"/vod/v1/assets/{seg(asset_id)}", VodAsset)

    def update(self, asset_id: str, patch: Body) -> VodAsset | None:
        out: VodAsset | None = self._send(
            "PATCH", f"/vod/v1/assets/{seg(asset_id)}", VodAsset, json=body(patch)
        )
        return out

    def delete(self, asset_id: str) -> None:
        self._send("DELETE", f"/vod/v1/assets/{seg(asset_id)}")

    def delete_many(self, ids: builtins.list[str]) -> dict[str, ServiceResponse]:
        return self._delete_many("/vod/v1/assets/deletemany", ids)

    def add_output(self, asset_id: str, output: Body) -> OutputCreated:
        out: OutputCreated = self._send(
            "POST", f"/vod/v1/assets/{seg(asset_id)}/outputs", OutputCreated, json=body(output)
        )
        return out

    def remove_output(self, asset_id: str, output_id: str) -> None:
        self._send("DELETE", f"/vod/v1/assets/{seg(asset_id)}/outputs/{seg(output_id)}")


class Files(APIResource):
    """``/vod/v1/files``, including multipart upload."""

    def start_upload(self, spec: Body) -> UploadStart:
        out: UploadStart = self._send("POST", "/vod/v1/files/start", UploadStart, json=body(spec))
        return out

    def part_url(self, file_id: str, part_number: int) -> str:
        return self._get(f"/vod/v1/files/{seg(file_id)}/part/{part_number}", PartUrl).url

    def complete_upload(self, file_id: str, parts: builtins.list[Body]) -> UploadComplete:
        out: UploadComplete = self._send(
            "POST",
            "/vod/v1/files/complete",
            UploadComplete,
            json={"fileId": file_id, "parts": [body(p) for p in parts]},
            idempotent=True,
        )
        return out

    def cancel_upload(self, file_id: str, *, delete: bool | None = None) -> None:
        self._send(
            "POST",
            f"/vod/v1/files/{seg(file_id)}/cancel",
            json=None if delete is None else {"delete": delete},
            idempotent=True,
        )

    def get(self, file_id: str) -> VodFile:
        return self._get(f"/vod/v1/files/{seg(file_id)}", VodFile)

    def update(self, file_id: str, patch: Body) -> VodFile | None:
        out: VodFile | None = self._send("PATCH", f"/vod/v1/files/{seg(file_id)}", VodFile, json=body(patch))
        return out

    def delete(self, file_id: str) -> DeletedFile | None:
        out: DeletedFile | None = self._send("DELETE", f"/vod/v1/files/{seg(file_id)}", DeletedFile)
        return out

    def delete_many(self, ids: builtins.list[str]) -> dict[str, ServiceResponse]:
        return self._delete_many("/vod/v1/files/deletemany", ids)

    def list(self, **filters: Any) -> Iterator[VodFile]:
        return self._list("/vod/v1/files", VodFile, filters)

    def preview(self, file_id: str) -> FilePreview:
        return self._get(f"/vod/v1/files/{seg(file_id)}/preview", FilePreview)

    def detect(self, file_id: str) -> DetectedTracks:
        out: DetectedTracks = self._send(
            "POST", f"/vod/v1/files/{seg(file_id)}/detect", DetectedTracks, idempotent=True
        )
        return out


class Vod:
    """The VOD API group."""

    def __init__(self, transport: Any) -> None:
        self.assets = VodAssets(transport)
        self.files = Files(transport)
        self._t = transport

    def file_types(self) -> FileTypes:
        return FileTypes.model_validate(self._t.request("GET", "/vod/v1/filetypes"))

    def languages(self) -> Languages:
        return Languages.model_validate(self._t.request("GET", "/vod/v1/languages"))


class Transcoder(APIResource):
    """The Transcoder API group."""

    def presets(self) -> Iterator[Preset]:
        return self._list("/transcoder/v1/presets", Preset)
