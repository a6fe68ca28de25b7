"""Desired-state specs: what a user declares, in the API's own camelCase request names.

Each spec is the documented request body plus the few additions the provider needs:
``running`` and ``allowInterrupt`` (channels), ``adopt`` (every kind), and the
``channel`` reference that the YAML loader resolves into ``channelId``.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator, model_validator

from ._base import CREATE_ONLY, NEVER_RETURNED, SECRET, STATE, APIModel, RequestModel
from .core import ApiKeyWrite
from .live import ChannelCreate, EventCreate
from .streaming import AllowedDomainCreate, AssetChapter, Toggle, TokenRequiredPolicy

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


#: A tag of a streaming asset.
AssetTag = Annotated[str, Field(min_length=1)]


def _key_value(value: str) -> str:
    if not re.match(r"^[^=]+=", value):
        raise ValueError(f"{value!r} is not key=value (such as genre=drama)")
    return value


#: An attribute of a streaming asset, ``key=value`` as Update Asset documents it.
AssetAttribute = Annotated[
    str,
    AfterValidator(_key_value),
    Field(json_schema_extra={"pattern": "^[^=]+="}, examples=["genre=drama"]),
]


class AssetDetailsSpec(RequestModel):
    """The description, tags, attributes, chapters and token policy of a streaming asset.

    Only declared fields are managed, and destroy restores exactly what the asset had before the first
    apply, chapters included. `chapters` is the asset's whole list: chapters that stay are kept as they
    are, a changed one is deleted and created again. The API answers `attributes` only to Update Asset,
    so a refresh does not see them change.
    """

    asset_id: Annotated[str, CREATE_ONLY] = Field(
        pattern=r"^[a-zA-Z0-9_-]{1,128}$",
        description="The existing streaming asset these details belong to.",
    )
    description: str | None = Field(default=None, description="Description of the asset; '' for none.")
    tags: list[AssetTag] | None = Field(default=None, description="The asset's tags, in any order.")
    attributes: Annotated[list[AssetAttribute] | None, NEVER_RETURNED] = Field(
        default=None, description="The asset's attributes, each key=value, in any order."
    )
    chapters: list[AssetChapter] | None = Field(
        default=None, description="The asset's chapters, all of them, in any order."
    )
    token_required_policy: TokenRequiredPolicy | None = Field(
        default=None,
        description="Whether playing the asset needs a token; Inherit takes the tenant's policy.",
    )

    @field_validator("token_required_policy", mode="before")
    @classmethod
    def _not_a_boolean(cls, value: object) -> object:
        if isinstance(value, bool):
            word = "True" if value else "False"
            raise ValueError(
                f"must be the string '{word}', not the boolean {word.lower()} (quote it in YAML); "
                "allowed: 'Inherit', 'True', 'False'"
            )
        return value

    @field_validator("tags", "attributes")
    @classmethod
    def _no_repeats(cls, value: list[str] | None) -> list[str] | None:
        repeated = sorted({v for v in value or [] if (value or []).count(v) > 1})
        if repeated:
            raise ValueError(f"{', '.join(map(repr, repeated))} is listed more than once")
        return value

    @field_validator("chapters")
    @classmethod
    def _no_twin_chapters(cls, value: list[AssetChapter] | None) -> list[AssetChapter] | None:
        keys = [(c.title, c.start_second, c.end_second) for c in value or []]
        twins = sorted({k for k in keys if keys.count(k) > 1}, key=str)
        if twins:
            title, start, _ = twins[0]
            raise ValueError(f"the chapter {title!r} at {start} s is listed more than once")
        return value

    @model_validator(mode="after")
    def _some(self) -> AssetDetailsSpec:
        if all(
            getattr(self, f) is None
            for f in ("description", "tags", "attributes", "chapters", "token_required_policy")
        ):
            raise ValueError(
                "declare at least one of description, tags, attributes, chapters, tokenRequiredPolicy"
            )
        return self


class AssetDetailsOutputs(APIModel):
    previous_description: str | None = Field(
        None, description="The description found before the first apply ('' for none), restored by a destroy."
    )
    previous_tags: list[str] | None = Field(
        None, description="The tags found before the first apply, restored by a destroy."
    )
    previous_attributes: list[str] | None = Field(
        None, description="The attributes found before the first apply, restored by a destroy."
    )
    previous_chapters: list[AssetChapter] | None = Field(
        None, description="The chapters found before the first apply, restored by a destroy."
    )
    previous_token_required_policy: str | None = Field(
        None, description="The token policy found before the first apply, restored by a destroy."
    )


from .recorder import RecordingDeclaration  # noqa: E402  (the Recording kind's block, added last)


class RecordingSpec(RecordingDeclaration, Adoptable):
    """A CVR recording of a window of a live channel (`/cvr/v1/recordings`).

    Declared flat (`channelId`, `start`, `end` are the source's `liveChannelDetails`); the body sent
    is the documented one. The window changes in place only while the recording is Pending; once it
    has started, changing it replaces the recording, which needs `allowInterrupt: true`. Outputs are
    added and removed with their own calls.
    """

    allow_interrupt: bool | None = Field(
        default=None,
        description="Allow a change of the window once the recording has started: it replaces the recording.",
    )


class RecordingOutputs(APIModel):
    status: str | None = Field(None, description="Pending, then Processing from the start, then Available.")
    catchup_urls: list[str] = Field(description="Catchup stream addresses, once the recording has started.")
    archive_urls: list[str] = Field(description="Archive addresses, once it is archived.")
    output_urls: list[str] = Field(description="Addresses of the extra outputs, once they are made.")
    duration_milliseconds: int | None = Field(None, description="How much is recorded, in milliseconds.")


from .vod import VodAssetDeclaration  # noqa: E402  (the VodAsset kind's block)


class VodAssetSpec(VodAssetDeclaration, Adoptable):
    """A VOD asset made from a local file (`/vod/v1/files` upload, then `/vod/v1/assets`).

    `file` is a path relative to the declaring YAML file (or to the program's directory); the
    provider hashes it (sha256) into `contentHash` at preview. It must stay inside the project
    (the directory of the nearest Pulumi.yaml, the program's): an absolute path, one that climbs
    out (`../..`) or a symlink that resolves outside it is an error before any request, so a
    declaration cannot upload other files of the machine. A changed file replaces the asset
    with a new upload; an unchanged one is never uploaded again, whatever its path or modification
    time. `title`, `metadata`, `tags` and `attributes` change in place. The preset is checked
    against the tenant's before any upload; a wait for Available that runs out keeps the asset, and
    the next up waits on it again. Destroy deletes the asset and the file it uploaded.
    """


class VodAssetOutputs(APIModel):
    status: str | None = Field(None, description="Processing, then Available (or Error).")
    file_id: str | None = Field(None, description="The uploaded file's id.")
    asset_id: str | None = Field(
        None, description="The streaming asset's id (the VOD asset's own), for AssetDetails and the player."
    )
    output_urls: list[str] = Field(description="The addresses of the asset's endpoints and outputs.")
    error_message: str | None = Field(None, description="Why transcoding failed, when it did.")
