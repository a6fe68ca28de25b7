"""Desired-state specs: what a user declares, in the API's own camelCase request names.

Each spec is the documented request body plus the few additions the provider needs:
``running`` and ``allowInterrupt`` (channels), ``adopt`` (every kind), and the
``channel`` reference that the YAML loader resolves into ``channelId``.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from ._base import RequestModel
from .core import ApiKeyWrite
from .live import ChannelCreate, EventCreate
from .streaming import AllowedDomainCreate, Toggle

Adopt = bool | str


class Adoptable(RequestModel):
    adopt: Adopt | None = Field(
        default=None,
        description="Take over an existing object instead of creating one: true finds it by its "
        "natural key, a string names its id.",
    )


class ChannelSpec(ChannelCreate, Adoptable):
    """A live channel."""

    automation_disabled: bool | None = None
    running: bool | None = Field(
        default=None, description="Desired run state; leave unset to leave it alone."
    )
    allow_interrupt: bool | None = Field(
        default=None, description="Allow a change that stops or replaces the channel while it is On."
    )


class EventSpec(EventCreate, Adoptable):
    """A scheduled live event."""


class AllowedDomainSpec(AllowedDomainCreate, Adoptable):
    """A domain the player may be embedded on."""


class ApiKeySpec(ApiKeyWrite, Adoptable):
    """An API key."""


class AssetSettingsSpec(RequestModel):
    """The five player settings of one existing streaming asset; only declared ones are managed."""

    asset_id: str = Field(pattern=r"^[a-zA-Z0-9_-]{1,128}$")
    token_required: Toggle | None = None
    dev_tools_access: Toggle | None = None
    cap: Toggle | None = None
    analytics: Toggle | None = None
    code_obfuscation: Toggle | None = None

    @model_validator(mode="after")
    def _some(self) -> AssetSettingsSpec:
        if not any(
            getattr(self, f) is not None
            for f in ("token_required", "dev_tools_access", "cap", "analytics", "code_obfuscation")
        ):
            raise ValueError(
                "declare at least one of tokenRequired, devToolsAccess, cap, analytics, codeObfuscation"
            )
        return self
