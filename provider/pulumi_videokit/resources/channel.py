"""Channel: a live channel, its run state, and on-air protection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from ..reconcile.kinds.channel import ChannelKind
from ._provider import VideoKitProvider
from ._resource import VideoKitResource


class ChannelProvider(VideoKitProvider):
    kind = ChannelKind


class Channel(VideoKitResource, provider=ChannelProvider):
    """A live channel (``/live/v1/channels``)."""

    status: pulumi.Output[str]
    ingest_urls: pulumi.Output[list[str]]
    playback_urls: pulumi.Output[list[str]]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        input: pulumi.Input[Mapping[str, Any]],
        redundancy: pulumi.Input[str] | None = None,
        latency: pulumi.Input[str] | None = None,
        endpoints: pulumi.Input[list[Any]] | None = None,
        qualities: pulumi.Input[list[Any]] | None = None,
        restreams: pulumi.Input[list[Any]] | None = None,
        activation_mode: pulumi.Input[str] | None = None,
        transmission_type: pulumi.Input[str] | None = None,
        environment: pulumi.Input[str] | None = None,
        media_package_version: pulumi.Input[str] | None = None,
        automation_disabled: pulumi.Input[bool] | None = None,
        running: pulumi.Input[bool] | None = None,
        allow_interrupt: bool | None = None,
        adopt: bool | str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, self.props_from_kwargs(locals()), opts)
