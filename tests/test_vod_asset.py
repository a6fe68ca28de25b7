"""VodAsset on the core both doors share (``Service``), against the emulator on a real socket:
one upload per content, none for an unchanged file wherever it lives, a title change is one
PATCH, a changed file replaces, and neither a cancel, a kill nor a destroy leaves a file behind."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pulumi_videokit.client import BadRequestError, VideoKitClient
from pulumi_videokit.client import vod as vod_client
from pulumi_videokit.client._errors import status_error
from pulumi_videokit.emulator import RunningEmulator
from pulumi_videokit.gitops import DeclarationError, load
from pulumi_videokit.models.vod import CONTENT_HASH_KEY
from pulumi_videokit.reconcile import apply
from pulumi_videokit.reconcile.errors import HalfCreated
from pulumi_videokit.reconcile.journal import Journal, resource_owner, scoped
from pulumi_videokit.reconcile.kinds import Settings, VodAssetKind
from pulumi_videokit.reconcile.service import Service

from .conftest import API_KEY, TENANT_ID

OWNER = scoped(
    "tenant@test", resource_owner("file:///backend", "urn:pulumi:s::p::videokit:index:VodAsset::promo")
)
MIB = 2**20


class Killed(BaseException):
    """The provider process died (kill -9): nothing after this point runs."""


@pytest.fixture()
def program(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The program's directory, with a small generated video file; the provider runs there."""
    root = tmp_path / "checkout"
    (root / "media").mkdir(parents=True)
    (root / "media" / "promo.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + os.urandom(4000))
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


def tenant(emulator: RunningEmulator) -> dict[str, Any]:
    """Every VOD asset, file, upload and streaming asset of the tenant, by id."""
    data = emulator.ctx.store.snapshot()
    return {name: sorted(data[name]) for name in ("vodAssets", "files", "uploads", "assets")}


def writes(emulator: RunningEmulator) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in emulator.ctx.requests if r["method"] != "GET"]


@pytest.fixture()
def puts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The size of every part PUT (the part URLs are not API calls, so the request log has none)."""
    sizes: list[int] = []
    real = vod_client.put_part

    def counted(url: str, content: Any, size: int, **kw: Any) -> str:
        sizes.append(size)
        return real(url, content, size, **kw)

    monkeypatch.setattr(vod_client, "put_part", counted)
    return sizes


DECLARED = {"file": "media/promo.mp4", "preset": "mp4", "title": "Promo", "metadata": {"team": "web"}}


@pytest.fixture()
def made(
    program: Path, service: Service, emulator: RunningEmulator, puts: list[int]
) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """The promo uploaded into a VOD asset: its id, state, and the tenant before."""
    before = tenant(emulator)
    inputs, problems = service.check(DECLARED)
    assert problems == []
    emulator.ctx.requests.clear()
    object_id, state = service.create(inputs, OWNER)
    yield object_id, state, before


def test_create_uploads_once_and_waits_for_available(
    made: tuple[str, dict[str, Any], dict[str, Any]],
    emulator: RunningEmulator,
    client: VideoKitClient,
    puts: list[int],
    program: Path,
) -> None:
    asset_id, state, before = made
    data = (program / "media" / "promo.mp4").read_bytes()
    assert writes(emulator) == [
        ("POST", "/vod/v1/files/start"),
        ("POST", "/vod/v1/files/complete"),
        ("POST", "/vod/v1/assets"),
    ]
    assert puts == [len(data)]
    assert state["contentHash"] == hashlib.sha256(data).hexdigest()
    assert state["file"] == "media/promo.mp4"  # as declared: the checkout's path is not in state
    # The create waited for transcoding (the emulator's Processing lasts transition_seconds).
    assert state["status"] == "Available"
    assert state["assetId"] == asset_id and state["outputUrls"]
    uploaded = client.vod.files.get(state["fileId"])
    assert uploaded.status == "Completed" and uploaded.file_size == len(data)
    assert (uploaded.metadata or {})[CONTENT_HASH_KEY] == state["contentHash"]
    assert client.vod.assets.get(asset_id).title == "Promo"
    # The streaming asset carries the VOD asset's id: what AssetDetails refers to.
    assert client.streaming.assets.get(state["assetId"]).type == "Vod"
    assert len(tenant(emulator)["vodAssets"]) == len(before["vodAssets"]) + 1


def test_an_unchanged_file_is_a_no_op_whatever_its_mtime_or_checkout(
    made: tuple[str, dict[str, Any], dict[str, Any]],
    service: Service,
    emulator: RunningEmulator,
    program: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asset_id, state, _ = made
    emulator.ctx.requests.clear()
    inputs, problems = service.check(DECLARED, state)
    assert problems == [] and not service.diff(asset_id, state, inputs).plan.has_changes
    # A new modification time: the same bytes, no change.
    os.utime(program / "media" / "promo.mp4", (1, 1))
    inputs, _ = service.check(DECLARED, state)
    assert not service.diff(asset_id, state, inputs).plan.has_changes
    # A fresh clone somewhere else (new absolute path, new mtime), and the file moved in it.
    clone = tmp_path / "elsewhere" / "clone"
    shutil.copytree(program, clone)
    (clone / "media" / "promo.mp4").rename(clone / "promo-final.mp4")
    monkeypatch.chdir(clone)
    moved = {**DECLARED, "file": "promo-final.mp4"}
    inputs, problems = service.check(moved, state)
    assert problems == [] and inputs["contentHash"] == state["contentHash"]
    assert not service.diff(asset_id, state, inputs).plan.has_changes
    assert emulator.ctx.requests == []


def test_a_title_change_is_one_patch(
    made: tuple[str, dict[str, Any], dict[str, Any]],
    service: Service,
    emulator: RunningEmulator,
    puts: list[int],
) -> None:
    asset_id, state, _ = made
    puts.clear()
    emulator.ctx.requests.clear()
    inputs, _ = service.check({**DECLARED, "title": "Promo 2", "tags": ["featured"]}, state)
    decided = service.diff(asset_id, state, inputs)
    assert decided.plan.changed == ["tags", "title"] and decided.plan.replaces == []
    outputs = service.update(asset_id, state, inputs)
    assert writes(emulator) == [("PATCH", f"/vod/v1/assets/{asset_id}")]
    assert emulator.ctx.requests[0]["body"] == {"title": "Promo 2", "tags": ["featured"]}
    assert puts == [] and outputs["title"] == "Promo 2"


def test_a_changed_file_replaces_the_asset_and_its_file(
    made: tuple[str, dict[str, Any], dict[str, Any]],
    service: Service,
    emulator: RunningEmulator,
    client: VideoKitClient,
    program: Path,
    puts: list[int],
) -> None:
    asset_id, state, before = made
    (program / "media" / "promo.mp4").write_bytes(b"a new cut" * 300)
    inputs, _ = service.check(DECLARED, state)
    decided = service.diff(asset_id, state, inputs)
    assert decided.plan.replaces == ["contentHash"]
    # The engine's replace: the new one first, then the old one deleted.
    new_id, new_state = service.create(inputs, OWNER)
    service.delete(asset_id, state, OWNER)
    assert new_id != asset_id and new_state["fileId"] != state["fileId"]
    assert puts[-1] == 2700
    now = tenant(emulator)
    assert asset_id not in now["vodAssets"] and state["fileId"] not in now["files"]
    assert now["vodAssets"] == sorted([*before["vodAssets"], new_id])
    assert now["files"] == sorted([*before["files"], new_state["fileId"]])
    service.delete(new_id, new_state, OWNER)
    assert tenant(emulator) == before


def test_destroy_leaves_the_tenant_as_before(
    made: tuple[str, dict[str, Any], dict[str, Any]], service: Service, emulator: RunningEmulator
) -> None:
    asset_id, state, before = made
    assert tenant(emulator) != before
    emulator.ctx.requests.clear()
    service.delete(asset_id, state, OWNER)
    assert writes(emulator) == [
        ("DELETE", f"/vod/v1/assets/{asset_id}"),
        ("DELETE", f"/vod/v1/files/{state['fileId']}"),
    ]
    assert tenant(emulator) == before


@pytest.fixture()
def big(program: Path) -> Path:
    """A file of five parts at the emulator's part size (5 MiB): 21 MiB."""
    path = program / "media" / "keynote.mp4"
    with path.open("wb") as fh:
        for _ in range(21):
            fh.write(os.urandom(MIB))
    return path


def test_a_big_file_streams_in_parts_with_a_progress_line(
    big: Path,
    service: Service,
    emulator: RunningEmulator,
    puts: list[int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = tenant(emulator)
    inputs, _ = service.check({"file": "media/keynote.mp4", "preset": "mp4", "title": "Keynote"})
    caplog.set_level(logging.INFO, logger="pulumi_videokit.vod")
    tracemalloc.start()
    try:
        asset_id, state = service.create(inputs, OWNER)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert puts == [5 * MIB] * 4 + [MIB]
    stored = emulator.ctx.store.snapshot()["files"][state["fileId"]]["_parts"]
    assert stored == {str(n): size for n, size in enumerate(puts, start=1)}
    # Never the whole file in memory (the emulator in this process holds one part at a time).
    assert peak < 14 * MIB, peak
    assert "uploading keynote.mp4: part 5 of 5 (21.0 of 21.0 MiB)" in caplog.text
    service.delete(asset_id, state, OWNER)
    assert tenant(emulator) == before


def test_a_cancel_mid_upload_cancels_it_and_leaves_no_file(
    big: Path,
    client: VideoKitClient,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    before = tenant(emulator)
    kind = VodAssetKind(client, Settings(poll_seconds=0.05))
    real = vod_client.put_part

    def engine_cancels_after_one_part(url: str, content: Any, size: int, **kw: Any) -> str:
        etag = real(url, content, size, **kw)
        kind.settings.cancelled.set()  # the engine's Cancel
        return etag

    monkeypatch.setattr(vod_client, "put_part", engine_cancels_after_one_part)
    inputs, _ = VodAssetKind.completed({"file": "media/keynote.mp4", "preset": "mp4"})
    with pytest.raises(HalfCreated) as err:
        apply.create(kind, inputs, journal=Journal(tmp_path / "j"), owner=OWNER)
    assert "cancelled while uploading keynote.mp4 (part 2 of 5)" in str(err.value.cause)
    assert ("POST", f"/vod/v1/files/{err.value.object_id.removeprefix('file:')}/cancel") in writes(emulator)
    assert tenant(emulator) == before


def test_a_failed_upload_is_cancelled_and_leaves_no_file(
    program: Path, client: VideoKitClient, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = tenant(emulator)

    def refused(url: str, content: Any, size: int, **kw: Any) -> str:
        raise status_error(method="PUT", path=url, status=400, server_message="bad part")

    monkeypatch.setattr(vod_client, "put_part", refused)
    kind = VodAssetKind(client, Settings())
    inputs, _ = VodAssetKind.completed(DECLARED)
    journaled: list[str] = []
    with pytest.raises(BadRequestError, match="bad part"):
        kind.create(inputs, lambda object_id, memo=None: journaled.append(object_id))
    [file_ref] = journaled
    assert ("POST", f"/vod/v1/files/{file_ref.removeprefix('file:')}/cancel") in writes(emulator)
    assert tenant(emulator) == before


def test_an_expired_part_url_is_asked_for_again(
    program: Path, service: Service, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = vod_client.put_part
    tried: list[str] = []

    def expired_once(url: str, content: Any, size: int, **kw: Any) -> str:
        tried.append(url)
        if len(tried) == 1:
            raise status_error(method="PUT", path=url, status=403, server_message="Request has expired")
        return real(url, content, size, **kw)

    monkeypatch.setattr(vod_client, "put_part", expired_once)
    inputs, _ = service.check(DECLARED)
    emulator.ctx.requests.clear()
    asset_id, state = service.create(inputs, OWNER)
    assert len(tried) == 2
    assert ("GET", f"/vod/v1/files/{state['fileId']}/part/1") in [
        (r["method"], r["path"]) for r in emulator.ctx.requests
    ]
    service.delete(asset_id, state, OWNER)


def test_a_create_cancelled_during_the_upload_is_replaced_by_the_next_up(
    big: Path, service: Service, emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine keeps what a cut-off create reported (its ``file:`` id): the next diff replaces
    it, and deleting it finds nothing left to delete."""
    before = tenant(emulator)
    real = vod_client.put_part

    def engine_cancels(url: str, content: Any, size: int, **kw: Any) -> str:
        service.cancel()
        return real(url, content, size, **kw)

    monkeypatch.setattr(vod_client, "put_part", engine_cancels)
    inputs, _ = service.check({"file": "media/keynote.mp4", "preset": "mp4"})
    with pytest.raises(HalfCreated) as err:
        service.create(inputs, OWNER)
    half = err.value
    assert half.object_id.startswith("file:")
    assert tenant(emulator) == before
    decided = service.diff(half.object_id, half.outputs, inputs, half.inputs)
    assert decided.plan.replaces == ["contentHash"]
    service.delete(half.object_id, half.outputs, OWNER)
    assert tenant(emulator) == before


def _kill_when_journaled(monkeypatch: pytest.MonkeyPatch, asset: bool) -> None:
    """Die right after the journal notes the file's id (or, with ``asset``, the asset's)."""
    real = Journal.made

    def made(self: Journal, attempt: Any, object_id: str, memo: Any = None) -> None:
        real(self, attempt, object_id, memo)
        if object_id.startswith("file:") != asset:
            raise Killed

    monkeypatch.setattr(Journal, "made", made)


def test_a_kill_after_the_file_is_journaled_resumes_without_a_duplicate(
    program: Path,
    client: VideoKitClient,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    before = tenant(emulator)
    inputs, _ = VodAssetKind.completed(DECLARED)
    with monkeypatch.context() as m:
        _kill_when_journaled(m, asset=False)
        with pytest.raises(Killed):
            apply.create(VodAssetKind(client, Settings()), inputs, journal=Journal(tmp_path), owner=OWNER)
    [orphan] = [f for f in tenant(emulator)["files"] if f not in before["files"]]
    assert client.vod.files.get(orphan).status == "Uploading"
    # The next run of the same resource: the half-sent upload is cancelled and made again.
    asset_id, outputs = apply.create(
        VodAssetKind(client, Settings(poll_seconds=0.05)), inputs, journal=Journal(tmp_path), owner=OWNER
    )
    now = tenant(emulator)
    assert orphan not in now["files"] and orphan not in now["uploads"]
    assert now["vodAssets"] == sorted([*before["vodAssets"], asset_id])
    assert now["files"] == sorted([*before["files"], outputs["fileId"]])
    assert Journal(tmp_path).attempts() == []


def test_a_kill_after_the_asset_is_journaled_takes_it_over_without_a_new_upload(
    program: Path,
    client: VideoKitClient,
    emulator: RunningEmulator,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    before = tenant(emulator)
    inputs, _ = VodAssetKind.completed(DECLARED)
    with monkeypatch.context() as m:
        _kill_when_journaled(m, asset=True)
        with pytest.raises(Killed):
            apply.create(VodAssetKind(client, Settings()), inputs, journal=Journal(tmp_path), owner=OWNER)
    [asset_id] = [a for a in tenant(emulator)["vodAssets"] if a not in before["vodAssets"]]
    emulator.ctx.requests.clear()
    found, outputs = apply.create(
        VodAssetKind(client, Settings(poll_seconds=0.05)), inputs, journal=Journal(tmp_path), owner=OWNER
    )
    assert found == asset_id and outputs["status"] == "Available"
    assert ("POST", "/vod/v1/files/start") not in writes(emulator)
    assert len(tenant(emulator)["files"]) == len(before["files"]) + 1


def test_adopt_true_finds_the_asset_by_title_and_content_hash(
    made: tuple[str, dict[str, Any], dict[str, Any]], client: VideoKitClient
) -> None:
    asset_id, state, _ = made
    kind = VodAssetKind(client, Settings())
    assert kind.find({"title": "Promo", "contentHash": state["contentHash"]}) == [asset_id]
    assert kind.find({"title": "Promo", "contentHash": "0" * 64}) == []
    assert kind.find({"title": "Other", "contentHash": state["contentHash"]}) == []


def test_the_loader_resolves_file_relative_to_the_declaring_file(program: Path) -> None:
    base = program / "base"
    base.mkdir()
    (base / "vod.yaml").write_text("vodAssets:\n  promo:\n    file: ../media/promo.mp4\n    preset: mp4\n")
    doc = load(base)
    [entry] = doc.entries
    assert entry.props["file"] == "media/promo.mp4"  # relative to the program's directory


def test_a_missing_file_is_an_error_at_its_line_before_any_call(
    program: Path, emulator: RunningEmulator
) -> None:
    path = program / "v.yaml"
    path.write_text("vodAssets:\n  promo:\n    preset: mp4\n    file: media/missing.mp4\n")
    emulator.ctx.requests.clear()
    with pytest.raises(DeclarationError) as err:
        load(path)
    [problem] = err.value.problems
    assert (problem.line, problem.col, problem.field) == (4, 5, "vodAssets.promo.file")
    assert "'media/missing.mp4' does not exist (relative to this YAML file)" in problem.message
    assert emulator.ctx.requests == []


def test_check_refuses_a_missing_file_and_replaces_a_declared_hash(program: Path, service: Service) -> None:
    inputs, problems = service.check({**DECLARED, "file": "nope.mp4"})
    assert problems and problems[0][0] == "file" and "'nope.mp4' does not exist" in problems[0][1]
    inputs, problems = service.check({**DECLARED, "contentHash": "f" * 64})
    assert problems == [] and inputs["contentHash"] != "f" * 64


def test_export_adopts_by_id_without_the_file_and_applies_as_a_no_op(
    made: tuple[str, dict[str, Any], dict[str, Any]],
    client: VideoKitClient,
    service: Service,
    emulator: RunningEmulator,
    tmp_path: Path,
) -> None:
    from pulumi_videokit.export import Filters, collect, render_yaml

    asset_id, _, _ = made
    items = [i for i in collect(client, Filters(sections=("vodAssets",))) if i.object_id == asset_id]
    [item] = items
    assert item.fields == {"preset": "mp4", "title": "Promo", "metadata": {"team": "web"}}
    assert any("without its file" in c for c in item.comments)
    text = render_yaml(items, Filters(sections=("vodAssets",)))
    assert "file" not in text.split("vodAssets:")[1].split("#")[0]
    path = tmp_path / "exported" / "videokit.yaml"
    path.parent.mkdir()
    path.write_text(text)
    [entry] = load(path).entries
    assert entry.props["adopt"] == asset_id and "file" not in entry.props
    # Adopting it writes only the values the asset already has, and uploads nothing.
    inputs, problems = service.check(entry.props)
    assert problems == [] and "contentHash" not in inputs
    emulator.ctx.requests.clear()
    found, _ = service.create(inputs, OWNER)
    assert found == asset_id
    assert writes(emulator) == [("PATCH", f"/vod/v1/assets/{asset_id}")]
    [patch] = [r["body"] for r in emulator.ctx.requests if r["method"] == "PATCH"]
    assert patch == {"title": "Promo", "metadata": {"team": "web"}}


def test_the_native_plugin_hashes_at_check_and_uploads_once(
    program: Path, emulator: RunningEmulator, tmp_path: Path
) -> None:
    """The plugin, started in the program's directory as the engine starts it, over gRPC."""
    from pulumi.runtime.proto import provider_pb2 as pb

    from pulumi_videokit.native._props import decode

    from .nativehost import NativeHost, secret

    before = tenant(emulator)
    settings = {
        "apiKey": secret(API_KEY),
        "tenantId": TENANT_ID,
        "endpoint": emulator.url,
        "pollSeconds": "0.05",
        "journalDir": str(tmp_path / "journal"),
    }
    with NativeHost(settings) as host:
        inputs, failures = host.check("VodAsset", DECLARED)
        data = (program / "media" / "promo.mp4").read_bytes()
        assert failures == [] and inputs["contentHash"] == hashlib.sha256(data).hexdigest()
        _, failures = host.check("VodAsset", {**DECLARED, "file": "gone.mp4"})
        assert failures and failures[0][0] == "file"
        emulator.ctx.requests.clear()
        asset_id, props = host.create("VodAsset", inputs)
        state = decode(props)[0]
        assert state["status"] == "Available" and state["assetId"] == asset_id
        assert [w for w in writes(emulator) if w[0] == "POST"] == [
            ("POST", "/vod/v1/files/start"),
            ("POST", "/vod/v1/files/complete"),
            ("POST", "/vod/v1/assets"),
        ]
        emulator.ctx.requests.clear()
        same = host.diff("VodAsset", asset_id, state, inputs)
        assert same.changes == pb.DiffResponse.DIFF_NONE and emulator.ctx.requests == []
        host.delete("VodAsset", asset_id, state)
    assert tenant(emulator) == before


def test_a_wait_that_times_out_keeps_the_asset_and_the_next_up_waits_on_it(
    program: Path, service: Service, emulator: RunningEmulator
) -> None:
    """The emulator keeps an asset Processing for transition_seconds: a wait shorter than that
    fails with the asset kept in state under its id, and the next up is an update that waits on
    that asset again: no new upload, no replace, nothing deleted."""
    before = tenant(emulator)
    inputs, _ = service.check({**DECLARED, "waitTimeoutSeconds": 0.01})
    with pytest.raises(HalfCreated) as err:
        service.create(inputs, OWNER)
    half = err.value
    asset_id = half.object_id
    assert "still Processing after 0.01s" in half.reason
    assert "replace" not in half.reason and "the next `pulumi up` finishes the job" in half.reason
    assert not asset_id.startswith("file:") and half.inputs["contentHash"] == inputs["contentHash"]
    assert half.outputs["status"] == "Processing" and "waitForAvailable" not in half.outputs
    made_assets = tenant(emulator)["vodAssets"]
    # The next up: the same declaration, checked again, is an update (never a replace) that waits.
    inputs, _ = service.check({**DECLARED, "waitTimeoutSeconds": 30})
    decided = service.diff(asset_id, half.outputs, inputs, half.inputs)
    assert decided.plan.changed == ["waitForAvailable"] and decided.plan.replaces == []
    emulator.ctx.requests.clear()
    state = service.update(asset_id, half.outputs, inputs, half.inputs)
    assert state["status"] == "Available" and state["contentHash"] == inputs["contentHash"]
    assert writes(emulator) == [] and tenant(emulator)["vodAssets"] == made_assets
    # Settled: the wait options are never compared, so changing them is no change at all.
    for wait in ({"waitTimeoutSeconds": 5}, {"waitForAvailable": False}, {}):
        again, _ = service.check({**DECLARED, **wait})
        assert not service.diff(asset_id, state, again).plan.has_changes, wait
    service.delete(asset_id, state, OWNER)
    assert tenant(emulator) == before
    # Without waiting, the create answers at once with the asset Processing, and is settled.
    inputs, _ = service.check({**DECLARED, "waitForAvailable": False})
    asset_id, state = service.create(inputs, OWNER)
    assert state["status"] == "Processing"
    assert not service.diff(asset_id, state, inputs).plan.has_changes
    service.delete(asset_id, state, OWNER)
    assert tenant(emulator) == before


def test_a_wait_option_never_replaces_whatever_the_old_state_holds(
    made: tuple[str, dict[str, Any], dict[str, Any]], service: Service
) -> None:
    """waitForAvailable and waitTimeoutSeconds are documented as never compared: no value of
    either, old or new, set or unset, makes a diff replace (or change) a settled asset."""
    asset_id, state, _ = made
    waits: list[dict[str, Any]] = [
        {},
        {"waitForAvailable": False},
        {"waitForAvailable": True, "waitTimeoutSeconds": 1},
        {"waitTimeoutSeconds": 86400},
    ]
    for old in waits:
        olds, _ = service.check({**DECLARED, **old})
        for new in waits:
            news, _ = service.check({**DECLARED, **new})
            decided = service.diff(asset_id, {**state, **olds}, news, olds).plan
            assert (decided.changed, decided.replaces) == ([], []), (old, new)


def _drop_first_start(emulator: RunningEmulator) -> Any:
    """Lose the answer to the next Start File Upload (the API makes the file); a sleep before
    the create is tried again lifts the fault."""
    from pulumi_videokit.emulator import FaultRule

    emulator.ctx.faults.replace(
        [FaultRule(kind="drop", every=1, method="POST", path="^/vod/v1/files/start$")]
    )
    return lambda seconds: emulator.ctx.faults.replace([])


def test_a_lost_start_file_upload_answer_leaves_no_uploading_file(
    program: Path, service: Service, emulator: RunningEmulator, client: VideoKitClient
) -> None:
    before = tenant(emulator)
    uploading = {f.id for f in client.vod.files.list(status="Uploading")}
    inputs, problems = service.check(DECLARED)
    assert problems == []
    sleep = _drop_first_start(emulator)
    emulator.ctx.requests.clear()
    asset_id, outputs = apply.create(
        service.kind, inputs, journal=service.journal(), owner=service.scoped(OWNER), sleep=sleep
    )
    starts = [r for r in emulator.ctx.requests if r["path"] == "/vod/v1/files/start"]
    assert [r["status"] for r in starts] == [200, 200]  # the first one's answer never arrived
    lost = [f for f in tenant(emulator)["files"] if f not in before["files"] and f != outputs["fileId"]]
    assert lost == [] and tenant(emulator)["uploads"] == before["uploads"]
    cancels = [r["path"] for r in emulator.ctx.requests if r["path"].endswith("/cancel")]
    assert len(cancels) == 1 and outputs["fileId"] not in cancels[0]
    assert {f.id for f in client.vod.files.list(status="Uploading")} == uploading
    assert client.vod.assets.get(asset_id).status == "Available"
    assert len(tenant(emulator)["files"]) == len(before["files"]) + 1


def test_a_lost_start_answer_never_cancels_an_upload_that_was_there_before(
    program: Path, service: Service, emulator: RunningEmulator, client: VideoKitClient
) -> None:
    """An Uploading file of the same name, friendly name and content that existed before the
    start (another run's, or one still going) is not this create's to cancel."""
    inputs, problems = service.check(DECLARED)
    assert problems == []
    uploading = {f.id for f in client.vod.files.list(status="Uploading")}
    other = client.vod.files.start_upload(
        {
            "name": "promo.mp4",
            "friendlyName": "Promo",
            "metadata": {CONTENT_HASH_KEY: inputs["contentHash"]},
            "fileSize": 10,
        }
    ).file_id
    sleep = _drop_first_start(emulator)
    emulator.ctx.requests.clear()
    _, outputs = apply.create(service.kind, inputs, sleep=sleep)
    assert client.vod.files.get(other).status == "Uploading"
    assert {f.id for f in client.vod.files.list(status="Uploading")} == {*uploading, other}
    cancels = [r["path"] for r in emulator.ctx.requests if r["path"].endswith("/cancel")]
    assert len(cancels) == 1 and other not in cancels[0] and outputs["fileId"] not in cancels[0]
    client.vod.files.cancel_upload(other, delete=True)


SIGNATURE = "X-Amz-Signature=5f1e0c0ffee5ecret"
CREDENTIAL = "X-Amz-Credential=AKIAEMULATOR%2F20261202%2Fus-east-1%2Fs3%2Faws4_request"


def test_debug_logs_never_carry_a_part_urls_signature(
    program: Path,
    service: Service,
    emulator: RunningEmulator,
    client: VideoKitClient,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Part URLs are pre-signed on a real tenant (their query is a write credential): the debug
    log of Start File Upload, Get Next Part Upload URL and the image upload equivalents shows
    them without it."""
    from pulumi_videokit.emulator import _vod as emulator_vod

    real_link = emulator_vod.part_link

    def signed(ctx: Any, file_id: str, number: int) -> str:
        return f"{real_link(ctx, file_id, number)}?{CREDENTIAL}&X-Amz-Expires=3600&{SIGNATURE}"

    monkeypatch.setattr(emulator_vod, "part_link", signed)
    real_put = vod_client.put_part
    tried: list[str] = []

    def expired_once(url: str, content: Any, size: int, **kw: Any) -> str:
        tried.append(url)
        if len(tried) == 1:  # the URL from the start: Get Next Part Upload URL is asked too
            raise status_error(method="PUT", path="/part", status=403, server_message="Request has expired")
        return real_put(url, content, size, **kw)

    monkeypatch.setattr(vod_client, "put_part", expired_once)
    caplog.set_level(logging.DEBUG)  # every logger: httpx's own request lines too
    caplog.set_level(logging.DEBUG, logger="pulumi_videokit")
    inputs, _ = service.check(DECLARED)
    asset_id, state = service.create(inputs, OWNER)
    started = client.streaming.images.start(asset_id, name="poster.png", file_size=10)
    client.streaming.images.part_url(asset_id, started.file_id, 1)
    # Preconditions: the URLs were signed, and each answer that carried them was logged.
    assert len(tried) == 2 and all(SIGNATURE in url for url in tried)
    assert SIGNATURE in started.multipart_urls[0]
    logged = "\n".join(record.getMessage() for record in caplog.records)
    for answer in ("/vod/v1/files/start", "/part/1", "/images/uploaded/start"):
        assert any(answer in r.getMessage() and "_upload/" in r.getMessage() for r in caplog.records), answer
    assert any(r.name == "httpx" and "/_upload/" in r.getMessage() for r in caplog.records)
    assert "X-Amz-Signature" not in logged and "X-Amz-Credential" not in logged
    assert "5f1e0c0ffee5ecret" not in logged and "AKIAEMULATOR" not in logged
    service.delete(asset_id, state, OWNER)


def test_an_unknown_preset_is_refused_before_any_upload(
    program: Path, service: Service, emulator: RunningEmulator, client: VideoKitClient, puts: list[int]
) -> None:
    """Create VOD Asset refuses an unknown preset only after the whole file is up: the create asks
    List Available Presets first, and a preset it does not name is one sentence listing them,
    with nothing uploaded and nothing made (so the next up does not upload it again either)."""
    from pulumi_videokit.reconcile.kinds.vod_asset import UnknownPresetError

    before = tenant(emulator)
    names = sorted(p.name for p in client.transcoder.presets())
    assert "mp4" in names and "hls-nope" not in names
    inputs, problems = service.check({**DECLARED, "preset": "hls-nope"})
    assert problems == []
    emulator.ctx.requests.clear()
    with pytest.raises(UnknownPresetError) as err:
        service.create(inputs, OWNER)
    assert str(err.value) == (
        f"preset: 'hls-nope' is not a preset of this tenant; List Available Presets names {', '.join(names)}"
    )
    assert writes(emulator) == [] and puts == [] and tenant(emulator) == before
    assert [(r["method"], r["path"]) for r in emulator.ctx.requests].count(
        ("GET", "/transcoder/v1/presets")
    ) == 1


def test_a_timed_out_wait_through_the_dynamic_door_is_resumed_by_an_update(
    program: Path, emulator: RunningEmulator, tmp_path: Path
) -> None:
    """What the engine keeps of the timed-out create (ErrorResourceInitFailed: the asset's id and
    its properties) diffs as an in-place update, never a replace, and that update waits on the
    same asset: no upload, no write."""
    from pulumi.runtime.proto import provider_pb2 as pb

    from .providerhost import HostError, ProviderHost

    before = tenant(emulator)
    config = {
        "videokit:apiKey": API_KEY,
        "videokit:tenantId": TENANT_ID,
        "videokit:endpoint": emulator.url,
        "videokit:pollSeconds": "0.05",
        "videokit:journalDir": str(tmp_path / "journal"),
    }
    with ProviderHost(config) as host:
        inputs, failures = host.check("VodAsset", {**DECLARED, "waitTimeoutSeconds": 0.01})
        assert failures == []
        with pytest.raises(HostError) as half:
            host.create("VodAsset", inputs)
        detail = half.value.init_failed()
        assert detail is not None, half.value.details
        (reason,) = detail.reasons
        assert "still Processing" in reason and "replace" not in reason and "finishes the job" in reason
        kept = dict(detail.properties)
        assert kept["assetId"] == detail.id and kept["status"] == "Processing"
        inputs, _ = host.check("VodAsset", {**DECLARED, "waitTimeoutSeconds": 30})
        emulator.ctx.requests.clear()
        decided = host.diff("VodAsset", detail.id, kept, inputs)
        assert decided.changes == pb.DiffResponse.DIFF_SOME and list(decided.replaces) == []
        state = host.update("VodAsset", detail.id, kept, inputs)
        assert state["status"] == "Available" and writes(emulator) == []
        assert host.diff("VodAsset", detail.id, state, inputs).changes == pb.DiffResponse.DIFF_NONE
        host.delete("VodAsset", detail.id, state)
    assert tenant(emulator) == before


@pytest.mark.parametrize("lost", ["once", "every-time"])
def test_a_lost_finish_file_upload_answer_goes_on_from_the_finished_file(
    program: Path, service: Service, emulator: RunningEmulator, client: VideoKitClient, lost: str
) -> None:
    """Finish File Upload went through but its answer was lost: the retry finds no upload (404),
    or every retry's answer is lost too. The file says it is Completed, so the create goes on from
    it: one file, one VOD asset, nothing cancelled."""
    from pulumi_videokit.emulator import FaultRule

    before = tenant(emulator)
    inputs, problems = service.check(DECLARED)
    assert problems == []
    rule = FaultRule(kind="drop", every=1, method="POST", path="^/vod/v1/files/complete$")
    emulator.ctx.faults.replace([rule])
    transport = service.kind.client.transport
    if lost == "once":
        transport._sleep = lambda seconds: emulator.ctx.faults.replace([])  # the retry is answered
    else:
        transport._sleep = lambda seconds: None
    emulator.ctx.requests.clear()
    try:
        asset_id, state = service.create(inputs, OWNER)
    finally:
        emulator.ctx.faults.replace([])
    completes = [r for r in emulator.ctx.requests if r["path"] == "/vod/v1/files/complete"]
    assert len(completes) >= 2 and completes[0]["status"] == 200  # it went through, then was retried
    assert rule.seen >= 1 and completes[1]["status"] == 404  # the retry found no upload left
    new_files = [f for f in tenant(emulator)["files"] if f not in before["files"]]
    assert new_files == [state["fileId"]] and client.vod.files.get(state["fileId"]).status == "Completed"
    assert not [r for r in emulator.ctx.requests if r["path"].endswith("/cancel")]
    assert client.vod.assets.get(asset_id).status == "Available"
    assert len(tenant(emulator)["vodAssets"]) == len(before["vodAssets"]) + 1
