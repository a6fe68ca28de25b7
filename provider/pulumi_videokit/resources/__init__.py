"""The dynamic-provider door: one Pulumi dynamic provider and one typed Python class per kind."""

from ..reconcile.kinds import (
    KINDS,
    AllowedDomainKind,
    ApiKeyKind,
    AssetSettingsKind,
    ChannelKind,
    EventKind,
    Kind,
)
from ._provider import ConfigurationError, InterruptRefused, VideoKitProvider
from ._resource import REGISTERED, InvalidDeclarationError, VideoKitResource
from .allowed_domain import AllowedDomain
from .api_key import ApiKey
from .asset_settings import AssetSettings
from .channel import Channel
from .event import Event

#: The public class of each YAML section, in declaration order, read from the kinds' table.
RESOURCES: dict[str, type[VideoKitResource]] = {k.spec.section: REGISTERED[k.spec.kind] for k in KINDS}

__all__ = [
    "KINDS",
    "RESOURCES",
    "AllowedDomain",
    "AllowedDomainKind",
    "ApiKey",
    "ApiKeyKind",
    "AssetSettings",
    "AssetSettingsKind",
    "Channel",
    "ChannelKind",
    "ConfigurationError",
    "Event",
    "EventKind",
    "InterruptRefused",
    "InvalidDeclarationError",
    "Kind",
    "VideoKitProvider",
    "VideoKitResource",
]
