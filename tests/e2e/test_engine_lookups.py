"""Lookups through the real engine: fn::invoke in a Pulumi YAML program (the native plugin), and
${lookup:…} in videokit.yaml (the dynamic door), against the seeded emulator."""

from __future__ import annotations

from pathlib import Path

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator

from .conftest import record, stack_for, state_objects

SEEDED_CHANNEL = "legacy-channel-0001"

PROGRAM = """\
name: videokit-pulumi-yaml
runtime: yaml
config:
  presetName:
    type: string
    default: preset1
variables:
  picked:
    fn::invoke:
      function: videokit:index:getPresets
      arguments:
        name: ${presetName}
  other:
    fn::invoke:
      function: videokit:index:getPresets
      arguments:
        name: preset2
  legacy:
    fn::invoke:
      function: videokit:index:getChannel
      arguments:
        id: legacy-channel-0001
  limit:
    fn::invoke:
      function: videokit:index:getChannelLimit
  tenant:
    fn::invoke:
      function: videokit:index:getTenantStatus
  languages:
    fn::invoke:
      function: videokit:index:getLanguages
resources:
  stage:
    type: videokit:index:Channel
    properties:
      name: lookup-${picked.items[0].name}
      input:
        type: RTMP_PUSH
        inputLoss:
          type: COLOR
outputs:
  presetDescription: ${picked.items[0].description}
  presetDownload: ${picked.items[0].createsDownload}
  otherPreset: ${other.items[0].name}
  legacyName: ${legacy.name}
  limit: ${limit.limit}
  tenantStatus: ${tenant.status}
  firstLanguage: ${languages.languages[0]}
"""


def test_fn_invoke_in_pulumi_yaml(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    before = state_objects(seeded)
    stack = stack_for("pulumi-yaml", tmp_path, seeded, pulumi_bin)
    (stack.project / "Pulumi.yaml").write_text(PROGRAM)

    seeded.ctx.requests.clear()
    stack.up()
    outputs = stack.outputs()
    assert outputs == {
        "presetDescription": "HD 1080p preset",
        "presetDownload": True,
        "otherPreset": "preset2",
        "legacyName": "legacy",
        "limit": 20,
        "tenantStatus": "Active",
        "firstLanguage": "en",
    }
    assert [c.id for c in api.live.channels.list() if c.name == "lookup-preset1"]
    # Two getPresets invokes in one run: one listing, the plugin's session keeps it.
    presets = [r for r in seeded.ctx.requests if r["path"] == "/transcoder/v1/presets"]
    assert len(presets) == 1, presets
    stack.preview("--expect-no-changes")

    # A lookup that finds nothing stops the preview with one sentence naming the query.
    stack.run("config", "set", "presetName", "no-such-preset", label="config set")
    failed = stack.preview(check=False)
    assert failed.returncode != 0
    assert "getPresets(name=no-such-preset) found no preset" in failed.stdout + failed.stderr
    assert "Traceback" not in failed.stdout + failed.stderr
    stack.run("config", "set", "presetName", "preset1", label="config set")

    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    assert state_objects(seeded) == before
    record(stack, "lookups: pulumi yaml fn::invoke")


VIDEOKIT_YAML = """\
channels:
  looked-up:
    name: lookup-${lookup:getPresets(name=preset2).name}
    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}
events:
  on-legacy:
    channelId: ${lookup:getChannel(name=legacy).id}
    title: ${lookup:getPresets(name=preset1).description}
    start: '2030-01-01T10:00:00Z'
    end: '2030-01-01T11:00:00Z'
"""


def test_lookup_in_videokit_yaml_on_the_dynamic_door(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    before = state_objects(seeded)
    stack = stack_for("gitops", tmp_path, seeded, pulumi_bin)
    (stack.project / "videokit.yaml").write_text(VIDEOKIT_YAML)
    (stack.project / "__main__.py").write_text(
        "from pulumi_videokit import from_yaml\n\nfrom_yaml('videokit.yaml')\n"
    )

    seeded.ctx.requests.clear()
    stack.up()
    assert [c.id for c in api.live.channels.list() if c.name == "lookup-preset2"]
    event = next(e for e in api.live.events.list() if e.title == "HD 1080p preset")
    assert event.channel_id == SEEDED_CHANNEL
    # One run, two preset lookups, one channel lookup: one listing each.
    paths = [r["path"] for r in seeded.ctx.requests if r["method"] == "GET"]
    assert paths.count("/transcoder/v1/presets") == 1, paths
    assert paths.count("/live/v1/channels") >= 1
    stack.preview("--expect-no-changes")

    # A bad lookup fails before any request, at its file and line.
    (stack.project / "videokit.yaml").write_text(
        VIDEOKIT_YAML.replace("getChannel(name=", "getChannel(nmae=")
    )
    seeded.ctx.requests.clear()
    failed = stack.preview(check=False)
    assert failed.returncode != 0
    assert (
        "videokit.yaml:7:5: events.on-legacy.channelId: ${lookup:getChannel(nmae=legacy).id}: "
        "getChannel takes no argument 'nmae' (allowed: id, name)"
    ) in failed.stdout
    assert "Traceback" not in failed.stdout
    assert not [r for r in seeded.ctx.requests if r["path"] == "/live/v1/channels"]

    (stack.project / "videokit.yaml").write_text(VIDEOKIT_YAML)
    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    assert state_objects(seeded) == before
    record(stack, "lookups: videokit.yaml")
