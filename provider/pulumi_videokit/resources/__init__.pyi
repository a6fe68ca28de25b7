"""Types of `pulumi_videokit.resources`, written by `make generate` from the kinds' table."""

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import pulumi

from ..reconcile.kinds import KINDS as KINDS
from ..reconcile.kinds import Kind as Kind
from ._provider import ConfigurationError as ConfigurationError
from ._provider import InterruptRefused as InterruptRefused
from ._provider import VideoKitProvider as VideoKitProvider
from ._resource import InvalidDeclarationError as InvalidDeclarationError
from ._resource import VideoKitResource as VideoKitResource

RESOURCES: dict[str, type[VideoKitResource]]

class ChannelProvider(VideoKitProvider): ...

class Channel(VideoKitResource):
    """A live channel (`/live/v1/channels`), its run state converged with start and stop."""

    status: pulumi.Output[str | None]
    ingest_urls: pulumi.Output[Sequence[str]]
    playback_urls: pulumi.Output[Sequence[str]]
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
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
    ) -> None: ...

class EventProvider(VideoKitProvider): ...

class Event(VideoKitResource):
    """A scheduled event on a live channel (`/live/v1/events`)."""

    status: pulumi.Output[str]
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
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
    ) -> None: ...

class AllowedDomainProvider(VideoKitProvider): ...

class AllowedDomain(VideoKitResource):
    """A domain the player may be embedded on (`/streaming/v1/domains`)."""

    player_domain_id: pulumi.Output[str]
    analytics_domain_id: pulumi.Output[str | None]
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        url: pulumi.Input[str],
        adopt: bool | str | None = None,
    ) -> None: ...

class ApiKeyProvider(VideoKitProvider): ...

class ApiKey(VideoKitResource):
    """An API key (`/core/v1/api-key`); `key` is secret and known only from its creation."""

    key: pulumi.Output[str | None]
    role_name: pulumi.Output[str | None]
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        name: pulumi.Input[str],
        role_id: pulumi.Input[str],
        adopt: bool | str | None = None,
    ) -> None: ...

class AssetSettingsProvider(VideoKitProvider): ...

class AssetSettings(VideoKitResource):
    """Player settings of one existing streaming asset; destroy restores the values found before."""

    previous: pulumi.Output[Mapping[str, str] | None]
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        asset_id: pulumi.Input[str],
        token_required: pulumi.Input[Literal["Enabled", "Disabled", "Inherit"]] | None = None,
        dev_tools_access: pulumi.Input[Literal["Enabled", "Disabled", "Inherit"]] | None = None,
        cap: pulumi.Input[Literal["Enabled", "Disabled", "Inherit"]] | None = None,
        analytics: pulumi.Input[Literal["Enabled", "Disabled", "Inherit"]] | None = None,
        code_obfuscation: pulumi.Input[Literal["Enabled", "Disabled", "Inherit"]] | None = None,
    ) -> None: ...

class VodAssetProvider(VideoKitProvider): ...

class VodAsset(VideoKitResource):
    """A VOD asset made from a local file (`/vod/v1/files` upload, then `/vod/v1/assets`)."""

    status: pulumi.Output[str | None]
    file_id: pulumi.Output[str | None]
    asset_id: pulumi.Output[str | None]
    output_urls: pulumi.Output[Sequence[str]]
    error_message: pulumi.Output[str | None]
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        file: pulumi.Input[str],
        preset: pulumi.Input[str],
        adopt: bool | str | None = None,
        content_hash: pulumi.Input[str] | None = None,
        title: pulumi.Input[str] | None = None,
        metadata: pulumi.Input[Mapping[str, str]] | None = None,
        tags: pulumi.Input[Sequence[str]] | None = None,
        attributes: pulumi.Input[Sequence[str]] | None = None,
        transcoding_tracks: pulumi.Input[Sequence[Mapping[str, Any]]] | None = None,
        file_types_flag: pulumi.Input[str] | None = None,
        wait_for_available: pulumi.Input[bool] | None = None,
        wait_timeout_seconds: pulumi.Input[float] | None = None,
    ) -> None: ...

class AssetDetailsProvider(VideoKitProvider): ...

class AssetDetails(VideoKitResource):
    """The description, tags, attributes, chapters and token policy of a streaming asset."""

    previous_description: pulumi.Output[str | None]
    previous_tags: pulumi.Output[Sequence[str] | None]
    previous_attributes: pulumi.Output[Sequence[str] | None]
    previous_chapters: pulumi.Output[Sequence[Mapping[str, Any]] | None]
    previous_token_required_policy: pulumi.Output[str | None]
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        asset_id: pulumi.Input[str],
        description: pulumi.Input[str] | None = None,
        tags: pulumi.Input[Sequence[str]] | None = None,
        attributes: pulumi.Input[Sequence[str]] | None = None,
        chapters: pulumi.Input[Sequence[Mapping[str, Any]]] | None = None,
        token_required_policy: pulumi.Input[Literal["Inherit", "True", "False"]] | None = None,
    ) -> None: ...

class RecordingProvider(VideoKitProvider): ...

class Recording(VideoKitResource):
    """A CVR recording of a window of a live channel (`/cvr/v1/recordings`)."""

    status: pulumi.Output[str | None]
    catchup_urls: pulumi.Output[Sequence[str]]
    archive_urls: pulumi.Output[Sequence[str]]
    output_urls: pulumi.Output[Sequence[str]]
    duration_milliseconds: pulumi.Output[int | None]
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        channel_id: pulumi.Input[str],
        start: pulumi.Input[str],
        end: pulumi.Input[str],
        adopt: bool | str | None = None,
        catchup: pulumi.Input[Mapping[str, Any]] | None = None,
        archive: pulumi.Input[Mapping[str, Any]] | None = None,
        public: pulumi.Input[bool] | None = None,
        outputs: pulumi.Input[Sequence[Mapping[str, Any]]] | None = None,
        metadata: pulumi.Input[Mapping[str, Any]] | None = None,
        allow_interrupt: bool | None = None,
    ) -> None: ...
