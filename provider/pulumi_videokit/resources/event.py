"""Event: a scheduled event on a live channel."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from ..reconcile.kinds.event import EventKind
from ._provider import VideoKitProvider
from ._resource import VideoKitResource


class EventProvider(VideoKitProvider):
    kind = EventKind


class Event(VideoKitResource, provider=EventProvider):
    """A scheduled event on a channel (``/live/v1/events``)."""

    status: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        channel_id: pulumi.Input[str],
        start: pulumi.Input[str],
        end: pulumi.Input[str],
        title: pulumi.Input[str] | None = None,
        ensure_channel: pulumi.Input[bool] | None = None,
        metadata: pulumi.Input[Mapping[str, str]] | None = None,
        tags: pulumi.Input[list[str]] | None = None,
        attributes: pulumi.Input[list[str]] | None = None,
        adopt: bool | str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, self.props_from_kwargs(locals()), opts)
