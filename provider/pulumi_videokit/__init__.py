"""Cloud Video Kit as code: Pulumi resources, GitOps YAML, a typed client and a local emulator."""

from ._version import __version__
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
