"""Faults through the real engine: lost create answers, throttling, killed runs, half-done creates."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import FaultRule, RunningEmulator, parse_spec
from pulumi_videokit.reconcile.journal import Journal
from pulumi_videokit.reconcile.kinds import KINDS

from .. import figures
from .conftest import record, stack_for, state_objects

STACK_KINDS = tuple(k.spec.kind for k in KINDS)


def ids_in_state(stack_export: dict) -> dict[str, str]:  # type: ignore[type-arg]
    return {
        r["urn"].rsplit("::", 1)[1]: r["id"]
        for r in stack_export["deployment"]["resources"]
        if r["type"].split(":")[-1] in STACK_KINDS
    }


def assert_exactly_one_each(api: VideoKitClient, stack_export: dict, before: dict[str, set[str]]) -> None:  # type: ignore[type-arg]
    """Exactly one live object per declared resource, each the one in state; counted for the report."""
    state = ids_in_state(stack_export)
    live = {
        "main-stage": [c.id for c in api.live.channels.list() if c.name == "main-stage"],
        "keynote": [e.id for e in api.live.events.list() if e.title == "Keynote"],
        "site": [
            d.player_domain_id for d in api.streaming.domains.list() if d.url == "https://www.example.com"
        ],
        "ci": [k.id for k in api.core.api_keys.list() if k.name == "ci-bot"],
    }
    duplicates = sum(max(0, len(ids) - 1) for ids in live.values())
    lost = sum(1 for name, ids in live.items() if state.get(name) not in ids)
    lost += 0 if "promo" in state else 1
    figures.add("runs converged")
    figures.add("duplicates", duplicates)
    figures.add("lost objects", lost)
    assert duplicates == 0 and lost == 0, (live, state)
    assert len(list(api.core.api_keys.list())) == len(before["apiKeys"]) + 1


def test_every_third_create_answer_lost(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    before = state_objects(seeded)
    stack = stack_for("gitops", tmp_path, seeded, pulumi_bin)
    seeded.ctx.faults.replace([FaultRule(kind="drop", every=3)])
    stack.up()
    dropped = seeded.ctx.faults.injected["drop"]
    figures.add_faults(dict(seeded.ctx.faults.injected))
    assert dropped >= 1
    seeded.ctx.faults.replace([])
    assert_exactly_one_each(api, stack.export(), before)
    # A key whose create answer was lost is kept, never replaced: the reference documents no
    # key material in any answer, so there is none to get back.
    assert stack.outputs(secrets=True).get("ciKey") is None
    assert not [r for r in seeded.ctx.requests if r["method"] == "DELETE" and "/api-key/" in r["path"]]
    stack.preview("--expect-no-changes")
    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    assert state_objects(seeded) == before
    record(stack, f"lost answers ({dropped} dropped)")


def test_converges_under_throttling_and_5xx(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    before = state_objects(seeded)
    stack = stack_for("gitops", tmp_path, seeded, pulumi_bin)
    stack.run("config", "set", "videokit:retryTotalSeconds", "120")
    rules = parse_spec("429:0.2,503:0.1")
    for rule in rules:
        rule.retry_after = 0.2 if rule.kind == "429" else None
    seeded.ctx.faults.replace(rules)
    stack.up()
    stack.preview("--expect-no-changes")
    stack.refresh()
    stack.preview("--expect-no-changes")
    assert_exactly_one_each(api, stack.export(), before)
    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    seeded.ctx.faults.replace([])
    injected = dict(seeded.ctx.faults.injected)
    figures.add_faults(injected)
    assert injected.get("429", 0) >= 1 and injected.get("503", 0) >= 1, injected
    assert state_objects(seeded) == before
    record(stack, f"throttled ({injected})")


def _up_killed_after(stack, emu: RunningEmulator, creates: int) -> None:  # type: ignore[no-untyped-def]
    emu.ctx.requests.clear()
    emu.ctx.faults.replace([FaultRule(kind="latency", rate=1.0, method="POST", seconds=0.7)])
    proc = subprocess.Popen(
        ["pulumi", "up", "--yes", "--skip-preview", "--non-interactive", "--stack", stack.name],
        cwd=stack.project,
        env=stack.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120

    def at_kill_point() -> bool:
        # `creates` creates answered, and the next one held in flight by the latency fault: the
        # engine is waiting on the provider, not writing its checkpoint (as it does the moment a
        # step's answer comes back), so the kill lands mid-create and not mid-write.
        posts = [r for r in emu.ctx.requests if r["method"] == "POST"]
        done = sum(1 for r in posts if r["status"] == 200)
        return done >= creates and any(r["status"] is None for r in posts)

    while not at_kill_point():
        assert proc.poll() is None, "pulumi up finished before the kill point"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    figures.add("faults injected: kill -9 of pulumi up")
    emu.ctx.faults.replace([])


def test_killed_runs_converge_without_orphans(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    before = state_objects(seeded)
    for kill_after in (1, 2, 3):
        work = tmp_path / f"kill-{kill_after}"
        work.mkdir()
        stack = stack_for("gitops", work, seeded, pulumi_bin)
        stack.extra_env["VIDEOKIT_JOURNAL_DIR"] = str(work / "journal")
        _up_killed_after(stack, seeded, kill_after)
        # The create in flight at the kill is journaled under its resource's URN.
        left = Journal(work / "journal").attempts()
        assert left and all(f"|urn:pulumi:{stack.name}::" in a.owner for a in left), left
        stack.run("cancel", "--yes", label="cancel")
        stack.run("refresh", "--yes", "--skip-preview", "--clear-pending-creates", label="refresh")
        stack.up()
        stack.preview("--expect-no-changes")
        assert_exactly_one_each(api, stack.export(), before)
        assert Journal(work / "journal").attempts() == []
        stack.run("destroy", "--yes", "--skip-preview", label="destroy")
        assert state_objects(seeded) == before, f"orphans after a kill at create {kill_after}"
        record(stack, f"killed after {kill_after} creates")


def test_channel_created_but_start_failed_stays_in_state(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    before = state_objects(seeded)
    stack = stack_for("gitops", tmp_path, seeded, pulumi_bin)
    yaml_file = stack.project / "videokit.yaml"
    yaml_file.write_text(yaml_file.read_text().replace("running: false", "running: true"))
    stack.run("config", "set", "videokit:retryTotalSeconds", "3", label="config set")
    seeded.ctx.faults.replace([FaultRule(kind="500", rate=1.0, method="POST", path=r"/start$")])
    failed = stack.up(check=False)
    figures.add_faults(dict(seeded.ctx.faults.injected))
    assert failed.returncode != 0
    assert "was created, but then" in failed.stdout and "next `pulumi up` finishes the job" in failed.stdout
    state = ids_in_state(stack.export())
    channels = [c for c in api.live.channels.list() if c.name == "main-stage"]
    assert [c.id for c in channels] == [state["main-stage"]]
    assert api.live.channels.status(state["main-stage"]).status == "Off"

    seeded.ctx.faults.replace([])
    seeded.ctx.requests.clear()
    second = stack.up()
    assert api.live.channels.status(state["main-stage"]).status == "On", (
        second.stdout,
        [(r["method"], r["path"], r["status"]) for r in seeded.ctx.requests],
    )
    assert [c.id for c in api.live.channels.list() if c.name == "main-stage"] == [state["main-stage"]]
    stack.preview("--expect-no-changes")

    # Waiting for On can time out too: the new channel is kept, and the next up waits again.
    yaml_file.write_text(
        yaml_file.read_text().replace(
            "events:",
            """  backup:
    name: backup
    input: {type: RTMP_PUSH, inputLoss: {type: SLATE}}
    running: true
events:""",
            1,
        )
    )
    stack.run("config", "set", "videokit:waitTimeoutSeconds", "0.3")
    seeded.ctx.config.transition_seconds = 3
    slow = stack.up(check=False)
    assert slow.returncode != 0 and "still Starting" in slow.stdout, slow.stdout[-3000:]
    figures.add("faults injected: channel start timeout")
    assert "Traceback" not in slow.stdout
    backup = ids_in_state(stack.export())["backup"]
    assert [c.id for c in api.live.channels.list() if c.name == "backup"] == [backup]
    stack.run("config", "set", "videokit:waitTimeoutSeconds", "30")
    seeded.ctx.config.transition_seconds = 0.3
    stack.up()
    assert api.live.channels.status(backup).status == "On"
    assert [c.id for c in api.live.channels.list() if c.name == "backup"] == [backup]
    figures.add("runs converged", 2)
    stack.run("config", "set", "videokit:waitTimeoutSeconds", "30")
    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    assert state_objects(seeded) == before
    record(stack, "partial failures")


@pytest.mark.parametrize("example", ["gitops", "pulumi-yaml"])
def test_a_key_found_after_its_answer_was_lost_warns_that_its_material_is_gone(
    pulumi_bin: str, keyed_seeded: RunningEmulator, tmp_path: Path, example: str
) -> None:
    """On a tenant that returns key material only in Create API Key's answer, a lost answer
    loses the material: the key is kept, and the user is told on that resource how to get one."""
    stack = stack_for(example, tmp_path, keyed_seeded, pulumi_bin)
    keyed_seeded.ctx.faults.replace([FaultRule(kind="drop", rate=1.0, path=r"^/core/v1/api-key$")])
    done = stack.up()
    assert keyed_seeded.ctx.faults.injected["drop"] >= 1  # the answer really was lost
    keyed_seeded.ctx.faults.replace([])
    key = next(r for r in stack.export()["deployment"]["resources"] if r["type"].endswith(":ApiKey"))
    assert "key" not in key.get("outputs", {})
    warning = (
        "the answer to this ApiKey's create was lost, so {id} was found and kept without the `key` a "
        "tenant sends only in that answer; to get a new one, replace it (`pulumi up --replace` with "
        "this resource's URN)"
    ).format(id=key["id"])
    diagnostics = done.stdout.split("\nDiagnostics:\n", 1)[1].split("\nOutputs:", 1)[0]
    on_key = re.search(r":ApiKey \(\w+\):\n\s+warning: (.*)\n", diagnostics)
    assert on_key is not None and on_key.group(1) == warning, diagnostics  # on the key, once
    assert diagnostics.count(warning) == 1
    stack.preview("--expect-no-changes")
    record(stack, f"lost key answer ({example})")
