"""The emulator's state: plain JSON collections, saved atomically after every write."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import pickle
import re
import secrets
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

COLLECTIONS = (
    "channels",
    "events",
    "domains",
    "apiKeys",
    "roles",
    "assets",
    "recordings",
    "vodAssets",
    "files",
    "uploads",
    "images",
    "presets",
)

Data = dict[str, dict[str, dict[str, Any]]]

DEFAULT_ROLES = {
    "role-123": "Admin",
    "role-456": "Editor",
    "role-viewer": "Viewer",
}

#: The presets the reference's examples name, so a fresh emulator lists them (List Available
#: Presets' example answer, and Create VOD Asset's example request); the transcoder's own
#: presets (``_vod.PRESETS``) are listed besides them.
DEFAULT_PRESETS = (
    {"name": "preset1", "description": "HD 1080p preset", "createsDownload": True},
    {"name": "preset2", "description": "SD 720p preset", "createsDownload": False},
    {"name": "example_preset", "description": "The reference's example preset", "createsDownload": False},
)


def now() -> datetime:
    return datetime.now(UTC)


def parse_time(value: str) -> datetime:
    """A documented date-time (``Z`` or an offset, up to 7 fraction digits) as an aware datetime."""
    text = re.sub(r"(\.\d{6})\d+", r"\1", value.strip())
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def iso(value: datetime | None = None) -> str:
    return (value or now()).astimezone(UTC).isoformat().replace("+00:00", "Z")


def new_id() -> str:
    return str(uuid.uuid4())


def new_key_material() -> tuple[str, str]:
    """A fresh API key and the hash the store keeps instead of it."""
    key = "vk_" + secrets.token_urlsafe(32)
    return key, hashlib.sha256(key.encode()).hexdigest()


class Store:
    """Thread-safe collections of JSON objects keyed by id.

    With ``path`` set, every committed write is fsynced to a temporary file that
    atomically replaces the data file, so a killed emulator restarts with every
    acknowledged write and a readable file.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.data: Data = {name: {} for name in COLLECTIONS}
        self.data["roles"] = {k: {"id": k, "name": v} for k, v in DEFAULT_ROLES.items()}
        self.data["presets"] = {str(p["name"]): dict(p) for p in DEFAULT_PRESETS}
        if path is not None and path.exists():
            self.load(json.loads(path.read_text(encoding="utf-8")))

    def load(self, raw: dict[str, Any]) -> None:
        """Merge a data document (the --data file's format) into the store."""
        with self.lock:
            for name in COLLECTIONS:
                value = raw.get(name)
                if isinstance(value, list):
                    key = {"domains": "playerDomainId", "presets": "name"}.get(name, "id")
                    value = {str(item[key]): item for item in value}
                if isinstance(value, dict):
                    self.data[name].update(copy.deepcopy(value))

    def snapshot(self) -> Data:
        """A copy of every collection, for a reader to keep (pickle copies JSON values in C,
        several times faster than ``copy.deepcopy``)."""
        with self.lock:
            copied: Data = pickle.loads(pickle.dumps(self.data, pickle.HIGHEST_PROTOCOL))
            return copied

    @contextmanager
    def write(self) -> Iterator[Data]:
        """Mutate the collections; a block that raises changes nothing, and a change is saved
        before the block's caller answers."""
        with self.lock:
            before = pickle.dumps(self.data, pickle.HIGHEST_PROTOCOL)
            try:
                yield self.data
            except BaseException:
                self.data = pickle.loads(before)
                raise
            if self.path is not None and pickle.dumps(self.data, pickle.HIGHEST_PROTOCOL) != before:
                self.save()

    @contextmanager
    def advancing(self) -> Iterator[Data]:
        """For a read, whose only change is a status moving on with time: nothing to roll back
        (a read refuses before it changes anything), and saved only when it changed something."""
        with self.lock:
            before = pickle.dumps(self.data, pickle.HIGHEST_PROTOCOL) if self.path is not None else b""
            yield self.data
            if self.path is not None and pickle.dumps(self.data, pickle.HIGHEST_PROTOCOL) != before:
                self.save()

    def save(self) -> None:
        if self.path is None:
            return
        directory = self.path.parent
        directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".videokit-", dir=directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.data, fh, indent=1, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
            dir_fd = os.open(directory, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
