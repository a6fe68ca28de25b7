"""The committed schema matches the models; `videokit validate` and `videokit schema` behave."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_videokit.gitops import render
from pulumi_videokit.reconcile.kinds import SECTIONS

ROOT = Path(__file__).resolve().parents[1]


def videokit(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pulumi_videokit.cli", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_committed_schema_matches_models() -> None:
    committed = (ROOT / "schemas" / "videokit.schema.json").read_text()
    assert committed == render(), (
        "schemas/videokit.schema.json is stale: run `videokit schema > schemas/videokit.schema.json`"
    )


def test_schema_command_prints_it() -> None:
    out = videokit("schema")
    assert out.returncode == 0
    schema = json.loads(out.stdout)
    assert set(schema["properties"]) == {*SECTIONS, "allowEnv"}
    channel = schema["$defs"]["ChannelEntry"]
    assert channel["properties"]["redundancy"]["anyOf"][0]["enum"] == ["SingleInput", "DoubleInput"]
    assert channel["additionalProperties"] is False


def test_examples_validate() -> None:
    out = videokit("validate", str(ROOT / "examples" / "gitops" / "videokit.yaml"))
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ok (5 declarations)" in out.stderr


def test_validate_reports_file_line_col_and_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "channels:\n  a:\n    name: a\n    redundancy: Quad\n    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}\n"
    )
    out = videokit("validate", str(bad))
    assert out.returncode == 1
    assert out.stdout.strip() == (
        f"{bad}:4:5: channels.a.redundancy: 'Quad' is not allowed (allowed: 'SingleInput', 'DoubleInput')"
    )
    gh = videokit("validate", "--format", "github", str(bad))
    assert gh.returncode == 1
    assert gh.stdout.startswith(f"::error file={bad},line=4,col=5::channels.a.redundancy:")


def test_plugin_install_quotes_the_python_it_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The launcher names this Python exactly, whatever its path holds (spaces, `$`, quotes)."""
    import shlex

    from click.testing import CliRunner

    from pulumi_videokit.cli import main

    fake = tmp_path / "bin" / "pulumi"
    fake.parent.mkdir()
    kept = tmp_path / "launcher"
    fake.write_text(f'#!/bin/sh\nwhile [ "$1" != --file ]; do shift; done\n/bin/cp "$2" {shlex.quote(str(kept))}\n')
    fake.chmod(0o755)
    odd = str(tmp_path / "odd $USER `id` \"dir\"" / "python")
    monkeypatch.setenv("PATH", str(fake.parent))
    monkeypatch.setattr(sys, "executable", odd)
    result = CliRunner().invoke(main, ["plugin", "install"])
    assert result.exit_code == 0, result.output
    exec_line = kept.read_text().splitlines()[1]
    assert shlex.split(exec_line) == ["exec", odd, "-m", "pulumi_videokit", "$@"]


def test_export_kinds_all_is_every_kind_whatever_its_case() -> None:
    from pulumi_videokit import export

    assert export.sections_of("ALL") == export.sections_of("all,channels") == SECTIONS
    with pytest.raises(ValueError, match=r"'nope' is not a kind \(allowed: channels, .*, or all\)"):
        export.sections_of("nope")
