"""Recording through the real engine on both doors, against the seeded emulator: a recording on a
declared channel, a no-op preview that asks the API nothing, a Pending window change as one PATCH,
a started one refused in preview until allowInterrupt (then replaced), destroy back to the seed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator

from .conftest import record, stack_for, state_objects, writes


def at(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


def recordings(emu: RunningEmulator) -> set[str]:
    return set(emu.ctx.store.snapshot()["recordings"])


VIDEOKIT_YAML = """\
channels:
  rec-stage:
    name: rec-stage
    input: {{type: RTMP_PUSH, inputLoss: {{type: COLOR}}}}
recordings:
  keynote:
    channel: rec-stage
    start: "{start}"
    end: "{end}"
    catchup: {{enabled: true}}
    outputs: [{{preset: mp4, id: file1}}]
    metadata: {{title: Keynote}}
  on-air:
    channel: rec-stage
    start: "{live_start}"
    end: "{live_end}"
    archive: {{enabled: true}}
"""


def test_recordings_in_videokit_yaml(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    before, recorded = state_objects(seeded), recordings(seeded)
    stack = stack_for("gitops", tmp_path, seeded, pulumi_bin)
    (stack.project / "__main__.py").write_text(
        "from pulumi_videokit import from_yaml\n\nfrom_yaml('videokit.yaml')\n"
    )
    window = {"start": at(86400), "end": at(90000), "live_start": at(-60), "live_end": at(3600)}
    declarations = stack.project / "videokit.yaml"
    declarations.write_text(VIDEOKIT_YAML.format(**window))

    stack.up()
    channel = next(c for c in api.live.channels.list() if c.name == "rec-stage")
    made = {
        r.id: api.recorder.recordings.get(r.id) for r in api.recorder.recordings.list(channelId=channel.id)
    }
    assert sorted(r.status or "" for r in made.values()) == ["Pending", "Processing"]
    keynote = next(i for i, r in made.items() if r.title == "Keynote")
    on_air = next(i for i in made if i != keynote)

    seeded.ctx.requests.clear()
    stack.preview("--expect-no-changes")
    assert seeded.ctx.requests == []  # a no-op preview asks the API nothing

    # A Pending recording's window changes in place: one PATCH.
    window["end"] = at(93600)
    declarations.write_text(VIDEOKIT_YAML.format(**window))
    seeded.ctx.requests.clear()
    stack.up()
    assert [(m, p) for m, p, _ in writes(seeded)] == [("PATCH", f"/cvr/v1/recordings/{keynote}")]
    stack.preview("--expect-no-changes")

    # A started one's window does not: the preview refuses it, naming the way out.
    moved = {**window, "live_end": at(7200)}
    declarations.write_text(VIDEOKIT_YAML.format(**moved))
    seeded.ctx.requests.clear()
    refused = stack.preview(check=False)
    assert refused.returncode != 0
    said = refused.stdout + refused.stderr
    assert f"Recording {on_air} is Processing: changing end replaces it" in said
    assert "allowInterrupt: true" in said and "Traceback" not in said
    assert writes(seeded) == []

    declarations.write_text(VIDEOKIT_YAML.format(**moved) + "    allowInterrupt: true\n")
    seeded.ctx.requests.clear()
    stack.up()
    log = [(m, p) for m, p, _ in writes(seeded)]
    assert log == [("POST", "/cvr/v1/recordings"), ("DELETE", f"/cvr/v1/recordings/{on_air}")]
    assert on_air not in recordings(seeded)
    stack.preview("--expect-no-changes")

    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    assert state_objects(seeded) == before and recordings(seeded) == recorded
    record(stack, "recording: videokit.yaml")


PROGRAM = """\
name: videokit-pulumi-yaml
runtime: yaml
resources:
  stage:
    type: videokit:index:Channel
    properties:
      name: native-rec-stage
      input: {{type: RTMP_PUSH, inputLoss: {{type: COLOR}}}}
  keynote:
    type: videokit:index:Recording
    properties:
      channelId: ${{stage.id}}
      start: "{start}"
      end: "{end}"
      metadata: {{title: "{title}"}}
outputs:
  status: ${{keynote.status}}
"""


def test_a_recording_in_pulumi_yaml_on_the_native_plugin(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    before, recorded = state_objects(seeded), recordings(seeded)
    stack = stack_for("pulumi-yaml", tmp_path, seeded, pulumi_bin)
    window = {"start": at(86400), "end": at(90000)}
    program = stack.project / "Pulumi.yaml"
    program.write_text(PROGRAM.format(**window, title="Keynote"))

    stack.up()
    assert stack.outputs()["status"] == "Pending"
    (made,) = recordings(seeded) - recorded
    seeded.ctx.requests.clear()
    stack.preview("--expect-no-changes")
    assert seeded.ctx.requests == []

    program.write_text(PROGRAM.format(**window, title="Keynote, day 1"))
    seeded.ctx.requests.clear()
    stack.up()
    assert [(m, p) for m, p, _ in writes(seeded)] == [("PATCH", f"/cvr/v1/recordings/{made}")]
    assert api.recorder.recordings.get(made).title == "Keynote, day 1"

    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    assert state_objects(seeded) == before and recordings(seeded) == recorded
    record(stack, "recording: pulumi yaml")
