"""Each sequence of edits that once lost or took over an object, as the engine runs it, on the core.

One test per case of the convergence issue, judged on the tenant object by object.  The model-based
test (``test_stateful``) searches the same space at random; these pin the cases down.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

from pulumi_videokit.client import NotFoundError, VideoKitClient
from pulumi_videokit.emulator import RunningEmulator
from pulumi_videokit.reconcile.errors import AlreadyExistsError, InterruptRefused
from pulumi_videokit.reconcile.journal import resource_owner
from pulumi_videokit.reconcile.kinds import AssetSettingsKind
from pulumi_videokit.reconcile.service import Service, new_run

from .conftest import API_KEY, TENANT_ID
from .test_stateful import CheckFailed, Decl, MiniEngine

CH = {"input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}, "redundancy": "SingleInput"}


@pytest.fixture()
def engines(emulator: RunningEmulator) -> Iterator[dict[str, MiniEngine]]:
    journal = tempfile.mkdtemp()
    made = {
        label: MiniEngine(label, emulator.url, journal, backend, stack)
        for label, backend, stack in (
            ("staging", "file:///one", "staging"),
            ("prod", "file:///one", "prod"),
            ("again", "file:///two", "staging"),
        )
    }
    yield made
    for engine in made.values():
        for name, held in list(engine.state.items()):
            held.retain = False
            engine.state[name] = held
        engine.apply({})


def posts(emulator: RunningEmulator) -> list[str]:
    return [r["path"] for r in emulator.ctx.requests if r["method"] == "POST"]


def domains(api: VideoKitClient, host: str) -> list[str]:
    return [d.player_domain_id or "" for d in api.streaming.domains.list() if host in (d.url or "")]


def test_a_domain_url_change_leaves_one_new_domain(
    engines: dict[str, MiniEngine], client: VideoKitClient
) -> None:
    engine = engines["staging"]
    engine.apply({"site": Decl("AllowedDomain", {"url": "https://one.seq.example.com"})})
    old = engine.state["site"].object_id
    engine.apply({"site": Decl("AllowedDomain", {"url": "https://two.seq.example.com"})})
    new = engine.state["site"].object_id
    assert new != old and domains(client, "one.seq") == [] and domains(client, "two.seq") == [new]
    # ... and back again: still exactly one.
    engine.apply({"site": Decl("AllowedDomain", {"url": "https://one.seq.example.com"})})
    assert domains(client, "two.seq") == [] and domains(client, "one.seq") == [engine.state["site"].object_id]


def test_an_event_moved_to_another_channel_is_made_there(
    engines: dict[str, MiniEngine], client: VideoKitClient
) -> None:
    engine = engines["staging"]
    times = {"title": "seq-moved", "start": "2031-06-01T10:00:00Z", "end": "2031-06-01T11:00:00Z"}
    declared = {
        "a": Decl("Channel", {"name": "seq-a", **CH}),
        "b": Decl("Channel", {"name": "seq-b", **CH}),
        "ev": Decl("Event", {"channel": "a", **times}),
    }
    engine.apply(declared)
    engine.apply({**declared, "ev": Decl("Event", {"channel": "b", **times})})
    events = [(e.id, e.channel_id) for e in client.live.events.list() if e.title == "seq-moved"]
    assert events == [(engine.state["ev"].object_id, engine.state["b"].object_id)]


def test_a_retained_channel_is_not_taken_by_a_new_entry_with_its_name(
    engines: dict[str, MiniEngine], client: VideoKitClient, emulator: RunningEmulator
) -> None:
    engine = engines["staging"]
    engine.apply({"main": Decl("Channel", {"name": "seq-kept", **CH}, retain=True)})
    kept = engine.state["main"].object_id
    engine.apply({})
    assert [c.id for c in client.live.channels.list() if c.name == "seq-kept"] == [kept]
    emulator.ctx.requests.clear()
    engine.apply({"main": Decl("Channel", {"name": "seq-new", **CH})})
    assert posts(emulator) == ["/live/v1/channels"]
    assert engine.state["main"].object_id != kept
    assert [c.name for c in client.live.channels.list() if c.id == kept] == ["seq-kept"]
    engine.apply({})
    assert [c.id for c in client.live.channels.list() if c.name == "seq-kept"] == [kept]
    client.live.channels.delete(kept)


def test_asset_settings_moved_to_another_asset_follow_it(
    engines: dict[str, MiniEngine], client: VideoKitClient
) -> None:
    engine = engines["staging"]
    channel = client.live.channels.create({"name": "seq-assets", **CH})
    first, second = (
        client.live.events.create(
            {"channelId": channel, "start": f"2031-06-02T{h}:00:00Z", "end": f"2031-06-02T{h}:30:00Z"}
        )
        for h in (10, 11)
    )
    before = {a: client.streaming.assets.get(a).settings for a in (first, second)}
    engine.apply({"promo": Decl("AssetSettings", {"assetId": first, "tokenRequired": "Enabled"})})
    engine.apply({"promo": Decl("AssetSettings", {"assetId": second, "tokenRequired": "Enabled"})})
    moved = client.streaming.assets.get(second).settings
    assert moved is not None and moved.token_required is not None
    assert moved.token_required.asset == "Enabled"
    assert client.streaming.assets.get(first).settings == before[first]
    engine.apply({})
    assert client.streaming.assets.get(second).settings == before[second]


def _fresh_asset(client: VideoKitClient, name: str, day: int) -> str:
    """A streaming asset (an event's) whose token and cap settings are not those the tests set."""
    channel = client.live.channels.create({"name": name, **CH})
    asset = client.live.events.create(
        {"channelId": channel, "start": f"2031-06-{day:02d}T10:00:00Z", "end": f"2031-06-{day:02d}T10:30:00Z"}
    )
    before = client.streaming.assets.get(asset).settings
    assert before is not None and before.token_required is not None and before.cap is not None
    assert before.token_required.asset != "Enabled" and before.cap.asset != "Disabled"
    return asset


def test_asset_settings_renamed_without_aliases_keep_what_the_new_name_declares(
    engines: dict[str, MiniEngine], client: VideoKitClient
) -> None:
    """The engine creates the new name first, then deletes the old one: that delete gives back only
    what the new entry does not declare, never over what it just set."""
    engine = engines["staging"]
    asset = _fresh_asset(client, "seq-renamed", 3)
    before = client.streaming.assets.get(asset).settings
    assert before is not None and before.cap is not None
    engine.apply(
        {"promo": Decl("AssetSettings", {"assetId": asset, "tokenRequired": "Enabled", "cap": "Disabled"})}
    )
    engine.apply({"promo-2": Decl("AssetSettings", {"assetId": asset, "tokenRequired": "Enabled"})})
    assert set(engine.state) == {"promo-2"}
    live = client.streaming.assets.get(asset).settings
    assert live is not None and live.token_required is not None and live.cap is not None
    assert live.token_required.asset == "Enabled"  # the new entry's, kept
    assert live.cap.asset == before.cap.asset  # only the old entry declared it: given back


def test_a_channel_renamed_to_an_entry_that_adopts_it_is_kept(
    engines: dict[str, MiniEngine], client: VideoKitClient
) -> None:
    """An entry renamed without ``aliases`` whose new name adopts the channel by id: the engine
    adopts first, then deletes the old name, which must not delete what the new name now holds."""
    engine = engines["staging"]
    engine.apply({"stage": Decl("Channel", {"name": "seq-adopted", **CH})})
    held = engine.state["stage"].object_id
    engine.apply({"main-stage": Decl("Channel", {"name": "seq-adopted", **CH, "adopt": held})})
    assert set(engine.state) == {"main-stage"} and engine.state["main-stage"].object_id == held
    assert [c.id for c in client.live.channels.list() if c.name == "seq-adopted"] == [held]


def _settings_service(emulator: RunningEmulator) -> Service:
    config = {
        "api_key": API_KEY,
        "tenant_id": TENANT_ID,
        "endpoint": emulator.url,
        "journal_dir": tempfile.mkdtemp(),
        "retry_total_seconds": "3",
        "max_requests_per_second": "0",
    }
    return Service(AssetSettingsKind, config)


def _settings_owner(name: str) -> str:
    return resource_owner("file:///one", f"urn:pulumi:staging::p::videokit:index:AssetSettings::{name}")


def _settings_held_by_a(
    emulator: RunningEmulator, client: VideoKitClient, name: str, day: int
) -> tuple[Service, str, dict[str, Any]]:
    """Settings `a` applied in an earlier run (token and cap), and a new run begun."""
    service = _settings_service(emulator)
    asset = _fresh_asset(client, name, day)
    new_run()
    _, held = service.create(
        {"assetId": asset, "tokenRequired": "Enabled", "cap": "Disabled"}, _settings_owner("a")
    )
    new_run()
    return service, asset, held


def test_settings_split_over_two_new_entries_keep_what_each_declares(
    emulator: RunningEmulator, client: VideoKitClient
) -> None:
    """The Python door lets two entries share an asset: one entry's settings moved to two new ones
    in one run are given back only where neither declares them."""
    service, asset, old = _settings_held_by_a(emulator, client, "seq-split", 4)
    service.create({"assetId": asset, "tokenRequired": "Enabled"}, _settings_owner("b"))
    service.create({"assetId": asset, "cap": "Disabled"}, _settings_owner("c"))
    warnings: list[str] = []
    service.delete(asset, old, _settings_owner("a"), warnings.append)
    live = client.streaming.assets.get(asset).settings
    assert live is not None and live.token_required is not None and live.cap is not None
    assert (live.token_required.asset, live.cap.asset) == ("Enabled", "Disabled")
    assert len(warnings) == 1 and "`b` and `c`" in warnings[0]


def test_settings_taken_over_on_an_asset_gone_meanwhile_are_deleted(
    emulator: RunningEmulator, client: VideoKitClient
) -> None:
    """An asset deleted between the new name's create and the old name's delete: nothing is left
    to give back, and the delete ends as any delete of a gone object does."""
    service, asset, old = _settings_held_by_a(emulator, client, "seq-gone", 5)
    service.create({"assetId": asset, "tokenRequired": "Enabled"}, _settings_owner("b"))
    client.live.events.delete(asset)
    with pytest.raises(NotFoundError):
        client.streaming.assets.get(asset)  # the asset really is gone
    warnings: list[str] = []
    service.delete(asset, old, _settings_owner("a"), warnings.append)
    assert len(warnings) == 1


def test_a_url_another_stack_manages_is_refused_every_time_and_never_taken(
    engines: dict[str, MiniEngine], client: VideoKitClient, emulator: RunningEmulator
) -> None:
    url = {"url": "https://shared.seq.example.com"}
    engines["staging"].apply({"site": Decl("AllowedDomain", url)})
    theirs = engines["staging"].state["site"].object_id
    for label in ("prod", "again", "prod", "again"):
        with pytest.raises(AlreadyExistsError, match=r"aliases.*adopt: true"):
            engines[label].apply({"site": Decl("AllowedDomain", url)})
        assert "site" not in engines[label].state
    engines["prod"].apply({})
    engines["again"].apply({})
    assert domains(client, "shared.seq") == [theirs]


def test_the_same_stack_name_on_another_backend_makes_its_own_objects(
    engines: dict[str, MiniEngine], client: VideoKitClient, emulator: RunningEmulator
) -> None:
    declared: dict[str, Any] = {
        "main": Decl("Channel", {"name": "seq-twin", **CH}),
        "key": Decl("ApiKey", {"name": "seq-twin-key", "roleId": "role-123"}),
    }
    engines["staging"].apply(declared)
    emulator.ctx.requests.clear()
    engines["again"].apply(declared)
    assert sorted(posts(emulator)) == ["/core/v1/api-key", "/live/v1/channels"]
    mine = {n: h.object_id for n, h in engines["staging"].state.items()}
    theirs = {n: h.object_id for n, h in engines["again"].state.items()}
    assert not set(mine.values()) & set(theirs.values())
    engines["again"].apply({})
    assert [c.id for c in client.live.channels.list() if c.name == "seq-twin"] == [mine["main"]]
    assert [k.id for k in client.core.api_keys.list() if k.name == "seq-twin-key"] == [mine["key"]]


def test_a_renamed_entry_needs_aliases_and_with_them_changes_nothing(
    engines: dict[str, MiniEngine], client: VideoKitClient, emulator: RunningEmulator
) -> None:
    engine = engines["staging"]
    url = {"url": "https://renamed.seq.example.com"}
    engine.apply({"site": Decl("AllowedDomain", url)})
    kept = engine.state["site"].object_id
    with pytest.raises(AlreadyExistsError, match=r"aliases"):
        engine.apply({"website": Decl("AllowedDomain", url)})
    with pytest.raises(AlreadyExistsError):
        engine.apply({"website": Decl("AllowedDomain", url)})  # never adopted on the second try
    assert domains(client, "renamed.seq") == [kept]
    emulator.ctx.requests.clear()
    engine.apply({"website": Decl("AllowedDomain", url, aliases=("site",))})
    assert [r for r in emulator.ctx.requests if r["method"] != "GET"] == []
    assert engine.state["website"].object_id == kept and domains(client, "renamed.seq") == [kept]


def test_adopting_a_channel_on_air_with_running_false_is_refused(
    engines: dict[str, MiniEngine], client: VideoKitClient, emulator: RunningEmulator
) -> None:
    on_air = client.live.channels.create({"name": "seq-on-air", **CH})
    client.live.channels.start(on_air)
    engine = engines["staging"]
    adopt = {"name": "seq-on-air", "input": CH["input"], "adopt": True, "running": False}
    # A preview refuses it already (check), with nothing written ...
    _, found = engine.services["Channel"].check(adopt, {})
    assert [(p, "running: false stops it" in r) for p, r in found] == [("adopt", True)], found
    _, in_state = engine.services["Channel"].check(adopt, {"name": "seq-on-air"})
    assert in_state == []  # ... and only while the object is not in the stack yet
    emulator.ctx.requests.clear()
    with pytest.raises(CheckFailed, match="running: false stops it"):
        engine.apply({"main": Decl("Channel", adopt)})
    # The create refuses it too, whatever a door's check did.
    with pytest.raises(InterruptRefused, match="running: false stops it"):
        engine.services["Channel"].create(adopt, engine.owner("Channel", "main"))
    assert [r for r in emulator.ctx.requests if r["method"] not in ("GET",)] == []
    engine.apply({"main": Decl("Channel", {**adopt, "running": True})})
    assert engine.state["main"].object_id == on_air
    client.live.channels.stop(on_air)


def test_replacing_an_api_key_makes_a_new_key(
    engines: dict[str, MiniEngine], client: VideoKitClient, emulator: RunningEmulator
) -> None:
    engine = engines["staging"]
    declared = {"key": Decl("ApiKey", {"name": "seq-key", "roleId": "role-123"})}
    engine.apply(declared)
    old = engine.state["key"].object_id
    # `pulumi up --replace`: the engine creates the same URN again, then deletes the old key.
    held = engine.state["key"]
    service = engine.services["ApiKey"]
    new, _ = service.create({"name": "seq-key", "roleId": "role-123"}, engine.owner("ApiKey", "key"))
    service.delete(old, held.outs, engine.owner("ApiKey", "key"))
    assert new != old
    assert [k.id for k in client.core.api_keys.list() if k.name == "seq-key"] == [new]
    client.core.api_keys.delete(new)
    engine.state.clear()
