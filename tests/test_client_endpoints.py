"""Every wrapped endpoint of the client, over real sockets against the emulator."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from pulumi_videokit.client import (
    BadRequestError,
    ConflictError,
    NotFoundError,
    VideoKitClient,
)
from pulumi_videokit.emulator import RunningEmulator
from pulumi_videokit.models import ChannelCreate, EventCreate, PartETag

from .conftest import TENANT_ID, make_client

CHANNEL = {
    "name": "ch",
    "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR", "color": "000000"}},
    "endpoints": [{"type": "HlsDrm"}, {"type": "DashDrm"}],
    "redundancy": "DoubleInput",
}


def wait_status(client: VideoKitClient, channel_id: str, want: str) -> None:
    deadline = time.monotonic() + 10
    while client.live.channels.status(channel_id).status != want:
        assert time.monotonic() < deadline, f"channel never reached {want}"
        time.sleep(0.05)


def test_channels(client: VideoKitClient) -> None:
    channels = client.live.channels
    cid = channels.create(ChannelCreate.model_validate(CHANNEL))
    got = channels.get(cid)
    assert got.name == "ch" and got.status == "Off"
    assert {e.format for e in got.endpoints or []} == {"HLS", "DASH"}
    assert len(got.inputs[0].destinations or []) == 2  # type: ignore[index]
    assert cid in {c.id for c in channels.list()}
    assert channels.update(cid, {"name": "renamed", "automationDisabled": True}) == cid
    assert channels.get(cid).name == "renamed"
    assert channels.limit().limit == 20
    assert channels.configuration(cid).id == cid
    stats = channels.stats(
        cid,
        start=datetime(2025, 1, 1, tzinfo=UTC),
        end=datetime(2025, 1, 1, 1, tzinfo=UTC),
        period_seconds=600,
    )
    assert len(stats.metrics["ingestBitrate"].data or []) == 6
    channels.start(cid)
    assert channels.status(cid).status in ("Starting", "On")
    with pytest.raises(ConflictError):
        channels.delete(cid)
    wait_status(client, cid, "On")
    assert [s.status for s in channels.statuses([cid])] == ["On"]
    channels.stop(cid)
    wait_status(client, cid, "Off")
    channels.delete(cid)
    with pytest.raises(NotFoundError):
        channels.get(cid)


def test_events(client: VideoKitClient) -> None:
    cid = client.live.channels.create(CHANNEL)
    start = datetime(2030, 1, 1, 10, tzinfo=UTC)
    events = client.live.events
    eid = events.create(
        EventCreate(
            channel_id=cid,
            start=start,
            end=start + timedelta(hours=1),
            title="Keynote",
            tags=["a"],
            attributes=["k=v"],
        )
    )
    got = events.get(eid)
    assert got.channel_id == cid and got.start == start and got.title == "Keynote"
    updated = events.update(eid, {"title": "Changed"})
    assert updated is not None and updated.title == "Changed" and updated.status == "Scheduled"
    assert [e.id for e in events.list(channelId=cid)] == [eid]
    other = events.create({"channelId": cid, "start": "2030-02-01T10:00:00Z", "end": "2030-02-01T11:00:00Z"})
    result = events.delete_many([other, "event-missing"])
    assert result[other].success is True and result["event-missing"].success is False
    events.delete(eid)
    with pytest.raises(NotFoundError):
        events.get(eid)
    with pytest.raises(BadRequestError, match="names no channel"):
        events.create({"channelId": "nope", "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"})


def test_domains_and_player_settings(client: VideoKitClient) -> None:
    created = client.streaming.domains.create("https://Player.Example.com/")
    assert created.player_domain_id and created.analytics_domain_id
    with pytest.raises(ConflictError):
        client.streaming.domains.create("https://player.example.com")
    assert created.url in {d.url for d in client.streaming.domains.list()}
    assert created.url in {d.url for d in client.streaming.settings().allowed_domains or []}
    client.streaming.domains.delete(
        player_domain_id=created.player_domain_id, analytics_domain_id=created.analytics_domain_id
    )
    assert created.url not in {d.url for d in client.streaming.domains.list()}


def test_api_key_material_is_read_as_a_secret_where_a_tenant_returns_it(
    keyed_emulator: RunningEmulator,
) -> None:
    created = make_client(keyed_emulator.url).core.api_keys.create({"name": "ci-bot", "roleId": "role-123"})
    assert created.key is not None and created.key.get_secret_value().startswith("vk_")
    assert "vk_" not in repr(created)


def test_api_keys_and_tenant(client: VideoKitClient) -> None:
    keys = client.core.api_keys
    created = keys.create({"name": "ci-bot", "roleId": "role-123"})
    # The reference documents id, name and roleId only.
    assert created.key is None and created.role_name is None
    got = keys.get(created.id)
    assert got.name == "ci-bot" and got.key is None
    keys.update(created.id, {"name": "ci-bot-2", "roleId": "role-456"})
    listed = {k.id: k for k in keys.list()}
    assert listed[created.id].role_name == "Editor"
    with pytest.raises(BadRequestError, match="names no role"):
        keys.create({"name": "x", "roleId": "role-unknown"})
    keys.delete(created.id)
    with pytest.raises(NotFoundError):
        keys.get(created.id)
    assert client.core.tenant_status(TENANT_ID).status == "Active"


def _upload(parts: list[str]) -> list[PartETag]:
    out = []
    for number, url in enumerate(parts, start=1):
        response = httpx.put(url, content=b"x" * 10)
        response.raise_for_status()
        out.append(PartETag(part_number=number, e_tag=response.headers["etag"].strip('"')))
    return out


def test_vod_files_assets_and_streaming_asset(client: VideoKitClient) -> None:
    files = client.vod.files
    started = files.start_upload({"name": "talk.mp4", "friendlyName": "Talk", "fileSize": 12_000_000})
    assert started.parts_count == 3 and len(started.multipart_urls) == 3
    assert files.part_url(started.file_id, 2) == started.multipart_urls[1]
    with pytest.raises(BadRequestError, match="eTag"):
        files.complete_upload(started.file_id, [{"partNumber": n, "eTag": "bad"} for n in (1, 2, 3)])
    done = files.complete_upload(started.file_id, list(_upload(started.multipart_urls)))
    assert done.file_id == started.file_id
    got = files.get(started.file_id)
    assert got.status == "Completed" and got.friendly_name == "Talk"
    assert files.update(started.file_id, {"friendlyName": "Renamed"}).friendly_name == "Renamed"  # type: ignore[union-attr]
    assert files.detect(started.file_id).tracks
    assert files.preview(started.file_id).link
    assert started.file_id in {f.id for f in files.list()}
    assert client.vod.file_types().file_types["Video"]
    assert "en" in client.vod.languages().languages
    assert "mp4" in {p.name for p in client.transcoder.presets()}

    assets = client.vod.assets
    aid = assets.create(
        {"transcodedSources": [{"fileId": started.file_id}], "preset": "mp4", "title": "Talk"}
    )
    assert assets.get(aid).title == "Talk"
    assert assets.update(aid, {"title": "Talk 2"}).title == "Talk 2"  # type: ignore[union-attr]
    assert assets.add_output(aid, {"preset": "mp4", "id": "dl"}).output_id == "dl"
    assets.remove_output(aid, "dl")
    assert aid in {a.id for a in assets.list()}

    streaming = client.streaming.assets
    asset = streaming.get(aid)
    assert asset.type == "Vod" and asset.settings is not None
    streaming.update_settings(aid, {"analytics": "Disabled"})
    assert streaming.get(aid).settings.analytics.asset == "Disabled"  # type: ignore[union-attr]
    streaming.update(aid, {"description": "d"})
    streaming.create_chapters(aid, [{"title": "Intro", "startSecond": 0, "endSecond": 30}])
    chapter = streaming.get(aid).chapters[0]  # type: ignore[index]
    assert (chapter.start_second, chapter.end_second) == (0, 30)
    streaming.delete_chapter(aid, chapter.id)  # type: ignore[arg-type]
    streaming.add_images(aid, {"poster": {"id": "p1", "name": "p.jpg", "url": "https://e.com/p.jpg"}})
    assert streaming.get(aid).images["poster"].url == "https://e.com/p.jpg"  # type: ignore[index]
    streaming.delete_image(aid, "poster")
    streaming.add_tags(aid, ["featured"])
    assert "featured" in streaming.get(aid).tag_names
    streaming.delete_tag(aid, "featured")
    assert aid in {a.id for a in streaming.list()}

    images = client.streaming.images
    up = images.start(aid, name="poster.jpg", file_size=100)
    assert images.part_url(aid, up.file_id, 1) == up.multipart_urls[0]
    finished = images.complete(aid, up.file_id, list(_upload(up.multipart_urls)))
    assert finished.url
    assert images.get(aid, up.file_id).status == "Completed"
    assert [i.id for i in images.list(aid)] == [up.file_id]
    assert images.frames(aid)["items"]
    second = images.start(aid, name="b.jpg", file_size=10)
    images.complete(aid, second.file_id, list(_upload(second.multipart_urls)))
    assert images.delete(aid, up.file_id).deleted_file_key  # type: ignore[union-attr]
    assert images.delete_many(aid, [second.file_id])[second.file_id].success

    cancelled = files.start_upload({"name": "x.mp4", "friendlyName": "x", "fileSize": 1})
    files.cancel_upload(cancelled.file_id, delete=True)  # `delete` travels in the body
    assets.delete(aid)
    assert assets.delete_many(["gone"])["gone"].success is False
    assert files.delete(started.file_id).deleted_file_key  # type: ignore[union-attr]
    assert files.delete_many(["gone"])["gone"].success is False


def test_recordings(client: VideoKitClient) -> None:
    cid = client.live.channels.create(CHANNEL)
    recordings = client.recorder.recordings
    rid = recordings.create(
        {
            "source": {
                "type": "LiveChannel",
                "liveChannelDetails": {
                    "channelId": cid,
                    "start": "2030-01-01T10:00:00Z",
                    "end": "2030-01-01T11:00:00Z",
                },
            },
            "catchup": {"enabled": True},
            "outputs": [{"id": "file1", "preset": "mp4"}],
            "metadata": {"title": "Rec", "attributes": [{"key": "k", "value": "v"}]},
        }
    )
    assert recordings.get(rid).title == "Rec"
    assert recordings.update(rid, {"title": "Rec 2"}).title == "Rec 2"  # type: ignore[union-attr]
    assert [r.id for r in recordings.list(channelId=cid)] == [rid]
    recordings.add_output(rid, {"preset": "mp4", "id": "file2"})
    recordings.remove_output(rid, "file2")
    assert client.streaming.assets.get(rid).type == "Recording"
    assert recordings.delete_many([rid])[rid].success
    other = recordings.create({"source": {"type": "LiveChannel"}})
    recordings.delete(other)
    with pytest.raises(NotFoundError):
        recordings.get(other)


def test_one_client_from_many_threads(client: VideoKitClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def work(n: int) -> str:
        created = client.streaming.domains.create(f"https://thread-{n}.example.com")
        assert any(d.player_domain_id == created.player_domain_id for d in client.streaming.domains.list())
        return created.player_domain_id or ""

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(work, range(24)))
    assert len(set(ids)) == 24
    urls = [d.url for d in client.streaming.domains.list() if (d.url or "").startswith("https://thread-")]
    assert len(urls) == 24
