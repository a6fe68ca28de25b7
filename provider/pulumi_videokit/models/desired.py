"""Desired-state specs: what a user declares, in the API's own camelCase request names.

Each spec is the documented request body plus the few additions the provider needs:
``running`` and ``allowInterrupt`` (channels), ``adopt`` (every kind), and the
``channel`` reference that the YAML loader resolves into ``channelId``.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, model_validator

from ._base import CREATE_ONLY, SECRET, STATE, APIModel, RequestModel
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
    """A live channel (`/live/v1/channels`), its run state converged with start and stop.

    `running` is converged with start/stop; a change that stops or replaces a channel that is On
    fails in preview unless `allowInterrupt: true`; delete stops it first.
    """

    automation_disabled: bool | None = None
    running: Annotated[bool | None, STATE] = Field(
        default=None, description="Desired run state; leave unset to leave it alone."
    )
    allow_interrupt: bool | None = Field(
        default=None, description="Allow a change that stops or replaces the channel while it is On."
    )


class EventSpec(EventCreate, Adoptable):
    """A scheduled event on a live channel (`/live/v1/events`).

    Times compare by instant; a finished event is not drift.
    """


class AllowedDomainSpec(AllowedDomainCreate, Adoptable):
    """A domain the player may be embedded on (`/streaming/v1/domains`).

    URLs compare with scheme/host case and a trailing slash ignored.
    """


class ApiKeySpec(ApiKeyWrite, Adoptable):
    """An API key (`/core/v1/api-key`); `key` is secret and known only from its creation.

    `roleName` is read from the key listing; see below for key material.
    """


class AssetSettingsSpec(RequestModel):
    """Player settings of one existing streaming asset; destroy restores the values found before.

    Only declared settings are managed (`Enabled`, `Disabled`, or `Inherit` to hand one back to the
    tenant's value); destroy restores exactly the values found before, `Inherit` included.
    """

    asset_id: Annotated[str, CREATE_ONLY] = Field(
        pattern=r"^[a-zA-Z0-9_-]{1,128}$",
        description="The existing streaming asset whose settings these are.",
    )
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


class ChannelOutputs(APIModel):
    status: str | None = Field(None, description="The run state: Off, Starting, On or Stopping.")
    ingest_urls: list[str] = Field(description="Where to send the stream.")
    playback_urls: list[str] = Field(description="Where viewers play the channel.")


class EventOutputs(APIModel):
    status: str = Field(description="Scheduled, Live or Finished.")


class AllowedDomainOutputs(APIModel):
    player_domain_id: str = Field(description="The domain's id in the player's list.")
    analytics_domain_id: str | None = Field(None, description="The domain's id in analytics.")


class ApiKeyOutputs(APIModel):
    key: Annotated[str | None, SECRET] = Field(
        None, description="The key material, where the tenant returns it (on create only); see the README."
    )
    role_name: str | None = Field(None, description="The name of the key's role.")


class AssetSettingsOutputs(APIModel):
    previous: dict[str, str] | None = Field(
        None,
        description="The settings found before the first apply, restored by a destroy (none for settings "
        "imported by id, which a destroy leaves as they are).",
    )
