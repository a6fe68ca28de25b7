"""Cloud Video Kit as code: Pulumi resources, GitOps YAML, a typed client and a local emulator.

The names below are imported on first use, so ``videokit validate`` and the client do not pay
for the Pulumi SDK (PEP 562).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._lazy import attributes
from ._version import __version__

if TYPE_CHECKING:
    from .gitops import DeclarationError, from_yaml
    from .resources import (
        AllowedDomain,
        ApiKey,
        AssetSettings,
        Channel,
        ConfigurationError,
        Event,
        InterruptRefused,
        InvalidDeclarationError,
    )

_LAZY = {
    "DeclarationError": ".gitops",
    "from_yaml": ".gitops",
    "AllowedDomain": ".resources",
    "ApiKey": ".resources",
    "AssetSettings": ".resources",
    "Channel": ".resources",
    "ConfigurationError": ".resources",
    "Event": ".resources",
    "InterruptRefused": ".resources",
    "InvalidDeclarationError": ".resources",
}


__getattr__ = attributes(globals(), _LAZY)


__all__ = [
    "AllowedDomain",
    "ApiKey",
    "AssetSettings",
    "Channel",
    "ConfigurationError",
    "DeclarationError",
    "Event",
    "InterruptRefused",
    "InvalidDeclarationError",
    "__version__",
    "from_yaml",
]
