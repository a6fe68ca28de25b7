"""The YAML file's sections and the model each entry is checked against."""

from __future__ import annotations

from pydantic import Field, model_validator

from ..models._base import RequestModel
from ..models.desired import AllowedDomainSpec, ApiKeySpec, AssetSettingsSpec, ChannelSpec, EventSpec


class EventEntry(EventSpec):
    """An event as written in YAML: ``channel`` names a channel of the same file."""

    channel_id: str | None = Field(default=None, pattern=r"^[a-zA-Z0-9_-]{1,128}$")  # type: ignore[assignment]
    channel: str | None = Field(default=None, description="A channel declared in this file.")

    @model_validator(mode="after")
    def _one_channel(self) -> EventEntry:
        if (self.channel is None) == (self.channel_id is None):
            raise ValueError("give exactly one of channel (a channel of this file) or channelId")
        return self


SECTIONS: dict[str, type[RequestModel]] = {
    "channels": ChannelSpec,
    "events": EventEntry,
    "domains": AllowedDomainSpec,
    "apiKeys": ApiKeySpec,
    "assetSettings": AssetSettingsSpec,
}
