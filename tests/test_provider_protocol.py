"""Each kind's whole lifecycle through the real dynamic-provider host, against the emulator."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pulumi.runtime.proto import provider_pb2 as pb

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import FaultRule, RunningEmulator
from pulumi_videokit.reconcile.kinds import KINDS

from .conftest import API_KEY, TENANT_ID, admin, make_client
from .providerhost import KIND_OF, UNKNOWN, HostError, ProviderHost

CH = {
    "name": "proto-ch",
    "input": {
        "type": "RTMP_PUSH",
        "whitelistCidr": "0.0.0.0/0",
        "inputLoss": {"type": "COLOR", "color": "000000"},
    },
    "redundancy": "SingleInput",
    "qualities": [{"resolution": "720p", "frameRate": 30}],
}


def open_host(url: str) -> ProviderHost:
    return ProviderHost(
        {
            "videokit:apiKey": API_KEY,
            "videokit:tenantId": TENANT_ID,
            "videokit:endpoint": url,
            "videokit:pollSeconds": "0.05",
            "videokit:waitTimeoutSeconds": "20",
            "videokit:retryTotalSeconds": "3",
        }
    )


@pytest.fixture()
def host(emulator: RunningEmulator) -> Iterator[ProviderHost]:
    h = open_host(emulator.url)
    yield h
    h.close()


def writes(emu: RunningEmulator) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in emu.ctx.requests if r["method"] != "GET"]


def test_provider_pickle_is_tiny_and_holds_no_config(host: ProviderHost) -> None:
    for kind in (k.spec.kind for k in KINDS):
        raw = base64.b64decode(host.provider(kind))
        assert len(raw) <= 200
        assert API_KEY.encode() not in raw and b"videokit:" not in raw


def test_channel_lifecycle(host: ProviderHost, emulator: RunningEmulator, client: VideoKitClient) -> None:
    inputs, failures = host.check("Channel", CH)
    assert failures == [] and inputs == CH
    cid, outs = host.create("Channel", CH)
    assert outs["status"] == "Off" and outs["ingestUrls"] and outs["playbackUrls"]

    emulator.ctx.requests.clear()
    _, read_outs, read_inputs = host.read("Channel", cid, outs)
    assert read_inputs == CH
    diff = host.diff("Channel", cid, read_outs, CH)
    assert diff.changes == pb.DiffResponse.DIFF_NONE
    emulator.ctx.requests.clear()
    assert host.diff("Channel", cid, outs, CH).changes == pb.DiffResponse.DIFF_NONE
    assert emulator.ctx.requests == []  # a no-op diff costs no request

    renamed = {**CH, "name": "proto-ch-2"}
    diff = host.diff("Channel", cid, outs, renamed)
    assert diff.changes == pb.DiffResponse.DIFF_SOME and list(diff.replaces) == []
    emulator.ctx.requests.clear()
    outs = host.update("Channel", cid, outs, renamed)
    patches = [r for r in emulator.ctx.requests if r["method"] == "PATCH"]
    assert len(patches) == 1 and patches[0]["body"] == {"name": "proto-ch-2"}
    assert writes(emulator) == [("PATCH", f"/live/v1/channels/{cid}")]

    diff = host.diff("Channel", cid, outs, {**renamed, "redundancy": "DoubleInput"})
    assert list(diff.replaces) == ["redundancy"] and diff.deleteBeforeReplace

    client.live.channels.update(cid, {"name": "edited-by-hand"})
    _, _, drift = host.read("Channel", cid, outs)
    assert drift["name"] == "edited-by-hand" and drift["qualities"] == CH["qualities"]
    assert host.diff("Channel", cid, {**outs, **drift}, renamed).changes == pb.DiffResponse.DIFF_SOME

    host.delete("Channel", cid, outs)
    found, _, _ = host.read("Channel", cid, outs)
    assert found == ""


def test_channel_running_and_on_air_protection(host: ProviderHost, emulator: RunningEmulator) -> None:
    props = {**CH, "name": "onair", "running": True}
    cid, outs = host.create("Channel", props)
    assert outs["status"] == "On"
    with pytest.raises(HostError, match="redundancy"):
        host.diff("Channel", cid, outs, {**props, "redundancy": "DoubleInput"})
    with pytest.raises(HostError, match="running: false stops it"):
        host.diff("Channel", cid, outs, {**props, "running": False})
    allowed = host.diff("Channel", cid, outs, {**props, "redundancy": "DoubleInput", "allowInterrupt": True})
    assert list(allowed.replaces) == ["redundancy"]
    outs = host.update("Channel", cid, outs, {**props, "running": False, "allowInterrupt": True})
    assert outs["status"] == "Off"
    outs = host.update("Channel", cid, outs, {**props, "running": True})
    assert outs["status"] == "On"
    host.delete("Channel", cid, outs)  # stops it, waits for Off, then deletes
    assert ("POST", f"/live/v1/channels/{cid}/stop") in writes(emulator)
    assert writes(emulator)[-1] == ("DELETE", f"/live/v1/channels/{cid}")


def test_errors_reach_the_engine_as_a_rich_status_without_a_traceback(
    host: ProviderHost, emulator: RunningEmulator
) -> None:
    """The engine reads ``grpc-status-details-bin``: a refusal is one sentence, and a create that
    half succeeded carries ``ErrorResourceInitFailed`` with the new id, so it stays in state."""
    props = {**CH, "name": "rich-status", "running": True}
    cid, outs = host.create("Channel", props)
    with pytest.raises(HostError) as refused:
        host.diff("Channel", cid, outs, {**props, "redundancy": "DoubleInput"})
    # The engine shows the rich status's message; the plain details are the host's traceback.
    status = refused.value.status
    assert status is not None and "Traceback" not in status.message
    assert status.message.startswith("Channel rich-status is On:") and "allowInterrupt" in status.message

    emulator.ctx.faults.replace([FaultRule(kind="500", every=1, method="POST", path="/start$")])
    with pytest.raises(HostError) as half:
        host.create("Channel", {**props, "name": "half-done"})
    detail = half.value.init_failed()
    assert detail is not None, half.value.details
    made = [r["path"] for r in emulator.ctx.requests if r["method"] == "POST" and r["path"] == "/live/v1/channels"]
    assert made and detail.id and "the next `pulumi up` finishes the job" in detail.reasons[0]
    assert half.value.status is not None and "Traceback" not in half.value.status.message


def test_channel_error_status_is_reported(host: ProviderHost, emulator: RunningEmulator) -> None:
    cid, outs = host.create("Channel", {**CH, "name": "erroring"})
    with admin(emulator) as adm:
        adm.put(f"/channels/{cid}/status", json={"status": "Error"})
    with pytest.raises(HostError, match="went to Error"):
        host.update("Channel", cid, outs, {**CH, "name": "erroring", "running": True})


def test_event_lifecycle(host: ProviderHost, client: VideoKitClient, emulator: RunningEmulator) -> None:
    cid = client.live.channels.create(CH)
    ev = {
        "channelId": cid,
        "start": "2030-05-01T10:00:00Z",
        "end": "2030-05-01T11:00:00Z",
        "title": "Keynote",
        "tags": ["a"],
    }
    eid, outs = host.create("Event", ev)
    assert outs["status"] == "Scheduled"
    _, outs2, inputs = host.read("Event", eid, outs)
    assert inputs == ev  # same instants keep the user's spelling; tags kept
    assert host.diff("Event", eid, outs2, ev).changes == pb.DiffResponse.DIFF_NONE
    moved = {**ev, "end": "2030-05-01T12:00:00+00:00"}
    emulator.ctx.requests.clear()
    host.update("Event", eid, outs, moved)
    assert [r["body"] for r in emulator.ctx.requests if r["method"] == "PATCH"] == [
        {"end": "2030-05-01T12:00:00+00:00"}
    ]
    assert list(host.diff("Event", eid, outs, {**ev, "channelId": UNKNOWN}).replaces) == ["channelId"]
    client.live.events.delete(eid)
    assert host.read("Event", eid, outs)[0] == ""


def test_event_status_and_tags_are_true_to_the_api(
    host: ProviderHost, client: VideoKitClient, emulator: RunningEmulator
) -> None:
    cid = client.live.channels.create(CH)
    now = datetime.now(UTC)
    ev = {
        "channelId": cid,
        "start": (now - timedelta(minutes=5)).isoformat(),
        "end": (now + timedelta(hours=1)).isoformat(),
        "title": "On air",
        "tags": ["a"],
    }
    eid, outs = host.create("Event", ev)
    assert outs["status"] == "Live"  # what List Events says, not an assumed "Scheduled"
    client.live.events.update(eid, {"tags": []})  # a tag removed by hand
    emulator.ctx.requests.clear()
    _, outs2, inputs = host.read("Event", eid, outs)
    assert outs2["status"] == "Live" and inputs["tags"] == []
    assert [(r["method"], r["path"]) for r in emulator.ctx.requests] == [("GET", "/live/v1/events")]
    assert host.diff("Event", eid, outs2, ev).changes == pb.DiffResponse.DIFF_SOME


def test_finished_event_is_not_drift(host: ProviderHost, client: VideoKitClient) -> None:
    cid = client.live.channels.create(CH)
    ev = {"channelId": cid, "start": "2020-01-01T10:00:00Z", "end": "2020-01-01T11:00:00Z", "title": "Past"}
    eid, outs = host.create("Event", ev)
    client.live.events.update(eid, {"title": "changed after it ended"})
    found, _, inputs = host.read("Event", eid, outs)
    assert found == eid and inputs == ev
    client.live.events.delete(eid)
    assert host.read("Event", eid, outs)[0] == eid


def test_domain_lifecycle(host: ProviderHost, client: VideoKitClient) -> None:
    did, outs = host.create("AllowedDomain", {"url": "https://Proto.Example.com/"})
    assert outs["playerDomainId"] == did and outs["analyticsDomainId"]
    _, _, inputs = host.read("AllowedDomain", did, outs)
    assert inputs == {"url": "https://Proto.Example.com/"}
    assert (
        host.diff("AllowedDomain", did, outs, {"url": "https://proto.example.com"}).changes
        == pb.DiffResponse.DIFF_NONE
    )
    assert list(host.diff("AllowedDomain", did, outs, {"url": "https://other.example.com"}).replaces) == [
        "url"
    ]
    host.delete("AllowedDomain", did, outs)
    assert "https://Proto.Example.com/" not in {d.url for d in client.streaming.domains.list()}
    host.delete("AllowedDomain", did, outs)  # already gone counts as deleted


@pytest.mark.parametrize("material", [False, True], ids=["as-documented", "tenant-returns-key"])
def test_api_key_lifecycle(material: bool, emulator: RunningEmulator, keyed_emulator: RunningEmulator) -> None:
    emu = keyed_emulator if material else emulator
    client = make_client(emu.url)
    with open_host(emu.url) as host:
        kid, outs = host.create("ApiKey", {"name": "proto-key", "roleId": "role-123"})
        # Only Get API Keys carries the role name; it is read from there.
        assert outs["roleName"] == "Admin"
        if material:
            assert outs["key"].startswith("vk_")
        else:
            assert "key" not in outs  # the reference documents no key material
        material_seen = outs.get("key")
        _, read_outs, inputs = host.read("ApiKey", kid, outs)
        assert read_outs.get("key") == material_seen and inputs == {"name": "proto-key", "roleId": "role-123"}
        outs = host.update("ApiKey", kid, outs, {"name": "proto-key", "roleId": "role-456"})
        assert outs.get("key") == material_seen and outs["roleName"] == "Editor"
        assert client.core.api_keys.get(kid).role_id == "role-456"
        client.core.api_keys.update(kid, {"name": "renamed-by-hand", "roleId": "role-456"})
        assert host.read("ApiKey", kid, outs)[2]["name"] == "renamed-by-hand"
        host.delete("ApiKey", kid, outs)
        assert host.read("ApiKey", kid, outs)[0] == ""


def test_asset_settings_restore_on_delete(host: ProviderHost, client: VideoKitClient) -> None:
    cid = client.live.channels.create(CH)
    asset = client.live.events.create(
        {"channelId": cid, "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"}
    )
    client.streaming.assets.update_settings(asset, {"analytics": "Enabled"})  # its own value
    before = client.streaming.assets.get(asset).settings
    props = {"assetId": asset, "analytics": "Disabled", "devToolsAccess": "Enabled"}
    aid, outs = host.create("AssetSettings", props)
    # What was found is restored exactly: an own value, or inheritance from the tenant.
    assert outs["previous"] == {"analytics": "Enabled", "devToolsAccess": "Inherit"}
    now = client.streaming.assets.get(asset).settings
    assert now.analytics.asset == "Disabled" and now.dev_tools_access.asset == "Enabled"  # type: ignore[union-attr]
    assert now.cap.asset == before.cap.asset  # type: ignore[union-attr]  # undeclared, untouched
    _, _, inputs = host.read("AssetSettings", aid, outs)
    assert inputs == props
    client.streaming.assets.update_settings(asset, {"analytics": "Enabled"})
    assert host.read("AssetSettings", aid, outs)[2]["analytics"] == "Enabled"
    host.delete("AssetSettings", aid, outs)
    after = client.streaming.assets.get(asset).settings
    assert after == before
    assert after.dev_tools_access.asset == "Inherit"  # type: ignore[union-attr]


def test_asset_settings_hand_a_setting_back_to_the_tenant(host: ProviderHost, client: VideoKitClient) -> None:
    cid = client.live.channels.create(CH)
    asset = client.live.events.create(
        {"channelId": cid, "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"}
    )
    client.streaming.assets.update_settings(asset, {"cap": "Disabled"})
    aid, outs = host.create("AssetSettings", {"assetId": asset, "cap": "Inherit"})
    assert outs["previous"] == {"cap": "Disabled"}
    assert client.streaming.assets.get(asset).settings.cap.asset == "Inherit"  # type: ignore[union-attr]
    host.delete("AssetSettings", aid, outs)
    assert client.streaming.assets.get(asset).settings.cap.asset == "Disabled"  # type: ignore[union-attr]


def test_adoption_by_natural_key_and_by_id(
    host: ProviderHost, client: VideoKitClient, emulator: RunningEmulator
) -> None:
    existing = client.live.channels.create({**CH, "name": "pre-existing"})
    emulator.ctx.requests.clear()
    cid, _ = host.create("Channel", {**CH, "name": "pre-existing", "adopt": True})
    assert cid == existing
    assert ("POST", "/live/v1/channels") not in writes(emulator)
    key = client.core.api_keys.create({"name": "pre-key", "roleId": "role-123"})
    kid, _ = host.create("ApiKey", {"name": "pre-key-renamed", "roleId": "role-123", "adopt": key.id})
    assert kid == key.id and client.core.api_keys.get(kid).name == "pre-key-renamed"
    dom = client.streaming.domains.create("https://adopt.example.com")
    did, outs = host.create("AllowedDomain", {"url": "https://ADOPT.example.com/", "adopt": True})
    assert did == dom.player_domain_id and outs["analyticsDomainId"] == dom.analytics_domain_id
    with pytest.raises(HostError, match="does not exist"):
        host.create("ApiKey", {"name": "x", "roleId": "role-123", "adopt": "no-such-id"})


@pytest.mark.parametrize(
    ("kind", "props", "prop", "reason"),
    [
        ("Channel", {**CH, "redundancy": "Triple"}, "redundancy", "allowed: 'SingleInput', 'DoubleInput'"),
        (
            "Channel",
            {
                **CH,
                "input": {
                    "type": "RTMP_PUSH",
                    "whitelistCidr": "300.0.0.0/99",
                    "inputLoss": {"type": "COLOR"},
                },
            },
            "input.whitelistCidr",
            "not a CIDR",
        ),
        ("Channel", {"input": CH["input"]}, "name", "is required"),
        ("Channel", {**CH, "colour": "red"}, "colour", "is not a known field"),
        (
            "Event",
            {"channelId": "c", "start": "2030-01-01T11:00:00Z", "end": "2030-01-01T10:00:00Z"},
            "(declaration)",
            "start must be before end",
        ),
        ("AllowedDomain", {"url": "ftp://x"}, "url", "http(s) URL"),
        ("AllowedDomain", {"url": "https://x.example/player?a=1"}, "url", "is not an origin"),
        (
            "Event",
            {"channelId": "c", "start": "2030-01-01T10:00:00", "end": "2030-01-01T11:00:00Z"},
            "start",
            "has no UTC offset",
        ),
        ("ApiKey", {"name": ""}, "name", "at least 1 character"),
        ("AssetSettings", {"assetId": "a", "cap": "On"}, "cap", "allowed: 'Enabled', 'Disabled', 'Inherit'"),
    ],
)
def test_check_failures_name_the_property(
    host: ProviderHost, emulator: RunningEmulator, kind: str, props: dict[str, Any], prop: str, reason: str
) -> None:
    emulator.ctx.requests.clear()
    _, failures = host.check(kind, props)
    assert any(p == prop and reason in r for p, r in failures), failures
    assert emulator.ctx.requests == []


def test_check_tolerates_values_not_known_yet(host: ProviderHost) -> None:
    _, failures = host.check(
        "Event", {"channelId": UNKNOWN, "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"}
    )
    assert failures == []


def test_missing_configuration_is_named(emulator: RunningEmulator) -> None:
    h = ProviderHost(
        {"videokit:endpoint": emulator.url}, env={"VIDEOKIT_API_KEY": "", "VIDEOKIT_TENANT_ID": ""}
    )
    try:
        with pytest.raises(HostError, match=r"videokit:apiKey.*videokit:tenantId"):
            h.create("AllowedDomain", {"url": "https://cfg.example.com"})
    finally:
        h.close()


def test_environment_fallback(emulator: RunningEmulator) -> None:
    h = ProviderHost(
        {},
        env={"VIDEOKIT_API_KEY": API_KEY, "VIDEOKIT_TENANT_ID": TENANT_ID, "VIDEOKIT_ENDPOINT": emulator.url},
    )
    try:
        did, _ = h.create("AllowedDomain", {"url": "https://env.example.com"})
        assert did
    finally:
        h.close()


def test_state_written_by_the_previous_release_still_refreshes_updates_and_destroys(
    host: ProviderHost, client: VideoKitClient
) -> None:
    """Existing stacks hold each provider pickled by reference at its old path; the host must
    still load every one of them."""
    saved = json.loads((Path(__file__).parent / "data" / "providers-before-0.2.json").read_text())
    for kind, entry in saved["providers"].items():
        host._providers[kind] = entry["__provider"]
    # Every kind of that release (kinds added since have no state from before it).
    assert set(saved["providers"]) == {"Channel", "Event", "AllowedDomain", "ApiKey", "AssetSettings"}
    assert set(saved["providers"]) <= set(KIND_OF)
    cid, outs = host.create("Channel", {**CH, "name": "old-state"})
    _, outs, inputs = host.read("Channel", cid, outs)
    assert inputs["name"] == "old-state"
    outs = host.update("Channel", cid, outs, {**CH, "name": "old-state-2"})
    assert client.live.channels.get(cid).name == "old-state-2"
    host.delete("Channel", cid, outs)
    kid, outs = host.create("ApiKey", {"name": "old-state-key", "roleId": "role-123"})
    assert host.read("ApiKey", kid, outs)[0] == kid
    host.delete("ApiKey", kid, outs)
