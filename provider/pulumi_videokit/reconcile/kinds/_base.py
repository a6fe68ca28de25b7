"""The contract every managed kind fulfils: a spec plus the API calls behind it."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from ...specs import ResourceSpec, declared
from ..diff import Plan, plan
from ..errors import MissingObjectError
from ._index import ASKS, KeyIndex

if TYPE_CHECKING:
    from ...client import VideoKitClient


#: Declared inputs, in the API's names.
Inputs = Mapping[str, Any]
#: What a create recorded for its recovery, when it was journaled.
Memo = Mapping[str, Any] | None
#: A made (or taken over) object: its id and computed outputs.
Made = tuple[str, dict[str, Any]]


class OnCreated(Protocol):
    """Told the new object's id as soon as the API names it, with anything a recovery needs."""

    def __call__(self, object_id: str, memo: Mapping[str, Any] | None = None) -> None: ...


def after(created: datetime | None, since: datetime | None) -> bool:
    """Whether an object dated ``created`` may be one made after ``since``."""
    return since is None or created is None or created >= since


_INDEX_LOCK = threading.Lock()


@dataclass
class Settings:
    """Knobs of the provider that are not credentials."""

    wait_timeout_seconds: float = 600.0
    poll_seconds: float = 1.0
    #: Set when the engine cancels the operation: waits stop at their next poll.
    cancelled: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class Scope:
    """What ``videokit export`` asks for: names starting with ``prefix``, objects created at or
    after ``since``, only events on ``channels`` (ids, when given), the settings of ``assets``."""

    prefix: str | None = None
    since: datetime | None = None
    channels: frozenset[str] | None = None
    assets: tuple[str, ...] = ()

    def named(self, name: str | None) -> bool:
        return self.prefix is None or (name or "").startswith(self.prefix)


@dataclass
class Exported:
    """One live object as a declaration: a readable base name, its id, the fields to declare,
    comments for the reader, and references (YAML key to another object's id)."""

    base: str
    object_id: str
    fields: dict[str, Any]
    comments: list[str] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)


_SLUG = re.compile(r"[^a-z0-9._-]+")


def slug(text: str, fallback: str) -> str:
    """A readable name for an exported entry: lower case, dashes, at most 80 characters."""
    s = _SLUG.sub("-", text.lower()).strip("-._")
    s = re.sub(r"-{2,}", "-", s)[:80].strip("-._")
    return s or fallback


@dataclass
class Observed:
    """What the API says about one object, in input names, plus computed outputs."""

    inputs: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)


class Kind:
    """One kind of object: observe it, create it, change it, delete it.

    Every method takes the declared inputs in the API's camelCase names and talks to
    the API through ``client``; none of them knows anything of Pulumi.
    """

    spec: ClassVar[ResourceSpec]
    #: Declared fields that a create converges after the object exists (e.g. a run state); when
    #: a create stops half way they are left out of state, so the next run converges them again.
    converged_after_create: ClassVar[tuple[str, ...]] = ()
    #: Whether creates learn which objects carry their natural key from one listing of the kind
    #: (``keyed``, ``key``: see ``_index``) rather than from a ``find`` each.
    indexed: ClassVar[bool] = False
    #: How many creates of an ``indexed`` kind ask for themselves before its first listing (0:
    #: never, for a kind whose question is itself a whole listing).
    index_asks: int = ASKS

    def __init__(self, client: VideoKitClient, settings: Settings) -> None:
        self.client = client
        self.settings = settings

    body = staticmethod(declared)

    def observe(self, object_id: str, last: Mapping[str, Any]) -> Observed | None:
        """Read the live object; ``None`` when it is gone."""
        raise NotImplementedError

    def create(self, inputs: Mapping[str, Any], created: OnCreated) -> tuple[str, dict[str, Any]]:
        """Create the object, call ``created(id)`` as soon as the API names it, and return the id
        and computed outputs."""
        raise NotImplementedError

    def update(
        self, object_id: str, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan
    ) -> dict[str, Any]:
        """Apply an in-place change; return computed outputs."""
        raise NotImplementedError

    def delete(self, object_id: str, state: Mapping[str, Any]) -> None:
        raise NotImplementedError

    def released(self, object_id: str, state: Mapping[str, Any], successor: Mapping[str, Any]) -> None:
        """The delete of an object that another resource of the stack (declaring ``successor``)
        made its own in this run: by default nothing is sent, the object is the other's now."""

    def find(self, inputs: Mapping[str, Any], since: datetime | None = None) -> list[str]:
        """Ids of live objects that carry the natural key of ``inputs`` (created after ``since``,
        where the API dates its objects)."""
        raise NotImplementedError

    def keyed(self) -> Iterable[tuple[str, Hashable]]:
        """Every live object of the kind as ``(id, key)``, from a listing (kinds that are
        ``indexed``)."""
        raise NotImplementedError

    def key(self, inputs: Mapping[str, Any]) -> Hashable:
        """The natural key of ``inputs`` as ``keyed`` gives it (kinds that are ``indexed``)."""
        raise NotImplementedError

    @property
    def _index(self) -> KeyIndex:
        with _INDEX_LOCK:
            index = self.__dict__.get("_key_index")
            if index is None:
                index = self.__dict__["_key_index"] = KeyIndex(self.keyed, asks=self.index_asks)
        return index

    def existing(self, inputs: Mapping[str, Any]) -> list[str]:
        """Ids of the objects that carry the natural key of ``inputs`` before a create: through
        the kind's ``KeyIndex`` when it is ``indexed``, else asked with ``find``."""
        if not self.indexed:
            return self.find(inputs)
        return self._index.ids(self.key(inputs), lambda: self.find(inputs))

    def relist(self) -> None:
        """A create's answer was lost: what it may have made is learnt from a new listing."""
        if self.indexed and "_key_index" in self.__dict__:
            self._index.stale()

    def noted(self, inputs: Mapping[str, Any], object_id: str) -> None:
        """``object_id`` now carries the natural key of ``inputs`` (made, adopted or renamed)."""
        if self.indexed and "_key_index" in self.__dict__:
            self._index.add(self.key(inputs), object_id)

    def adopted(self, object_id: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        """Bring an existing object to ``inputs``; return computed outputs."""
        seen = self.observe(object_id, inputs)
        if seen is None:
            raise MissingObjectError(f"{self.spec.kind} {object_id} does not exist")
        return self.update(object_id, seen.inputs, inputs, plan(self.spec, seen.inputs, inputs))

    def recovered(self, object_id: str, inputs: Inputs, created: OnCreated, memo: Memo = None) -> Made:
        """Take over an object made by a create whose answer never arrived (``memo`` is what
        that create recorded, when it was journaled)."""
        return object_id, self.adopted(object_id, inputs)

    @classmethod
    def completed(cls, inputs: Mapping[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The inputs with what the provider derives from them at Check (a VodAsset's content
        hash of its file), and a ``(property, reason)`` for each that cannot be derived."""
        return dict(inputs), []

    @classmethod
    def interruptions(cls, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan) -> list[str]:
        """What in ``plan`` would interrupt a running object, one phrase per property."""
        return []

    @classmethod
    def replanned(cls, decided: Plan, live_state: Callable[[], str | None]) -> Plan:
        """The plan, once the run state may matter: a kind whose fields change in place only in
        some states (a Recording's window, while Pending) replaces the object in the others.
        ``live_state`` reads the state (one call, shared with the interruption check)."""
        return decided

    def exported(self, scope: Scope) -> list[Exported]:
        """Every live object of this kind in ``scope``, as declarations that adopt them."""
        return []

    def live_state(self, object_id: str) -> str | None:
        """The run state, for kinds that have one; asked only when a plan would interrupt."""
        return None
