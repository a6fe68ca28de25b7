"""Event: a scheduled event on a live channel (`/live/v1/events`).

Generated from the kind's models by `make generate`; edit the models, not this file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pulumi

from ..reconcile.kinds.event import EventKind
from ._provider import VideoKitProvider
from ._resource import VideoKitResource


class EventProvider(VideoKitProvider):
    kind = EventKind


class Event(VideoKitResource, provider=EventProvider):
    """A scheduled event on a live channel (`/live/v1/events`)."""

    status: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        channel_id: pulumi.Input[str],
        start: pulumi.Input[str],
        end: pulumi.Input[str],
        adopt: bool | str | None = None,
        title: pulumi.Input[str] | None = None,
        ensure_channel: pulumi.Input[bool] | None = None,
        metadata: pulumi.Input[Mapping[str, str]] | None = None,
        tags: pulumi.Input[Sequence[str]] | None = None,
        attributes: pulumi.Input[Sequence[str]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, self.props_from_kwargs(locals()), opts)
