"""A local record of creates in flight, so an interrupted run never leaves a duplicate behind.

Before a create is sent, an intent is written; once the API answers, the new id is written.
If the run dies (``kill -9``, a lost answer, a failed step after the create), the engine's
state may not know the object, and the next run would create it again.  The next create for
the same resource first consults this journal: a recorded id is adopted, and an intent
without an id is resolved by the object's natural key among objects created since.

Entries hold resource names and ids only, never secrets.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any


@dataclass
class Entry:
    owner: str
    kind: str
    started: float
    object_id: str | None = None
    memo: dict[str, Any] | None = None


def default_dir() -> Path:
    base = os.environ.get("VIDEOKIT_JOURNAL_DIR")
    if base:
        return Path(base)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pulumi-videokit" / "journal"


class Journal:
    """Files under ``directory``, one per resource, replaced atomically."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_dir()

    def _path(self, owner: str) -> Path:
        return self.directory / (hashlib.sha256(owner.encode()).hexdigest()[:32] + ".json")

    def get(self, owner: str) -> Entry | None:
        try:
            return Entry(**json.loads(self._path(owner).read_text()))
        except (OSError, ValueError, TypeError):
            return None

    def _write(self, entry: Entry) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".entry-")
        with os.fdopen(fd, "w") as fh:
            json.dump(asdict(entry), fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self._path(entry.owner))

    def begin(self, owner: str, kind: str) -> Entry:
        entry = Entry(owner=owner, kind=kind, started=time.time())
        self._write(entry)
        return entry

    def created(self, owner: str, kind: str, object_id: str, memo: Mapping[str, Any] | None = None) -> None:
        prior = self.get(owner)
        started = prior.started if prior else time.time()
        self._write(Entry(owner, kind, started, object_id, dict(memo) if memo is not None else None))

    def forget(self, owner: str) -> None:
        self._path(owner).unlink(missing_ok=True)
