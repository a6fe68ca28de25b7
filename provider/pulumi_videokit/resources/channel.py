"""Channel: a live channel (`/live/v1/channels`), its run state converged with start and stop.

Generated from the kind's models by `make generate`; edit the models, not this file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pulumi

from ..reconcile.kinds.channel import ChannelKind
from ._provider import VideoKitProvider
from ._resource import VideoKitResource


class ChannelProvider(VideoKitProvider):
    kind = ChannelKind


class Channel(VideoKitResource, provider=ChannelProvider):
    """A live channel (`/live/v1/channels`), its run state converged with start and stop."""

    status: pulumi.Output[str]
    ingest_urls: pulumi.Output[Sequence[str]]
    playback_urls: pulumi.Output[Sequence[str]]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        input: pulumi.Input[Mapping[str, Any]],
        adopt: bool | str | None = None,
        redundancy: pulumi.Input[Literal["SingleInput", "DoubleInput"]] | None = None,
        latency: pulumi.Input[Literal["NormalLatency", "ReducedLatency"]] | None = None,
        endpoints: pulumi.Input[Sequence[Mapping[str, Any]]] | None = None,
        qualities: pulumi.Input[Sequence[Mapping[str, Any]]] | None = None,
        restreams: pulumi.Input[Sequence[Mapping[str, Any]]] | None = None,
        activation_mode: pulumi.Input[Literal["EventBased", "Manual"]] | None = None,
        transmission_type: pulumi.Input[Literal["Video", "Audio"]] | None = None,
        environment: pulumi.Input[Literal["MediaLive", "MediaLiveAnywhere"]] | None = None,
        media_package_version: pulumi.Input[Literal["V1", "V2"]] | None = None,
        automation_disabled: pulumi.Input[bool] | None = None,
        running: pulumi.Input[bool] | None = None,
        allow_interrupt: bool | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, self.props_from_kwargs(locals()), opts)
