"""A VodAsset's ``file`` names a file inside the project, never one elsewhere on the machine.

A declaration from a pull request must not read a CI runner's files and upload them: an absolute
path, a path that climbs out of the project and a symlink that resolves outside it are each one
error at file:line:field in ``videokit validate`` and the loader, and a problem at ``file`` in the
kind's Check on both doors, before any API call.  The project is the directory of the nearest
Pulumi.yaml (the program's directory); Check, which runs in the program's directory, holds it
to that directory."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator
from pulumi_videokit.gitops import Context, DeclarationError, load
from pulumi_videokit.reconcile.errors import UserError
from pulumi_videokit.reconcile.kinds import Settings, VodAssetKind
from pulumi_videokit.reconcile.service import Service

from .conftest import API_KEY, TENANT_ID

SECRET = b"root:x:0:0:the runner's secret\n"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A program's directory (with Pulumi.yaml and a video), a secret file beside it, and the
    working directory in it, as the engine runs a program and its provider."""
    root = tmp_path / "repo"
    (root / "media").mkdir(parents=True)
    (root / "Pulumi.yaml").write_text("name: content\nruntime: python\n")
    (root / "Pulumi.prod.yaml").write_text("config: {}\n")
    (root / "media" / "promo.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(2000))
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "passwd").write_bytes(SECRET)
    monkeypatch.chdir(root)
    return root


@pytest.fixture()
def service(emulator: RunningEmulator, tmp_path: Path) -> Service:
    config = {
        "api_key": API_KEY,
        "tenant_id": TENANT_ID,
        "endpoint": emulator.url,
        "journal_dir": str(tmp_path / "journal"),
        "retry_total_seconds": "3",
        "max_requests_per_second": "0",
        "poll_seconds": "0.05",
    }
    return Service(VodAssetKind, config)


def vod(file: str) -> str:
    return f"  {{file: {file}, preset: mp4, title: T}}\n"


def test_the_loader_refuses_files_outside_the_project_each_at_its_line(
    project: Path, emulator: RunningEmulator
) -> None:
    (project / "notes.mp4").symlink_to(project.parent / "outside" / "passwd")
    (project / "linked").symlink_to(project.parent / "outside")
    path = project / "videokit.yaml"
    path.write_text(
        "vodAssets:\n"
        f"  link:{vod('notes.mp4')}"
        f"  climb:{vod('../../../../../../../../etc/hostname')}"
        f"  absolute:{vod('/etc/shadow')}"
        f"  folder:{vod('linked/passwd')}"
        f"  sneaky:{vod('media/../../outside/passwd')}"
    )
    emulator.ctx.requests.clear()
    with pytest.raises(DeclarationError) as err:
        load(path)
    got = {(p.line, p.field): p.message for p in err.value.problems}
    assert sorted(got) == [
        (2, "vodAssets.link.file"),
        (3, "vodAssets.climb.file"),
        (4, "vodAssets.absolute.file"),
        (5, "vodAssets.folder.file"),
        (6, "vodAssets.sneaky.file"),
    ], str(err.value)
    assert "is, or passes through, a symlink to outside the project" in got[(2, "vodAssets.link.file")]
    assert "leads outside the project" in got[(3, "vodAssets.climb.file")]
    assert "is an absolute path" in got[(4, "vodAssets.absolute.file")]
    assert "symlink to outside the project" in got[(5, "vodAssets.folder.file")]
    assert "leads outside the project" in got[(6, "vodAssets.sneaky.file")]
    assert all(f"the project is {project.resolve()}" in m for m in got.values())
    assert all("root:x" not in m for m in got.values())  # nothing of the file is read
    assert emulator.ctx.requests == []


def test_videokit_validate_refuses_the_red_team_repro(project: Path) -> None:
    """The reported attack, through the CLI: a symlink to /etc/passwd and a climb to /etc/hostname."""
    (project / "notes.mp4").symlink_to("/etc/passwd")
    (project / "videokit.yaml").write_text(
        f"vodAssets:\n  a:{vod('notes.mp4')}  b:{vod('../../../../../../etc/hostname')}"
    )
    cli = Path(sys.executable).parent / "videokit"
    run = subprocess.run(
        [str(cli), "validate", "."], capture_output=True, text=True, cwd=project, check=False
    )
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stdout.strip().splitlines()
    assert [line.split(": ")[0] + ": " + line.split(": ")[1] for line in lines] == [
        "videokit.yaml:2:8: vodAssets.a.file",
        "videokit.yaml:3:8: vodAssets.b.file",
    ], run.stdout


def test_files_inside_the_project_load_from_any_depth_and_through_overlays(project: Path) -> None:
    """``../media`` from a subdirectory, an inside symlink, and a stack overlay's file all stay."""
    (project / "media" / "prod.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42prod")
    (project / "media" / "alias.mp4").symlink_to("promo.mp4")
    (project / "clips").symlink_to("media")
    base = project / "environments" / "base"
    base.mkdir(parents=True)
    (base / "vod.yaml").write_text(
        f"vodAssets:\n  promo:{vod('../../media/promo.mp4')}  alias:{vod('../../media/alias.mp4')}"
        f"  clip:{vod('../../clips/promo.mp4')}"
    )
    (base / "vod.prod.yaml").write_text("vodAssets:\n  promo: {file: ../../media/prod.mp4}\n")
    files = {e.name: e.props["file"] for e in load(project / "environments").entries}
    assert files == {"promo": "media/promo.mp4", "alias": "media/alias.mp4", "clip": "clips/promo.mp4"}
    prod = load(project / "environments", context=Context(stack="prod"))
    assert {e.name: e.props["file"] for e in prod.entries}["promo"] == "media/prod.mp4"


def test_an_overlay_cannot_point_a_file_outside_the_project(project: Path) -> None:
    base = project / "base"
    base.mkdir()
    (base / "vod.yaml").write_text(f"vodAssets:\n  promo:{vod('../media/promo.mp4')}")
    (base / "vod.prod.yaml").write_text("vodAssets:\n  promo: {file: ../../outside/passwd}\n")
    assert load(base, context=Context(stack="staging")).entries  # the base alone is fine
    with pytest.raises(DeclarationError) as err:
        load(base, context=Context(stack="prod"))
    [problem] = err.value.problems
    assert (Path(problem.file).name, problem.line, problem.field) == (
        "vod.prod.yaml",
        2,
        "vodAssets.promo.file",
    )
    assert "leads outside the project" in problem.message


DECLARED = {"preset": "mp4", "title": "T"}


@pytest.mark.parametrize(
    ("file", "said"),
    [
        ("/etc/passwd", "is an absolute path"),
        ("../outside/passwd", "leads outside the project"),
        ("media/../../outside/passwd", "leads outside the project"),
        ("notes.mp4", "symlink to outside the project"),
        ("linked/passwd", "symlink to outside the project"),
    ],
)
def test_check_refuses_a_file_outside_the_programs_directory(
    project: Path, service: Service, emulator: RunningEmulator, file: str, said: str
) -> None:
    (project / "notes.mp4").symlink_to(project.parent / "outside" / "passwd")
    (project / "linked").symlink_to(project.parent / "outside")
    emulator.ctx.requests.clear()
    inputs, problems = service.check({**DECLARED, "file": file})
    assert len(problems) == 1 and problems[0][0] == "file", problems
    assert said in problems[0][1] and f"{file!r}" in problems[0][1]
    assert "contentHash" not in inputs  # never hashed
    assert emulator.ctx.requests == []


def test_check_keeps_a_symlink_inside_the_project(project: Path, service: Service) -> None:
    (project / "media" / "alias.mp4").symlink_to("promo.mp4")
    inputs, problems = service.check({**DECLARED, "file": "media/alias.mp4"})
    assert problems == [] and len(inputs["contentHash"]) == 64


def test_create_refuses_a_file_outside_without_any_call(
    project: Path, emulator: RunningEmulator, client: VideoKitClient, tmp_path: Path
) -> None:
    """A create whose Check was skipped (or whose symlink changed since) still reads nothing outside."""
    kind = VodAssetKind(client, Settings())
    emulator.ctx.requests.clear()
    with pytest.raises(UserError, match="is an absolute path"):
        kind.create({**DECLARED, "file": str(tmp_path / "outside" / "passwd")}, lambda *_: None)
    assert emulator.ctx.requests == []


def test_the_native_plugin_refuses_a_file_outside_its_directory(
    project: Path, emulator: RunningEmulator, tmp_path: Path
) -> None:
    """Pulumi YAML's ``file:`` is relative to the program's directory, where the plugin runs."""
    from .nativehost import NativeHost, secret

    (project / "notes.mp4").symlink_to(project.parent / "outside" / "passwd")
    settings = {
        "apiKey": secret(API_KEY),
        "tenantId": TENANT_ID,
        "endpoint": emulator.url,
        "journalDir": str(tmp_path / "journal"),
    }
    emulator.ctx.requests.clear()
    with NativeHost(settings) as host:
        for file, said in [
            ("/etc/passwd", "is an absolute path"),
            ("../outside/passwd", "leads outside the project"),
            ("notes.mp4", "symlink to outside the project"),
        ]:
            inputs, failures = host.check("VodAsset", {**DECLARED, "file": file})
            assert [f[0] for f in failures] == ["file"] and said in failures[0][1], failures
            assert "contentHash" not in inputs
        inputs, failures = host.check("VodAsset", {**DECLARED, "file": "media/promo.mp4"})
        assert failures == [] and len(inputs["contentHash"]) == 64
    assert emulator.ctx.requests == []
