"""plan-summary and drift-report fed by live engine runs of examples/gitops-repo on the emulator."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator

from ..conftest import API_KEY
from .conftest import record, stack_for

ASSET = "12345678-1234-1234-1234-123456789abc"  # the seeded tenant's streaming asset

pytestmark = pytest.mark.e2e


def videokit(*args: str, stdin: str) -> subprocess.CompletedProcess[str]:
    """The installed command, reading the engine's JSON from a pipe as CI does."""
    return subprocess.run(
        [sys.executable, "-m", "pulumi_videokit.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def rows(markdown: str) -> list[str]:
    """The resource rows of a plan or drift table."""
    return [line for line in markdown.splitlines() if line.startswith("| `")]


def test_review_loop_on_live_engine_json(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    stack = stack_for("gitops-repo", tmp_path, seeded, pulumi_bin)  # stack e2e: no overlay applies
    stack.run("config", "set", "promoAssetId", ASSET, label="config set")
    yaml_file = stack.project / "base" / "player.yaml"
    stack.up()
    # The API key's material, when the tenant returned one (a secret output of the stack).
    secrets = [API_KEY] + [v for v in [stack.outputs(secrets=True).get("ciKey")] if v]
    outputs: list[str] = []

    # Nothing to do right after up: exit 0, no rows.
    clean = videokit("plan-summary", stdin=stack.preview("--json").stdout)
    outputs.append(clean.stdout)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert rows(clean.stdout) == [] and "**No changes**" in clean.stdout

    # One field changed: exactly one updated row, naming that field and both values.
    yaml_file.write_text(yaml_file.read_text().replace("title: Keynote", "title: Opening keynote", 1))
    for streamed in (False, True):
        stack.extra_env = {"PULUMI_ENABLE_STREAMING_JSON_PREVIEW": "true"} if streamed else {}
        plan = videokit("plan-summary", stdin=stack.preview("--json").stdout)
        outputs.append(plan.stdout)
        assert plan.returncode == 2, plan.stdout + plan.stderr
        assert rows(plan.stdout) == [
            '| `~` | `keynote` | Event | update | `title`: `"Keynote"` → `"Opening keynote"` |'
        ]
        assert "**~ 1 to update**, 4 unchanged" in plan.stdout
    stack.extra_env = {}
    unexpected = videokit("plan-summary", "--expect-no-changes", stdin=stack.preview("--json").stdout)
    assert unexpected.returncode == 1 and "Changes were not expected" in unexpected.stdout
    stack.up()

    # Changes made by hand through the emulator's HTTP API: a rename, a delete, a renamed API key.
    channel = next(c for c in api.live.channels.list() if c.name == "main-stage-e2e")
    api.live.channels.update(channel.id, {"name": "renamed-in-console"})
    domain = next(d for d in api.streaming.domains.list() if d.url == "https://e2e.example.com")
    api.streaming.domains.delete(
        player_domain_id=domain.player_domain_id, analytics_domain_id=domain.analytics_domain_id
    )
    key = next(k for k in api.core.api_keys.list() if k.name == "ci-bot-e2e")
    api.core.api_keys.update(key.id, {"name": "ci-bot-renamed", "roleId": "role-123"})

    stack.extra_env = {"PULUMI_ENABLE_STREAMING_JSON_PREVIEW": "true"}
    refreshed = stack.run("refresh", "--preview-only", "--json", label="refresh preview").stdout
    stack.extra_env = {}
    drift = videokit("drift-report", stdin=refreshed)
    outputs.append(drift.stdout)
    assert drift.returncode == 2, drift.stdout + drift.stderr
    assert rows(drift.stdout) == [
        "| `site` | AllowedDomain | deleted | — | id `"
        + domain.player_domain_id
        + "`, url `https://e2e.example.com` | (gone) |",
        '| `ci` | ApiKey | changed | `name` | `"ci-bot-e2e"` | `"ci-bot-renamed"` |',
        '| `main-stage` | Channel | changed | `name` | `"main-stage-e2e"` | `"renamed-in-console"` |',
    ]
    as_json = videokit("drift-report", "--format", "json", stdin=refreshed)
    outputs.append(as_json.stdout)
    assert as_json.returncode == 2
    report = json.loads(as_json.stdout)
    assert (report["changed"], report["deleted"], report["unattributed"]) == (2, 1, 0)

    # The one-document --json form still counts the changes it cannot attribute: exit 2.
    document = videokit("drift-report", stdin=stack.run("refresh", "--preview-only", "--json").stdout)
    outputs.append(document.stdout)
    assert document.returncode == 2 and "2 more object(s) changed" in document.stdout
    assert "| `site` | AllowedDomain | deleted |" in document.stdout

    # Nothing was changed by looking: state still holds the old names, the tenant the new ones.
    assert api.live.channels.get(channel.id).name == "renamed-in-console"
    replan = videokit("plan-summary", stdin=stack.preview("--refresh", "--json").stdout)
    outputs.append(replan.stdout)
    assert replan.returncode == 2
    assert any("`main-stage` | Channel | update" in r and "`name`" in r for r in rows(replan.stdout))
    assert any("`site` | AllowedDomain | create" in r for r in rows(replan.stdout))

    # No secret in anything a reviewer sees.
    for text in outputs:
        assert not [s for s in secrets if s in text]
    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    record(stack, "review")
