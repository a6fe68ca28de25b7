"""The GitOps template repo: its workflows pass actionlint, and they keep the promises of the README."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from pulumi_videokit.cli import main
from pulumi_videokit.gitops.loader import Entry
from pulumi_videokit.gitops.loader import load as load_declarations
from pulumi_videokit.gitops.stackconfig import offline_context

ROOT = Path(__file__).resolve().parents[1]
REPO = ROOT / "examples" / "gitops-repo"
WORKFLOWS = REPO / ".github" / "workflows"


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


def lint(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / "lint-workflows"), str(directory)],
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_actionlint_passes() -> None:
    done = lint(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "4 workflows" in done.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(REPO, copy)
    up = copy / ".github" / "workflows" / "up.yml"
    up.write_text(up.read_text().replace("stack: staging\n", "stak: staging\n", 1))
    done = lint(copy)
    assert done.returncode == 1
    assert re.search(r'up\.yml:\d+:\d+: input "stak" is not defined', done.stdout), done.stdout


def test_each_stack_validates_as_it_sees_the_declarations(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # as the workflows run it: from the repo's root
    for stack, seen in (
        ("staging", "(6 declarations) from 4 files"),
        ("prod", "(5 declarations) from 5 files"),
    ):
        result = CliRunner().invoke(main, ["validate", "--format", "github", "--stack", stack, "base"])
        assert (result.exit_code, result.stdout) == (0, ""), (stack, result.output)
        result = CliRunner().invoke(main, ["validate", "--stack", stack, "base"])
        assert result.exit_code == 0 and f"{seen}, stack {stack}" in result.stderr, result.output
    # Without a stack: the base files alone.
    result = CliRunner().invoke(main, ["validate", "base"])
    assert result.exit_code == 0 and "(5 declarations) from 3 files" in result.stderr, result.output


def test_validate_of_a_stack_reads_that_stacks_overlay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "repo"
    shutil.copytree(REPO, copy)
    overlay = copy / "base" / "channels.prod.yaml"
    overlay.write_text(overlay.read_text().replace("protect: true", "protect: sometimes"))
    monkeypatch.chdir(copy)
    prod = CliRunner().invoke(main, ["validate", "--format", "github", "--stack", "prod", "base"])
    assert prod.exit_code == 1
    assert re.match(r"::error file=base/channels\.prod\.yaml,line=\d+,col=\d+", prod.stdout), prod.stdout
    staging = CliRunner().invoke(main, ["validate", "--format", "github", "--stack", "staging", "base"])
    assert staging.exit_code == 0, staging.output


def merged(stack: str) -> dict[str, Entry]:
    """The declarations stack ``stack`` runs, read offline as `validate --stack` reads them."""
    base = REPO / "base"
    doc = load_declarations(base, context=offline_context([base], stack, None))
    return {e.name: e for e in doc.entries}


def test_the_stacks_differ_where_their_overlays_say() -> None:
    staging, prod = merged("staging"), merged("prod")
    # ${stack} keeps the names of the two stacks' objects apart.
    assert staging["main-stage"].props["name"] == "main-stage-staging"
    assert prod["main-stage"].props["name"] == "main-stage-prod"
    assert (staging["ci"].props["name"], prod["ci"].props["name"]) == ("ci-bot-staging", "ci-bot-prod")
    # channels.prod.yaml: 1080p and protect, in prod only.
    assert [q["resolution"] for q in prod["main-stage"].props["qualities"]] == ["1080p", "720p"]
    assert [q["resolution"] for q in staging["main-stage"].props["qualities"]] == ["720p"]
    assert prod["main-stage"].options.get("protect") is True
    assert "protect" not in staging["main-stage"].options
    # player.prod.yaml replaces the site's URL; player.staging.yaml adds a domain.
    assert prod["site"].props["url"] == "https://www.example.com"
    assert staging["site"].props["url"] == "https://staging.example.com"
    assert "previews" in staging and "previews" not in prod
    assert set(staging) - set(prod) == {"previews"} and set(prod) <= set(staging)
    # Each tenant's own asset, from its Pulumi.<stack>.yaml.
    assert staging["promo"].props["assetId"] != prod["promo"].props["assetId"]
    # The event is the same everywhere and still names its channel across files.
    assert staging["keynote"].refs == prod["keynote"].refs == {"channelId": "main-stage"}
    assert staging["keynote"].props == prod["keynote"].props


def test_workflows_keep_their_promises() -> None:
    flows = {p.stem: load(p) for p in WORKFLOWS.glob("*.yml")}
    assert set(flows) == {"validate", "preview", "up", "drift"}
    assert "pull_request" in flows["validate"]["on"] and "pull_request" in flows["preview"]["on"]
    assert flows["up"]["on"]["push"]["branches"] == ["main"]
    assert "schedule" in flows["drift"]["on"]
    jobs = flows["up"]["jobs"]
    assert jobs["staging"]["environment"] == "staging" and jobs["prod"]["environment"] == "prod"
    assert jobs["prod"]["needs"] == "plan-prod" and jobs["plan-prod"]["needs"] == "staging"
    assert flows["up"]["concurrency"]["cancel-in-progress"] is False
    for name, flow in flows.items():
        text = (WORKFLOWS / f"{name}.yml").read_text()
        for job in flow["jobs"].values():
            steps = job["steps"]
            # Every job installs the package through the setup action (pip install -r requirements.txt).
            assert any(s.get("uses") == "./.github/actions/setup" for s in steps), name
            for step in steps:
                # Secrets reach commands only through the environment, never inline in a script.
                assert "secrets." not in str(step.get("run", "")), (name, step)
        assert not re.search(
            r"(echo|printf)[^\n]*\$\{?(VIDEOKIT_API_KEY|PULUMI_ACCESS_TOKEN|PULUMI_CONFIG_PASSPHRASE)", text
        )
        if name != "validate":
            assert "PULUMI_BACKEND_URL: ${{ vars.PULUMI_BACKEND_URL }}" in text, name
    # validate checks every stack's merged declarations, on PRs and before an apply.
    assert flows["validate"]["jobs"]["validate"]["strategy"]["matrix"]["stack"] == ["staging", "prod"]
    assert (
        'videokit validate --format github --stack "$STACK" base' in (WORKFLOWS / "validate.yml").read_text()
    )
    assert "for stack in staging prod" in (WORKFLOWS / "up.yml").read_text()
    assert "--expect-no-changes" in (WORKFLOWS / "preview.yml").read_text()
    assert "PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true" in (WORKFLOWS / "drift.yml").read_text()
    action = (REPO / ".github" / "actions" / "setup" / "action.yml").read_text()
    assert "pip install --disable-pip-version-check -q -r requirements.txt" in action
    assert 'pulumi login --non-interactive "$PULUMI_BACKEND_URL"' in action
