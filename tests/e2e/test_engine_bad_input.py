"""Bad declarations through the real engine: a clear located error, and not one API request."""

from __future__ import annotations

from pathlib import Path

from pulumi_videokit.emulator import RunningEmulator

from .. import figures
from .conftest import record, stack_for


def test_bad_yaml_and_bad_python_fail_preview_with_no_request(
    pulumi_bin: str, seeded: RunningEmulator, tmp_path: Path
) -> None:
    stack = stack_for("gitops", tmp_path / "g", seeded, pulumi_bin)
    yaml_file = stack.project / "videokit.yaml"
    yaml_file.write_text(
        yaml_file.read_text()
        .replace("redundancy: SingleInput", "redundancy: Triple")
        .replace("channel: main-stage", "channel: main-stgae")
    )
    seeded.ctx.requests.clear()
    failed = stack.preview(check=False)
    text = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert (
        "videokit.yaml:5:5: channels.main-stage.redundancy: 'Triple' is not allowed (allowed: 'SingleInput', 'DoubleInput')"
        in text
    )
    assert "videokit.yaml:13:5: events.keynote.channel: names no channel of these files" in text
    assert "Traceback" not in text
    assert seeded.ctx.requests == []

    py = stack_for("python", tmp_path / "p", seeded, pulumi_bin)
    program = py.project / "__main__.py"
    program.write_text(program.read_text().replace('"frame_rate": 30', '"frame_rate": "thirty"'))
    failed = py.preview(check=False)
    text = failed.stdout + failed.stderr
    assert failed.returncode != 0
    assert "Channel 'studio': qualities.0.frameRate: must be a valid integer" in text
    assert "Traceback" not in text
    assert seeded.ctx.requests == []
    figures.add("bad inputs tried", 2)
    figures.add("bad inputs rejected cleanly", 2)
    record(stack, "bad input through the engine")
