"""The GitOps template repo: its workflows pass actionlint, and they keep the promises of the README."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from ruamel.yaml import YAML

from pulumi_videokit.cli import main

ROOT = Path(__file__).resolve().parents[1]
REPO = ROOT / "examples" / "gitops-repo"
WORKFLOWS = REPO / ".github" / "workflows"


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text())


def lint(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROOT / "scripts" / "lint-workflows"), str(directory)], capture_output=True, text=True, timeout=600
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


def test_the_declarations_validate() -> None:
    result = CliRunner().invoke(main, ["validate", "--format", "github", str(REPO / "videokit.yaml")])
    assert result.exit_code == 0, result.output


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
        assert not re.search(r"(echo|printf)[^\n]*\$\{?(VIDEOKIT_API_KEY|PULUMI_ACCESS_TOKEN|PULUMI_CONFIG_PASSPHRASE)", text)
        if name != "validate":
            assert "PULUMI_BACKEND_URL: ${{ vars.PULUMI_BACKEND_URL }}" in text, name
    assert "--expect-no-changes" in (WORKFLOWS / "preview.yml").read_text()
    assert "PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true" in (WORKFLOWS / "drift.yml").read_text()
    action = (REPO / ".github" / "actions" / "setup" / "action.yml").read_text()
    assert "pip install --disable-pip-version-check -q -r requirements.txt" in action
    assert 'pulumi login --non-interactive "$PULUMI_BACKEND_URL"' in action
