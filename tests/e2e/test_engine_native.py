"""The native plugin through the real engine: examples/pulumi-yaml (runtime: yaml), import, secrets."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from pulumi_videokit._version import __version__
from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import FaultRule, RunningEmulator

from .. import figures
from ..conftest import API_KEY, make_client
from .conftest import ROOT, record, stack_for, state_objects, writes
from .test_secrets_scan import ENGINE_RPC_TRACE

SEEDED_CHANNEL = "legacy-channel-0001"
SEEDED_DOMAIN = "00000000-0000-0000-0000-00000000d001"
SEEDED_KEY = "00000000-0000-0000-0000-00000000k001"

IMPORT_PROGRAM = """\
name: videokit-pulumi-yaml
runtime: yaml
resources:
  legacy:
    type: videokit:index:Channel
    properties:
      name: legacy
      automationDisabled: false
      input:
        type: RTMP_PUSH
        inputLoss:
          type: COLOR
  legacyDomain:
    type: videokit:index:AllowedDomain
    properties:
      url: https://legacy.example.com
  consoleKey:
    type: videokit:index:ApiKey
    properties:
      name: console-admin
      roleId: role-123
"""


def test_pulumi_yaml_program_lifecycle(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    before = state_objects(seeded)
    stack = stack_for("pulumi-yaml", tmp_path, seeded, pulumi_bin)
    assert "plugin install" in [label for label, _ in stack.timings]

    first = stack.up()
    # The plugin comes from Pulumi's plugin cache, as any provider does: no warning about it.
    assert "warning" not in first.stdout + first.stderr, first.stdout
    stack.preview("--expect-no-changes")
    main = next(c for c in api.live.channels.list() if c.name == "main-stage")
    outputs = stack.outputs()
    assert (
        outputs["ingestUrls"] and outputs["ciKeyRole"] == "Admin" and outputs["keynoteStatus"] == "Scheduled"
    )
    types = {r["type"] for r in stack.export()["deployment"]["resources"]}
    assert {"videokit:index:Channel", "videokit:index:ApiKey", "videokit:index:AssetSettings"} <= types

    stack.refresh()
    stack.preview("--expect-no-changes")

    # A value from stack config changes: exactly one PATCH, of that one field.
    stack.run("config", "set", "channelName", "main-stage-2", label="config set")
    seeded.ctx.requests.clear()
    stack.up()
    assert [(m, p, b) for m, p, b in writes(seeded)] == [
        ("PATCH", f"/live/v1/channels/{main.id}", {"name": "main-stage-2"})
    ]
    stack.preview("--expect-no-changes")

    # Deleted by hand: the refresh sees it, and the next up makes it again.
    site = next(d for d in api.streaming.domains.list() if d.url == "https://www.example.com")
    api.streaming.domains.delete(
        player_domain_id=site.player_domain_id, analytics_domain_id=site.analytics_domain_id
    )
    stack.refresh()
    stack.up()
    assert [d.url for d in api.streaming.domains.list()].count("https://www.example.com") == 1
    stack.preview("--expect-no-changes")

    # A replace says why, and deletes the channel first. The new channel is to run, and its
    # start fails: the half-done create stays in state, and the next up finishes it.
    yaml_file = stack.project / "Pulumi.yaml"
    yaml_file.write_text(yaml_file.read_text().replace("redundancy: SingleInput", "redundancy: DoubleInput"))
    stack.run("config", "set", "channelRunning", "true", label="config set")
    preview = stack.preview("--diff")
    assert re.search(r"\+-\s*videokit:index:Channel", preview.stdout) and "redundancy" in preview.stdout
    seeded.ctx.requests.clear()
    stack.run("config", "set", "videokit:retryTotalSeconds", "3", label="config set")
    seeded.ctx.faults.replace([FaultRule(kind="500", every=1, method="POST", path="/start$")])
    failed = stack.up(check=False)
    seeded.ctx.faults.replace([])
    assert failed.returncode != 0 and "the next `pulumi up` finishes the job" in failed.stdout
    assert "Traceback" not in failed.stdout
    log = [(m, p) for m, p, _ in writes(seeded)]
    assert log.index(("DELETE", f"/live/v1/channels/{main.id}")) < log.index(("POST", "/live/v1/channels"))
    made = [c for c in api.live.channels.list() if c.name == "main-stage-2"]
    in_state = [
        r["id"] for r in stack.export()["deployment"]["resources"] if r["type"] == "videokit:index:Channel"
    ]
    assert len(made) == 1 and in_state == [made[0].id]
    stack.up()
    assert api.live.channels.status(made[0].id).status == "On"
    assert [c.id for c in api.live.channels.list() if c.name == "main-stage-2"] == [made[0].id]
    stack.preview("--expect-no-changes")

    assert API_KEY not in json.dumps(stack.export())
    # Stopping it is an interruption: refused unless allowed, with the reason.
    stack.run("config", "set", "channelRunning", "false", label="config set")
    refused = stack.preview(check=False)
    assert refused.returncode != 0 and "running: false stops it" in refused.stdout
    stack.run("destroy", "--yes", "--skip-preview", label="destroy")  # stops it, then deletes
    assert state_objects(seeded) == before
    record(stack, "pulumi yaml")


def test_pulumi_import_of_existing_objects(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    stack = stack_for("pulumi-yaml", tmp_path, seeded, pulumi_bin)
    (stack.project / "Pulumi.yaml").write_text(IMPORT_PROGRAM)
    seeded.ctx.requests.clear()
    stack.run(
        "import",
        "videokit:index:Channel",
        "legacy",
        SEEDED_CHANNEL,
        "--yes",
        "--protect=false",
        label="import",
    )
    batch = tmp_path / "import.json"
    batch.write_text(
        json.dumps(
            {
                "resources": [
                    {"type": "videokit:index:AllowedDomain", "name": "legacyDomain", "id": SEEDED_DOMAIN},
                    {"type": "videokit:index:ApiKey", "name": "consoleKey", "id": SEEDED_KEY},
                ]
            }
        )
    )
    stack.run("import", "--file", str(batch), "--yes", "--protect=false", label="import --file")
    assert writes(seeded) == []  # importing only reads
    stack.preview("--expect-no-changes")
    ids = {r["urn"].rsplit("::", 1)[1]: r.get("id") for r in stack.export()["deployment"]["resources"]}
    assert (ids["legacy"], ids["legacyDomain"], ids["consoleKey"]) == (
        SEEDED_CHANNEL,
        SEEDED_DOMAIN,
        SEEDED_KEY,
    )
    # Managed from now on: a declared change is one write to the imported object.
    program = stack.project / "Pulumi.yaml"
    program.write_text(program.read_text().replace("name: legacy\n", "name: legacy-renamed\n"))
    seeded.ctx.requests.clear()
    stack.up()
    assert [(m, p, b) for m, p, b in writes(seeded)] == [
        ("PATCH", f"/live/v1/channels/{SEEDED_CHANNEL}", {"name": "legacy-renamed"})
    ]
    stack.preview("--expect-no-changes")
    record(stack, "pulumi import")


def test_secrets_at_v9_through_the_native_plugin(
    pulumi_bin: str, keyed_seeded: RunningEmulator, tmp_path: Path
) -> None:
    """The native plugin takes secrets: the API key and generated key material travel as secrets
    and are stored encrypted. Nothing of ours writes either in plaintext, at any log level.

    The engine's own -v=9 RPC trace (``Marshaling property for RPC``, also written by the YAML
    language host) prints the inner value of every secret it marshals, whether or not the plugin
    accepts secrets; those lines are counted apart, as for the dynamic path.
    """
    seeded = keyed_seeded
    stack = stack_for("pulumi-yaml", tmp_path, seeded, pulumi_bin)
    stack.extra_env["VIDEOKIT_LOG_LEVEL"] = "debug"
    verbose = ("-v=9", "--logtostderr", "--logflow")
    runs = [stack.run("up", "--yes", "--skip-preview", *verbose, label="up -v=9")]
    shown = json.loads(stack.run("stack", "export", "--show-secrets", label="export").stdout)
    key = next(r["outputs"]["key"] for r in shown["deployment"]["resources"] if r["type"].endswith(":ApiKey"))
    material = json.loads(key["plaintext"])  # a secret in state: {sig, plaintext}
    assert material.startswith("vk_")
    runs.append(stack.run("refresh", "--yes", "--skip-preview", *verbose, label="refresh -v=9"))
    runs.append(stack.run("preview", *verbose, label="preview -v=9"))
    assert "videokit DEBUG request POST /core/v1/api-key" in runs[0].stderr  # the debug log is in there
    logs = "\n".join(r.stdout + r.stderr for r in runs)
    stored = [json.dumps(stack.export()), json.dumps(seeded.ctx.requests)]
    stored += [p.read_text(errors="replace") for p in stack.state.rglob("*") if p.is_file()]
    if seeded.ctx.store.path is not None:
        stored.append(seeded.ctx.store.path.read_text())
    for name, value in {"api key": API_KEY, "generated key": material}.items():
        ours = [line for line in logs.splitlines() if value in line and not ENGINE_RPC_TRACE.search(line)]
        engine = sum(line.count(value) for line in logs.splitlines() if ENGINE_RPC_TRACE.search(line))
        assert ours == [], ours[:3]
        assert not any(value in text for text in stored), name
        figures.add(f"native -v=9: {name} in the engine's RPC trace", engine)
    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    assert make_client(seeded.url).core.api_keys.list()
    record(stack, "native secrets scan")


def test_onboarding_by_export_and_pulumi_import_gives_a_program_with_no_changes(
    pulumi_bin: str, seeded: RunningEmulator, tmp_path: Path
) -> None:
    """``videokit export --format pulumi-import``, ``pulumi import --file … --out``, the generated
    resources pasted into the program: the next preview changes nothing, and a declared change
    is one write. The channel is generated without ``input``, which the API never returns."""
    stack = stack_for("pulumi-yaml", tmp_path, seeded, pulumi_bin)
    program = stack.project / "Pulumi.yaml"
    program.write_text("name: videokit-pulumi-yaml\nruntime: yaml\n")
    environ = {k: v for k, v in stack.env().items() if not k.startswith("VIDEOKIT_")}
    exported = subprocess.run(
        [
            sys.executable,
            "-m",
            "pulumi_videokit.cli",
            "export",
            "--stack",
            "e2e",
            "--format",
            "pulumi-import",
            "--kinds",
            "channels,events,domains,apiKeys",
        ],
        cwd=stack.project,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert exported.returncode == 0, exported.stderr
    batch = tmp_path / "import.json"
    batch.write_text(exported.stdout)
    tokens = sorted(r["type"] for r in json.loads(exported.stdout)["resources"])
    assert tokens == ["videokit:index:AllowedDomain", "videokit:index:ApiKey", "videokit:index:Channel"]
    seeded.ctx.requests.clear()
    generated = tmp_path / "gen.yaml"
    stack.run(
        "import", "--file", str(batch), "--out", str(generated), "--yes", "--protect=false", label="import"
    )
    assert writes(seeded) == []
    code = YAML(typ="safe").load(generated.read_text())
    channel = next(
        r for r in code["resources"].values() if r["type"] in ("videokit:Channel", "videokit:index:Channel")
    )
    assert "input" not in channel["properties"], channel  # nothing made up for what the API keeps to itself
    program.write_text(program.read_text() + "resources:" + generated.read_text().split("resources:", 1)[1])
    stack.preview("--expect-no-changes")
    name = channel["properties"]["name"]
    program.write_text(program.read_text().replace(f"name: {name}\n", f"name: {name}-renamed\n", 1))
    assert f"{name}-renamed" in program.read_text()
    seeded.ctx.requests.clear()
    stack.up()
    assert writes(seeded) == [("PATCH", f"/live/v1/channels/{SEEDED_CHANNEL}", {"name": f"{name}-renamed"})]
    stack.preview("--expect-no-changes")
    record(stack, "export, pulumi import --out")


def test_plugin_install_puts_a_plugin_that_runs_this_python_in_pulumis_cache(
    pulumi_bin: str, tmp_path: Path
) -> None:
    env = {**os.environ, "PATH": f"{pulumi_bin}:{os.environ['PATH']}", "PULUMI_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_videokit.cli", "plugin", "install"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    (installed,) = (tmp_path / "plugins").glob("resource-videokit-v*/pulumi-resource-videokit")
    assert installed.parent.name == f"resource-videokit-v{__version__}"
    schema = subprocess.run([str(installed), "--schema"], capture_output=True, text=True, check=True).stdout
    assert schema == (ROOT / "schemas" / "pulumi-package.json").read_text()
    listed = subprocess.run(
        ["pulumi", "plugin", "ls", "--json"], env=env, capture_output=True, text=True
    ).stdout
    assert [(p["name"], p["version"]) for p in json.loads(listed)] == [("videokit", __version__)]
    # Without the CLI there is nothing to install into: one sentence, no traceback.
    bare = subprocess.run(
        [sys.executable, "-m", "pulumi_videokit.cli", "plugin", "install"],
        env={**env, "PATH": "/nonexistent"},
        capture_output=True,
        text=True,
    )
    assert bare.returncode == 1 and bare.stderr.startswith("videokit plugin install: `pulumi` is not on PATH")
    assert "Traceback" not in bare.stderr
