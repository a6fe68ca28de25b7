"""The journal of creates in flight, at the provider level against the emulator."""

from __future__ import annotations

from pathlib import Path

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import FaultRule, RunningEmulator
from pulumi_videokit.reconcile import apply
from pulumi_videokit.reconcile.journal import Journal
from pulumi_videokit.reconcile.kinds import Settings
from pulumi_videokit.resources import ApiKeyKind, AssetSettingsKind, ChannelKind

CH = {"name": "journaled", "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}}


def test_a_create_recorded_but_not_in_state_is_adopted_not_repeated(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    journal = Journal(tmp_path)
    kind = ChannelKind(client, Settings(poll_seconds=0.05))
    first, _ = apply.create(kind, CH, journal=journal, owner="o/p/s/Channel/j")
    # The run dies before the engine saves state; the next run creates the same resource again.
    emulator.ctx.requests.clear()
    second, outputs = apply.create(kind, CH, journal=journal, owner="o/p/s/Channel/j")
    assert second == first and outputs["status"] == "Off"
    assert ("POST", "/live/v1/channels") not in [(r["method"], r["path"]) for r in emulator.ctx.requests]
    assert [c.id for c in client.live.channels.list() if c.name == "journaled"] == [first]
    apply.delete(kind, first, CH, journal=journal, owner="o/p/s/Channel/j")
    assert journal.get("o/p/s/Channel/j") is None


def test_an_intent_without_an_id_is_resolved_by_natural_key(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    journal = Journal(tmp_path)
    kind = ApiKeyKind(client, Settings())
    journal.begin("o/p/s/ApiKey/k", "ApiKey")  # the run died while the POST was in flight
    made = client.core.api_keys.create({"name": "journal-key", "roleId": "role-123"})
    key_id, outputs = apply.create(
        kind, {"name": "journal-key", "roleId": "role-123"}, journal=journal, owner="o/p/s/ApiKey/k"
    )
    # The key the lost run made is kept, never deleted and made again: the reference documents
    # no key material in any answer, so nothing was lost with the run.
    assert key_id == made.id and "key" not in outputs and outputs["roleName"] == "Admin"
    assert [k.id for k in client.core.api_keys.list() if k.name == "journal-key"] == [key_id]
    assert not [r for r in emulator.ctx.requests if r["method"] == "DELETE"]


def test_asset_settings_killed_after_the_patch_still_restore_the_originals(
    client: VideoKitClient, tmp_path: Path
) -> None:
    cid = client.live.channels.create(CH)
    asset = client.live.events.create(
        {"channelId": cid, "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"}
    )
    original = client.streaming.assets.get(asset).settings
    journal = Journal(tmp_path)
    kind = AssetSettingsKind(client, Settings())
    spec = {"assetId": asset, "analytics": "Disabled", "cap": "Disabled"}
    apply.create(kind, spec, journal=journal, owner="o/p/s/AssetSettings/a")
    _, outputs = apply.create(kind, spec, journal=journal, owner="o/p/s/AssetSettings/a")
    # The asset inherited the tenant's values: destroy hands them back to the tenant.
    assert outputs["previous"] == {"analytics": "Inherit", "cap": "Inherit"}
    apply.delete(kind, asset, {**spec, **outputs}, journal=journal, owner="o/p/s/AssetSettings/a")
    assert client.streaming.assets.get(asset).settings == original


def test_a_5xx_create_is_looked_up_then_sent_again(client: VideoKitClient, emulator: RunningEmulator) -> None:
    emulator.ctx.faults.replace([FaultRule(kind="503", every=1, method="POST", path="^/live/v1/channels$")])
    kind = ChannelKind(client, Settings())
    calls: list[float] = []

    def sleep(seconds: float) -> None:
        calls.append(seconds)
        emulator.ctx.faults.replace([])

    cid, _ = apply.create(kind, {**CH, "name": "after-503"}, sleep=sleep)
    methods = [
        (r["method"], r["path"], r["status"])
        for r in emulator.ctx.requests
        if r["path"].startswith("/live/v1/channels")
    ]
    assert methods[0] == ("POST", "/live/v1/channels", 503)
    assert ("GET", "/live/v1/channels", 200) in methods  # looked up before sending again
    assert [c.id for c in client.live.channels.list() if c.name == "after-503"] == [cid]
    assert len(calls) == 1
