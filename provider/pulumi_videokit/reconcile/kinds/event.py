"""Event: a scheduled event on a live channel."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from ...models import Event as Event_
from ...models import parse_time
from ...models._base import format_time
from ...models.desired import EventOutputs, EventSpec
from ...specs import ResourceSpec
from ..diff import Plan, patch_body
from ._base import Exported, Kind, Observed, OnCreated, Scope, after, slug
from ._listing import Listing, listed, paged

if TYPE_CHECKING:
    pass


def _instant(value: Any) -> Any:
    try:
        return parse_time(value)
    except ValueError:
        return value


def _instants(inputs: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(inputs)
    for key in ("start", "end"):
        value = _instant(out.get(key))
        if isinstance(value, datetime):
            out[key] = format_time(value)
    return out


def _finished(inputs: Mapping[str, Any]) -> bool:
    end = _instant(inputs.get("end"))
    return isinstance(end, datetime) and end <= datetime.now(UTC)


def status_at(inputs: Mapping[str, Any], now: datetime) -> str:
    """The status the reference's three states give an event with these times at ``now``."""
    start, end = _instant(inputs.get("start")), _instant(inputs.get("end"))
    if isinstance(end, datetime) and end <= now:
        return "Finished"
    if isinstance(start, datetime) and start <= now:
        return "Live"
    return "Scheduled"


class EventKind(Kind):
    spec = ResourceSpec(
        "Event",
        "events",
        EventSpec,
        EventOutputs,
        natural_key=("channelId", "start", "title"),
        endpoints=("POST /live/v1/events", "PATCH /live/v1/events/{id}"),
        references={"channel": ("channelId", "channels")},
        normalize=_instants,
    )
    indexed = True

    @cached_property
    def listing(self) -> Listing[Event_]:
        # List Events is the one read that carries status, tags and attributes.
        return paged(self.client.live.events.page, lambda e: e.id, self.client)

    def observe(self, object_id: str, last: Mapping[str, Any]) -> Observed | None:
        event = listed(self.listing, object_id, self.client.live.events.get)
        if event is None and not _finished(last):
            return None
        if event is None or _finished(last):
            # The platform may clear finished events; that is not drift.
            return Observed(dict(last), {"status": "Finished"})
        seen: dict[str, Any] = {
            "channelId": event.channel_id,
            "start": format_time(event.start) if event.start else None,
            "end": format_time(event.end) if event.end else None,
            "title": event.title,
            "ensureChannel": event.ensure_channel,
            "metadata": event.metadata,
            "tags": event.tags if event.tags is not None else last.get("tags"),
            "attributes": event.attributes if event.attributes is not None else last.get("attributes"),
        }
        status = event.status or last.get("status") or "Scheduled"
        return Observed({k: v for k, v in seen.items() if v is not None}, {"status": status})

    def find(self, inputs: Mapping[str, Any], since: datetime | None = None) -> list[str]:
        want = _instants(inputs)
        return [
            e.id
            for e in self.client.live.events.list(channelId=inputs["channelId"])
            if e.start
            and format_time(e.start) == want["start"]
            and (e.title or None) == inputs.get("title")
            and after(e.create_date, since)
        ]

    def keyed(self) -> Iterable[tuple[str, Hashable]]:
        return [
            (e.id, (e.channel_id, format_time(e.start), e.title or None))
            for e in self.client.live.events.list()
            if e.start
        ]

    def key(self, inputs: Mapping[str, Any]) -> Hashable:
        return (inputs["channelId"], _instants(inputs)["start"], inputs.get("title") or None)

    def create(self, inputs: Mapping[str, Any], created: OnCreated) -> tuple[str, dict[str, Any]]:
        object_id = self.client.live.events.create(self.body(inputs))
        created(object_id)
        # Create Event answers with the id only.  The status a new event has is the one its
        # declared times give (Scheduled, Live, Finished, as the reference names them); it is
        # not read back, and the next refresh reads it from List Events.
        return object_id, {"status": status_at(inputs, datetime.now(UTC))}

    def update(
        self, object_id: str, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan
    ) -> dict[str, Any]:
        body = patch_body(plan.changed, news, self.spec.patchable)
        if not body:
            return {}
        event = self.client.live.events.update(object_id, body)
        return {"status": (event.status if event else None) or "Scheduled"}

    def delete(self, object_id: str, state: Mapping[str, Any]) -> None:
        self.client.live.events.delete(object_id)

    def exported(self, scope: Scope) -> list[Exported]:
        out = []
        for e in sorted(
            self.client.live.events.list(),
            key=lambda e: (e.channel_id or "", e.start.isoformat() if e.start else "", e.title or "", e.id),
        ):
            if scope.channels is not None and e.channel_id not in scope.channels:
                continue
            if not scope.named(e.title) or not after(e.create_date, scope.since):
                continue
            if e.start is None or e.end is None or not e.channel_id:
                continue
            fields: dict[str, Any] = {"start": format_time(e.start), "end": format_time(e.end)}
            if e.title is not None:
                fields["title"] = e.title
            if e.ensure_channel is not None:
                fields["ensureChannel"] = e.ensure_channel
            if e.metadata:
                fields["metadata"] = {str(k): str(v) for k, v in sorted(e.metadata.items())}
            if e.tags:
                fields["tags"] = list(e.tags)
            if e.attributes:
                fields["attributes"] = list(e.attributes)
            base = slug(f"{e.title or 'event'}-{e.start.strftime('%Y%m%d-%H%M')}", "event")
            out.append(Exported(base, e.id, fields, refs={"channel": e.channel_id}))
        return out
