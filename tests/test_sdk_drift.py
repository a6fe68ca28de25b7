"""The committed SDKs under sdk/ are what scripts/sdkgen writes from schemas/pulumi-package.json.

The fast test needs no Go: sdk/.generated-from records the sha256 of the schema and of the sdk tree
as the generator wrote them, and both are recomputed here.  The slow one runs the generator.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "pulumi-package.json"
SDK = ROOT / "sdk"
RECORD = ".generated-from"
FIX = "run `make sdk` and commit sdk/"

# Left out of the tree's hash, as in scripts/sdkgen/main.go: installs and build output that the
# generated packages' .gitignore files (and the repository's) ignore.
SKIP_DIRS = {"node_modules", "bin", "__pycache__", ".mypy_cache", "dist", "build"}


def _skipped(name: str) -> bool:
    return name in SKIP_DIRS or name.endswith(".egg-info")


def tree_files(root: Path) -> dict[str, str]:
    """Every file under root (but the record and the skipped directories): slash path -> sha256."""
    files: dict[str, str] = {}
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(_skipped(part) for part in rel.parts[:-1]) or not path.is_file():
            continue
        if rel.as_posix() == RECORD:
            continue
        files[rel.as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def tree_hash(root: Path) -> str:
    """sha256 of a sha256sum-style manifest, sorted by path bytes: the generator's TreeHash."""
    files = tree_files(root)
    manifest = "".join(f"{files[p]}  {p}\n" for p in sorted(files, key=lambda p: p.encode()))
    return hashlib.sha256(manifest.encode()).hexdigest()


def read_record(root: Path) -> dict[str, str]:
    path = root / RECORD
    if not path.is_file():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: {FIX}")
    record = dict(line.split(" ", 1) for line in path.read_text().splitlines() if line)
    assert set(record) == {"schema", "sdk"}, f"{RECORD} is malformed: {FIX}"
    return record


def test_sdk_matches_the_schema_it_was_generated_from() -> None:
    record = read_record(SDK)
    schema_sha = hashlib.sha256(SCHEMA.read_bytes()).hexdigest()
    assert record["schema"] == schema_sha, (
        f"schemas/pulumi-package.json changed since the SDKs were generated: {FIX}"
    )


def test_sdk_tree_is_as_generated() -> None:
    record = read_record(SDK)
    assert record["sdk"] == tree_hash(SDK), (
        f"files under sdk/ differ from what the generator wrote (edited by hand, added or removed): {FIX}"
    )


@pytest.mark.slow
@pytest.mark.timeout(1800)  # a cold Go build of the codegen packages takes minutes
def test_generator_reproduces_the_committed_sdk(tmp_path: Path) -> None:
    go = shutil.which("go")
    if go is None:
        pytest.skip("`go` is not on PATH: the SDK generator (scripts/sdkgen) is a Go program")
    out = tmp_path / "sdk"
    done = subprocess.run(
        [go, "run", ".", str(SCHEMA), str(out)],
        cwd=ROOT / "scripts" / "sdkgen",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"scripts/sdkgen failed:\n{done.stderr}"

    fresh, committed = tree_files(out), tree_files(SDK)
    differing = sorted(p for p in fresh.keys() | committed.keys() if fresh.get(p) != committed.get(p))
    assert not differing, f"sdk/ differs from a fresh generation in {differing}: {FIX}"
    assert (out / RECORD).read_text() == (SDK / RECORD).read_text(), f"sdk/{RECORD} is stale: {FIX}"
