"""Tolerant reading of the reference's variant shapes, and the one pagination walker."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from pulumi_videokit.client import ClientConfig, VideoKitClient
from pulumi_videokit.emulator import RunningEmulator
from pulumi_videokit.models import Asset, ChannelCreate, EventCreate, normalize_url
from pulumi_videokit.models.streaming import Chapter, Image

from .conftest import admin


@pytest.mark.parametrize("raw", [{"Id": "i", "Name": "n", "Url": "u"}, {"id": "i", "name": "n", "url": "u"}])
def test_image_both_spellings(raw: dict[str, str]) -> None:
    image = Image.model_validate(raw)
    assert (image.id, image.name, image.url) == ("i", "n", "u")


@pytest.mark.parametrize(
    "raw", [{"title": "t", "start": 5, "end": 9}, {"title": "t", "startSecond": 5, "endSecond": 9}]
)
def test_chapter_both_spellings(raw: dict[str, object]) -> None:
    chapter = Chapter.model_validate(raw)
    assert (chapter.start_second, chapter.end_second) == (5, 9)


@pytest.mark.parametrize(
    "text",
    [
        "2025-03-05T11:00:00Z",
        "2025-03-05T11:00:00+00:00",
        "2025-03-05T12:00:00.0000000+01:00",
        "2025-03-05T11:00:00",
    ],
)
def test_times_compare_by_instant(text: str) -> None:
    asset = Asset.model_validate({"id": "a", "createDate": text})
    assert asset.create_date == datetime(2025, 3, 5, 11, tzinfo=UTC)


def test_asset_tags_as_objects_or_strings() -> None:
    assert Asset.model_validate({"id": "a", "tags": [{"id": "1", "name": "x"}, "y"]}).tag_names == [
        "x",
        "y",
    ]


def test_request_models_write_the_documented_shape() -> None:
    spec = ChannelCreate.model_validate(
        {
            "name": "c",
            "input": {
                "type": "RTMP_PUSH",
                "whitelistCidr": "10.0.0.0/8",
                "inputLoss": {"type": "COLOR", "color": "000000"},
            },
            "qualities": [{"resolution": "720p", "frameRate": 30}],
        }
    )
    assert spec.wire() == {
        "name": "c",
        "input": {
            "type": "RTMP_PUSH",
            "whitelistCidr": "10.0.0.0/8",
            "inputLoss": {"type": "COLOR", "color": "000000"},
        },
        "qualities": [{"resolution": "720p", "frameRate": 30}],
    }
    event = EventCreate.model_validate(
        {"channelId": "c", "start": "2025-03-05T11:00:00Z", "end": "2025-03-05T11:05:00Z"}
    )
    assert event.wire()["start"] == "2025-03-05T11:00:00+00:00"


def test_url_normalization() -> None:
    assert normalize_url("HTTPS://WWW.Example.com/") == normalize_url("https://www.example.com")
    assert normalize_url("https://a.com/Path/") == "https://a.com/Path"


def test_pages_are_walked_with_has_more(emulator: RunningEmulator, client: VideoKitClient) -> None:
    cid = client.live.channels.create(
        {"name": "pages", "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}}
    )
    with admin(emulator) as adm:
        adm.post(
            "/seed",
            json={
                "events": [
                    {
                        "id": f"ev-page-{n:03d}",
                        "channelId": cid,
                        "start": f"2031-01-01T10:{n % 60:02d}:00Z",
                        "end": "2031-01-02T10:00:00Z",
                        "title": f"e{n}",
                        "tags": [],
                        "attributes": [],
                        "metadata": {},
                    }
                    for n in range(130)
                ]
            },
        )
    emulator.ctx.requests.clear()
    ids = [e.id for e in client.live.events.list(channelId=cid)]
    assert len(ids) == 130 == len(set(ids))
    pages = [r["query"] for r in emulator.ctx.requests if r["path"] == "/live/v1/events"]
    assert len(pages) == 2 and "page=2" in pages[1] and "limit=100" in pages[0]


@pytest.mark.parametrize("shape", ["bare", "pagecount", "hasmore"])
def test_paging_variants(shape: str) -> None:
    data = [{"id": f"c{n}"} for n in range(250)]

    def handler(request: httpx.Request) -> httpx.Response:
        page, limit = int(request.url.params["page"]), int(request.url.params["limit"])
        chunk = data[(page - 1) * limit : page * limit]
        if shape == "bare":
            return httpx.Response(200, json=data)
        if shape == "pagecount":
            return httpx.Response(200, json={"items": chunk, "pageCount": 3})
        return httpx.Response(200, json={"items": chunk, "hasMore": page * limit < len(data)})

    client = VideoKitClient(
        ClientConfig(api_key="k", tenant_id="t", endpoint="http://x"),
        http=httpx.Client(transport=httpx.MockTransport(handler)),
    )
    assert [c.id for c in client.live.channels.list()] == [d["id"] for d in data]
