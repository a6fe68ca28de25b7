"""VodAsset: a VOD asset made from a local file, uploaded in parts.

The object's id is the VOD asset's id (the streaming asset carries the same one).  The upload
is journaled as ``file:<fileId>`` the moment Start File Upload names the file, so a run killed
before the asset exists resumes from a finished file, or cancels an unfinished upload, instead
of leaving it behind; a create that fails or is cancelled during the upload cancels it with
Cancel File Upload (``delete: true``); so does one whose Start File Upload answer was lost, once
List Files names the file it made.  A create cut off before the asset exists stays in state
under its ``file:`` id, so the next ``up`` replaces it (``replanned``): a new upload, the
half-made file deleted.  A create whose wait for Available timed out (or was cut off) after the
asset exists stays in state under the asset's id without ``waitForAvailable``
(``converged_after_create``): the next ``up`` is an update that waits on that asset again, never
a new upload.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from ...client import (
    APIConnectionError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RetryBudgetExceededError,
    ServerError,
    VideoKitError,
)
from ...models import UploadStart, VodAsset, VodFile
from ...models.desired import VodAssetOutputs, VodAssetSpec
from ...models.vod import CONTENT_HASH_KEY, FileUploadStart, VodAssetCreate, VodSource
from ...protocol import is_unknown
from ...specs import ResourceSpec, Wording
from ..diff import Plan
from ..errors import UnexpectedStateError, UserError
from ._base import Exported, Inputs, Kind, Made, Memo, Observed, OnCreated, Scope, after, slug

if TYPE_CHECKING:
    from ...client._resource import Body

log = logging.getLogger("pulumi_videokit.vod")

#: The prefix of the id a create journals while only the file exists.
FILE = "file:"
#: Bytes read at a time, for hashing and for each part's body.
CHUNK = 1 << 20
#: Tries of one part's PUT (dropped connections, 5xx, 429).
PART_TRIES = 4
#: Fields that steer the provider and never reach the API; and ``file``, which is compared by
#: its content (``contentHash``), never by its path.  ``waitForAvailable`` compares only by its
#: presence (``_comparable``): Check always sets it, and a create that has not seen the asset
#: Available leaves it out of state, so the next diff is an update that waits again.
_UNCOMPARED = ("file", "waitForAvailable", "waitTimeoutSeconds")
#: What ``live_state`` answers for an object that is still only its uploaded file.
_FILE_ONLY = "file only"
_UPDATABLE = ("title", "metadata", "tags", "attributes")


class UploadCancelledError(UserError):
    """The engine cancelled the operation while a file was being uploaded."""


class FileChangedError(UserError):
    """The file's bytes are not the ones hashed at preview."""


class FileProblem(UserError):
    """The declared file cannot be read."""


class UnknownPresetError(UserError):
    """The declared preset is not one List Available Presets names."""


def local_path(file: str) -> Path:
    """Where ``file`` is: as given when absolute, else under the program's directory (the
    provider's working directory, where the engine starts it)."""
    path = Path(file)
    return path if path.is_absolute() else Path.cwd() / path


_hashes: dict[tuple[str, int, int, int], str] = {}
_hashes_lock = threading.Lock()


def outside_problem(file: str, base: Path, root: Path) -> str | None:
    """Why ``file`` (relative to ``base``) is no file of the project at ``root``: an absolute path,
    one that climbs out of it, or one that resolves through a symlink to a file outside it;
    ``None`` when it stays inside.  Checked before the file is read: nothing outside the project
    is ever hashed or uploaded (a declaration from a pull request must not read the runner's files)."""
    if "\x00" in file:
        return f"{file!r} holds a NUL character, which no path may"
    if Path(file).is_absolute():
        return f"{file!r} is an absolute path; name a file inside the project by a relative path"
    top = root.resolve()
    joined = base.resolve() / file
    if not Path(os.path.normpath(joined)).is_relative_to(top):
        return f"{file!r} leads outside the project; only files inside it are uploaded"
    if not joined.resolve().is_relative_to(top):
        return (
            f"{file!r} is, or passes through, a symlink to outside the project; "
            "only files inside it are uploaded"
        )
    return None


def file_problem(file: str, base: Path | None = None, root: Path | None = None) -> str | None:
    """Why ``file`` (relative to ``base``) cannot be uploaded, in a phrase naming it as declared;
    ``None`` when it can.  The project ``root`` and ``base`` are the program's directory (the
    working directory) unless given."""
    here = Path.cwd()
    outside = outside_problem(file, base or here, root or here)
    if outside:
        return outside
    path = (base or here) / file
    try:
        if not path.is_file():
            return f"{file!r} is not a file" if path.exists() else f"{file!r} does not exist"
        if path.stat().st_size == 0:
            return f"{file!r} is empty; Start File Upload needs at least one byte"
        with path.open("rb"):
            pass
    except OSError as exc:
        return f"{file!r} cannot be read: {exc.strerror or exc}"
    return None


def content_hash(file: str) -> str:
    """The sha256 of ``file``'s bytes, read a chunk at a time (kept per path, size and mtime)."""
    path = local_path(file)
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, stat.st_ino)
    with _hashes_lock:
        if key in _hashes:
            return _hashes[key]
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    with _hashes_lock:
        _hashes[key] = digest.hexdigest()
    return _hashes[key]


def _comparable(inputs: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in inputs.items() if k not in _UNCOMPARED}
    if "waitForAvailable" in inputs:
        out["waitForAvailable"] = "settled"  # its value is never compared, its absence is
    return out


def _ambiguous(exc: BaseException) -> bool:
    """A POST failed in a way that may or may not have made the object."""
    if isinstance(exc, RetryBudgetExceededError):
        exc = exc.last
    return isinstance(exc, (OutcomeUnknownError, ServerError))


def file_of(asset: VodAsset) -> str | None:
    """The file a VOD asset was made from."""
    for file_id in asset.file_ids or {}:
        return str(file_id)
    for source in asset.sources or []:
        if source.get("fileId"):
            return str(source["fileId"])
    return None


def outputs_of(asset: VodAsset) -> dict[str, Any]:
    urls = [str(e["url"]) for e in asset.endpoints or [] if e.get("url")]
    for output in asset.outputs or []:
        endpoints = output.get("endpoints")
        if isinstance(endpoints, list):
            urls += [str(e["url"]) for e in endpoints if isinstance(e, dict) and e.get("url")]
    return {
        "status": asset.status,
        "fileId": file_of(asset),
        "assetId": asset.id,
        "outputUrls": urls,
        "errorMessage": asset.error_message,
    }


class VodAssetKind(Kind):
    converged_after_create = ("waitForAvailable",)
    spec = ResourceSpec(
        "VodAsset",
        "vodAssets",
        VodAssetSpec,
        VodAssetOutputs,
        natural_key=("title", "contentHash"),
        endpoints=("POST /vod/v1/assets", "PATCH /vod/v1/assets/{id}"),
        replace_changes="file id and output URLs",
        wording=Wording(
            replaced="the file is uploaded again as a new asset, then the old asset and its file are deleted",
            deleted_detail="the asset and the file it uploaded are deleted",
        ),
        normalize=_comparable,
    )

    # ---- check ----

    @classmethod
    def completed(cls, inputs: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The inputs with ``contentHash`` computed from ``file`` (a declared one is replaced),
        and the problem with the file, if any."""
        out = dict(inputs)
        if not is_unknown(out.get("waitForAvailable")):
            out["waitForAvailable"] = out.get("waitForAvailable") is not False
        file = out.get("file")
        if not isinstance(file, str) or not file or is_unknown(file):
            return out, []
        problem = file_problem(file)
        if problem:
            out.pop("contentHash", None)
            return out, [("file", f"{problem} (read from {Path.cwd()})")]
        out["contentHash"] = content_hash(file)
        return out, []

    # ---- observe ----

    def observe(self, object_id: str, last: Mapping[str, Any]) -> Observed | None:
        if object_id.startswith(FILE):
            try:
                found = self.client.vod.files.get(object_id.removeprefix(FILE))
            except NotFoundError:
                return None
            held = (found.metadata or {}).get(CONTENT_HASH_KEY)
            hashed = {"contentHash": str(held)} if held else {}
            return Observed(hashed, {"status": found.status, "fileId": found.id, "outputUrls": []})
        try:
            asset = self.client.vod.assets.get(object_id)
        except NotFoundError:
            return None
        inputs: dict[str, Any] = {"preset": asset.preset}
        if asset.title is not None:
            inputs["title"] = asset.title
        if asset.metadata is not None and ("metadata" in last or asset.metadata):
            inputs["metadata"] = {str(k): str(v) for k, v in asset.metadata.items()}
        return Observed(inputs, outputs_of(asset))

    def find(self, inputs: Mapping[str, Any], since: datetime | None = None) -> list[str]:
        """VOD assets with this title whose file holds this content hash (in its metadata)."""
        wanted = inputs.get("contentHash")
        if not wanted:
            return []
        title = inputs.get("title") or None
        found = []
        listed = self.client.vod.assets.list(**({"query": title} if title else {}))
        for candidate in listed:
            if (candidate.title or None) != title or not after(candidate.create_date, since):
                continue
            with contextlib.suppress(NotFoundError):
                file_id = file_of(self.client.vod.assets.get(candidate.id))
                if file_id and self._hash_of(file_id) == wanted:
                    found.append(candidate.id)
        return found

    def _hash_of(self, file_id: str) -> str | None:
        held = (self.client.vod.files.get(file_id).metadata or {}).get(CONTENT_HASH_KEY)
        return str(held) if held else None

    # ---- create ----

    def create(self, inputs: Mapping[str, Any], created: OnCreated) -> tuple[str, dict[str, Any]]:
        file = str(inputs["file"])
        problem = file_problem(file)
        if problem:
            raise FileProblem(f"file: {problem} (read from {Path.cwd()})")
        self._refuse_unknown_preset(str(inputs["preset"]))
        path = local_path(file)
        expected = str(inputs.get("contentHash") or content_hash(file))
        size = path.stat().st_size
        start = FileUploadStart(
            name=path.name,
            friendly_name=str(inputs.get("title") or path.name),
            metadata={CONTENT_HASH_KEY: expected},
            file_size=size,
        )
        # Files already Uploading with this name: never those of this start, should its answer be lost.
        before = {f.id for f in self._uploads_like(start)}
        began = time.time()
        try:
            started = self.client.vod.files.start_upload(start)
        except VideoKitError as exc:
            if _ambiguous(exc):
                self._cancel_lost_start(start, before, began)
            raise  # a create that may have made nothing: the caller looks it up and tries again
        file_id = started.file_id
        # Journaled before a byte is sent: a killed run finds the file and finishes or cancels it.
        created(FILE + file_id, {"fileId": file_id})
        try:
            parts = self._send(path, size, started, expected)
            self._complete(file_id, parts)
        except BaseException:
            self._discard(file_id)
            raise
        return self._finish(file_id, inputs, created)

    def _refuse_unknown_preset(self, preset: str) -> None:
        """Refuse a preset List Available Presets does not name, before a byte is uploaded: Create
        VOD Asset would refuse it only once the whole file is up (one call, made by a create only)."""
        names = sorted({p.name for p in self.client.transcoder.presets()})
        if preset not in names:
            raise UnknownPresetError(
                f"preset: {preset!r} is not a preset of this tenant; List Available Presets names "
                f"{', '.join(names) or 'none'}"
            )

    def _uploads_like(self, start: FileUploadStart) -> list[VodFile]:
        """Files still Uploading with this upload's name and friendly name (List Files by status;
        its items carry no metadata)."""
        return [
            f
            for f in self.client.vod.files.list(status="Uploading")
            if f.name == start.name and f.friendly_name == start.friendly_name
        ]

    def _cancel_lost_start(self, start: FileUploadStart, before: set[str], began: float) -> None:
        """A Start File Upload whose answer was lost may have made a file no one will ever upload
        to (the answer held its part URLs): the one file Uploading with this name, friendly name
        and content hash, made since the start began and not there before, is cancelled and
        deleted.  Several such files are left alone: another upload of the same file may be on."""
        since = datetime.fromtimestamp(began, UTC) - timedelta(minutes=5)  # clocks differ
        wanted = (start.metadata or {}).get(CONTENT_HASH_KEY)
        found = []
        for candidate in self._uploads_like(start):
            if candidate.id in before or not after(candidate.create_date, since):
                continue
            with contextlib.suppress(NotFoundError):
                if self._hash_of(candidate.id) == wanted:
                    found.append(candidate.id)
        if len(found) == 1:
            log.info("the answer to Start File Upload was lost; cancelling the file it made, %s", found[0])
            self._discard(found[0])
        elif found:
            log.warning(
                "the answer to Start File Upload was lost and %d files could be the one it made (%s); "
                "none was cancelled",
                len(found),
                ", ".join(found),
            )

    def _send(self, path: Path, size: int, started: UploadStart, expected: str) -> list[Body]:
        """PUT every part, streamed from the file, hashing as it goes; the parts' ETags."""
        count = started.parts_count or max(1, len(started.multipart_urls))
        part_size = started.part_size or size
        if count > 1 and part_size * (count - 1) >= size:
            raise UnexpectedStateError(
                f"Start File Upload answered {count} parts of {part_size} bytes for a file of {size} bytes"
            )
        digest = hashlib.sha256()
        parts: list[Body] = []
        with path.open("rb") as fh:
            for number in range(1, count + 1):
                if self.settings.cancelled.is_set():
                    raise UploadCancelledError(
                        f"cancelled while uploading {path.name} (part {number} of {count}); the upload "
                        "was cancelled and its file deleted"
                    )
                offset = (number - 1) * part_size
                length = size - offset if number == count else part_size
                given = started.multipart_urls[number - 1] if number <= len(started.multipart_urls) else None
                try:
                    url = given or self.client.vod.files.part_url(started.file_id, number)
                    etag, digest = self._put(fh, url, offset, length, digest)
                except (PermissionDeniedError, NotFoundError):
                    if given is None:
                        raise
                    # A part URL from the start may have expired: Get Next Part Upload URL gives a new one.
                    url = self.client.vod.files.part_url(started.file_id, number)
                    etag, digest = self._put(fh, url, offset, length, digest)
                parts.append({"partNumber": number, "eTag": etag})
                if count > 1:
                    log.info(
                        "uploading %s: part %d of %d (%.1f of %.1f MiB)",
                        path.name,
                        number,
                        count,
                        (offset + length) / 2**20,
                        size / 2**20,
                    )
        if digest.hexdigest() != expected:
            raise FileChangedError(
                f"{path.name} changed after the preview hashed it; the upload was cancelled. Run "
                "`pulumi up` again to upload the file as it is now"
            )
        return parts

    def _put(self, fh: IO[bytes], url: str, offset: int, length: int, digest: Any) -> tuple[str, Any]:
        """One part's PUT, retried a few times; the ETag and the hash including the part."""
        for attempt in range(1, PART_TRIES + 1):
            hashed = digest.copy()

            def body(hashed: Any = hashed) -> Iterator[bytes]:
                fh.seek(offset)
                left = length
                while left > 0:
                    chunk = fh.read(min(CHUNK, left))
                    if not chunk:
                        raise FileChangedError("the file became shorter while it was uploaded")
                    hashed.update(chunk)
                    left -= len(chunk)
                    yield chunk

            from ...client.vod import put_part

            try:
                return put_part(url, body(), length, timeout=self.client.config.timeout_seconds * 10), hashed
            except (APIConnectionError, ServerError) as exc:
                if attempt == PART_TRIES or self.settings.cancelled.is_set():
                    raise
                log.info("part upload failed (%s); trying again", exc)
                time.sleep(min(8.0, 0.5 * 2**attempt))
        raise AssertionError("unreachable")

    def _complete(self, file_id: str, parts: list[Body]) -> None:
        """Finish File Upload.  When its answer is lost, the retry finds no upload left (404) or
        is lost too: the file itself says whether the first call finished it."""
        try:
            self.client.vod.files.complete_upload(file_id, parts)
        except (NotFoundError, APIConnectionError, RetryBudgetExceededError, ServerError) as exc:
            try:
                finished = self.client.vod.files.get(file_id).status == "Completed"
            except VideoKitError:
                raise exc from None
            if not finished:
                raise
            log.info("the answer to Finish File Upload was lost; file %s is Completed", file_id)

    def _discard(self, file_id: str) -> None:
        """Cancel an unfinished upload and delete its file; delete a finished one."""
        try:
            self.client.vod.files.cancel_upload(file_id, delete=True)
        except NotFoundError:
            with contextlib.suppress(NotFoundError):
                self.client.vod.files.delete(file_id)

    def _finish(self, file_id: str, inputs: Inputs, created: OnCreated) -> Made:
        """Create the VOD asset from an uploaded file, then apply what Create does not take."""
        asset_id = self._create_asset(file_id, inputs)
        created(asset_id, {"fileId": file_id})
        later = {k: inputs[k] for k in ("tags", "attributes") if inputs.get(k) is not None}
        if later:
            self.client.vod.assets.update(asset_id, later)
        return asset_id, self._settled(asset_id, inputs)

    def _create_asset(self, file_id: str, inputs: Inputs) -> str:
        source = VodSource(
            file_id=file_id,
            transcoding_tracks=inputs.get("transcodingTracks"),
            file_types_flag=inputs.get("fileTypesFlag"),
        )
        body = VodAssetCreate(
            transcoded_sources=[source],
            preset=inputs["preset"],
            metadata=inputs.get("metadata"),
            title=inputs.get("title"),
        )
        for attempt in range(1, 4):
            try:
                return self.client.vod.assets.create(body)
            except VideoKitError as exc:
                if not _ambiguous(exc) or attempt == 3:
                    raise
                # The file is this create's own: an asset made from it is the one the lost answer named.
                made = self._assets_of(file_id)
                if made:
                    return made[0]
        raise AssertionError("unreachable")

    def _assets_of(self, file_id: str) -> list[str]:
        """The VOD assets made from ``file_id`` (List VOD Assets by fileId)."""
        return [a.id for a in self.client.vod.assets.list(fileId=file_id)]

    def _settled(self, asset_id: str, inputs: Inputs) -> dict[str, Any]:
        """The outputs, once the asset has left Processing when ``waitForAvailable`` (default)."""
        asset = self.client.vod.assets.get(asset_id)
        if inputs.get("waitForAvailable") is False:
            return outputs_of(asset)
        timeout = float(inputs.get("waitTimeoutSeconds") or self.settings.wait_timeout_seconds)
        deadline = time.monotonic() + timeout
        while asset.status == "Processing":
            if time.monotonic() >= deadline:
                raise UnexpectedStateError(
                    f"VOD asset {asset_id} is still Processing after {timeout:g}s (waitTimeoutSeconds; "
                    "waitForAvailable: false does not wait)"
                )
            if self.settings.cancelled.wait(self.settings.poll_seconds):
                raise UnexpectedStateError(f"cancelled while VOD asset {asset_id} was Processing")
            asset = self.client.vod.assets.get(asset_id)
        if asset.status == "Error":
            raise UnexpectedStateError(
                f"VOD asset {asset_id} failed to transcode: {asset.error_message or 'no reason given'}"
            )
        return outputs_of(asset)

    def recovered(self, object_id: str, inputs: Inputs, created: OnCreated, memo: Memo = None) -> Made:
        """Finish this resource's own create, cut off after the file or the asset was named."""
        file_id = str((memo or {}).get("fileId") or object_id.removeprefix(FILE))
        if not object_id.startswith(FILE):
            created(object_id, {"fileId": file_id})
            return object_id, self.adopted(object_id, inputs)
        created(object_id, memo)
        uploaded = self.client.vod.files.get(file_id)
        made = self._assets_of(file_id) if uploaded.status == "Completed" else []
        if made:
            # The asset was made too; its answer was lost.
            created(made[0], {"fileId": file_id})
            return made[0], self.adopted(made[0], inputs)
        if uploaded.status == "Completed":
            log.info("resuming the create of %s from its uploaded file %s", inputs.get("file"), file_id)
            return self._finish(file_id, inputs, created)
        # An upload cut off half way: cancelled, and made again from the start.
        self._discard(file_id)
        return self.create(inputs, created)

    # ---- update, delete ----

    def adopted(self, object_id: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        body = {k: inputs[k] for k in _UPDATABLE if inputs.get(k) is not None}
        if body:
            self.client.vod.assets.update(object_id, body)
        return self._settled(object_id, inputs)

    def update(
        self, object_id: str, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan
    ) -> dict[str, Any]:
        body = {k: news.get(k) for k in plan.changed if k in _UPDATABLE}
        # A field no longer declared is emptied, as the reference's PATCH has no other way.
        body.update({k: [] for k in ("tags", "attributes") if k in body and body[k] is None})
        if "metadata" in body and body["metadata"] is None:
            body["metadata"] = {}
        body = {k: v for k, v in body.items() if v is not None}
        if body:
            self.client.vod.assets.update(object_id, body)
        if "waitForAvailable" in plan.changed:
            # The create stopped before the asset was Available: this update waits on it again.
            return self._settled(object_id, news)
        return outputs_of(self.client.vod.assets.get(object_id))

    def live_state(self, object_id: str) -> str | None:
        """An object that is still only its uploaded file says so (no call); else the state's."""
        return _FILE_ONLY if object_id.startswith(FILE) else None

    @classmethod
    def replanned(cls, decided: Plan, live_state: Callable[[], str | None]) -> Plan:
        """A create cut off before its asset existed (a ``file:`` id) is replaced: a new upload."""
        if live_state() != _FILE_ONLY:
            return decided
        changed = sorted({*decided.changed, "contentHash"})
        return Plan(changed=changed, replaces=sorted({*decided.replaces, "contentHash"}))

    def delete(self, object_id: str, state: Mapping[str, Any]) -> None:
        """Delete the asset, then the file it was made from."""
        if object_id.startswith(FILE):
            uploaded = object_id.removeprefix(FILE)
            for asset_id in self._assets_of(uploaded):
                with contextlib.suppress(NotFoundError):
                    self.client.vod.assets.delete(asset_id)
            self._discard(uploaded)
            return
        file_id: str | None = state.get("fileId")
        if not file_id:
            with contextlib.suppress(NotFoundError):
                file_id = file_of(self.client.vod.assets.get(object_id))
        with contextlib.suppress(NotFoundError):
            self.client.vod.assets.delete(object_id)
        if file_id:
            with contextlib.suppress(NotFoundError):
                self.client.vod.files.delete(str(file_id))

    def exported(self, scope: Scope) -> list[Exported]:
        out = []
        for asset in sorted(self.client.vod.assets.list(), key=lambda a: ((a.title or ""), a.id)):
            if not scope.named(asset.title) or not after(asset.create_date, scope.since):
                continue
            full = self.client.vod.assets.get(asset.id)
            fields: dict[str, Any] = {"preset": full.preset}
            if full.title is not None:
                fields["title"] = full.title
            if full.metadata:
                fields["metadata"] = {str(k): str(v) for k, v in full.metadata.items()}
            comments = [
                f"status when exported: {full.status or 'unknown'}; file {file_of(full) or 'unknown'}",
                "adopted by id without its file: title, metadata, tags and attributes are managed in place. "
                "Declaring `file:` later uploads it as a new asset (a replace).",
                "The API never returns tags or attributes, so they are not exported.",
            ]
            out.append(Exported(slug(full.title or asset.id, "vod-asset"), asset.id, fields, comments))
        return out


__all__ = ["FILE", "VodAssetKind", "content_hash", "local_path"]
