"""examples/python through the real Pulumi engine: up, no-op preview, refresh, change, destroy."""

from __future__ import annotations

import json
from pathlib import Path

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator

from ..conftest import API_KEY
from .conftest import record, stack_for, state_objects, writes


def test_python_program_lifecycle(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    before = state_objects(seeded)
    stack = stack_for("python", tmp_path, seeded, pulumi_bin)
    program = stack.project / "__main__.py"

    first = stack.up()
    # The dynamic door needs no plugin of this package's: none is loaded, so none is warned about.
    assert "pulumi-resource-videokit" not in first.stdout + first.stderr
    stack.preview("--expect-no-changes")
    studio = next(c for c in api.live.channels.list() if c.name == "studio")
    assert stack.outputs()["studioIngest"] == [
        d.url for i in studio.inputs or [] for d in i.destinations or []
    ]

    stack.refresh()
    stack.preview("--expect-no-changes")

    program.write_text(program.read_text().replace('title="Launch"', 'title="Launch day"'))
    seeded.ctx.requests.clear()
    stack.up()
    assert [(m, b) for m, _, b in writes(seeded)] == [("PATCH", {"title": "Launch day"})]

    event = next(e for e in api.live.events.list() if e.title == "Launch day")
    api.live.events.update(event.id, {"title": "edited in the console"})
    drift = stack.refresh("--diff")
    assert "edited in the console" in drift.stdout
    stack.up()
    assert api.live.events.get(event.id).title == "Launch day"
    stack.preview("--expect-no-changes")

    program.write_text(program.read_text().replace('redundancy="SingleInput"', 'redundancy="DoubleInput"'))
    replace = stack.preview()
    assert "redundancy" in replace.stdout and "replace" in replace.stdout
    seeded.ctx.requests.clear()
    stack.up()
    log = [(m, p) for m, p, _ in writes(seeded)]
    assert log.index(("DELETE", f"/live/v1/channels/{studio.id}")) < log.index(("POST", "/live/v1/channels"))
    stack.preview("--expect-no-changes")

    api.core.api_keys.delete(next(k.id for k in api.core.api_keys.list() if k.name == "deployer"))
    stack.refresh()
    stack.up()
    assert [k.name for k in api.core.api_keys.list()].count("deployer") == 1

    assert API_KEY not in json.dumps(stack.export())
    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    assert state_objects(seeded) == before
    record(stack, "python")
