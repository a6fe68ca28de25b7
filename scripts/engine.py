"""Run the Pulumi CLI offline against a local file backend: shared by `make demo` and the e2e tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def cli_bin() -> str:
    """The directory holding pulumi and its plugins (built or found by scripts/install-pulumi)."""
    out = subprocess.run(
        [str(ROOT / "scripts" / "install-pulumi")], check=True, stdout=subprocess.PIPE, text=True
    )
    return out.stdout.strip().splitlines()[-1]


@dataclass
class Stack:
    """One stack of one project directory, in a file backend of its own."""

    project: Path
    state: Path
    name: str = "dev"
    bin_dir: str = ""
    passphrase: str = "videokit-local"
    timings: list[tuple[str, float]] = field(default_factory=list)
    extra_env: dict[str, str] = field(default_factory=dict)
    #: Seconds one CLI command may take (`make bench` at N = 1,000 needs more than the tests).
    timeout: float = 900

    def env(self) -> dict[str, str]:
        self.state.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PULUMI_")}
        env.update(
            # The CLI first; the native plugin comes from the plugin cache (`videokit plugin install`).
            PATH=f"{self.bin_dir}:{env.get('PATH', '')}",
            PULUMI_BACKEND_URL=f"file://{self.state}",
            PULUMI_HOME=str(self.state / "home"),
            PULUMI_CONFIG_PASSPHRASE=self.passphrase,
            PULUMI_SKIP_UPDATE_CHECK="true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="true",
            PULUMI_PYTHON_CMD=sys.executable,
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK="true",
            NO_COLOR="1",
            VIDEOKIT_JOURNAL_DIR=str(self.state / "journal"),
        )
        env.update(self.extra_env)
        return env

    def run(self, *args: str, check: bool = True, label: str = "") -> subprocess.CompletedProcess[str]:
        started = time.monotonic()
        command = ["pulumi", *args, "--non-interactive"]
        if args[:2] != ("stack", "init"):
            command += ["--stack", self.name]
        done = subprocess.run(
            command,
            cwd=self.project,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=self.timeout,
            check=False,
        )
        self.timings.append((label or " ".join(args[:2]), time.monotonic() - started))
        if check and done.returncode != 0:
            raise RuntimeError(
                f"pulumi {' '.join(args)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
            )
        return done

    def init(self, config: dict[str, str], secrets: dict[str, str]) -> None:
        self.run("stack", "init", self.name, label="stack init")
        if "runtime: python" not in (self.project / "Pulumi.yaml").read_text():
            # Any other runtime reaches the tenant through the native plugin, installed as a user does.
            started = time.monotonic()
            subprocess.run(
                [sys.executable, "-m", "pulumi_videokit.cli", "plugin", "install"],
                env=self.env(),
                capture_output=True,
                check=True,
                timeout=self.timeout,
            )
            self.timings.append(("plugin install", time.monotonic() - started))
        for key, value in config.items():
            self.run("config", "set", key, value, label="config set")
        for key, value in secrets.items():
            self.run("config", "set", "--secret", key, value, label="config set")

    def up(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("up", "--yes", "--skip-preview", *extra, check=check, label="up")

    def preview(self, *extra: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run("preview", *extra, check=check, label="preview")

    def refresh(self, *extra: str) -> subprocess.CompletedProcess[str]:
        return self.run("refresh", "--yes", "--skip-preview", *extra, label="refresh")

    def outputs(self, secrets: bool = False) -> dict[str, Any]:
        args = ["stack", "output", "--json"] + (["--show-secrets"] if secrets else [])
        return dict(json.loads(self.run(*args, label="stack output").stdout))

    def export(self) -> dict[str, Any]:
        return dict(json.loads(self.run("stack", "export", label="stack export").stdout))
