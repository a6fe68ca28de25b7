"""Door 1: one Pulumi dynamic provider and one Python class per kind.

A kind with a module here gets typed keyword arguments; any other kind in the table gets a
generated class that takes its properties as one mapping.
"""

import types

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


def generated(kind: type[Kind]) -> type[VideoKitResource]:
    """A provider and a resource class for a kind that has no typed Python module of its own.

    The class takes the API's camelCase properties as one mapping
    (``Recording("r", {"source": {...}})``); YAML and the native plugin need nothing more.  The
    provider is bound to this module under its own name, so state pickles it by reference.
    """
    name = kind.spec.kind
    provider = type(f"{name}Provider", (VideoKitProvider,), {"kind": kind, "__module__": __name__})
    globals()[provider.__name__] = provider
    return types.new_class(
        name,
        (VideoKitResource,),
        {"provider": provider},
        lambda ns: ns.update({"__module__": __name__, "__doc__": kind.spec.doc}),
    )


#: The public class of each YAML section, in declaration order, read from the kinds' table.
RESOURCES: dict[str, type[VideoKitResource]] = {
    k.spec.section: REGISTERED.get(k.spec.kind) or generated(k) for k in KINDS
}

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
