"""Pulumi resources, one module per kind."""

from ._kind import Kind
from ._provider import ConfigurationError, InterruptRefused, VideoKitProvider
from ._resource import InvalidDeclarationError, VideoKitResource
from .allowed_domain import AllowedDomain, AllowedDomainKind
from .api_key import ApiKey, ApiKeyKind
from .asset_settings import AssetSettings, AssetSettingsKind
from .channel import Channel, ChannelKind
from .event import Event, EventKind

KINDS: tuple[type[Kind], ...] = (ChannelKind, EventKind, AllowedDomainKind, ApiKeyKind, AssetSettingsKind)
RESOURCES: dict[str, type[VideoKitResource]] = {
    "channels": Channel,
    "events": Event,
    "domains": AllowedDomain,
    "apiKeys": ApiKey,
    "assetSettings": AssetSettings,
}

__all__ = [
    "KINDS",
    "RESOURCES",
    "AllowedDomain",
    "ApiKey",
    "AssetSettings",
    "Channel",
    "ConfigurationError",
    "Event",
    "InterruptRefused",
    "InvalidDeclarationError",
    "VideoKitProvider",
    "VideoKitResource",
]
