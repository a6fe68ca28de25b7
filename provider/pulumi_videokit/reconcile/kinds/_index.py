"""Which objects of one kind carry each natural key, for the creates of one provider process.

A create records the objects that already carry its natural key before its POST, so that a lost
answer is never resolved to one of them (``journal``).  Asking the API before every create costs
a request per object, and for a kind the API cannot filter by key (allowed domains) a whole
listing per object.  ``KeyIndex`` lets the first creates ask for themselves (``ASKS`` of them,
so a small up never pays for a listing), then answers from one listing of the kind; once that is
old, as many creates ask again as it took pages before the kind is listed again, so from the
first listing on an up pays at most twice what the cheaper way would (the "ski rental" rule).  A
kind whose question is itself a whole listing (allowed domains) never asks.

- the listing is at most ``MAX_AGE`` seconds old: an object made elsewhere within that window
  (by another stack's run, or by hand) may be missing from it;
- every object this process makes or renames into a key is added the moment the API names it
  (and kept, whatever a later listing shows), so the creates of one run always see each other's
  objects; a create whose answer was lost makes the listing old, so the next question is asked
  or listed anew;
- a create that was in flight when an object of its key was made is told by the journal's claim.

It decides nothing: a missing key is only "no object known", and the journal's other rules
(made after the attempt began, not claimed by another resource) still hold.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable, Iterable

#: How long one listing answers; the first create after that lists the kind again.
MAX_AGE = 10.0
#: How many creates ask for themselves before the first listing.
ASKS = 16
#: Objects in one page of a listing.
PAGE = 100


class KeyIndex:
    """Ids by natural key, from a listing of ``(id, key)`` pairs; thread-safe."""

    def __init__(
        self,
        listing: Callable[[], Iterable[tuple[str, Hashable]]],
        *,
        clock: Callable[[], float] = time.monotonic,
        max_age: float = MAX_AGE,
        asks: int = ASKS,
    ) -> None:
        self._listing = listing
        self._clock = clock
        self._max_age = max_age
        #: Held while listing, so one listing answers every create waiting for it.
        self._listing_lock = threading.Lock()
        #: Held only to read or change the maps below: an ``add`` never waits on a listing.
        self._lock = threading.Lock()
        self._listed: dict[Hashable, list[str]] = {}
        #: What this process made or renamed, kept whatever a later listing shows.
        self._noted: dict[Hashable, list[str]] = {}
        self._taken: float | None = None
        #: Moved on by ``stale``: a listing begun before it answers nothing after it.
        self._generation = 0
        #: Creates that may still ask for themselves before the kind is listed again (none ever
        #: for a kind whose question costs what a listing does: ``asks`` 0).
        self._asks = asks
        self._asking = asks > 0
        #: How many listings answered (for tests and the benchmark).
        self.listings = 0

    def ids(self, key: Hashable, ask: Callable[[], list[str]]) -> list[str]:
        """Ids of the objects known to carry ``key``; ``ask`` reads them for this key alone."""
        with self._lock:
            asking = not self._fresh_locked() and self._asks > 0
            if asking:
                self._asks -= 1
        if asking:
            found = ask()
        else:
            if not self._fresh():
                self._relist()
            with self._lock:
                found = list(self._listed.get(key, []))
        with self._lock:
            return [*found, *(i for i in self._noted.get(key, []) if i not in found)]

    def _fresh_locked(self) -> bool:
        return self._taken is not None and self._clock() - self._taken <= self._max_age

    def _fresh(self) -> bool:
        with self._lock:
            return self._fresh_locked()

    def _relist(self) -> None:
        with self._listing_lock:
            if self._fresh():
                return
            with self._lock:
                taken, generation = self._clock(), self._generation
            listed: dict[Hashable, list[str]] = {}
            count = 0
            for object_id, found in self._listing():
                listed.setdefault(found, []).append(object_id)
                count += 1
            with self._lock:
                self._listed = listed
                self._taken = taken if generation == self._generation else None
                # The next window asks as often as this listing cost.
                self._asks = max(1, -(-count // PAGE)) if self._asking else 0
                self.listings += 1

    def stale(self) -> None:
        """The next question lists the kind again (a create of this process may have made an
        object whose answer never came)."""
        with self._lock:
            self._taken = None
            self._generation += 1

    def add(self, key: Hashable, object_id: str) -> None:
        """This process made (or renamed into ``key``) ``object_id``."""
        with self._lock:
            noted = self._noted.setdefault(key, [])
            if object_id not in noted:
                noted.append(object_id)
