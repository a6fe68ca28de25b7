"""Programs under pulumi.runtime.set_mocks: from_yaml and the classes declare what they should."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pulumi
import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


class Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(args)
        outs = dict(args.inputs)
        if args.typ.endswith(":Channel"):
            outs.update(status="Off", ingestUrls=["rtmp://ingest/x"], playbackUrls=["https://play/x"])
        return f"{args.name}-id", outs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


@pytest.fixture()
def mocks() -> Recorder:
    recorder = Recorder()
    pulumi.runtime.set_mocks(recorder, preview=False)
    return recorder


def by_name(mocks: Recorder) -> dict[str, pulumi.runtime.MockResourceArgs]:
    return {r.name: r for r in mocks.resources}


@pulumi.runtime.test
def test_from_yaml_declares_every_entry_with_references(mocks: Recorder) -> Any:
    from pulumi_videokit import from_yaml

    cwd = os.getcwd()
    os.chdir(EXAMPLES / "gitops")
    try:
        declared = from_yaml("videokit.yaml")
    finally:
        os.chdir(cwd)
    assert set(declared) == {"main-stage", "keynote", "site", "ci", "promo"}

    def check(_: Any) -> None:
        seen = by_name(mocks)
        assert seen["main-stage"].typ == "pulumi-python:dynamic/videokit:Channel"
        assert seen["main-stage"].inputs["input"]["inputLoss"] == {"type": "COLOR", "color": "000000"}
        assert seen["keynote"].inputs["channelId"] == "main-stage-id"
        assert "channel" not in seen["keynote"].inputs
        assert seen["site"].typ.endswith(":AllowedDomain") and seen["ci"].typ.endswith(":ApiKey")
        assert all("__provider" in r.inputs for r in mocks.resources)

    return pulumi.Output.all(declared["keynote"].id, declared["main-stage"].ingest_urls).apply(check)  # type: ignore[attr-defined]


@pulumi.runtime.test
def test_classes_take_snake_case_and_send_api_names(mocks: Recorder) -> Any:
    from pulumi_videokit import AssetSettings, Channel, Event

    ch = Channel(
        "c",
        name="c",
        input={"type": "RTMP_PUSH", "whitelist_cidr": "0.0.0.0/0", "input_loss": {"type": "COLOR"}},
        qualities=[{"resolution": "720p", "frame_rate": 25}],
        running=True,
        allow_interrupt=True,
    )
    ev = Event(
        "e",
        channel_id=ch.id,
        start="2030-01-01T10:00:00Z",
        end="2030-01-01T11:00:00Z",
        metadata={"Title": "Keep My Case"},
    )
    AssetSettings("s", asset_id="a1", code_obfuscation="Disabled")

    def check(_: Any) -> None:
        seen = by_name(mocks)
        assert seen["c"].inputs["input"] == {
            "type": "RTMP_PUSH",
            "whitelistCidr": "0.0.0.0/0",
            "inputLoss": {"type": "COLOR"},
        }
        assert seen["c"].inputs["qualities"] == [{"resolution": "720p", "frameRate": 25}]
        assert seen["c"].inputs["allowInterrupt"] is True and seen["c"].inputs["running"] is True
        assert seen["e"].inputs["metadata"] == {"Title": "Keep My Case"}
        assert {k: v for k, v in seen["s"].inputs.items() if not k.startswith("__")} == {
            "assetId": "a1",
            "codeObfuscation": "Disabled",
        }
        # The provider reads who the resource is from its call's URN: the program sends no owner.
        assert "__owner" not in seen["s"].inputs

    return pulumi.Output.all(ch.status, ev.id).apply(check)  # type: ignore[attr-defined]


def test_wrong_types_fail_at_declaration(mocks: Recorder) -> None:
    from pulumi_videokit import Channel, InvalidDeclarationError

    with pytest.raises(InvalidDeclarationError, match=r"Channel 'bad': qualities.0.frameRate: .*integer"):
        Channel(
            "bad",
            name="bad",
            input={"type": "RTMP_PUSH", "input_loss": {"type": "COLOR"}},
            qualities=[{"resolution": "720p", "frame_rate": "fast"}],
        )
    with pytest.raises(InvalidDeclarationError, match="redundancy: 'Double' is not allowed"):
        Channel(
            "bad2",
            name="bad",
            redundancy="Double",
            input={"type": "RTMP_PUSH", "input_loss": {"type": "COLOR"}},
        )
    with pytest.raises(InvalidDeclarationError, match="Channel 'bad3': input: is required"):
        Channel("bad3", name="x")  # type: ignore[call-arg]
    with pytest.raises(InvalidDeclarationError, match=r"Channel 'bad4': .*nmae: is not a known field"):
        Channel("bad4", nmae="x", input={"type": "RTMP_PUSH", "input_loss": {"type": "COLOR"}})  # type: ignore[call-arg]
    assert mocks.resources == []


def test_from_yaml_raises_before_declaring_anything(mocks: Recorder, tmp_path: Path) -> None:
    from pulumi_videokit import DeclarationError, from_yaml

    bad = tmp_path / "bad.yaml"
    bad.write_text("domains:\n  d: {url: 'https://ok.example.com'}\n  e: {url: nope}\n")
    with pytest.raises(DeclarationError, match=r"bad.yaml:3:7: domains.e.url"):
        from_yaml(bad)
    assert mocks.resources == []


def test_python_example_program_declares_its_resources(mocks: Recorder) -> None:
    import runpy

    @pulumi.runtime.test
    def run() -> None:
        runpy.run_path(str(EXAMPLES / "python" / "__main__.py"))

    run()
    seen = by_name(mocks)
    assert set(seen) == {"studio", "launch", "player", "deployer"}
    assert seen["studio"].inputs["input"]["inputLoss"] == {"type": "SLATE"}
    assert seen["launch"].inputs["channelId"] == "studio-id"
    assert seen["deployer"].inputs["roleId"] == "role-456"


@pytest.mark.slow
@pulumi.runtime.test
def test_three_thousand_declarations_keep_the_provider_a_small_reference(
    mocks: Recorder, tmp_path: Path
) -> Any:
    """A thousand entries of each of three kinds (in three files) declare; each resource's
    ``__provider`` stays a reference to its class, the same size whatever N is."""
    per = 1000
    channel = "{name: c%d, input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}}"
    files = {
        "channels.yaml": "channels:\n" + "".join(f"  c{i}: {channel % i}\n" for i in range(per)),
        "events.yaml": "events:\n"
        + "".join(
            f"  e{i}: {{channel: c{i}, start: '2030-01-10T10:00:00Z', end: '2030-01-10T11:00:00Z'}}\n"
            for i in range(per)
        ),
        "domains.yaml": "domains:\n"
        + "".join(f"  d{i}: {{url: 'https://d{i}.example.com'}}\n" for i in range(per)),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    from pulumi_videokit import gitops

    declared = gitops.from_yaml(tmp_path)
    assert len(declared) == 3 * per

    def check(_: Any) -> None:
        assert len(mocks.resources) == 3 * per
        sizes = {len(r.inputs["__provider"]) for r in mocks.resources}
        assert max(sizes) < 200, sizes  # a class reference, never the program's objects

    return pulumi.Output.all(*[r.id for r in declared.values()]).apply(check)


def test_a_value_not_known_yet_inside_a_field_waits_for_check(mocks: Recorder) -> None:
    """An Output inside a list or mapping (a stream key from secret config) is judged by the
    provider's Check once it is known, not refused when the program runs."""
    from pulumi_videokit import Channel, Event

    key = pulumi.Output.secret("sk-from-config")
    Channel(
        "keyed",
        name="keyed",
        input={"type": "RTMP_PUSH", "input_loss": {"type": "COLOR"}},
        restreams=[{"rtmp_destinations": [{"url": "rtmp://x.example.com/live", "stream_key": key}]}],
    )
    Event("tagged", channel_id="c1", start="2030-01-01T10:00:00Z", end="2030-01-01T11:00:00Z", tags=[key])
