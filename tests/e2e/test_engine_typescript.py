"""examples/typescript through the real engine: a Node.js program on the typed SDK (sdk/nodejs),
run by pulumi-language-nodejs against the native plugin and a seeded emulator."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator

from ..conftest import API_KEY, TENANT_ID
from .conftest import PHASES, Stack, record, state_objects, writes

ROOT = Path(__file__).resolve().parents[2]

CACHE = Path(os.environ.get("VIDEOKIT_CACHE") or Path.home() / ".cache" / "pulumi-videokit")
#: npm's download cache, kept between runs so a warm `npm install` fetches nothing.
NPM_CACHE = CACHE / "npm"
#: The asset of examples/emulator-seed.json whose settings the SDK examples declare.
SEEDED_ASSET = "12345678-1234-1234-1234-123456789abc"


def language_host(bin_dirs: str, name: str) -> str | None:
    """The language host the engine would start: first in the directories install-pulumi named."""
    return shutil.which(name, path=f"{bin_dirs}:{os.environ.get('PATH', '')}")


@pytest.fixture()
def typescript_project(pulumi_bin: str, tmp_path: Path) -> Path:
    """examples/typescript with its dependencies installed, beside a copy of sdk/nodejs at the
    relative path its package.json names (../../sdk/nodejs)."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not on PATH: a Pulumi TypeScript program cannot run here")
    if language_host(pulumi_bin, "pulumi-language-nodejs") is None:
        pytest.skip(f"no pulumi-language-nodejs in {pulumi_bin} or on PATH (scripts/install-pulumi says why)")
    project = tmp_path / "examples" / "typescript"
    shutil.copytree(
        ROOT / "examples" / "typescript", project, ignore=shutil.ignore_patterns("node_modules", "bin")
    )
    shutil.copytree(
        ROOT / "sdk" / "nodejs",
        tmp_path / "sdk" / "nodejs",
        ignore=shutil.ignore_patterns("node_modules", "bin"),
    )
    started = time.monotonic()
    installed = subprocess.run(
        ["nice", "npm", "install", "--prefer-offline", "--no-audit", "--no-fund"],
        cwd=project,
        env={**os.environ, "npm_config_cache": str(NPM_CACHE), "npm_config_update_notifier": "false"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    PHASES.append(f"typescript npm install: {time.monotonic() - started:.1f}s")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    sdk = project / "node_modules" / "@videokit" / "pulumi"
    # A copy (the example's .npmrc says install-links), compiled by the example's postinstall.
    assert not sdk.is_symlink() and (sdk / "index.js").is_file() and (sdk / "channel.js").is_file()
    # The program type-checks against the SDK's declarations once, here; the engine's runs then
    # only transpile it (PULUMI_NODEJS_TRANSPILE_ONLY), which saves ts-node's check on each.
    started = time.monotonic()
    checked = subprocess.run(
        ["nice", str(project / "node_modules" / ".bin" / "tsc"), "--noEmit"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    PHASES.append(f"typescript tsc --noEmit: {time.monotonic() - started:.1f}s")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    return project


def program_stack(project: Path, tmp_path: Path, emu: RunningEmulator, bin_dir: str, **env: str) -> Stack:
    """A stack of an SDK example (TypeScript or Go) against the emulator; its channel is named
    from stack config."""
    stack = Stack(project=project, state=tmp_path / "state", name="e2e", bin_dir=bin_dir, extra_env=env)
    stack.init(
        {
            "videokit:endpoint": emu.url,
            "videokit:tenantId": TENANT_ID,
            "videokit:pollSeconds": "0.1",
            "videokit:waitTimeoutSeconds": "30",
            "channelName": "sdk-stage",
        },
        {"videokit:apiKey": API_KEY},
    )
    return stack


def sdk_program_lifecycle(
    stack: Stack, program: Path, edit: tuple[str, str], seeded: RunningEmulator, api: VideoKitClient
) -> None:
    """up, a no-op preview, a one-field edit of the program (the keynote's title, from "Keynote"
    to "Opening keynote") that is exactly one PATCH, a no-op preview, destroy: the tenant as before.
    """
    before = state_objects(seeded)
    first = stack.up()
    # The plugin comes from Pulumi's plugin cache, as any provider does: no warning about it.
    assert "warning" not in first.stdout + first.stderr, first.stdout
    stack.preview("--expect-no-changes")
    stage = next(c for c in api.live.channels.list() if c.name == "sdk-stage")  # from stack config
    outputs = stack.outputs()
    assert (
        outputs["ingestUrls"] and outputs["ciKeyRole"] == "Admin" and outputs["keynoteStatus"] == "Scheduled"
    )
    resources = stack.export()["deployment"]["resources"]
    assert {
        "videokit:index:Channel",
        "videokit:index:Event",
        "videokit:index:AllowedDomain",
        "videokit:index:ApiKey",
        "videokit:index:AssetSettings",
    } <= {r["type"] for r in resources}
    assert next(r for r in resources if r["type"] == "videokit:index:Channel")["id"] == stage.id
    assert [k.name for k in api.core.api_keys.list()].count("ci-bot-e2e") == 1
    settings = next(r for r in resources if r["type"] == "videokit:index:AssetSettings")
    assert settings["outputs"]["assetId"] == SEEDED_ASSET
    assert API_KEY not in str(stack.export())

    old, new = edit
    source = program.read_text()
    assert source.count(old) == 1, f"{program.name} no longer has {old!r} once"
    program.write_text(source.replace(old, new))
    assert new in program.read_text() and old not in program.read_text()
    event = next(e for e in api.live.events.list() if e.title == "Keynote")
    seeded.ctx.requests.clear()
    stack.up()
    assert writes(seeded) == [("PATCH", f"/live/v1/events/{event.id}", {"title": "Opening keynote"})]
    assert api.live.events.get(event.id).title == "Opening keynote"
    stack.preview("--expect-no-changes")

    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    assert state_objects(seeded) == before


def test_typescript_program_lifecycle(
    pulumi_bin: str,
    typescript_project: Path,
    seeded: RunningEmulator,
    api: VideoKitClient,
    tmp_path: Path,
) -> None:
    stack = program_stack(
        typescript_project, tmp_path, seeded, pulumi_bin, PULUMI_NODEJS_TRANSPILE_ONLY="true"
    )
    edit = ('title: "Keynote",', 'title: "Opening keynote",')
    sdk_program_lifecycle(stack, typescript_project / "index.ts", edit, seeded, api)
    record(stack, "typescript")


def test_a_value_outside_a_closed_set_does_not_compile(typescript_project: Path) -> None:
    """The schema's enums reach TypeScript as types: `redundancy: "Triple"` is refused by tsc."""
    program = typescript_project / "index.ts"
    text = program.read_text()
    wrong = text.replace("redundancy: videokit.Redundancy.SingleInput,", 'redundancy: "Triple",')
    assert wrong != text
    program.write_text(wrong)
    checked = subprocess.run(
        [str(typescript_project / "node_modules" / ".bin" / "tsc"), "--noEmit"],
        cwd=typescript_project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert checked.returncode != 0
    assert "TS2322" in checked.stdout and "'\"Triple\"'" in checked.stdout and "Redundancy" in checked.stdout
