"""Live: channels and events."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ..models import (
    Channel,
    ChannelConfiguration,
    ChannelLimit,
    ChannelStats,
    ChannelStatus,
    CreatedId,
    Event,
    ServiceResponse,
)
from ..models._base import format_time
from ._base import Page
from ._resource import APIResource, Body, body, seg


class Channels(APIResource):
    """``/live/v1/channels``."""

    def list(self, **filters: Any) -> Iterator[Channel]:
        return self._list("/live/v1/channels", Channel, filters)

    def page(self, number: int = 1, **filters: Any) -> tuple[builtins.list[Channel], Page]:
        """One page of 100 channels (``ids=[...]`` filters), and what the answer says of the rest."""
        return self._page("/live/v1/channels", Channel, filters, number)

    def get(self, channel_id: str) -> Channel:
        return self._get(f"/live/v1/channels/{seg(channel_id)}", Channel)

    def create(self, spec: Body) -> str:
        created: CreatedId = self._send("POST", "/live/v1/channels", CreatedId, json=body(spec))
        return created.id

    def update(self, channel_id: str, patch: Body) -> str | None:
        out = self._send("PATCH", f"/live/v1/channels/{seg(channel_id)}", json=body(patch))
        return out.get("id") if isinstance(out, dict) else None

    def delete(self, channel_id: str) -> None:
        self._send("DELETE", f"/live/v1/channels/{seg(channel_id)}")

    def start(self, channel_id: str) -> None:
        self._send("POST", f"/live/v1/channels/{seg(channel_id)}/start", idempotent=True)

    def stop(self, channel_id: str) -> None:
        self._send("POST", f"/live/v1/channels/{seg(channel_id)}/stop", idempotent=True)

    def status(self, channel_id: str) -> ChannelStatus:
        return self._get(f"/live/v1/channels/{seg(channel_id)}/status", ChannelStatus)

    def stats(
        self,
        channel_id: str,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        period_seconds: int | None = None,
        aggregation_function: str | None = None,
    ) -> ChannelStats:
        params = {
            "start": format_time(start) if start else None,
            "end": format_time(end) if end else None,
            "periodSeconds": period_seconds,
            "aggregationFunction": aggregation_function,
        }
        return self._get(f"/live/v1/channels/{seg(channel_id)}/stats", ChannelStats, params)

    def statuses(self, ids: builtins.list[str] | None = None) -> builtins.list[ChannelStatus]:
        # The one list parameter the reference documents as comma-separated.
        joined = ",".join(ids) if ids else None
        raw = self._t.request("GET", "/live/v1/channelsstatus", params={"ids": joined})
        return [ChannelStatus.model_validate(x) for x in raw or []]

    def configuration(self, channel_id: str) -> ChannelConfiguration:
        return self._get(f"/live/v1/channels/{seg(channel_id)}/configuration", ChannelConfiguration)

    def limit(self) -> ChannelLimit:
        return self._get("/live/v1/channels/limit", ChannelLimit)


class Events(APIResource):
    """``/live/v1/events``."""

    def list(self, **filters: Any) -> Iterator[Event]:
        return self._list("/live/v1/events", Event, filters)

    def page(self, number: int = 1, **filters: Any) -> tuple[builtins.list[Event], Page]:
        """One page of 100 events (``ids=[...]`` filters), and what the answer says of the rest."""
        return self._page("/live/v1/events", Event, filters, number)

    def get(self, event_id: str) -> Event:
        return self._get(f"/live/v1/events/{seg(event_id)}", Event)

    def create(self, spec: Body) -> str:
        created: CreatedId = self._send("POST", "/live/v1/events", CreatedId, json=body(spec))
        return created.id

    def update(self, event_id: str, patch: Body) -> Event | None:
        out: Event | None = self._send("PATCH", f"/live/v1/events/{seg(event_id)}", Event, json=body(patch))
        return out

    def delete(self, event_id: str) -> None:
        self._send("DELETE", f"/live/v1/events/{seg(event_id)}")

    def delete_many(self, ids: builtins.list[str]) -> dict[str, ServiceResponse]:
        return self._delete_many("/live/v1/events/deletemany", ids)


class Live:
    """The Live API group."""

    def __init__(self, transport: Any) -> None:
        self.channels = Channels(transport)
        self.events = Events(transport)
