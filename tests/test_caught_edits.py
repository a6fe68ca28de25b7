"""Behaviours that realistic one-line bugs broke without a failing test.

Each test pins one thing a user relies on, through the path the user's run takes: the provider
hosts over gRPC against the emulator, the YAML loader, or a program under Pulumi's mocks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import config as pulumi_config
from pulumi.runtime.proto import provider_pb2 as pb

from pulumi_videokit.client import VideoKitClient, VideoKitError
from pulumi_videokit.emulator import EmulatorConfig, FaultRule, RunningEmulator
from pulumi_videokit.emulator import running as emulator_running
from pulumi_videokit.gitops import ConfigValue, Context, DeclarationError, load
from pulumi_videokit.native._props import SECRET, SIG, decode, encode
from pulumi_videokit.reconcile.journal import Journal, resource_owner, scoped

from .conftest import API_KEY, TENANT_ID, admin, make_client
from .nativehost import NativeHost, secret, urn
from .providerhost import HostError, ProviderHost
from .test_program_mocks import Recorder
from .test_provider_protocol import CH, open_host

INPUT = "input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}"


@pytest.fixture()
def host(emulator: RunningEmulator) -> Iterator[ProviderHost]:
    h = open_host(emulator.url)
    yield h
    h.close()


def force_status(emulator: RunningEmulator, channel_id: str, status: str) -> None:
    """Put a channel in a run state and keep it there (as a slow platform start would)."""
    with admin(emulator) as api:
        api.put(f"/channels/{channel_id}/status", json={"status": status}).raise_for_status()


# ---- on-air protection ----


def test_a_starting_channel_is_neither_replaced_nor_stopped_without_allow_interrupt(
    host: ProviderHost, emulator: RunningEmulator, client: VideoKitClient
) -> None:
    """A channel on its way to On is about to carry viewers: replacing or stopping it needs
    allowInterrupt, as for an On one."""
    props = {**CH, "name": "caught-starting"}
    cid, outs = host.create("Channel", props)
    assert outs["status"] == "Off"
    force_status(emulator, cid, "Starting")
    try:
        assert client.live.channels.status(cid).status == "Starting"
        with pytest.raises(HostError, match=r"is Starting: changing redundancy replaces the channel"):
            host.diff("Channel", cid, outs, {**props, "redundancy": "DoubleInput"})
        with pytest.raises(HostError, match=r"is Starting: running: false stops it"):
            host.diff("Channel", cid, outs, {**props, "running": False})
        allowed = host.diff(
            "Channel", cid, outs, {**props, "redundancy": "DoubleInput", "allowInterrupt": True}
        )
        assert list(allowed.replaces) == ["redundancy"] and allowed.deleteBeforeReplace
        # A change that interrupts nothing is never refused.
        renamed = host.diff("Channel", cid, outs, {**props, "name": "caught-starting-2"})
        assert renamed.changes == pb.DiffResponse.DIFF_SOME and list(renamed.replaces) == []
    finally:
        force_status(emulator, cid, "Off")
        host.delete("Channel", cid, outs)


def test_a_refresh_reads_a_starting_channel_as_running(host: ProviderHost, emulator: RunningEmulator) -> None:
    """running: true is what a Starting channel is doing: a refresh finds no drift in it."""
    props = {**CH, "name": "caught-refresh-starting", "running": True}
    cid, outs = host.create("Channel", props)
    force_status(emulator, cid, "Starting")
    try:
        _, read_outs, inputs = host.read("Channel", cid, outs)
        assert read_outs["status"] == "Starting"
        assert inputs["running"] is True
        assert host.diff("Channel", cid, read_outs, props).changes == pb.DiffResponse.DIFF_NONE
    finally:
        force_status(emulator, cid, "Off")
        host.delete("Channel", cid, outs)


def test_while_the_api_cannot_say_a_channel_runs_its_recorded_status_protects_it(
    emulator: RunningEmulator,
) -> None:
    """An outage of Get Channel Status during a preview must not let a replace of a channel the
    stack last saw On through: the status in state decides."""
    config = {
        "videokit:apiKey": API_KEY,
        "videokit:tenantId": TENANT_ID,
        "videokit:endpoint": emulator.url,
        "videokit:pollSeconds": "0.05",
        "videokit:retryTotalSeconds": "1",
    }
    props = {**CH, "name": "caught-outage", "running": True}
    with ProviderHost(config) as host:
        cid, outs = host.create("Channel", props)
        assert outs["status"] == "On"
        emulator.ctx.faults.replace(
            [FaultRule(kind="503", rate=1.0, method="GET", path=r"^/live/v1/channels/[^/]+/status$")]
        )
        try:
            with pytest.raises(VideoKitError):
                make_client(
                    emulator.url, retry_total_seconds=0.3, backoff_base_seconds=0.01
                ).live.channels.status(cid)
            with pytest.raises(HostError, match=r"is On: changing redundancy replaces the channel"):
                host.diff("Channel", cid, outs, {**props, "redundancy": "DoubleInput"})
        finally:
            emulator.ctx.faults.replace([])
        host.delete("Channel", cid, outs)


def test_a_channel_already_stopping_is_waited_for_not_stopped_again() -> None:
    """Declaring running: false on a channel someone just stopped waits for it to be Off; the
    stop already under way is not sent a second time."""
    config = EmulatorConfig(api_key=API_KEY, tenant_id=TENANT_ID, transition_seconds=1.5)
    with emulator_running(config) as slow, open_host(slow.url) as host:
        props = {**CH, "name": "caught-stopping", "running": True}
        cid, outs = host.create("Channel", props)
        assert outs["status"] == "On"
        client = make_client(slow.url)
        client.live.channels.stop(cid)
        slow.ctx.requests.clear()
        assert client.live.channels.status(cid).status == "Stopping"
        outs = host.update("Channel", cid, outs, {**props, "running": False, "allowInterrupt": True})
        assert outs["status"] == "Off"
        stops = [r for r in slow.ctx.requests if r["method"] == "POST" and r["path"].endswith("/stop")]
        assert stops == []
        host.delete("Channel", cid, outs)


# ---- what a run changes, and what it leaves ----


def test_a_channel_declared_as_it_runs_shows_no_change(host: ProviderHost) -> None:
    """running: true on a channel that is On, or false on one that is Off, is no change."""
    for running in (True, False):
        props = {**CH, "name": f"caught-steady-{running}".lower(), "running": running}
        cid, outs = host.create("Channel", props)
        assert outs["status"] == ("On" if running else "Off") and outs["running"] is running
        assert host.diff("Channel", cid, outs, props).changes == pb.DiffResponse.DIFF_NONE
        host.delete("Channel", cid, outs)


def test_a_field_left_out_of_a_declaration_is_left_as_it_is(
    host: ProviderHost, emulator: RunningEmulator
) -> None:
    """Dropping qualities from a channel's declaration updates cleanly and sends no value for
    them (the API keeps what the channel has)."""
    props = {**CH, "name": "caught-dropped"}
    cid, outs = host.create("Channel", props)
    assert outs["qualities"] == CH["qualities"]
    dropped = {k: v for k, v in props.items() if k != "qualities"}
    diff = host.diff("Channel", cid, outs, dropped)
    assert diff.changes == pb.DiffResponse.DIFF_SOME and list(diff.replaces) == []
    emulator.ctx.requests.clear()
    outs = host.update("Channel", cid, outs, dropped)
    assert "qualities" not in outs
    assert [r["body"] for r in emulator.ctx.requests if r["method"] == "PATCH"] in ([], [{}])
    host.delete("Channel", cid, outs)


def test_a_restreams_change_is_sent_in_place(host: ProviderHost, emulator: RunningEmulator) -> None:
    """Restream destinations change with one PATCH, without replacing the channel."""
    props = {**CH, "name": "caught-restreams"}
    cid, outs = host.create("Channel", props)
    restreams = [{"rtmpDestinations": [{"url": "rtmp://a.example.com/live", "streamKey": "k1"}]}]
    changed = {**props, "restreams": restreams}
    diff = host.diff("Channel", cid, outs, changed)
    assert diff.changes == pb.DiffResponse.DIFF_SOME and list(diff.replaces) == []
    emulator.ctx.requests.clear()
    outs = host.update("Channel", cid, outs, changed)
    patches = [r["body"] for r in emulator.ctx.requests if r["method"] == "PATCH"]
    assert len(patches) == 1 and list(patches[0]) == ["restreams"]
    with admin(emulator) as api:
        stored = api.get("/state").json()["channels"][cid]
    assert stored["_spec"]["restreams"] == restreams and outs["restreams"] == restreams
    host.delete("Channel", cid, outs)


def test_a_setting_no_longer_declared_goes_back_to_what_it_was(
    host: ProviderHost, client: VideoKitClient
) -> None:
    """AssetSettings manages only the settings declared: one dropped from the declaration is
    handed back to the value it had before the stack took it over."""
    cid = client.live.channels.create(CH)
    asset = client.live.events.create(
        {"channelId": cid, "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"}
    )
    client.streaming.assets.update_settings(asset, {"analytics": "Enabled"})
    props = {"assetId": asset, "analytics": "Disabled", "cap": "Disabled"}
    aid, outs = host.create("AssetSettings", props)
    assert outs["previous"]["analytics"] == "Enabled"
    settings = client.streaming.assets.get(asset).settings
    assert settings is not None and settings.analytics is not None and settings.analytics.asset == "Disabled"
    outs = host.update("AssetSettings", aid, outs, {"assetId": asset, "cap": "Disabled"})
    settings = client.streaming.assets.get(asset).settings
    assert settings is not None and settings.analytics is not None and settings.analytics.asset == "Enabled"
    assert settings.cap is not None and settings.cap.asset == "Disabled"  # still declared, still set
    assert "analytics" not in outs["previous"]  # no longer the stack's to restore
    host.delete("AssetSettings", aid, outs)
    settings = client.streaming.assets.get(asset).settings
    assert settings is not None and settings.analytics is not None and settings.analytics.asset == "Enabled"


# ---- provider configuration ----


def test_an_empty_stack_setting_falls_back_to_its_environment_variable(emulator: RunningEmulator) -> None:
    """`pulumi config set videokit:apiKey ""` counts as unset: VIDEOKIT_API_KEY is used."""
    config = {"videokit:apiKey": "", "videokit:tenantId": TENANT_ID, "videokit:endpoint": emulator.url}
    with ProviderHost(config, env={"VIDEOKIT_API_KEY": API_KEY}) as host:
        did, outs = host.create("AllowedDomain", {"url": "https://caught-env.example.com"})
        assert did and outs["url"] == "https://caught-env.example.com"
        host.delete("AllowedDomain", did, outs)


# ---- creates in flight ----


def test_a_late_answer_of_an_earlier_run_never_overwrites_the_current_attempt(tmp_path: Path) -> None:
    """A plugin left over from a killed run may hear its create answered after a new run began
    the same resource's create: the new run's attempt, and the id its own POST got, are the ones
    kept, so a later recovery takes the new run's object and not the old one."""
    owner = scoped("tenant@test", resource_owner("file:///b", "urn:pulumi:s::p::videokit:index:Channel::c"))
    journal = Journal(tmp_path)
    earlier = journal.begin(owner, "Channel", {"name": "c"})
    current = journal.begin(owner, "Channel", {"name": "c"})
    assert earlier.token != current.token
    # The earlier run, still looking up what exists, may not send once this run has begun.
    assert journal.sent(current, []) and not journal.sent(earlier, [])
    journal.made(earlier, "id-of-the-earlier-run")
    pending = journal.pending(owner)
    assert pending is not None and pending.token == current.token and pending.object_id is None
    journal.made(current, "id-of-this-run")
    pending = journal.pending(owner)
    assert pending is not None and pending.object_id == "id-of-this-run"
    journal.finish(earlier)  # the earlier run's end leaves this run's attempt alone
    assert journal.pending(owner) is not None
    journal.finish(current)
    assert journal.pending(owner) is None and journal.attempts() == []


# ---- secrets through the native plugin ----


def native_config(url: str) -> dict[str, Any]:
    return {"apiKey": secret(API_KEY), "tenantId": TENANT_ID, "endpoint": url, "pollSeconds": "0.05"}


def test_whole_numbers_reach_the_api_as_integers_through_the_native_plugin(
    emulator: RunningEmulator,
) -> None:
    """The engine carries every number as a double; a frame rate of 30 must reach the API as the
    integer 30 (an int32 field), never as 30.0."""
    props = {
        "name": "caught-native-int",
        "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}},
        "qualities": [{"resolution": "720p", "frameRate": 30}],
    }
    with NativeHost(native_config(emulator.url)) as host:
        emulator.ctx.requests.clear()
        cid, created = host.create("Channel", props)
        [body] = [r["body"] for r in emulator.ctx.requests if r["method"] == "POST"]
        rate = body["qualities"][0]["frameRate"]
        assert rate == 30 and type(rate) is int
        outputs, _ = decode(created)
        host.delete("Channel", cid, outputs)


def test_a_secret_inside_a_list_keeps_its_property_secret_in_the_native_plugin(
    emulator: RunningEmulator, client: VideoKitClient
) -> None:
    """A stream key given as a secret deep inside restreams: Check and Create answer the whole
    restreams property as a secret, so the engine never stores the key in plaintext."""
    from google.protobuf import json_format

    restreams = [{"rtmpDestinations": [{"url": "rtmp://x.example.com/live", "streamKey": secret("k-123")}]}]
    props = {
        "name": "caught-native-secret",
        "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}},
        "restreams": restreams,
    }
    with NativeHost(native_config(emulator.url)) as host:
        checked = host.call("Check", pb.CheckRequest(urn=urn("Channel"), news=encode(props)))
        raw = json_format.MessageToDict(checked.inputs)
        assert list(checked.failures) == []
        assert raw["restreams"].get(SIG) == SECRET and raw["name"] == "caught-native-secret"
        cid, created = host.create("Channel", props)
        raw = json_format.MessageToDict(created)
        assert raw["restreams"].get(SIG) == SECRET
        assert raw["restreams"]["value"][0]["rtmpDestinations"][0]["streamKey"] == "k-123"
        assert not isinstance(raw["name"], dict)
        assert client.live.channels.get(cid).name == "caught-native-secret"
        host.delete("Channel", cid, {k: v for k, v in raw.items() if k != "restreams"})


# ---- YAML aliases ----


def test_a_urn_alias_may_keep_the_entry_name(tmp_path: Path) -> None:
    """Moving a channel to another type or parent keeps its name: the alias is the old URN,
    whose name is this entry's own, and that is allowed (a bare own name is not)."""
    urn_alias = "urn:pulumi:prod::venue::pulumi-python:dynamic/videokit:Channel::main"
    (tmp_path / "v.yaml").write_text(
        f"channels:\n  main:\n    name: main\n    {INPUT}\n    aliases: ['{urn_alias}']\n"
    )
    (main,) = load(tmp_path / "v.yaml").entries
    assert main.options["aliases"] == [urn_alias] and "aliases" not in main.props
    (tmp_path / "v.yaml").write_text(
        f"channels:\n  main:\n    name: main\n    {INPUT}\n    aliases: [main]\n"
    )
    with pytest.raises(DeclarationError, match=r"channels.main.aliases.0: is this entry's own name"):
        load(tmp_path / "v.yaml")


def test_a_timestamp_reads_the_same_in_a_file_with_anchors(tmp_path: Path) -> None:
    """An unquoted UTC time is the same text whichever way the file is read: a file with anchors
    and aliases (read by the full YAML reader) gives what a plain one gives."""
    event = "    channel: c\n    start: 2031-01-01T10:00:00Z\n    end: 2031-01-01T11:00:00Z\n"
    channel = "channels:\n  c:\n    name: c\n    input: &in {type: RTMP_PUSH, inputLoss: {type: COLOR}}\n"
    (tmp_path / "plain.yaml").write_text(f"channels:\n  c:\n    name: c\n    {INPUT}\nevents:\n  e:\n{event}")
    (tmp_path / "anchored.yaml").write_text(
        f"{channel}  d:\n    name: d\n    input: *in\nevents:\n  e:\n{event}"
    )
    plain = {e.name: e.props for e in load(tmp_path / "plain.yaml").entries}
    anchored = {e.name: e.props for e in load(tmp_path / "anchored.yaml").entries}
    assert anchored["d"]["input"] == plain["c"]["input"]  # the alias was read
    assert plain["e"]["start"] == "2031-01-01T10:00:00Z" and plain["e"]["end"] == "2031-01-01T11:00:00Z"
    assert anchored["e"] == plain["e"]


# ---- secrets from stack config ----


def secret_ctx(**config: ConfigValue) -> Context:
    return Context(
        stack="staging", project="venue", config={f"venue:{k}": v for k, v in config.items()}.get, environ={}
    )


SECRET_FILE = (
    "channels:\n"
    "  main:\n"
    "    name: '${config:chname}'\n"
    f"    {INPUT}\n"
    "    qualities: [{resolution: '${config:res}'}]\n"
    "    restreams: [{rtmpDestinations: [{url: 'rtmp://x/y', streamKey: '${config:key}'}]}]\n"
    "  side:\n"
    "    name: '${config:chname}-${stack}'\n"
    f"    {INPUT}\n"
    "  plain:\n"
    "    name: 'plain-${config:region}'\n"
    f"    {INPUT}\n"
    "events:\n"
    "  e:\n"
    "    channel: plain\n"
    "    start: '2031-01-01T10:00:00Z'\n"
    "    end: '2031-01-01T11:00:00Z'\n"
    "    tags: ['${config:tag}']\n"
)


def test_every_field_holding_a_secret_config_value_is_declared_secret(tmp_path: Path) -> None:
    """A top-level field, a field deep in a list, a list item, a secret followed by other text:
    each entry's field that holds a secret is one, and no other is."""
    (tmp_path / "v.yaml").write_text(SECRET_FILE)
    doc = load(
        tmp_path / "v.yaml",
        context=secret_ctx(
            chname=ConfigValue("hidden-name", secret=True),
            res=ConfigValue("720p", secret=True),
            key=ConfigValue("s3cr3t", secret=True),
            tag=ConfigValue("hidden-tag", secret=True),
            region=ConfigValue("eu"),
        ),
    )
    entries = {e.name: e for e in doc.entries}
    assert entries["main"].props["name"] == "hidden-name"
    assert entries["main"].secrets == frozenset({"name", "qualities", "restreams"})
    assert entries["side"].props["name"] == "hidden-name-staging"
    assert entries["side"].secrets == frozenset({"name"})
    assert entries["plain"].props["name"] == "plain-eu" and entries["plain"].secrets == frozenset()
    assert entries["e"].props["tags"] == ["hidden-tag"] and entries["e"].secrets == frozenset({"tags"})


@pytest.fixture()
def stack_config() -> Iterator[None]:
    """The running program's config, with ``chname`` and ``key`` set as secrets."""
    values = {
        "project:chname": "hidden-name",
        "project:res": "720p",
        "project:key": "s3cr3t",
        "project:tag": "hidden-tag",
        "project:region": "eu",
    }
    token = pulumi_config.CONFIG.set(values)
    secret_token = pulumi_config._SECRET_KEYS.set(
        {"project:chname", "project:res", "project:key", "project:tag"}
    )
    yield
    pulumi_config._SECRET_KEYS.reset(secret_token)
    pulumi_config.CONFIG.reset(token)


def is_secret(value: Any) -> bool:
    return isinstance(value, dict) and value.get(SIG) == SECRET


def test_from_yaml_sends_secret_config_values_as_secrets(tmp_path: Path, stack_config: None) -> None:
    """Through a program: a field holding a secret reaches the engine as a secret, so the state
    never holds it in plaintext."""
    from pulumi_videokit import from_yaml

    (tmp_path / "v.yaml").write_text(SECRET_FILE)
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, preview=False)

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def run() -> Any:
        declared = from_yaml(tmp_path / "v.yaml")
        return pulumi.Output.all(*(r.id for r in declared.values()))

    run()
    seen = {r.name: r.inputs for r in recorder.resources}
    assert set(seen) == {"main", "side", "plain", "e"}
    main = seen["main"]
    assert is_secret(main["name"]) and main["name"]["value"] == "hidden-name"
    assert is_secret(main["restreams"])
    assert main["restreams"]["value"][0]["rtmpDestinations"][0]["streamKey"] == "s3cr3t"
    assert is_secret(main["qualities"]) and main["qualities"]["value"] == [{"resolution": "720p"}]
    assert not is_secret(main["input"])
    assert is_secret(seen["side"]["name"]) and seen["side"]["name"]["value"] == "hidden-name-stack"
    assert seen["plain"]["name"] == "plain-eu"
    assert is_secret(seen["e"]["tags"]) and seen["e"]["channelId"] == "plain-id"


# ---- key material declared in plain text is a secret all the same ----

PLAIN_KEY = [{"rtmpDestinations": [{"url": "rtmp://x.example.com/live", "streamKey": "sk-plain-4711"}]}]


def test_a_plain_stream_key_is_a_secret_in_every_answer_of_the_native_plugin(
    emulator: RunningEmulator, client: VideoKitClient
) -> None:
    from google.protobuf import json_format

    props = {"name": "plain-key", "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}}
    with NativeHost(native_config(emulator.url)) as host:
        checked = host.call(
            "Check", pb.CheckRequest(urn=urn("Channel"), news=encode({**props, "restreams": PLAIN_KEY}))
        )
        key = json_format.MessageToDict(checked.inputs)["restreams"][0]["rtmpDestinations"][0]["streamKey"]
        assert key == {SIG: SECRET, "value": "sk-plain-4711"}
        cid, created = host.create("Channel", {**props, "restreams": PLAIN_KEY})
        raw = json_format.MessageToDict(created)
        assert raw["restreams"][0]["rtmpDestinations"][0]["streamKey"] == {
            SIG: SECRET,
            "value": "sk-plain-4711",
        }
        assert raw["restreams"][0]["rtmpDestinations"][0]["url"] == "rtmp://x.example.com/live"
        host.delete("Channel", cid, {k: v for k, v in raw.items() if k != "restreams"})


def test_a_plain_stream_key_reaches_the_engine_as_a_secret_from_a_python_program() -> None:
    from pulumi_videokit import Channel

    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, preview=False)

    @pulumi.runtime.test  # type: ignore[untyped-decorator]
    def run() -> Any:
        channel = Channel(
            "keyed",
            name="keyed",
            input={"type": "RTMP_PUSH", "input_loss": {"type": "COLOR"}},
            restreams=[
                {"rtmp_destinations": [{"url": "rtmp://x.example.com/live", "stream_key": "sk-plain-4711"}]}
            ],
        )
        return channel.id

    run()
    (seen,) = [r.inputs for r in recorder.resources if r.name == "keyed"]
    assert is_secret(seen["restreams"])
    assert seen["restreams"]["value"][0]["rtmpDestinations"][0]["streamKey"] == "sk-plain-4711"
    assert not is_secret(seen["name"])


def test_a_changed_stream_key_is_shown_as_a_secret_in_the_plan_summary() -> None:
    from pulumi_videokit.reports import plan_summary

    step_inputs = {
        "name": "main",
        "restreams": [{"rtmpDestinations": [{"url": "rtmp://a/b", "streamKey": "SK-OLD-111"}]}],
    }
    new_inputs = {
        "name": "main",
        "restreams": [{"rtmpDestinations": [{"url": "rtmp://a/b", "streamKey": "SK-NEW-222"}]}],
    }
    urn_ = "urn:pulumi:dev::p::videokit:index:Channel::main"
    doc = {
        "steps": [
            {
                "op": "update",
                "urn": urn_,
                "oldState": {
                    "urn": urn_,
                    "type": "videokit:index:Channel",
                    "id": "c1",
                    "inputs": step_inputs,
                    "outputs": step_inputs,
                },
                "newState": {
                    "urn": urn_,
                    "type": "videokit:index:Channel",
                    "id": "c1",
                    "inputs": new_inputs,
                    "outputs": new_inputs,
                },
                "diffReasons": ["restreams"],
            }
        ],
        "changeSummary": {"update": 1},
    }
    import json

    shown = plan_summary(json.dumps(doc)).markdown
    assert "SK-OLD-111" not in shown and "SK-NEW-222" not in shown
    assert "`restreams[0].rtmpDestinations[0].streamKey`: [secret] → [secret]" in shown
