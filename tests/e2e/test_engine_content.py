"""Issue 19's "Done when", through the real engine on both doors against the seeded emulator.

One stack holds a VodAsset uploaded from a file generated here, its AssetDetails (two chapters),
a Recording on a declared Channel, and a getPresets lookup for the VodAsset's preset: on the
dynamic door as examples/content (videokit.yaml loaded by a Python program, ``${lookup:…}``),
on the native door as a Pulumi YAML program (``fn::invoke``).  Then, each precondition asserted
first: a no-op preview writes nothing and asks the API only the lookup's one listing; a title
change is one PATCH; a fresh clone at another path, the file's mtime changed, uploads nothing; a
changed file replaces the asset (new upload, old asset and old file deleted); destroy leaves the
tenant's channels, events, assets (chapters included), VOD assets, files, uploads and recordings
exactly as they were.  Before the destroy, the AssetDetails is renamed without ``aliases``: what the
new name declares stays on the asset, and the engine shows the warning that says why.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator

from .conftest import Stack, record, stack_for, tenant_contents, writes

#: The only request a no-op preview may send: the lookup's listing (a lookup is read every run,
#: as a data source is; the resources themselves ask nothing).
LOOKUP = ("GET", "/transcoder/v1/presets")
CHAPTERS = [("Opening", 0, 20), ("Product tour", 20, 60)]


def video(size: int, seed: int) -> bytes:
    """A small "video": an ISO BMFF ftyp box, then bytes that differ with ``seed``."""
    body = bytes((seed * 31 + i * 7) % 256 for i in range(size))
    return b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + body


def requests(emu: RunningEmulator) -> list[tuple[str, str]]:
    return [(r["method"], r["path"]) for r in emu.ctx.requests]


def vod_assets(emu: RunningEmulator) -> dict[str, dict[str, Any]]:
    return dict(emu.ctx.store.snapshot()["vodAssets"])


def files(emu: RunningEmulator) -> set[str]:
    return set(emu.ctx.store.snapshot()["files"])


@dataclass(frozen=True)
class Door:
    """Where one door's program says what the checks edit."""

    program: str  # the file holding the declarations, in the project
    title: str  # the VodAsset's title line
    pins: tuple[tuple[str, str], ...]  # the preset's lookup as the program spells it → its name
    channel: str  # the declared channel's name
    details: tuple[str, str]  # the AssetDetails' name line, and the same line renamed
    media: str = "media/promo.mp4"  # the VodAsset's file, in the project

    def retitle(self, project: Path, title: str) -> None:
        program = project / self.program
        text = program.read_text()
        assert self.title in text
        program.write_text(text.replace(self.title, self.title.replace("Promo", f'"{title}"')))


def check_content_lifecycle(stack: Stack, emu: RunningEmulator, api: VideoKitClient, door: Door) -> None:
    """The checks of the issue, on a stack whose program is in place; the file is written here."""
    media = door.media
    before = tenant_contents(emu)
    old_vods, old_files = set(before["vodAssets"]), set(before["files"])
    first = stack.project / media
    first.parent.mkdir(parents=True, exist_ok=True)
    first.write_bytes(video(6000, seed=1))

    # ---- up: one upload, one VOD asset on the looked-up preset, two chapters, one recording ----
    emu.ctx.requests.clear()
    stack.up()
    sent = requests(emu)
    assert sent.count(("POST", "/vod/v1/files/start")) == 1, sent
    assert sent.count(("POST", "/vod/v1/files/complete")) == 1, sent
    assert sent.count(("POST", "/vod/v1/assets")) == 1, sent
    assert sent.count(LOOKUP) >= 1, sent  # the preset came from the lookup
    (vod_id,) = set(vod_assets(emu)) - old_vods
    (file_id,) = files(emu) - old_files
    uploaded = emu.ctx.store.snapshot()["files"][file_id]
    assert uploaded["fileSize"] == sum(uploaded["_parts"].values()) == first.stat().st_size
    vod = vod_assets(emu)[vod_id]
    assert (vod["preset"], vod["title"], set(vod["fileIds"])) == ("preset1", "Promo", {file_id})
    asset = api.streaming.assets.get(vod_id)
    assert sorted((c.title, c.start_second, c.end_second) for c in asset.chapters or []) == CHAPTERS
    assert asset.description == "The launch promo"
    channel = next(c for c in api.live.channels.list() if c.name == door.channel)
    (recording,) = api.recorder.recordings.list(channelId=channel.id)
    assert recording.status == "Pending"

    # ---- a no-op preview: nothing written, nothing asked but the lookup's one listing ----
    emu.ctx.requests.clear()
    stack.preview("--expect-no-changes")
    assert requests(emu) == [LOOKUP]
    # The same stack with the preset written out instead of looked up: not one request.
    program = stack.project / door.program
    looked_up = pinned = program.read_text()
    for lookup, name in door.pins:
        assert lookup in pinned
        pinned = pinned.replace(lookup, name)
    program.write_text(pinned)
    emu.ctx.requests.clear()
    stack.preview("--expect-no-changes")
    assert requests(emu) == []
    program.write_text(looked_up)

    # ---- a title change: exactly one PATCH of the VOD asset, nothing else written ----
    door.retitle(stack.project, "Promo, final cut")
    emu.ctx.requests.clear()
    stack.up()
    assert [(m, p) for m, p, _ in writes(emu)] == [("PATCH", f"/vod/v1/assets/{vod_id}")]
    assert writes(emu)[0][2] == {"title": "Promo, final cut"}
    assert vod_assets(emu)[vod_id]["title"] == "Promo, final cut"

    # ---- a fresh clone at another path, the file's mtime changed: no upload ----
    clone = stack.project.parent / "fresh-clone" / stack.project.name
    shutil.copytree(stack.project, clone)
    cloned = clone / media
    was = os.stat(first).st_mtime_ns
    os.utime(cloned, ns=(was + 5_000_000_000, was + 5_000_000_000))
    assert clone.resolve() != stack.project.resolve()
    assert os.stat(cloned).st_mtime_ns != was  # the timestamp really changed
    assert cloned.read_bytes() == first.read_bytes()  # and the content did not
    stack.project = clone
    emu.ctx.requests.clear()
    stack.preview("--expect-no-changes")
    stack.up()
    assert writes(emu) == []
    assert not [p for _, p in requests(emu) if p.startswith("/vod/v1/files")], requests(emu)
    assert set(vod_assets(emu)) - old_vods == {vod_id} and files(emu) - old_files == {file_id}

    # ---- a changed file: a new upload replaces the asset; the old asset and file are deleted ----
    cloned.write_bytes(video(7000, seed=2))
    assert cloned.read_bytes() != first.read_bytes()
    emu.ctx.requests.clear()
    stack.up()
    sent = requests(emu)
    assert sent.count(("POST", "/vod/v1/files/start")) == 1, sent
    assert sent.count(("POST", "/vod/v1/assets")) == 1, sent
    assert ("DELETE", f"/vod/v1/assets/{vod_id}") in sent, sent
    (new_vod,) = set(vod_assets(emu)) - old_vods
    (new_file,) = files(emu) - old_files
    assert new_vod != vod_id and new_file != file_id
    assert vod_id not in vod_assets(emu) and vod_id not in tenant_contents(emu)["assets"]
    assert file_id not in files(emu)
    assert vod_assets(emu)[new_vod]["title"] == "Promo, final cut"
    moved = api.streaming.assets.get(new_vod)  # the details follow the new asset
    assert sorted((c.title, c.start_second, c.end_second) for c in moved.chapters or []) == CHAPTERS
    emu.ctx.requests.clear()
    stack.preview("--expect-no-changes")
    assert writes(emu) == []

    # ---- the details renamed without aliases: what the new name declares stays, and the
    # engine shows why (it creates the new name first, then deletes the old one) ----
    program = stack.project / door.program
    text = program.read_text()
    assert door.details[0] in text
    program.write_text(text.replace(door.details[0], door.details[1]))
    shown = stack.up().stdout
    names = {r["urn"].rpartition("::")[2] for r in stack.export()["deployment"]["resources"]}
    old_name, new_name = (line.strip().rstrip(":") for line in door.details)
    assert new_name in names and old_name not in names  # the rename really happened
    assert f"taken over by `{new_name}`" in " ".join(shown.split()), shown
    renamed = api.streaming.assets.get(new_vod)
    assert renamed.description == "The launch promo"
    assert sorted((c.title, c.start_second, c.end_second) for c in renamed.chapters or []) == CHAPTERS
    emu.ctx.requests.clear()
    stack.preview("--expect-no-changes")
    assert writes(emu) == []

    # ---- destroy: the tenant exactly as before the first up ----
    assert tenant_contents(emu) != before  # the stack did leave its mark
    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    assert tenant_contents(emu) == before


YAML_DOOR = Door(
    program="videokit.yaml",
    title="    title: Promo\n",
    pins=(("${lookup:getPresets(name=preset1).name}", "preset1"),),
    channel="content-stage",
    details=("  promo-details:\n", "  promo-notes:\n"),
)


def test_content_in_videokit_yaml_on_the_dynamic_door(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    """examples/content as it is in the repo, with a generated media/promo.mp4."""
    stack = stack_for("content", tmp_path, seeded, pulumi_bin)
    check_content_lifecycle(stack, seeded, api, YAML_DOOR)
    record(stack, "content: videokit.yaml")


PROGRAM = """\
name: videokit-pulumi-yaml
runtime: yaml
variables:
  preset:
    fn::invoke:
      function: videokit:index:getPresets
      arguments:
        name: preset1
resources:
  stage:
    type: videokit:index:Channel
    properties:
      name: native-content-stage
      input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}
  promo:
    type: videokit:index:VodAsset
    properties:
      file: media/promo.mp4
      preset: ${preset.items[0].name}
      title: Promo
      metadata: {campaign: launch}
  promoDetails:
    type: videokit:index:AssetDetails
    properties:
      assetId: ${promo.assetId}
      description: The launch promo
      chapters:
        - {title: Opening, startSecond: 0, endSecond: 20}
        - {title: Product tour, startSecond: 20, endSecond: 60}
  keynote:
    type: videokit:index:Recording
    properties:
      channelId: ${stage.id}
      start: "2030-01-10T10:00:00Z"
      end: "2030-01-10T11:00:00Z"
      metadata: {title: Keynote}
outputs:
  promoAssetId: ${promo.assetId}
  promoStatus: ${promo.status}
  keynoteStatus: ${keynote.status}
"""


NATIVE_DOOR = Door(
    program="Pulumi.yaml",
    title="      title: Promo\n",
    pins=(
        (PROGRAM[PROGRAM.index("variables:") : PROGRAM.index("resources:")], ""),
        ("${preset.items[0].name}", "preset1"),
    ),
    channel="native-content-stage",
    details=("  promoDetails:\n", "  promoNotes:\n"),
)


def test_content_in_pulumi_yaml_on_the_native_plugin(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    stack = stack_for("pulumi-yaml", tmp_path, seeded, pulumi_bin)
    (stack.project / "Pulumi.yaml").write_text(PROGRAM)
    check_content_lifecycle(stack, seeded, api, NATIVE_DOOR)
    record(stack, "content: pulumi yaml")
