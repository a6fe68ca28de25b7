"""Scale under the real engine: 100 channels, 100 events and 100 domains at 50 ms of added latency.

Request counts only, from the emulator's log; nothing here asserts a time.
"""

from __future__ import annotations

import math
from pathlib import Path

import bench  # scripts/, on sys.path by the e2e conftest

from pulumi_videokit.emulator import RunningEmulator

from ..conftest import API_KEY, TENANT_ID, make_client
from .conftest import Stack, record, seeded_emulator

N = 100
#: The bound for a refresh: 3 x ceil(N/100) + 5.
REFRESH_BUDGET = 3 * math.ceil(N / 100) + 5


def api_requests(emu: RunningEmulator) -> list[dict[str, object]]:
    return [r for r in emu.ctx.requests if not str(r["path"]).startswith("/_emulator")]


def test_refresh_of_300_objects_costs_pages_and_still_finds_drift(tmp_path: Path, pulumi_bin: str) -> None:
    with seeded_emulator(tmp_path, latency_ms=50) as emu:
        project = bench.write_project(tmp_path / "scale", "videokit-scale", bench.PROGRAM)
        stack = Stack(project=project, state=tmp_path / "state", name="scale", bin_dir=pulumi_bin)
        stack.init(
            {"videokit:endpoint": emu.url, "videokit:tenantId": TENANT_ID, "bench:n": str(N)},
            {"videokit:apiKey": API_KEY},
        )
        stack.up()

        emu.ctx.requests.clear()
        stack.preview("--expect-no-changes")
        assert api_requests(emu) == []

        emu.ctx.requests.clear()
        stack.refresh()
        sent = api_requests(emu)
        assert len(sent) <= REFRESH_BUDGET, [(r["method"], r["path"], r["query"]) for r in sent]
        assert all(r["method"] == "GET" for r in sent)
        emu.ctx.requests.clear()
        stack.preview("--expect-no-changes")
        assert api_requests(emu) == []

        resources = stack.export()["deployment"]["resources"]
        by_name = {r["urn"].rsplit("::", 1)[-1]: r for r in resources}
        renamed, deleted = by_name["ch5"]["id"], by_name["ev7"]["id"]
        api = make_client(emu.url)
        api.live.channels.update(renamed, {"name": "renamed-by-hand"})
        api.live.events.delete(deleted)

        emu.ctx.requests.clear()
        stack.refresh()
        sent = api_requests(emu)
        assert len(sent) <= REFRESH_BUDGET, [(r["method"], r["path"], r["query"]) for r in sent]
        # The event missing from List Events was confirmed gone by its own read.
        assert [r["status"] for r in sent if r["path"] == f"/live/v1/events/{deleted}"] == [404]

        after = {r["urn"].rsplit("::", 1)[-1]: r for r in stack.export()["deployment"]["resources"]}
        assert after["ch5"]["outputs"]["name"] == "renamed-by-hand"
        assert "ev7" not in after
        drift = stack.preview("--expect-no-changes", check=False)
        assert drift.returncode != 0  # the rename is put back and the event made again
        record(stack, f"scale: {N} per kind at 50 ms")
