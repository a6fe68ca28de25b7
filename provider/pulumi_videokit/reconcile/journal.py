"""Creates in flight, so a run killed mid-create never leaves a duplicate behind.

The rule (``docs/reliability.md``): a create may take over an existing object only when it is
the object *this resource's own interrupted create* made.  To know that, every create attempt
writes an :class:`Attempt` before its POST and removes it as soon as the create's answer is in
hand, whether the create succeeded or failed cleanly.  An attempt left behind is therefore
proof of a create that was cut off (a kill, a lost answer that no lookup resolved); the next
create of the *same resource* (the same URN, on the same backend and tenant) resolves it:

- by the id the API named, when the attempt recorded one;
- otherwise by the natural key, among objects that did not exist before the POST (their ids
  are recorded with the attempt), that were made after it began, and that no other create or
  adoption on this machine has since claimed (each one adds its id to the attempts left behind).
- when two resources' creates of one natural key were both cut off before the API named the
  ids, an object that existed when the other one began cannot be the other's: the one object
  no rival attempt may have made is this attempt's own (otherwise nothing is guessed).

A create with no attempt left behind always makes a new object: a replacement, a new resource
reusing a removed or retained one's name, another stack's declaration of the same name.

An attempt holds names, ids and the natural key only, never secrets.  Its file is named by a
hash of its owner: the backend, the tenant and the resource's URN, so two stacks, projects,
backends or tenants on one machine never see each other's attempts.  Every change to a file
reads it again under one lock of the directory: a claim written from a stale copy would bring
back an attempt its own create had just finished, and a later create of that resource would
take over what it made.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: the lock of one process only
    fcntl = None  # type: ignore[assignment]

#: An attempt older than this is not recovered: whatever it made is the user's to adopt.
MAX_AGE_SECONDS = 14 * 24 * 3600


@dataclass
class Attempt:
    """One create attempt of one resource."""

    owner: str
    kind: str
    token: str
    started: float
    #: The natural key the attempt created with (``{"url": ...}``).
    key: dict[str, Any] = field(default_factory=dict)
    #: Ids of objects with that natural key before the POST: never this attempt's own.
    existing: list[str] = field(default_factory=list)
    object_id: str | None = None
    memo: dict[str, Any] | None = None
    #: Whether the POST may have been sent (false until ``existing`` is recorded, and kept as
    #: the file's suffix): an attempt that was never sent made nothing.
    sent: bool = True


def default_dir() -> Path:
    base = os.environ.get("VIDEOKIT_JOURNAL_DIR")
    if base:
        return Path(base)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pulumi-videokit" / "journal"


def resource_owner(backend: str, urn: str) -> str:
    """One resource of one stack on one backend (hashed: a backend URL may be a local path)."""
    return f"{hashlib.sha256(backend.encode()).hexdigest()[:16]}|{urn}"


def scoped(tenant: str, owner: str) -> str:
    """A resource owner on one tenant: the key of its attempts."""
    return json.dumps([tenant, owner])


def owner_tenant(owner: str) -> str:
    """The tenant part of a scoped owner."""
    try:
        parts = json.loads(owner)
    except ValueError:
        return ""
    return str(parts[0]) if isinstance(parts, list) and parts else ""


def backend_url(project_dir: Path | None = None) -> str:
    """The backend a run's state lives in, as the CLI resolves it: ``PULUMI_BACKEND_URL``, the
    project's ``backend.url``, then the current login; empty when none is known."""
    if os.environ.get("PULUMI_BACKEND_URL"):
        return os.environ["PULUMI_BACKEND_URL"]
    return _configured_backend(project_dir or Path.cwd(), os.environ.get("PULUMI_HOME", ""))


@functools.lru_cache(maxsize=8)
def _configured_backend(project_dir: Path, pulumi_home: str) -> str:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    project = project_dir / "Pulumi.yaml"
    with contextlib.suppress(OSError, YAMLError):
        data = YAML(typ="safe").load(project.read_text())
        section = data.get("backend") if isinstance(data, dict) else None
        url = section.get("url") if isinstance(section, dict) else None
        if isinstance(url, str) and url:
            return url
    home = Path(pulumi_home or Path.home() / ".pulumi")
    with contextlib.suppress(OSError, ValueError):
        current = json.loads((home / "credentials.json").read_text()).get("current")
        if isinstance(current, str):
            return current
    return ""


_LOCKS: dict[Path, threading.Lock] = {}
_PRUNED: dict[Path, float] = {}
_LOCKS_GUARD = threading.Lock()


_FIELDS = frozenset(Attempt.__dataclass_fields__)


def _union(first: list[str], second: list[str]) -> list[str]:
    return [*first, *(i for i in second if i not in first)]


class Journal:
    """Files under ``directory``, one per resource with a create in flight, replaced atomically
    (so a killed process leaves each whole: a kill is what they guard against, so they are not
    synced to disk against a power cut)."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or default_dir()

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """Held around every read-modify-write: threads of one process queue on a lock of their
        own, and processes on ``flock`` of the directory's ``.lock`` (taken in the kernel, so a
        killed holder never leaves it locked)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with _LOCKS_GUARD:
            local = _LOCKS.setdefault(self.directory, threading.Lock())
        with local:
            if fcntl is None:
                yield
                return
            fd = os.open(self.directory / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)

    def _path(self, owner: str, sent: bool = True) -> Path:
        name = hashlib.sha256(owner.encode()).hexdigest()[:32]
        return self.directory / (name + (".json" if sent else ".unsent"))

    def _read(self, path: Path) -> Attempt | None:
        """The attempt in ``path``; ``None`` for anything unreadable or of another shape."""
        try:
            data = json.loads(path.read_text())
            # Fields another version may add are not this version's to judge: left out.
            known = {k: v for k, v in data.items() if k in _FIELDS and k != "sent"}
            attempt = Attempt(**known, sent=path.suffix == ".json")
        except (OSError, ValueError, TypeError, AttributeError):
            return None
        shaped = (
            isinstance(attempt.owner, str)
            and isinstance(attempt.kind, str)
            and isinstance(attempt.token, str)
            and isinstance(attempt.started, (int, float))
            and isinstance(attempt.key, dict)
            and isinstance(attempt.existing, list)
            and isinstance(attempt.object_id, (str, type(None)))
            and isinstance(attempt.memo, (dict, type(None)))
        )
        return attempt if shaped else None

    def _current(self, attempt: Attempt) -> Attempt | None:
        """``attempt`` as its file holds it now (sent since it was read, or not), if a file is
        still this attempt's."""
        for sent in (attempt.sent, not attempt.sent):
            current = self._read(self._path(attempt.owner, sent))
            if current is not None and current.token == attempt.token:
                return current
        return None

    def pending(self, owner: str) -> Attempt | None:
        """The interrupted create attempt of ``owner``, if one is left (and not too old); one
        that was never sent made nothing, and is not one."""
        attempt = self._read(self._path(owner))
        if attempt is None or attempt.owner != owner:
            return None
        if time.time() - attempt.started > MAX_AGE_SECONDS:
            self.finish(attempt)
            return None
        return attempt

    def _write(self, attempt: Attempt) -> None:
        """The attempt's file, in the shape every earlier version reads (whether it was sent is
        its file's suffix, so no version takes a newer file for garbage)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".attempt-")
        with os.fdopen(fd, "w") as fh:
            json.dump({k: v for k, v in asdict(attempt).items() if k != "sent"}, fh)
        os.replace(tmp, self._path(attempt.owner, attempt.sent))

    def begin(self, owner: str, kind: str, key: Mapping[str, Any]) -> Attempt:
        """Record a create about to be looked up (beside any earlier attempt of ``owner``, which
        ``sent`` replaces), so that claims reach it from now on."""
        with _LOCKS_GUARD:
            due = time.time() - _PRUNED.get(self.directory, 0.0) >= 60
            if due:
                _PRUNED[self.directory] = time.time()
        if due:
            self.prune()
        attempt = Attempt(owner, kind, uuid.uuid4().hex, time.time(), dict(key), [], sent=False)
        with self._lock():
            self._write(attempt)
        return attempt

    def sent(self, attempt: Attempt, existing: list[str], replacing: Attempt | None = None) -> bool:
        """The objects of the key that exist before the POST, which is sent next: never this
        attempt's own (with every claim written since ``begin``).  It replaces ``replacing``, the
        attempt left behind that this create judged (if any), as it was judged.

        False, and nothing changed, when another run of the resource has begun its own create
        since, or the attempt left behind changed (its answer came): this one must not send."""
        with self._lock():
            current = self._current(attempt)
            if current is None or current.sent:
                return False
            left = self._read(self._path(attempt.owner))
            if left is not None and (
                replacing is None or (left.token, left.object_id) != (replacing.token, replacing.object_id)
            ):
                return False
            attempt.existing = _union(current.existing, existing)
            attempt.sent = True
            self._write(attempt)
            self._path(attempt.owner, sent=False).unlink(missing_ok=True)
            return True

    def made(self, attempt: Attempt, object_id: str, memo: Mapping[str, Any] | None = None) -> None:
        """The API named the new object: recorded, unless the attempt is over or a later attempt
        took the owner over."""
        attempt.object_id = object_id
        attempt.memo = dict(memo) if memo is not None else None
        with self._lock():
            current = self._current(attempt)
            if current is None:
                return
            attempt.existing = _union(attempt.existing, current.existing)
            self._write(attempt)

    def finish(self, attempt: Attempt) -> None:
        """The create's answer is in hand (or it ended before its POST): the attempt is over."""
        path = self._path(attempt.owner, attempt.sent)
        with self._lock():
            current = self._read(path)
            if current is None or current.token == attempt.token:
                path.unlink(missing_ok=True)

    def claimed(self, attempt: Attempt, object_id: str) -> None:
        """``object_id`` belongs to another resource: ``attempt`` may never take it over.

        Only the attempt as it stands now changes: one finished or replaced since ``attempt`` was
        read is left alone."""
        with self._lock():
            current = self._current(attempt)
            if current is None or object_id in current.existing:
                return
            current.existing.append(object_id)
            self._write(current)

    def abandon(self, owner: str) -> None:
        """``owner``'s create was resumed: a lookup a killed run left unsent is over."""
        with self._lock():
            self._path(owner, sent=False).unlink(missing_ok=True)

    def forget(self, owner: str) -> None:
        with self._lock():
            self._path(owner).unlink(missing_ok=True)
            self._path(owner, sent=False).unlink(missing_ok=True)

    def prune(self) -> None:
        """Drop attempts too old to recover (and files no attempt can be read from, once as old),
        so the directory cannot grow without bound (``begin`` asks at most once a minute)."""
        now = time.time()
        with contextlib.suppress(OSError), self._lock():
            for path in [*self._files(), *self.directory.glob(".attempt-*")]:
                with contextlib.suppress(OSError):
                    if path.name.startswith(".attempt-"):
                        # A write that died before its rename: never an attempt of its own.
                        if now - path.stat().st_mtime > 60:
                            path.unlink(missing_ok=True)
                        continue
                    attempt = self._read(path)
                    started = attempt.started if attempt is not None else path.stat().st_mtime
                    if now - started > MAX_AGE_SECONDS:
                        path.unlink(missing_ok=True)

    def _files(self) -> list[Path]:
        return sorted([*self.directory.glob("*.json"), *self.directory.glob("*.unsent")])

    def attempts(self) -> list[Attempt]:
        """Every attempt left behind, sent or not (what a claim must reach)."""
        found = [self._read(p) for p in self._files()]
        return [a for a in found if a is not None]
