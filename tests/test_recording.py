"""Recording: a CVR recording of a channel's window, against the emulator on a real socket.

Through the reconcile Service (what both doors call), the dynamic provider host and the native
plugin: the documented body, a no-op with no request, the window patched while Pending and
replaced (only with allowInterrupt) once started, outputs by their own calls, status and addresses
that follow the recording, adopt by channel + window, export, and a `channel:` reference.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pulumi
import pytest

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator
from pulumi_videokit.models import parse_time
from pulumi_videokit.models._base import format_time
from pulumi_videokit.reconcile.errors import HalfCreated, InterruptRefused, UserError
from pulumi_videokit.reconcile.kinds import kind_named
from pulumi_videokit.reconcile.service import Service

from .conftest import API_KEY, TENANT_ID
from .nativehost import NativeHost, secret
from .providerhost import HostError, ProviderHost

CHANNEL = {"name": "rec-stage", "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}}


def at(seconds: float) -> str:
    """An instant ``seconds`` from now, as a user writes one."""
    return (
        (datetime.now(UTC) + timedelta(seconds=seconds))
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def wire(instant: str) -> str:
    """An instant as the client sends it: ISO 8601 with +00:00 (docs/api-decisions.md, Times)."""
    return format_time(parse_time(instant))


def config(emulator: RunningEmulator, tmp_path: Path) -> dict[str, str]:
    return {
        "api_key": API_KEY,
        "tenant_id": TENANT_ID,
        "endpoint": emulator.url,
        "journal_dir": str(tmp_path / "journal"),
    }


@pytest.fixture()
def service(emulator: RunningEmulator, tmp_path: Path) -> Service:
    return Service(kind_named("Recording"), config(emulator, tmp_path))


@pytest.fixture()
def channel(client: VideoKitClient) -> Iterator[str]:
    channel_id = client.live.channels.create(CHANNEL)
    yield channel_id
    for rec in client.recorder.recordings.list(channelId=channel_id):
        client.recorder.recordings.delete(rec.id)
    client.live.channels.delete(channel_id)


def calls(emulator: RunningEmulator) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in emulator.ctx.requests]


def declared(channel_id: str, start: str, end: str, **more: Any) -> dict[str, Any]:
    return {
        "channelId": channel_id,
        "start": start,
        "end": end,
        "catchup": {"enabled": True},
        "archive": {"enabled": True},
        "public": False,
        "outputs": [{"preset": "mp4", "id": "file1"}],
        "metadata": {"title": "Keynote", "attributes": [{"key": "genre", "value": "talk"}]},
        **more,
    }


def test_create_sends_the_documented_body_and_a_no_op_makes_no_request(
    service: Service, emulator: RunningEmulator, channel: str
) -> None:
    props = declared(channel, at(3600), at(7200))
    inputs, problems = service.check(props)
    assert problems == []
    emulator.ctx.requests.clear()
    object_id, state = service.create(inputs, None)
    posts = [r for r in emulator.ctx.requests if r["method"] == "POST"]
    assert [p["path"] for p in posts] == ["/cvr/v1/recordings"]
    sent = posts[0]["body"]
    assert sent["source"] == {
        "type": "LiveChannel",
        "liveChannelDetails": {
            "channelId": channel,
            "start": wire(state["start"]),
            "end": wire(state["end"]),
        },
    }
    # (The request log redacts every field called `key`; the store shows what arrived.)
    assert sent["metadata"]["title"] == "Keynote" and sent["metadata"]["attributes"][0]["value"] == "talk"
    stored = emulator.ctx.store.snapshot()["recordings"][object_id]
    assert stored["metadata"] == {"title": "Keynote", "genre": "talk"}
    assert (sent["catchup"], sent["archive"], sent["public"]) == ({"enabled": True}, {"enabled": True}, False)
    assert sent["outputs"] == [{"preset": "mp4", "id": "file1"}]
    assert "allowInterrupt" not in sent and "channelId" not in sent
    assert state["status"] == "Pending"
    assert (state["catchupUrls"], state["archiveUrls"], state["outputUrls"]) == ([], [], [])

    emulator.ctx.requests.clear()
    decided = service.diff(object_id, state, inputs)
    assert decided.plan.changed == [] and emulator.ctx.requests == []

    found, outputs, read_inputs = service.read(object_id, state)
    assert found == object_id and outputs["status"] == "Pending"
    assert service.diff(object_id, outputs, read_inputs).plan.changed == []  # a refresh sees no drift
    assert calls(emulator) == [("GET", f"/cvr/v1/recordings/{object_id}")]


def test_a_change_while_pending_is_one_patch(
    service: Service, emulator: RunningEmulator, channel: str
) -> None:
    props = declared(channel, at(3600), at(7200))
    object_id, state = service.create(props, None)
    news = {**props, "end": at(9000), "metadata": {"title": "Keynote, day 1"}}

    emulator.ctx.requests.clear()
    decided = service.diff(object_id, state, news)
    assert (decided.plan.changed, decided.plan.replaces) == (["end", "metadata"], [])
    assert calls(emulator) == [("GET", f"/cvr/v1/recordings/{object_id}")]  # is it still Pending?

    emulator.ctx.requests.clear()
    state = service.update(object_id, state, news)
    assert calls(emulator) == [("PATCH", f"/cvr/v1/recordings/{object_id}")]
    body = emulator.ctx.requests[0]["body"]
    assert body["source"]["liveChannelDetails"]["end"] == wire(news["end"])
    assert body["title"] == "Keynote, day 1" and body["metadata"] == {"title": "Keynote, day 1"}
    assert state["status"] == "Pending"

    seen = service.kind.client.recorder.recordings.get(object_id)
    assert seen.title == "Keynote, day 1" and seen.metadata == {"title": "Keynote, day 1"}
    emulator.ctx.requests.clear()
    assert service.diff(object_id, state, news).plan.changed == [] and emulator.ctx.requests == []


def test_a_window_change_once_started_is_refused_without_allow_interrupt(
    service: Service, emulator: RunningEmulator, channel: str
) -> None:
    props = declared(channel, at(-60), at(3600))  # started a minute ago
    object_id, state = service.create(props, None)
    assert state["status"] == "Processing"
    assert state["catchupUrls"] and state["archiveUrls"] == []

    moved = {**props, "end": at(7200)}
    emulator.ctx.requests.clear()
    with pytest.raises(InterruptRefused) as refused:
        service.diff(object_id, state, moved)
    message = str(refused.value)
    assert f"Recording {object_id} is Processing" in message
    assert "changing end replaces it" in message and "allowInterrupt: true" in message
    assert calls(emulator) == [("GET", f"/cvr/v1/recordings/{object_id}")]  # one read, no write

    decided = service.diff(object_id, state, {**moved, "allowInterrupt": True})
    assert (decided.plan.changed, decided.plan.replaces) == (["end"], ["end"])
    assert decided.detailed["end"] == "UPDATE_REPLACE"

    # What Update Recording changes at any status is still patched in place.
    retitled = {**props, "metadata": {"title": "Live now"}}
    emulator.ctx.requests.clear()
    assert service.diff(object_id, state, retitled).plan.replaces == []
    assert emulator.ctx.requests == []  # the status is read only when the window changed
    emulator.ctx.requests.clear()
    service.update(object_id, state, retitled)
    assert calls(emulator) == [("PATCH", f"/cvr/v1/recordings/{object_id}")]


def test_with_allow_interrupt_the_replacement_is_a_new_recording_and_the_old_one_goes(
    service: Service, emulator: RunningEmulator, channel: str
) -> None:
    props = declared(channel, at(-60), at(3600), allowInterrupt=True)
    old_id, old_state = service.create(props, None)
    moved = {**props, "start": at(-30)}
    assert service.diff(old_id, old_state, moved).plan.replaces == ["start"]
    # The engine's replace: create the new one, then delete the old.
    new_id, new_state = service.create(moved, None)
    service.delete(old_id, old_state, None)
    assert new_id != old_id and new_state["status"] == "Processing"
    live = {r.id for r in service.kind.client.recorder.recordings.list(channelId=channel)}
    assert live == {new_id}


def test_status_and_addresses_follow_the_recording(
    service: Service, emulator: RunningEmulator, channel: str
) -> None:
    props = declared(channel, at(1.0), at(1.6))
    object_id, state = service.create(props, None)
    assert state["status"] == "Pending" and state["durationMilliseconds"] == 0
    time.sleep(1.2)
    _, state, _ = service.read(object_id, state)
    assert state["status"] == "Processing"
    assert state["catchupUrls"] == [f"https://emulator.cvr.videokit.cloud/{object_id}/catchup.m3u8"]
    assert state["archiveUrls"] == [] and state["outputUrls"] == []
    deadline = time.monotonic() + 10
    while state["status"] != "Available" and time.monotonic() < deadline:
        time.sleep(0.2)
        _, state, _ = service.read(object_id, state)
    assert state["status"] == "Available"
    assert state["archiveUrls"] == [f"https://emulator.cvr.videokit.cloud/{object_id}/archive.mp4"]
    assert state["outputUrls"] == [f"https://emulator.cvr.videokit.cloud/{object_id}/output-file1.mp4"]
    assert 500 <= state["durationMilliseconds"] <= 700
    asset = service.kind.client.streaming.assets.get(object_id)
    assert (asset.type, asset.status) == ("Recording", "Available")


def test_outputs_change_with_add_and_remove_output(
    service: Service, emulator: RunningEmulator, channel: str
) -> None:
    props = declared(channel, at(3600), at(7200))
    object_id, state = service.create(props, None)
    news = {**props, "outputs": [{"preset": "mp4", "id": "file2"}, {"preset": "hls"}]}
    emulator.ctx.requests.clear()
    state = service.update(object_id, state, news)
    path = f"/cvr/v1/recordings/{object_id}"
    assert calls(emulator) == [
        ("GET", path),
        ("DELETE", f"{path}/outputs/file1"),
        ("POST", f"{path}/outputs"),
        ("POST", f"{path}/outputs"),
        ("GET", path),
    ]
    live = service.kind.client.recorder.recordings.get(object_id).outputs or []
    assert sorted(o.preset or "" for o in live) == ["hls", "mp4"] and "file2" in {o.id for o in live}
    # The id the platform picked for the undeclared one is not drift.
    _, outputs, inputs = service.read(object_id, state)
    assert service.diff(object_id, outputs, news).plan.changed == []
    assert sorted(inputs["outputs"], key=str) == sorted(news["outputs"], key=str)


def test_delete_removes_the_recording_and_its_asset(
    service: Service, emulator: RunningEmulator, client: VideoKitClient, channel: str
) -> None:
    before = emulator.ctx.store.snapshot()
    object_id, state = service.create(declared(channel, at(3600), at(7200)), None)
    assert object_id in emulator.ctx.store.snapshot()["assets"]
    emulator.ctx.requests.clear()
    service.delete(object_id, state, None)
    assert calls(emulator) == [("DELETE", f"/cvr/v1/recordings/{object_id}")]
    after = emulator.ctx.store.snapshot()
    assert after["recordings"] == before["recordings"] and set(after["assets"]) == set(before["assets"])
    service.delete(object_id, state, None)  # already gone counts as deleted
    assert service.read(object_id, state)[0] is None


def test_adopt_finds_the_recording_by_channel_and_window(
    service: Service, emulator: RunningEmulator, client: VideoKitClient, channel: str
) -> None:
    start, end = at(3600), at(7200)
    body = {
        "source": {
            "type": "LiveChannel",
            "liveChannelDetails": {"channelId": channel, "start": start, "end": end},
        },
        "metadata": {"title": "Made by hand"},
    }
    existing = client.recorder.recordings.create(body)
    other = client.recorder.recordings.create(
        {
            **body,
            "source": {
                "type": "LiveChannel",
                "liveChannelDetails": {"channelId": channel, "start": start, "end": at(9000)},
            },
        }
    )
    emulator.ctx.requests.clear()
    object_id, state = service.create(
        {"channelId": channel, "start": start, "end": end, "metadata": {"title": "Adopted"}, "adopt": True},
        None,
    )
    assert object_id == existing != other
    assert not any(r["method"] == "POST" and r["path"] == "/cvr/v1/recordings" for r in emulator.ctx.requests)
    listing = [r for r in emulator.ctx.requests if r["method"] == "GET" and r["path"] == "/cvr/v1/recordings"]
    assert listing and all(
        f"channelId={channel}" in r["query"] and "searchStart=" in r["query"] and "searchEnd=" in r["query"]
        for r in listing
    )
    assert client.recorder.recordings.get(existing).title == "Adopted"  # brought to the declaration
    assert state["status"] == "Pending"


def test_the_emulator_serves_list_recordings_filters(
    service: Service, client: VideoKitClient, channel: str
) -> None:
    recordings = client.recorder.recordings
    early = service.create(declared(channel, at(-120), at(-60)), None)[0]
    later = service.create(declared(channel, at(3600), at(7200)), None)[0]
    assert {r.id for r in recordings.list(channels=[channel])} == {early, later}
    assert [r.id for r in recordings.list(channelId=channel, statuses=["Pending"])] == [later]
    assert [r.id for r in recordings.list(channelId=channel, searchStart=at(1800), searchEnd=at(9000))] == [
        later
    ]
    assert [r.id for r in recordings.list(channelId=channel, searchEnd=at(0))] == [early]
    ordered = [
        r.id for r in recordings.list(channelId=channel, sort="Source.LiveChannelDetails.Start", desc=True)
    ]
    assert ordered == [later, early]
    assert list(recordings.list(channelId="no-such-channel")) == []


def test_export_writes_an_adopting_entry_that_names_its_channel(
    service: Service, client: VideoKitClient, channel: str, tmp_path: Path
) -> None:
    from pulumi_videokit import export
    from pulumi_videokit.gitops import load

    object_id, _ = service.create(declared(channel, "2031-03-01T09:00:00Z", "2031-03-01T10:00:00Z"), None)
    filters = export.Filters(sections=export.sections_of("channels,recordings"), channels=(channel,))
    text = export.render_yaml(export.collect(client, filters), filters)
    assert "\nrecordings:\n  keynote-20310301-0900:\n" in text
    assert '    channel: "rec-stage"\n' in text and f'    adopt: "{object_id}"\n' in text
    assert '    start: "2031-03-01T09:00:00+00:00"\n' in text and "# status when exported: Pending" in text
    (tmp_path / "videokit.yaml").write_text(text)
    doc = load(tmp_path / "videokit.yaml")  # what export writes loads back
    (entry,) = [e for e in doc.entries if e.section == "recordings"]
    assert entry.props["adopt"] == object_id and entry.props["outputs"] == [{"id": "file1", "preset": "mp4"}]
    # Adopting it changes nothing: the declaration is the recording as it is.
    seen = service.kind.observe(object_id, entry.props)
    assert seen is not None
    props = {**entry.props, "channelId": channel}
    props.pop("channel", None)
    assert service.diff(object_id, {**props, **seen.outputs}, props).plan.changed == []


class Mocks(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(args)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


YAML = """channels:
  main:
    name: main
    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}
recordings:
  keynote-recording:
    channel: main
    start: "2030-01-10T10:00:00Z"
    end: "2030-01-10T11:00:00Z"
    catchup: {enabled: true}
    outputs: [{preset: mp4, id: file1}]
    metadata: {title: Keynote}
"""


@pulumi.runtime.test
def test_a_recording_in_videokit_yaml_names_a_declared_channel(tmp_path: Path) -> Any:
    from pulumi_videokit import from_yaml

    mocks = Mocks()
    pulumi.runtime.set_mocks(mocks, preview=False)
    (tmp_path / "videokit.yaml").write_text(YAML)
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        declared_ = from_yaml("videokit.yaml")
    finally:
        os.chdir(cwd)

    def check(_: Any) -> None:
        seen = {r.name: r for r in mocks.resources}
        rec = seen["keynote-recording"]
        assert rec.typ == "pulumi-python:dynamic/videokit:Recording"
        assert rec.inputs["channelId"] == "main-id" and "channel" not in rec.inputs
        assert rec.inputs["outputs"] == [{"preset": "mp4", "id": "file1"}]

    return declared_["keynote-recording"].id.apply(check)


def test_a_channel_reference_to_nothing_is_an_error_before_any_call(tmp_path: Path) -> None:
    from pulumi_videokit.gitops import DeclarationError, load

    (tmp_path / "videokit.yaml").write_text(YAML.replace("channel: main", "channel: backstage"))
    with pytest.raises(DeclarationError) as err:
        load(tmp_path / "videokit.yaml")
    first = err.value.problems[0]
    assert (first.line, first.field) == (7, "recordings.keynote-recording.channel")
    assert "names no channel" in first.message


def test_through_the_dynamic_provider_host(emulator: RunningEmulator, tmp_path: Path, channel: str) -> None:
    props = declared(channel, at(-60), at(3600))
    settings = {
        "videokit:apiKey": API_KEY,
        "videokit:tenantId": TENANT_ID,
        "videokit:endpoint": emulator.url,
        "videokit:journalDir": str(tmp_path / "journal"),
    }
    with ProviderHost(settings) as host:
        inputs, failures = host.check("Recording", props)
        assert failures == []
        object_id, state = host.create("Recording", inputs)
        assert state["status"] == "Processing" and state["channelId"] == channel
        emulator.ctx.requests.clear()
        same = host.diff("Recording", object_id, state, inputs)
        assert list(same.replaces) == [] and emulator.ctx.requests == []
        with pytest.raises(HostError) as refused:
            host.diff("Recording", object_id, state, {**inputs, "end": at(7200)})
        assert "is Processing: changing end replaces it" in refused.value.details
        allowed = host.diff(
            "Recording", object_id, state, {**inputs, "end": at(7200), "allowInterrupt": True}
        )
        assert list(allowed.replaces) == ["end"]
        host.delete("Recording", object_id, state)
    assert not list(service_client_list(emulator, channel))


def service_client_list(emulator: RunningEmulator, channel: str) -> list[str]:
    from .conftest import make_client

    return [r.id for r in make_client(emulator.url).recorder.recordings.list(channelId=channel)]


def test_through_the_native_plugin(emulator: RunningEmulator, tmp_path: Path, channel: str) -> None:
    import json

    from pulumi.runtime.proto import provider_pb2 as pb

    from pulumi_videokit.native._props import decode

    settings = {
        "apiKey": secret(API_KEY),
        "tenantId": TENANT_ID,
        "endpoint": emulator.url,
        "journalDir": str(tmp_path / "journal"),
    }
    props = declared(channel, at(3600), at(7200))
    with NativeHost(settings) as host:
        schema = json.loads(host.schema())
        resource = schema["resources"]["videokit:index:Recording"]
        assert set(resource["requiredInputs"]) == {"channelId", "start", "end"}
        assert "allowInterrupt" in resource["inputProperties"] and "catchupUrls" in resource["properties"]
        object_id, properties = host.create("Recording", props)
        state = decode(properties)[0]
        assert state["status"] == "Pending"
        moved = {**props, "end": at(9000)}
        diff = host.diff("Recording", object_id, state, moved)
        assert diff.changes == pb.DiffResponse.DIFF_SOME and list(diff.replaces) == []
        emulator.ctx.requests.clear()
        host.update("Recording", object_id, state, moved)
        assert calls(emulator) == [("PATCH", f"/cvr/v1/recordings/{object_id}")]
        # `pulumi import`: a Read with no state takes the recording as it is.
        imported = host.read("Recording", object_id)
        inputs = decode(imported.inputs)[0]
        assert imported.id == object_id and inputs["channelId"] == channel
        assert (inputs["start"], inputs["end"]) == (wire(moved["start"]), wire(moved["end"]))
        assert inputs["outputs"] == [{"preset": "mp4", "id": "file1"}] and inputs["catchup"] == {
            "enabled": True
        }
        assert (
            inputs["metadata"] == props["metadata"] and decode(imported.properties)[0]["status"] == "Pending"
        )
        host.delete("Recording", object_id, state)
    assert service_client_list(emulator, channel) == []


def test_adopting_a_started_recording_by_id_keeps_its_window(
    service: Service, client: VideoKitClient, channel: str
) -> None:
    start, end = at(-60), at(3600)
    existing = client.recorder.recordings.create(
        {
            "source": {
                "type": "LiveChannel",
                "liveChannelDetails": {"channelId": channel, "start": start, "end": end},
            }
        }
    )
    moved = {"channelId": channel, "start": start, "end": at(7200), "adopt": existing}
    with pytest.raises(
        InterruptRefused, match=f"Recording {existing} is Processing: changing end replaces it"
    ):
        service.create(moved, None)
    # allowInterrupt cannot make an adoption replace: the adoption stops with the reason (the core
    # keeps an adopted object whose first write failed in state, as for any kind).
    with pytest.raises(HalfCreated, match=f"cannot adopt Recording {existing}: it is Processing, so its end"):
        service.create({**moved, "allowInterrupt": True}, None)
    details = client.recorder.recordings.get(existing).source
    assert details is not None and details.live_channel_details is not None
    assert details.live_channel_details.end == parse_time(end)
    object_id, state = service.create({**moved, "end": end, "metadata": {"title": "Taken over"}}, None)
    assert object_id == existing and state["status"] == "Processing"
    assert client.recorder.recordings.get(existing).title == "Taken over"


def _step(op: str, name: str, olds: dict[str, Any], news: dict[str, Any], status: str) -> dict[str, Any]:
    token = "pulumi-python:dynamic/videokit:Recording"
    urn = f"urn:pulumi:dev::p::{token}::{name}"
    return {
        "op": op,
        "urn": urn,
        "replaceReasons": ["end"] if op == "replace" else [],
        "oldState": {
            "urn": urn,
            "type": token,
            "custom": True,
            "id": "rec-1",
            "inputs": olds,
            "outputs": {**olds, "status": status},
        },
        "newState": {"urn": urn, "type": token, "custom": True, "inputs": news},
    }


def test_the_reports_read_the_recording_from_the_kinds() -> None:
    import json

    from pulumi_videokit.reports import plan_summary
    from pulumi_videokit.reports._values import _kind_facts

    facts = _kind_facts()
    for token in ("pulumi-python:dynamic/videokit:Recording", "videokit:index:Recording"):
        assert "Processing" in facts[token].live_states and "Pending" not in facts[token].live_states
        assert facts[token].outputs == (
            "status",
            "catchupUrls",
            "archiveUrls",
            "outputUrls",
            "durationMilliseconds",
        )
    olds = {"channelId": "c1", "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"}
    news = {**olds, "end": "2030-01-01T12:00:00Z", "allowInterrupt": True}
    preview = {
        "steps": [_step("replace", "keynote", olds, news, "Processing")],
        "changeSummary": {"replace": 1},
    }
    text = plan_summary(json.dumps(preview)).markdown
    assert "| `+-` | `keynote` | Recording | replace |" in text
    assert "**Interrupts a running recording**: Recording `keynote`" in text and "is Processing" in text
    pending = {"steps": [_step("update", "keynote", olds, news, "Pending")], "changeSummary": {"update": 1}}
    text = plan_summary(json.dumps(pending)).markdown
    assert "| `~` | `keynote` | Recording | update |" in text and "Interrupts" not in text


def test_a_window_change_that_races_the_start_is_one_sentence(
    service: Service, emulator: RunningEmulator, channel: str
) -> None:
    props = declared(channel, at(1.0), at(3600))
    object_id, state = service.create(props, None)
    moved = {**props, "end": at(7200)}
    assert service.diff(object_id, state, moved).plan.replaces == []  # still Pending: a PATCH
    time.sleep(1.2)  # ...but it starts before the update runs
    with pytest.raises(UserError, match=f"Recording {object_id} started after this plan was made") as err:
        service.update(object_id, state, moved)
    assert "allowInterrupt: true" in str(err.value) and "Traceback" not in str(err.value)
    live = service.kind.client.recorder.recordings.get(object_id)
    assert live.source is not None and live.source.live_channel_details is not None
    assert live.source.live_channel_details.end == parse_time(props["end"])  # left as it was
