"""Environments and onboarding through the real Pulumi engine on the emulator.

- one directory of declarations, two stacks (staging, prod) with ``${stack}`` in names and an
  overlay each: separate objects, each clean after up; a ``${config:...}`` secret never in
  plaintext in state, the engine's output or the emulator's request log; ``protect: true``
  stops a destroy;
- ``videokit export`` of a tenant holding objects nobody declared, made into a stack: ``up``
  creates and deletes nothing in the tenant, the next preview is clean, and with ``--retain`` a
  destroy leaves every object in place.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator

from ..conftest import API_KEY, TENANT_ID, make_client
from .conftest import Stack, record, writes

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "tests" / "data" / "environments"
SECRET = "sk-live-7Qx9-never-in-plaintext"
ASSET = "12345678-1234-1234-1234-123456789abc"


def _stack(project: Path, state: Path, name: str, emu: RunningEmulator, bin_dir: str, **config: str) -> Stack:
    stack = Stack(project=project, state=state, name=name, bin_dir=bin_dir)
    stack.init(
        {
            "videokit:endpoint": emu.url,
            "videokit:tenantId": TENANT_ID,
            "videokit:pollSeconds": "0.1",
            "videokit:waitTimeoutSeconds": "30",
            **config,
        },
        {"videokit:apiKey": API_KEY},
    )
    return stack


def _channels(api: VideoKitClient) -> dict[str, str]:
    return {c.name or "": c.id for c in api.live.channels.list()}


def test_two_stacks_of_one_directory_project(
    pulumi_bin: str, seeded: RunningEmulator, tmp_path: Path
) -> None:
    api = make_client(seeded.url)
    project = tmp_path / "venue"
    shutil.copytree(PROJECT, project)
    state = tmp_path / "state"
    staging = _stack(project, state, "staging", seeded, pulumi_bin, **{"videokit:logLevel": "debug"})
    staging.run("config", "set", "--secret", "streamKey", SECRET)
    prod = _stack(project, state, "prod", seeded, pulumi_bin)
    prod.run("config", "set", "--secret", "streamKey", SECRET)

    seen_output: list[str] = []
    # staging's up sends the secret with the provider's debug log on, traced by the engine.
    traced = staging.up("-v=8", "--logtostderr", "--logflow")
    seen_output += [traced.stdout, traced.stderr]
    for stack in (staging, prod):
        done = stack.up()
        seen_output += [done.stdout, done.stderr]
        clean = stack.preview("--expect-no-changes", "--diff")
        seen_output += [clean.stdout, clean.stderr]
    record(staging, "environments: staging")
    record(prod, "environments: prod")

    # Separate objects, named per stack; the overlay applied only on its own stack.
    channels = _channels(api)
    assert {"main-staging", "main-prod"} <= set(channels)
    assert channels["main-staging"] != channels["main-prod"]
    live = seeded.ctx.store.snapshot()
    by_name = {c["name"]: c for c in live["channels"].values()}
    urls = sorted(d["url"] for d in live["domains"].values())
    assert "https://staging.venue.example.com" in urls and "https://prod.venue.example.com" in urls
    assert "https://preview.staging.venue.example.com" in urls
    assert "https://preview.prod.venue.example.com" not in urls
    keys = {k["name"] for k in live["apiKeys"].values()}
    assert {"deploy-venue-staging", "deploy-venue-prod"} <= keys
    events = {e["channelId"]: e for e in live["events"].values()}
    assert events[channels["main-prod"]]["title"] == "Opening (prod)"
    assert not events[channels["main-staging"]].get("title")  # null in the staging overlay removes it

    # The secret reached the API (the channel's restream carries it) ...
    for name in ("main-staging", "main-prod"):
        sent = [
            r["body"]
            for r in seeded.ctx.requests
            if r["method"] == "POST" and r["path"] == "/live/v1/channels" and r["body"].get("name") == name
        ]
        assert sent and sent[0]["restreams"][0]["rtmpDestinations"][0]["streamKey"] == "[redacted]"
    assert "1080p" in json.dumps(by_name["main-prod"]) or _created_with(seeded, "main-prod", "1080p")
    # ... and nowhere else in plaintext: not in state, not in the engine's output or the provider's
    # debug log, not in the emulator's request log.
    for stack in (staging, prod):
        exported = json.dumps(stack.export())
        assert SECRET not in exported
        assert "streamKey" not in exported or "ciphertext" in exported
    on_disk = "".join(p.read_text(errors="replace") for p in state.rglob("*") if p.is_file())
    assert SECRET not in on_disk
    assert all(SECRET not in text for text in seen_output)
    assert "videokit DEBUG" in traced.stderr  # the provider's debug log was on
    assert SECRET not in json.dumps(seeded.ctx.requests)

    # protect: true (prod's overlay) stops a destroy, naming the protected resource.
    refused = prod.run("destroy", "--yes", "--skip-preview", check=False)
    assert refused.returncode != 0
    text = refused.stdout + refused.stderr
    assert "protected" in text and "main" in text, text
    assert _channels(api)["main-prod"] == channels["main-prod"]

    # staging destroys cleanly, and takes only its own objects.
    staging.run("destroy", "--yes", "--skip-preview")
    after = _channels(api)
    assert "main-staging" not in after and after["main-prod"] == channels["main-prod"]
    assert "legacy" in after


def _created_with(emu: RunningEmulator, name: str, text: str) -> bool:
    return any(
        r["method"] == "POST"
        and r["path"] == "/live/v1/channels"
        and r["body"].get("name") == name
        and text in json.dumps(r["body"])
        for r in emu.ctx.requests
    )


def _videokit(*args: str, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pulumi_videokit.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=cwd,
        check=False,
    )


def _tenant(emu: RunningEmulator) -> dict[str, Any]:
    """The emulator's objects, without the dates a no-op write may touch."""
    data = emu.ctx.store.snapshot()

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            # (keys with _ are the emulator's own bookkeeping, never answered by the API)
            return {k: strip(v) for k, v in value.items() if k != "lastModificationDate" and k[:1] != "_"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    return {k: strip(data[k]) for k in ("channels", "events", "domains", "apiKeys", "assets")}


def test_export_then_up_adopts_everything(pulumi_bin: str, seeded: RunningEmulator, tmp_path: Path) -> None:
    api = make_client(seeded.url)
    # Objects nobody declared, made the way a console user would.
    arena = api.live.channels.create(
        {
            "name": "Arena 1",
            "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "SLATE"}},
            "latency": "ReducedLatency",
            "qualities": [{"resolution": "1080p", "frameRate": 50}],
        }
    )
    for title, day in (("Final", "12"), ("Semi final", "11")):
        api.live.events.create(
            {
                "channelId": arena,
                "start": f"2030-06-{day}T18:00:00+02:00",
                "end": f"2030-06-{day}T20:00:00+02:00",
                "title": title,
                "tags": ["sport"],
                "metadata": {"league": "a"},
            }
        )
    api.streaming.domains.create("https://arena.example.com")
    api.core.api_keys.create({"name": "encoder", "roleId": "role-456"})
    api.streaming.assets.update_settings(ASSET, {"tokenRequired": "Enabled", "cap": "Disabled"})

    env = {
        **os.environ,
        "VIDEOKIT_ENDPOINT": seeded.url,
        "VIDEOKIT_TENANT_ID": TENANT_ID,
        "VIDEOKIT_API_KEY": API_KEY,
    }
    project = tmp_path / "onboard"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: onboard\nruntime: python\n")
    (project / "__main__.py").write_text('from pulumi_videokit import from_yaml\n\nfrom_yaml("videokit")\n')
    out = project / "videokit"
    done = _videokit("export", "--retain", "--asset", ASSET, "--out", str(out), env=env)
    assert done.returncode == 0, done.stderr
    first = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert set(first) == {
        "channels.yaml",
        "events.yaml",
        "domains.yaml",
        "apiKeys.yaml",
        "assetSettings.yaml",
        "assetDetails.yaml",
    }
    text = b"".join(first.values()).decode()
    assert "adopt:" in text and "retainOnDelete: true" in text
    assert "never returns" in text and "# " in text  # create-only fields as comments
    assert "input:" not in text and "latency:" not in text  # never invented
    assert "keyHash" not in text and "not-a-key" not in text

    # An unchanged tenant exports byte for byte the same, as one file too.
    again = tmp_path / "again"
    assert _videokit("export", "--retain", "--asset", ASSET, "--out", str(again), env=env).returncode == 0
    assert {p.name: p.read_bytes() for p in sorted(again.iterdir())} == first
    one = _videokit("export", "--retain", "--asset", ASSET, env=env)
    assert one.stdout == _videokit("export", "--retain", "--asset", ASSET, env=env).stdout
    imports = json.loads(_videokit("export", "--format", "pulumi-import", "--asset", ASSET, env=env).stdout)
    assert {r["type"] for r in imports["resources"]} == {
        "videokit:index:Channel",
        "videokit:index:Event",
        "videokit:index:AllowedDomain",
        "videokit:index:ApiKey",
        "videokit:index:AssetSettings",
        "videokit:index:AssetDetails",
    }
    assert _videokit("validate", str(out), env=env).returncode == 0

    before = _tenant(seeded)
    stack = _stack(project, tmp_path / "state", "onboard", seeded, pulumi_bin)
    seeded.ctx.requests.clear()
    stack.up()
    record(stack, "export → up")
    log = writes(seeded)
    assert not [w for w in log if w[0] in ("POST", "DELETE") and "/settings" not in w[1]], log
    now = _tenant(seeded)
    for kind in before:  # every write made nothing different
        for key in set(before[kind]) | set(now[kind]):
            assert now[kind].get(key) == before[kind].get(key), (kind, key, log)
    assert len(stack.export()["deployment"]["resources"]) >= 1 + 7  # the stack plus every object
    stack.preview("--expect-no-changes")

    # Onboarded: from here an edit changes exactly one thing.
    events = (out / "events.yaml").read_text()
    (out / "events.yaml").write_text(events.replace('title: "Final"', 'title: "Grand final"', 1))
    seeded.ctx.requests.clear()
    stack.up()
    assert [(m, body) for m, _, body in writes(seeded)] == [("PATCH", {"title": "Grand final"})]

    # --retain: destroying the stack leaves every object in the tenant.
    seeded.ctx.requests.clear()
    stack.run("destroy", "--yes", "--skip-preview")
    assert writes(seeded) == []
    after = _tenant(seeded)
    for kind in ("channels", "events", "domains", "apiKeys"):
        assert set(after[kind]) == set(before[kind]), kind
