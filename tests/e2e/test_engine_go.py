"""examples/go through the real engine: a Go program on the typed SDK (sdk/go, by a replace),
built and run by pulumi-language-go against the native plugin and a seeded emulator."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator

from .conftest import PHASES, record
from .test_engine_typescript import language_host, program_stack, sdk_program_lifecycle

ROOT = Path(__file__).resolve().parents[2]
#: For the fixture's build and the language host's: without -trimpath the SDK's package, which sits
#: in a new temporary directory each run, is compiled anew (tens of seconds); with it, Go's build
#: cache has it from the last run.
GOFLAGS = "-trimpath"


@pytest.fixture()
def go_project(pulumi_bin: str, tmp_path: Path) -> Path:
    """examples/go beside a copy of sdk/go at the path its go.mod's replace names (../../sdk/go),
    built once here: the engine's builds of it then come from Go's build cache."""
    if shutil.which("go") is None:
        pytest.skip("go is not on PATH: a Pulumi Go program cannot be built here")
    if language_host(pulumi_bin, "pulumi-language-go") is None:
        pytest.skip(f"no pulumi-language-go in {pulumi_bin} or on PATH (scripts/install-pulumi says why)")
    project = tmp_path / "examples" / "go"
    shutil.copytree(ROOT / "examples" / "go", project)
    shutil.copytree(ROOT / "sdk" / "go", tmp_path / "sdk" / "go")
    started = time.monotonic()
    # go.mod and go.sum as committed (no -mod=mod): an SDK whose requirements moved fails here.
    built = subprocess.run(
        ["nice", "go", "build", "-o", os.devnull, "."],
        cwd=project,
        env={**os.environ, "GOFLAGS": GOFLAGS},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    PHASES.append(f"go build of examples/go: {time.monotonic() - started:.1f}s")
    assert built.returncode == 0, built.stdout + built.stderr
    return project


def test_go_program_lifecycle(
    pulumi_bin: str, go_project: Path, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    stack = program_stack(go_project, tmp_path, seeded, pulumi_bin, GOFLAGS=GOFLAGS)
    edit = ('Title:     pulumi.String("Keynote"),', 'Title:     pulumi.String("Opening keynote"),')
    sdk_program_lifecycle(stack, go_project / "main.go", edit, seeded, api)
    record(stack, "go")
