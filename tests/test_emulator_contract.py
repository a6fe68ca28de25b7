"""The emulator against the reference: every endpoint served, every example answered."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest

from pulumi_videokit.emulator import RunningEmulator

from .conftest import API_KEY, ENDPOINTS, TENANT_ID, admin

ENTRIES: list[dict[str, Any]] = json.loads(ENDPOINTS.read_text())
HEADERS = {"X-Api-Key": API_KEY, "X-Tenant-Id": TENANT_ID}

CHANNEL = "cot-live-ch1"
ASSET = "12345678-1234-1234-1234-123456789abc"
EVENT = "event-12345678-1234-1234-1234-123456789abc"
FILE = "file_12345"
UPLOAD = "00000000-0000-0000-0000-000000000000"
STAMP = "2025-01-01T00:00:00Z"

SEED: dict[str, Any] = {
    "channels": [
        {
            "id": CHANNEL,
            "name": "seeded",
            "status": "Off",
            "internalStatus": "IDLE",
            "endpoints": [],
            "archiveEndpointIds": [],
            "transcodeEndpointId": None,
            "cdn": {"enabled": True},
            "inputs": [],
            "encoding": {"preset": "default", "pipelines": 1},
            "metadata": {},
            "createDate": STAMP,
            "lastModificationDate": STAMP,
            "automationDisabled": False,
        }
    ],
    "events": [
        {
            "id": EVENT,
            "channelId": CHANNEL,
            "start": "2030-03-05T11:00:00+00:00",
            "end": "2030-03-05T11:05:00+00:00",
            "title": "The Matrix",
            "ensureChannel": True,
            "metadata": {},
            "tags": [],
            "attributes": [],
            "createDate": STAMP,
            "lastModificationDate": STAMP,
        }
    ],
    "assets": [
        {
            "id": ASSET,
            "type": "Vod",
            "source": "Vod",
            "status": "Available",
            "title": "The Matrix",
            "createDate": STAMP,
            "lastModificationDate": STAMP,
            "tags": ["action"],
            "images": {"poster": {"Id": "p", "Name": "p.jpg", "Url": "https://e.com/p.jpg"}},
            "chapters": [{"id": "chapter1", "title": "Intro", "startSecond": 0}],
        }
    ],
    "vodAssets": [
        {
            "id": ASSET,
            "preset": "mp4",
            "title": "Sample",
            "status": "Available",
            "outputs": [{"id": "output-1", "preset": "mp4"}],
            "createDate": STAMP,
            "lastModificationDate": STAMP,
            "metadata": {},
            "tags": [],
            "attributes": [],
        }
    ],
    "recordings": [
        {
            "id": ASSET,
            "source": {"type": "LiveChannel"},
            "status": "Pending",
            "outputs": [{"id": "file1", "preset": "mp4"}],
            "catchup": {},
            "archive": {},
            "metadata": {},
            "title": "t",
            "createDate": STAMP,
            "lastModificationDate": STAMP,
            "durationMilliseconds": 0,
        }
    ],
    "files": [
        {
            "id": FILE,
            "fileKey": "path/to/file.mp4",
            "status": "Completed",
            "name": "file.mp4",
            "fileSize": 10,
            "createDate": STAMP,
            "lastModificationDate": STAMP,
            "tracks": [],
        },
        {
            "id": "example_file_id",
            "fileKey": "x.mp4",
            "status": "Completed",
            "name": "x.mp4",
            "fileSize": 10,
            "createDate": STAMP,
            "lastModificationDate": STAMP,
        },
    ],
    "uploads": [
        {
            "id": FILE,
            "kind": "file",
            "assetId": "",
            "name": "f.mp4",
            "fileSize": 10,
            "fileKey": "k",
            "partsCount": 2,
            "etags": {"1": "abc123", "2": "def456"},
            "extra": {},
        },
        {
            "id": UPLOAD,
            "kind": "image",
            "assetId": ASSET,
            "name": "file.jpg",
            "fileSize": 10,
            "fileKey": "k",
            "partsCount": 2,
            "etags": {
                "1": "kjjfds9f9sd23jkjfsduf9sji234ifds",
                "2": "ko2kjc0skngfo0a1dklkf0osojk54jfs",
            },
            "extra": {},
        },
    ],
    "images": [{"id": UPLOAD, "assetId": ASSET, "fileKey": "k", "status": "Completed", "name": "file.jpg"}],
    "presets": [{"name": "example_preset", "description": "example", "createsDownload": False}],
    "domains": [{"playerDomainId": UPLOAD, "analyticsDomainId": UPLOAD, "url": "https://seed.example.com"}],
    "apiKeys": [
        {
            "id": ASSET,
            "name": "API Key 1",
            "roleId": "role-123",
            "roleName": "Admin",
            "createdAt": STAMP,
        }
    ],
}

PATH_VALUES = {
    "/live/v1/channels/{id}": CHANNEL,
    "/live/v1/events/{id}": EVENT,
    "/streaming/v1/qrcode/{id}": ASSET,
    "/core/v1/settings/tenant/{id}": TENANT_ID,
    "/vod/v1/files/{id}": FILE,
}


def concrete(path: str) -> str:
    if path == "/cvr/v1/recordings/{recordingId}/outputs/{id}":
        return f"/cvr/v1/recordings/{ASSET}/outputs/file1"
    if path == "/streaming/v1/domains":
        return path
    for prefix, value in PATH_VALUES.items():
        if path.startswith(prefix):
            path = path.replace("{id}", value)
    return (
        path.replace("{id}", ASSET)
        .replace("{assetId}", ASSET)
        .replace("{recordingId}", ASSET)
        .replace("{chapterId}", "chapter1")
        .replace("{imageKey}", "poster")
        .replace("{tag}", "action")
        .replace("{outputId}", "output-1")
        .replace("{fileId}", UPLOAD)
        .replace("{partNumber}", "1")
    )


def documented_fields(entry: dict[str, Any]) -> set[str]:
    names = set()
    for field in entry["response_fields"]:
        head = re.split(r"[.\[]", field["name"])[0]
        if (re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", head) and head != "items") or head == "items":
            names.add(head)
    return names


def test_openapi_lists_every_documented_endpoint(emulator: RunningEmulator) -> None:
    doc = httpx.get(emulator.url + "/openapi.json").json()
    served = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    documented = {(e["method"], e["path"]) for e in ENTRIES}
    assert len(documented) == 86
    assert documented - served == set()


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: f"{e['method']} {e['path']}")
def test_example_request_is_answered_with_documented_fields(
    emulator: RunningEmulator, entry: dict[str, Any]
) -> None:
    with admin(emulator) as adm:
        assert adm.post("/seed", json=SEED).status_code == 200
    body = entry["example_request"]
    if (
        entry["path"].startswith("/cvr/v1/recordings")
        and entry["method"] == "POST"
        and isinstance(body, dict)
        and "source" in body
    ):
        body = json.loads(json.dumps(body).replace('"cot-live-ch1"', json.dumps(CHANNEL)))
    if entry["path"] == "/live/v1/events" and entry["method"] == "POST":
        body = {**body, "start": "2030-03-05T11:00:00+00:00", "end": "2030-03-05T11:05:00+00:00"}
    kwargs: dict[str, Any] = {"headers": HEADERS}
    if entry["method"] == "DELETE" and entry["path"] == "/streaming/v1/domains":
        kwargs["params"] = {"playerDomainId": UPLOAD, "analyticsDomainId": UPLOAD}
    if isinstance(body, (dict, list)):
        kwargs["json"] = body
    elif entry["method"] == "POST" and "analytics" in entry["path"]:
        kwargs["json"] = {"dimension": "PLAYED"}
    response = httpx.request(entry["method"], emulator.url + concrete(entry["path"]), **kwargs)
    assert response.status_code < 400, response.text
    if not response.content or not response.headers.get("content-type", "").startswith("application/json"):
        return
    answer = response.json()
    if isinstance(answer, list):
        answer = answer[0] if answer else {}
    if entry["path"].endswith("/deletemany"):
        assert set(answer) == set(body)
        assert all({"status", "success"} <= set(v) for v in answer.values())
        assert answer[body[0]]["success"] is True
        return
    missing = {f for f in documented_fields(entry) if f not in answer}
    assert not missing, f"{entry['method']} {entry['path']} lacks documented fields {missing}"
