"""A sequence of plain edits through the real engine, on both doors: after every `up`, the tenant
holds exactly what the file declares (object by object), and `preview --expect-no-changes` is clean.

videokit.yaml with ``from_yaml`` (the dynamic providers) and Pulumi YAML with ``videokit:index:*``
(the native plugin) run the same steps: a domain URL changed and changed back, an event moved to
another channel, a create-only channel field changed, asset settings moved to another asset, a
retained channel removed from the file, a new entry reusing its name, and a rename with
``aliases``.  The sequence runs once more under faults (lost answers, 429, 503) and once with
``kill -9`` of an `up` in the middle.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator, parse_spec

from .. import figures
from .conftest import record, stack_for, state_objects, writes
from .test_engine_faults import _up_killed_after

SEED_ASSET = "12345678-1234-1234-1234-123456789abc"
INPUT = {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}
KIND = {
    "channels": "Channel",
    "events": "Event",
    "domains": "AllowedDomain",
    "assetSettings": "AssetSettings",
}


@dataclass
class Entry:
    section: str
    props: dict[str, Any]
    retain: bool = False
    aliases: list[str] = field(default_factory=list)


def videokit_yaml(entries: dict[str, Entry]) -> str:
    """The declarations as videokit.yaml (JSON is YAML)."""
    sections: dict[str, dict[str, Any]] = {}
    for name, entry in entries.items():
        body = dict(entry.props)
        if entry.retain:
            body["retainOnDelete"] = True
        if entry.aliases:
            body["aliases"] = entry.aliases
        sections.setdefault(entry.section, {})[name] = body
    return json.dumps(sections, indent=1)


def pulumi_yaml(entries: dict[str, Entry], project: str, stack: str) -> str:
    """The same declarations as a Pulumi YAML program on the native plugin."""
    resources: dict[str, Any] = {}
    for name, entry in entries.items():
        props = dict(entry.props)
        if "channel" in props:
            props["channelId"] = "${" + props.pop("channel") + ".id}"
        kind = KIND[entry.section]
        options: dict[str, Any] = {}
        if entry.retain:
            options["retainOnDelete"] = True
        if entry.aliases:
            options["aliases"] = [
                f"urn:pulumi:{stack}::{project}::videokit:index:{kind}::{a}" for a in entry.aliases
            ]
        resources[name] = {"type": f"videokit:index:{kind}", "properties": props}
        if options:
            resources[name]["options"] = options
    return json.dumps({"name": project, "runtime": "yaml", "resources": resources}, indent=1)


@dataclass
class Tenant:
    """What the tenant holds of this test's objects."""

    channels: dict[str, list[str]]
    events: list[tuple[str, str]]
    domains: list[str]
    token_required: dict[str, str | None]


def observe(api: VideoKitClient, assets: list[str]) -> Tenant:
    channels: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for c in api.live.channels.list():
        names[c.id] = c.name or ""
        if (c.name or "").startswith("seq-"):
            channels.setdefault(c.name or "", []).append(c.id)
    events = sorted(
        (e.title or "", names.get(e.channel_id or "", "?"))
        for e in api.live.events.list()
        if (e.title or "").startswith("seq-")
    )
    domains = sorted(d.url or "" for d in api.streaming.domains.list() if ".seq." in (d.url or ""))
    token: dict[str, str | None] = {}
    for asset in assets:
        settings = api.streaming.assets.get(asset).settings
        token[asset] = settings.token_required.asset if settings and settings.token_required else None
    return Tenant(channels, events, domains, token)


class Door:
    def __init__(self, door: str, stack: Any) -> None:
        self.door, self.stack = door, stack

    def write(self, entries: dict[str, Entry]) -> None:
        if self.door == "dynamic":
            (self.stack.project / "videokit.yaml").write_text(videokit_yaml(entries))
        else:
            (self.stack.project / "Pulumi.yaml").write_text(
                pulumi_yaml(entries, "videokit-pulumi-yaml", self.stack.name)
            )


CASES = {
    "videokit.yaml": ("dynamic", "gitops", None),
    "pulumi-yaml": ("native", "pulumi-yaml", None),
    "videokit.yaml under faults": ("dynamic", "gitops", "faults"),
    "pulumi-yaml killed mid-up": ("native", "pulumi-yaml", "kill"),
}


@pytest.mark.e2e
@pytest.mark.parametrize("case", list(CASES))
def test_a_sequence_of_edits_converges_object_by_object(
    case: str, pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    door_name, example, trouble = CASES[case]
    before = state_objects(seeded)
    # A second streaming asset, with a channel and event no stack declares.
    foreign = api.live.channels.create({"name": "foreign-for-assets", "input": INPUT})
    other_asset = api.live.events.create(
        {"channelId": foreign, "start": "2031-07-01T10:00:00Z", "end": "2031-07-01T11:00:00Z"}
    )
    assets = [SEED_ASSET, other_asset]
    original = observe(api, assets).token_required
    stack = stack_for(example, tmp_path, seeded, pulumi_bin)
    stack.run("config", "set", "videokit:retryTotalSeconds", "120")
    if door_name == "dynamic":
        (stack.project / "__main__.py").write_text(
            'from pulumi_videokit import from_yaml\n\nfrom_yaml("videokit.yaml")\n'
        )
    door = Door(door_name, stack)
    times = {"start": "2031-07-02T10:00:00Z", "end": "2031-07-02T11:00:00Z"}
    decl: dict[str, Entry] = {
        "main": Entry("channels", {"name": "seq-main", "redundancy": "SingleInput", "input": INPUT}),
        "other": Entry("channels", {"name": "seq-other", "input": INPUT}),
        "keeper": Entry("channels", {"name": "seq-keeper", "input": INPUT}, retain=True),
        "keynote": Entry("events", {"channel": "main", "title": "seq-keynote", **times}),
        "site": Entry("domains", {"url": "https://one.seq.example.com"}),
        "promo": Entry("assetSettings", {"assetId": SEED_ASSET, "tokenRequired": "Enabled"}),
    }

    def up(step: str) -> Tenant:
        """`up` as the case runs it, then the tenant with faults off, then a clean preview."""
        door.write(decl)
        if trouble == "faults":
            rules = parse_spec("429:0.15,503:0.1,drop:every4")
            for rule in rules:
                rule.retry_after = 0.1 if rule.kind == "429" else None
            seeded.ctx.faults.replace(rules)
            failures = []
            for _ in range(3):  # a run that gives up under faults is run again, as a user would
                done = stack.up(check=False)
                if done.returncode == 0:
                    break
                failures.append("\n".join(line for line in done.stdout.splitlines() if "error" in line))
            else:
                raise AssertionError(f"{step}: up did not converge under faults in 3 runs: {failures}")
            seeded.ctx.faults.replace([])
        else:
            stack.up()
        stack.preview("--expect-no-changes")
        figures.add(f"sequence steps converged ({case})")
        return observe(api, assets)

    seen = up("first up")
    assert {n: len(ids) for n, ids in seen.channels.items()} == {
        "seq-main": 1,
        "seq-other": 1,
        "seq-keeper": 1,
    }
    assert seen.events == [("seq-keynote", "seq-main")]
    assert seen.domains == ["https://one.seq.example.com"]
    assert seen.token_required == {SEED_ASSET: "Enabled", other_asset: original[other_asset]}
    main_id, keeper_id = seen.channels["seq-main"][0], seen.channels["seq-keeper"][0]

    # 1. The domain's URL changes (a replace): exactly the new one.
    decl["site"] = Entry("domains", {"url": "https://two.seq.example.com"})
    if trouble == "kill":
        door.write(decl)
        seeded.ctx.requests.clear()
        _up_killed_after(stack, seeded, 0)
        posts = [r for r in seeded.ctx.requests if r["method"] == "POST"]
        assert posts and posts[-1]["path"] == "/streaming/v1/domains", posts  # killed in the domain's create
        stack.run("cancel", "--yes", label="cancel")
        stack.run("refresh", "--yes", "--skip-preview", "--clear-pending-creates", label="refresh")
    assert up("URL changed").domains == ["https://two.seq.example.com"]

    # 2. The event moves to another channel (a replace): one event, on the new channel.
    decl["keynote"] = Entry("events", {"channel": "other", "title": "seq-keynote", **times})
    assert up("event moved").events == [("seq-keynote", "seq-other")]

    # 3. A create-only channel field changes: the channel is replaced, once.
    decl["main"] = Entry("channels", {"name": "seq-main", "redundancy": "DoubleInput", "input": INPUT})
    seen = up("create-only field")
    assert len(seen.channels["seq-main"]) == 1 and seen.channels["seq-main"] != [main_id]

    # 4. The URL changes back.
    decl["site"] = Entry("domains", {"url": "https://one.seq.example.com"})
    assert up("URL changed back").domains == ["https://one.seq.example.com"]

    # 5. The asset settings move to another asset: the new one has them, the old one is restored.
    decl["promo"] = Entry("assetSettings", {"assetId": other_asset, "tokenRequired": "Enabled"})
    assert up("settings moved").token_required == {SEED_ASSET: original[SEED_ASSET], other_asset: "Enabled"}

    # 6. The retained channel leaves the file: it stays in the tenant.
    del decl["keeper"]
    assert up("retained removed").channels["seq-keeper"] == [keeper_id]

    # 7. A new entry reuses the removed name: a new channel; the retained one is untouched.
    decl["keeper"] = Entry("channels", {"name": "seq-keeper-2", "input": INPUT})
    seeded.ctx.requests.clear()
    seen = up("name reused")
    # What was sent, and what the stack holds, for the reader of a failure.
    told = {
        "writes": writes(seeded),
        "held": [r for r in stack.export()["deployment"]["resources"] if "keeper" in r["urn"]],
    }
    assert seen.channels.get("seq-keeper") == [keeper_id], told
    assert len(seen.channels.get("seq-keeper-2", [])) == 1, told

    # 8. A rename with aliases changes nothing in the tenant.
    decl["website"] = Entry("domains", decl.pop("site").props, aliases=["site"])
    seeded.ctx.requests.clear()
    assert up("renamed with aliases").domains == ["https://one.seq.example.com"]
    if trouble != "faults":
        assert writes(seeded) == [], writes(seeded)

    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    after = observe(api, assets)
    assert after.channels == {"seq-keeper": [keeper_id]} and after.events == [] and after.domains == []
    assert after.token_required == original
    api.live.channels.delete(keeper_id)
    api.live.events.delete(other_asset)
    api.live.channels.delete(foreign)
    assert state_objects(seeded) == before
    record(stack, f"sequence ({case})")
    if trouble == "faults":
        figures.add_faults(dict(seeded.ctx.faults.injected))
        assert seeded.ctx.faults.injected.get("drop", 0) >= 1, seeded.ctx.faults.injected


@pytest.mark.parametrize(
    ("example", "program", "edit"),
    [
        ("gitops", "videokit.yaml", ("latency: NormalLatency", "latency: ReducedLatency")),
        ("pulumi-yaml", "Pulumi.yaml", ("redundancy: SingleInput", "redundancy: DoubleInput")),
    ],
)
def test_a_targeted_channel_replace_never_recreates_its_event_on_the_deleted_channel(
    pulumi_bin: str,
    seeded: RunningEmulator,
    api: VideoKitClient,
    tmp_path: Path,
    example: str,
    program: str,
    edit: tuple[str, str],
) -> None:
    """``up --target <channel>`` of a replace: the engine recreates the channel's event with its
    old inputs. That create is refused with what to do (the native plugin refuses it in preview,
    before anything changes); with ``--target-dependents`` the event moves to the new channel."""
    stack = stack_for(example, tmp_path, seeded, pulumi_bin)
    stack.up()
    (old_channel,) = [c.id for c in api.live.channels.list() if c.name == "main-stage"]
    (event,) = [e for e in api.live.events.list() if e.title == "Keynote"]
    assert event.channel_id == old_channel
    path = stack.project / program
    path.write_text(path.read_text().replace(*edit))
    assert edit[1] in path.read_text()
    urn = next(r["urn"] for r in stack.export()["deployment"]["resources"] if r["type"].endswith(":Channel"))
    seeded.ctx.requests.clear()
    targeted = stack.run("up", "--yes", "--target", urn, check=False, label="up --target")
    assert targeted.returncode != 0
    message = f"channelId names Channel {old_channel}, which this run replaces"
    assert message in targeted.stdout and "--target-dependents" in targeted.stdout, targeted.stdout
    assert "Traceback" not in targeted.stdout
    answers = [(r["method"], r["path"], r["status"]) for r in seeded.ctx.requests if r["method"] != "GET"]
    assert ("POST", "/live/v1/events", 400) not in answers  # never sent with the deleted channel's id
    if example == "pulumi-yaml":
        assert answers == []  # refused in preview: nothing changed
    stack.run("up", "--yes", "--target", urn, "--target-dependents", label="up --target-dependents")
    (new_channel,) = [c.id for c in api.live.channels.list() if c.name == "main-stage"]
    assert new_channel != old_channel
    assert [e.channel_id for e in api.live.events.list() if e.title == "Keynote"] == [new_channel]
    stack.preview("--expect-no-changes")
    record(stack, f"targeted replace ({example})")
