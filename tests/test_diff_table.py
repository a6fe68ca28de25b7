"""Table-driven tests of the diff, the plan and the fold of observed values: no network."""

from __future__ import annotations

from typing import Any

import pytest

from pulumi_videokit.protocol import UNKNOWN
from pulumi_videokit.reconcile.diff import patch_body, plan
from pulumi_videokit.reconcile.kinds.channel import ChannelKind
from pulumi_videokit.reconcile.observe import merge_observed
from pulumi_videokit.resources import KINDS

SPEC = {k.spec.kind: k.spec for k in KINDS}
CH = {
    "name": "a",
    "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}},
    "redundancy": "SingleInput",
}
EV = {"channelId": "c1", "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z", "title": "t"}

CASES: dict[str, tuple[str, dict[str, Any], dict[str, Any], list[str], list[str], bool]] = {
    # name: (kind, olds, news, changed, replaces, delete_before_replace)
    "channel same": ("Channel", CH, dict(CH), [], [], False),
    "channel rename patches": ("Channel", CH, {**CH, "name": "b"}, ["name"], [], False),
    "channel nested input patches": (
        "Channel",
        CH,
        {**CH, "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "SLATE"}}},
        ["input"],
        [],
        False,
    ),
    "channel redundancy replaces first": (
        "Channel",
        CH,
        {**CH, "redundancy": "DoubleInput"},
        ["redundancy"],
        ["redundancy"],
        True,
    ),
    "channel latency added replaces": (
        "Channel",
        CH,
        {**CH, "latency": "ReducedLatency"},
        ["latency"],
        ["latency"],
        True,
    ),
    "channel running is an update": ("Channel", CH, {**CH, "running": True}, ["running"], [], False),
    "channel allowInterrupt alone is no change": (
        "Channel",
        CH,
        {**CH, "allowInterrupt": True},
        [],
        [],
        False,
    ),
    "channel adopt alone is no change": ("Channel", CH, {**CH, "adopt": True}, [], [], False),
    "channel qualities order matters": (
        "Channel",
        {**CH, "qualities": [{"resolution": "720p"}, {"resolution": "1080p"}]},
        {**CH, "qualities": [{"resolution": "1080p"}, {"resolution": "720p"}]},
        ["qualities"],
        [],
        False,
    ),
    "event Z equals +00:00": ("Event", EV, {**EV, "start": "2030-01-01T10:00:00+00:00"}, [], [], False),
    "event other zone same instant": ("Event", EV, {**EV, "end": "2030-01-01T12:00:00+01:00"}, [], [], False),
    "event moved start patches": ("Event", EV, {**EV, "start": "2030-01-01T09:30:00Z"}, ["start"], [], False),
    "event channel change replaces": (
        "Event",
        EV,
        {**EV, "channelId": "c2"},
        ["channelId"],
        ["channelId"],
        False,
    ),
    "event unknown channel replaces": (
        "Event",
        EV,
        {**EV, "channelId": UNKNOWN},
        ["channelId"],
        ["channelId"],
        False,
    ),
    "event tags patch": ("Event", EV, {**EV, "tags": ["x"]}, ["tags"], [], False),
    "domain case and slash are equal": (
        "AllowedDomain",
        {"url": "https://www.example.com"},
        {"url": "HTTPS://WWW.Example.com/"},
        [],
        [],
        False,
    ),
    "domain new host replaces": (
        "AllowedDomain",
        {"url": "https://a.example.com"},
        {"url": "https://b.example.com"},
        ["url"],
        ["url"],
        False,
    ),
    "domain path case matters": (
        "AllowedDomain",
        {"url": "https://a.com/X"},
        {"url": "https://a.com/x"},
        ["url"],
        ["url"],
        False,
    ),
    "api key rename is a PUT": (
        "ApiKey",
        {"name": "a", "roleId": "r1"},
        {"name": "b", "roleId": "r1"},
        ["name"],
        [],
        False,
    ),
    "api key role is a PUT": (
        "ApiKey",
        {"name": "a", "roleId": "r1"},
        {"name": "a", "roleId": "r2"},
        ["roleId"],
        [],
        False,
    ),
    "settings value patches": (
        "AssetSettings",
        {"assetId": "a", "cap": "Enabled"},
        {"assetId": "a", "cap": "Disabled"},
        ["cap"],
        [],
        False,
    ),
    "settings other asset replaces": (
        "AssetSettings",
        {"assetId": "a", "cap": "Enabled"},
        {"assetId": "b", "cap": "Enabled"},
        ["assetId"],
        ["assetId"],
        False,
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_plan(case: str) -> None:
    kind, olds, news, changed, replaces, dbr = CASES[case]
    decided = plan(SPEC[kind], olds, news)
    assert (decided.changed, decided.replaces, decided.delete_before_replace) == (changed, replaces, dbr)


def test_patch_body_sends_only_changed_patchable_fields() -> None:
    news = {**CH, "name": "b", "redundancy": "DoubleInput", "running": True}
    assert patch_body(["name", "redundancy", "running"], news, ChannelKind.spec.patchable) == {"name": "b"}


FOLD: dict[str, tuple[str, dict[str, Any], dict[str, Any], dict[str, Any]]] = {
    # name: (kind, last inputs, observed, recorded inputs)
    "drift is recorded": ("Channel", {"name": "a"}, {"name": "b"}, {"name": "b"}),
    "never-returned kept": (
        "Channel",
        {"name": "a", "redundancy": "DoubleInput"},
        {"name": "a", "redundancy": None},
        {"name": "a", "redundancy": "DoubleInput"},
    ),
    "undeclared not added": (
        "Channel",
        {"name": "a"},
        {"name": "a", "automationDisabled": False},
        {"name": "a"},
    ),
    "same instant keeps spelling": (
        "Event",
        {"start": "2030-01-01T10:00:00Z"},
        {"start": "2030-01-01T10:00:00+00:00"},
        {"start": "2030-01-01T10:00:00Z"},
    ),
    "moved instant recorded": (
        "Event",
        {"start": "2030-01-01T10:00:00Z"},
        {"start": "2030-01-01T11:00:00+00:00"},
        {"start": "2030-01-01T11:00:00+00:00"},
    ),
    # List Events returns tags: a tag removed by hand is drift.
    "event tags observed": ("Event", {"tags": ["x"]}, {"tags": []}, {"tags": []}),
    "url spelling kept": (
        "AllowedDomain",
        {"url": "https://A.com/"},
        {"url": "https://a.com"},
        {"url": "https://A.com/"},
    ),
}


@pytest.mark.parametrize("case", list(FOLD), ids=list(FOLD))
def test_merge_observed(case: str) -> None:
    kind, last, observed, want = FOLD[case]
    assert merge_observed(SPEC[kind], last, observed) == want


INTERRUPTS = {
    "replace interrupts": (
        {**CH},
        {**CH, "redundancy": "DoubleInput"},
        ["changing redundancy replaces the channel"],
    ),
    "stop interrupts": ({**CH, "running": True}, {**CH, "running": False}, ["running: false stops it"]),
    "rename does not": ({**CH}, {**CH, "name": "x"}, []),
    "start does not": ({**CH, "running": False}, {**CH, "running": True}, []),
}


@pytest.mark.parametrize("case", list(INTERRUPTS), ids=list(INTERRUPTS))
def test_interruptions(case: str) -> None:
    olds, news, want = INTERRUPTS[case]
    assert ChannelKind.interruptions(olds, news, plan(ChannelKind.spec, olds, news)) == want


def test_unknown_url_is_a_replace_not_a_normalized_string() -> None:
    decided = plan(SPEC["AllowedDomain"], {"url": "https://a.com"}, {"url": UNKNOWN})
    assert decided.replaces == ["url"]
