"""Reads of one kind answered from listings, for the life of one provider process.

A refresh asks for every object of a stack one by one, four at a time (the dynamic-provider
host's worker threads).  Reading each with its own GET costs one call per object; a listing
answers a hundred.  ``Listing.get`` answers from what the process has already listed, and
otherwise fetches, for every read waiting at that moment, either the next page of the whole kind
or one ``ids=`` batch of the ids asked for, whichever costs fewer calls:

- the first fetch is page 1 of the whole kind, which also says how many pages there are;
- after that, ids asked for and not yet seen are fetched by ``ids`` (as many as are waiting,
  up to a page) until the calls spent that way reach the pages still to read; from then on the
  rest of the kind is paged through.  Neither can cost more than twice the cheaper one
  (the "ski rental" rule), and a stack that owns most of its kind pays its pages and no more.

It decides nothing: ``get`` returns the listed object or ``None``, and ``None`` only means "no
listing holds it"; the kind then reads the object by itself, so a missing object is confirmed
gone by its own 404, never by its absence from a page.

A listing is never reused after a write: the transport counts every write to the tenant (any
kind) before it is sent and when it is over, and what was listed is dropped as soon as that count
moves.  A fetch that a write overlapped answers the reads that waited for it, which overlapped the
write too, and is then thrown away.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from ...client import NotFoundError

if TYPE_CHECKING:
    from ...client import VideoKitClient
    from ...client._base import Page

T = TypeVar("T")

#: The largest page and ``ids`` batch the API takes (the contract's ``limit`` ≤ 100).
PAGE = 100


@dataclass(frozen=True)
class Fetched(Generic[T]):
    """One page of the whole kind: its objects, the page count when known, and whether more follow."""

    items: list[T]
    pages: int | None
    more: bool


class Listing(Generic[T]):
    """Answers ``get(id)`` from pages and ``ids`` batches of one kind; thread-safe."""

    def __init__(
        self,
        *,
        page: Callable[[int], Fetched[T]],
        ident: Callable[[T], str | None],
        writes: Callable[[], int],
        by_ids: Callable[[list[str]], Iterable[T]] | None = None,
        batch: int = PAGE,
    ) -> None:
        self._page = page
        self._by_ids = by_ids
        self._ident = ident
        self._writes = writes
        self._batch = batch
        self._cond = threading.Condition()
        self._busy = False
        self._pending: set[str] = set()
        #: How many calls this listing made, by mode (for tests and the benchmark).
        self.calls = {"page": 0, "ids": 0}
        self._reset(-1)

    def _reset(self, generation: int) -> None:
        self._resets = getattr(self, "_resets", -1) + 1
        self._generation = generation
        self._items: dict[str, T] = {}
        self._absent: set[str] = set()
        self._complete = False
        self._next_page = 1
        self._pages: int | None = None
        self._id_calls = 0

    def _sync(self) -> None:
        now = self._writes()
        if now != self._generation:
            self._reset(now)

    def get(self, object_id: str) -> T | None:
        """The object as a listing shows it, or ``None`` when no listing holds it.

        A read that has seen writes drop the listing three times while it waited gives up (the
        kind then reads the object by itself) rather than wait on a tenant that keeps changing."""
        with self._cond:
            first = self._resets
        while True:
            with self._cond:
                while True:
                    self._sync()
                    if object_id in self._items:
                        return self._items[object_id]
                    if self._complete or object_id in self._absent or self._resets - first >= 3:
                        return None
                    if not self._busy:
                        self._busy = True
                        break
                    self._pending.add(object_id)
                    self._cond.wait()
            found = self._lead(object_id)
            if object_id in found:
                return found[object_id]

    def _lead(self, object_id: str) -> dict[str, T]:
        """Fetch once for ``object_id`` and every read waiting; wake them; return what was found."""
        try:
            with self._cond:
                wanted = sorted(({object_id} | self._pending) - set(self._items))[: self._batch]
                if object_id not in wanted:
                    wanted[-1:] = [object_id]
                self._pending.difference_update(wanted)
                use_pages = (
                    self._by_ids is None
                    or (self._next_page == 1 and self._id_calls == 0)
                    or (self._pages is not None and self._pages - self._next_page + 1 <= self._id_calls + 1)
                )
                number, generation = self._next_page, self._generation
            found: dict[str, T] = {}
            if use_pages:
                self.calls["page"] += 1
                fetched = self._page(number)
                found = {i: item for item in fetched.items if (i := self._ident(item))}
            else:
                assert self._by_ids is not None
                self.calls["ids"] += 1
                found = {i: item for item in self._by_ids(wanted) if (i := self._ident(item))}
            with self._cond:
                if self._writes() == generation == self._generation:
                    self._items.update(found)
                    if use_pages:
                        self._next_page = number + 1
                        self._pages = fetched.pages
                        self._complete = not fetched.more
                    else:
                        self._id_calls += 1
                        self._absent.update(set(wanted) - set(found))
            return found
        finally:
            with self._cond:
                self._busy = False
                self._cond.notify_all()


__all__ = ["PAGE", "Fetched", "Listing"]


def paged(
    pages: Callable[..., tuple[list[T], Page]], ident: Callable[[T], str | None], client: VideoKitClient
) -> Listing[T]:
    """The listing of a kind the API pages and reads by ``ids=``: ``pages(number, ids=None)``
    answers one page and its metadata."""

    def page(number: int) -> Fetched[T]:
        items, meta = pages(number)
        return Fetched(items, meta.count, meta.has_more)

    return Listing(
        page=page,
        by_ids=lambda ids: pages(1, ids=ids)[0],
        ident=ident,
        writes=lambda: client.transport.writes,
    )


def listed(listing: Listing[T], object_id: str, read: Callable[[str], T]) -> T | None:
    """The object from a listing, else from its own read; ``None`` only when that read says it
    is gone (404), never for its absence from a page."""
    found = listing.get(object_id)
    if found is not None:
        return found
    try:
        return read(object_id)
    except NotFoundError:
        return None
