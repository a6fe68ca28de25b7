"""``videokit export --stack NAME``: the tenant and the key come from that stack's config, read
through the real Pulumi CLI (``pulumi config --json --show-secrets``), and the key, a secret
there, never reaches the export's output or its messages."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ruamel.yaml import YAML

from pulumi_videokit.emulator import RunningEmulator

from ..conftest import API_KEY, TENANT_ID
from .conftest import Stack, record


def _export(stack: Stack, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in stack.env().items() if not k.startswith("VIDEOKIT_")}
    return subprocess.run(
        [sys.executable, "-m", "pulumi_videokit.cli", "export", *args],
        cwd=stack.project,
        env={**environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_export_reads_the_stack_config_and_never_shows_its_secret(
    pulumi_bin: str, seeded: RunningEmulator, tmp_path: Path
) -> None:
    project = tmp_path / "onboard"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: onboard\nruntime: python\n")
    stack = Stack(project=project, state=tmp_path / "state", name="tenant", bin_dir=pulumi_bin)
    stack.init(
        {"videokit:endpoint": seeded.url, "videokit:tenantId": TENANT_ID}, {"videokit:apiKey": API_KEY}
    )
    assert API_KEY not in (project / "Pulumi.tenant.yaml").read_text()  # a secret there: encrypted

    # The stack's config comes first: a wrong key in the environment is not used.
    done = _export(stack, "--stack", "tenant", VIDEOKIT_API_KEY="wrong-key")
    assert done.returncode == 0, done.stderr
    doc = YAML(typ="safe").load(done.stdout)
    assert {e["adopt"] for e in doc["channels"].values()} == {"legacy-channel-0001"}
    assert {e["url"] for e in doc["domains"].values()} == {"https://legacy.example.com"}
    assert {e["name"] for e in doc["apiKeys"].values()} == {"console-admin"}
    assert "1 channels" in done.stderr
    assert seeded.ctx.requests and all(r["method"] == "GET" for r in seeded.ctx.requests)

    # A filter and a file: the same, and still no key anywhere.
    out = tmp_path / "out"
    filtered = _export(stack, "--stack", "tenant", "--kinds", "apiKeys", "--out", str(out))
    assert filtered.returncode == 0, filtered.stderr
    assert [p.name for p in out.iterdir()] == ["apiKeys.yaml"]

    # A stack that does not exist: a clear error, and nothing about the other stack's key.
    missing = _export(stack, "--stack", "nope")
    assert missing.returncode == 1 and "pulumi config --stack nope" in missing.stderr

    for text in (done.stdout, done.stderr, filtered.stdout, filtered.stderr, missing.stdout, missing.stderr):
        assert API_KEY not in text
    for path in out.iterdir():
        assert API_KEY not in path.read_text()
    record(stack, "export --stack")
