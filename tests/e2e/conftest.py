"""The real Pulumi CLI, a file backend, and an emulator holding objects the stack must not touch."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator, running

from ..conftest import API_KEY, TENANT_ID, emulator_config, make_client

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
from engine import Stack, cli_bin  # noqa: E402

PHASES: list[str] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e drives the real engine: marked ``e2e``, so ``-m "not e2e"``
    (``make test-fast``) leaves them out."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def pulumi_bin(tmp_path_factory: pytest.TempPathFactory) -> str:
    """scripts/install-pulumi, once a run.  Under pytest-xdist every worker has this session
    fixture; they share the run's temporary root, and the first one in runs the script (which
    may build the CLI into a shared cache, and rewrites a launcher the engine executes) while the
    others wait for its answer instead of running it alongside."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    answer = shared / "install-pulumi.bin"
    started = time.monotonic()
    with (shared / "install-pulumi.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if answer.exists():
            found = answer.read_text()
        else:
            found = cli_bin()
            answer.write_text(found)
    PHASES.append(f"install-pulumi: {time.monotonic() - started:.1f}s")
    return found


@contextlib.contextmanager
def seeded_emulator(tmp_path: Path, **config: object) -> Iterator[RunningEmulator]:
    """The strict emulator, seeded with objects no stack declares; no undocumented answer field."""
    data = tmp_path / "emulator.json"
    shutil.copy(ROOT / "examples" / "emulator-seed.json", data)
    with running(emulator_config(**config), data=data) as emu:
        yield emu
        assert emu.ctx.undocumented == [], sorted(set(emu.ctx.undocumented))


@pytest.fixture()
def seeded(tmp_path: Path) -> Iterator[RunningEmulator]:
    with seeded_emulator(tmp_path) as emu:
        yield emu


@pytest.fixture()
def keyed_seeded(tmp_path: Path) -> Iterator[RunningEmulator]:
    """As ``seeded``, but Create API Key answers with key material, which the reference does not
    document: what a tenant that does return it looks like."""
    with seeded_emulator(tmp_path, return_key_material=True) as emu:
        yield emu


@pytest.fixture()
def api(seeded: RunningEmulator) -> VideoKitClient:
    return make_client(seeded.url)


def stack_for(example: str, tmp_path: Path, emu: RunningEmulator, bin_dir: str) -> Stack:
    project = tmp_path / example
    shutil.copytree(ROOT / "examples" / example, project)
    stack = Stack(project=project, state=tmp_path / "state", name="e2e", bin_dir=bin_dir)
    stack.init(
        {
            "videokit:endpoint": emu.url,
            "videokit:tenantId": TENANT_ID,
            "videokit:pollSeconds": "0.1",
            "videokit:waitTimeoutSeconds": "30",
        },
        {"videokit:apiKey": API_KEY},
    )
    return stack


def writes(emu: RunningEmulator) -> list[tuple[str, str, object]]:
    return [(r["method"], r["path"], r["body"]) for r in emu.ctx.requests if r["method"] != "GET"]


def record(stack: Stack, title: str) -> None:
    PHASES.append(f"{title}: " + ", ".join(f"{label} {secs:.1f}s" for label, secs in stack.timings))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A pytest-xdist worker hands its phase timings to the controller, which prints them
    (tests/conftest.py); a worker's own terminal summary is never shown."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["engine_phases"] = list(PHASES)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if PHASES:
        terminalreporter.section("engine phase timings (information only)")
        for line in PHASES:
            terminalreporter.write_line(line)


def state_objects(emu: RunningEmulator) -> dict[str, set[str]]:
    data = emu.ctx.store.snapshot()
    return {name: set(data[name]) for name in ("channels", "events", "domains", "apiKeys")}


#: The collections a stack of content touches: ``assets`` holds each streaming asset with its
#: description, tags and chapters; ``uploads`` the multipart uploads still open.
CONTENT = ("channels", "events", "assets", "vodAssets", "files", "uploads", "recordings")


def tenant_contents(emu: RunningEmulator) -> dict[str, dict[str, object]]:
    """The whole objects (not only their ids) of the collections in :data:`CONTENT`."""
    data = emu.ctx.store.snapshot()
    return {name: dict(data[name]) for name in CONTENT}


__all__ = ["Stack", "json", "record", "stack_for", "state_objects", "tenant_contents", "writes"]
