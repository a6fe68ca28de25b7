"""Which objects of one kind carry each natural key, for the creates of one provider process.

A create records the objects that already carry its natural key before its POST, so that a lost
answer is never resolved to one of them (``journal``).  Asking the API before every create costs
a request per object, and for a kind the API cannot filter by key (allowed domains) a whole
listing per object.  ``KeyIndex`` answers from one listing of the kind instead:

- the listing is at most ``MAX_AGE`` seconds old: an object made elsewhere within that window
  (by another stack's run, or by hand) may be missing from it;
- every object this process makes or renames into a key is added the moment its answer is in,
  so the creates of one run always see each other's objects; a create whose answer was lost
  makes the next question list the kind again;
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


class KeyIndex:
    """Ids by natural key, from a listing of ``(id, key)`` pairs; thread-safe."""

    def __init__(
        self,
        listing: Callable[[], Iterable[tuple[str, Hashable]]],
        *,
        clock: Callable[[], float] = time.monotonic,
        max_age: float = MAX_AGE,
    ) -> None:
        self._listing = listing
        self._clock = clock
        self._max_age = max_age
        self._lock = threading.Lock()
        self._ids: dict[Hashable, list[str]] = {}
        self._taken: float | None = None
        #: How many listings answered (for tests and the benchmark).
        self.listings = 0

    def ids(self, key: Hashable) -> list[str]:
        """Ids of the objects known to carry ``key``."""
        with self._lock:
            if self._taken is None or self._clock() - self._taken > self._max_age:
                taken = self._clock()
                fresh: dict[Hashable, list[str]] = {}
                for object_id, found in self._listing():
                    fresh.setdefault(found, []).append(object_id)
                self._ids, self._taken = fresh, taken
                self.listings += 1
            return list(self._ids.get(key, []))

    def stale(self) -> None:
        """The next question lists the kind again (a create of this process may have made an
        object whose answer never came)."""
        with self._lock:
            self._taken = None

    def add(self, key: Hashable, object_id: str) -> None:
        """This process made (or renamed into ``key``) ``object_id``."""
        with self._lock:
            known = self._ids.setdefault(key, [])
            if object_id not in known:
                known.append(object_id)
