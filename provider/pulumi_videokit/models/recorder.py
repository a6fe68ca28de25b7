"""Recordings of live channels."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from ._base import APIModel, Instant, RequestModel, Timestamp

ID_PATTERN = r"^[a-zA-Z0-9_-]{1,128}$"


class LiveChannelDetails(RequestModel):
    channel_id: str | None = None
    start: Instant | None = None
    end: Instant | None = None


class RecordingSource(RequestModel):
    type: Literal["LiveChannel"] | str
    live_channel_details: LiveChannelDetails | None = None


class Toggle(RequestModel):
    enabled: bool | None = None


class ArchiveInput(RequestModel):
    enabled: bool | None = None
    public: bool | None = None
    delay_seconds: int | None = Field(default=None, ge=0, le=2592000)


class OutputInput(RequestModel):
    preset: str
    id: str | None = None
    expiration_date: Instant | None = None


class RecordingAttribute(RequestModel):
    """One custom attribute of a recording, as Create Recording's example sends it."""

    key: str = Field(min_length=1, max_length=128, description="Attribute key.")
    value: str = Field(description="Attribute value.")

    @field_validator("key")
    @classmethod
    def _not_title(cls, value: str) -> str:
        # The platform keeps attributes beside `title` in one key-value map (List Recordings).
        if value == "title":
            raise ValueError("'title' is metadata.title itself; give the attribute another key")
        return value


class RecordingMetadata(RequestModel):
    """Create Recording's `metadata`: a title and custom attributes."""

    title: str | None = Field(default=None, description="Asset title.")
    attributes: list[RecordingAttribute] | None = Field(
        default=None, description="Custom attributes, each a key and a value; keys are unique."
    )

    @field_validator("attributes")
    @classmethod
    def _unique(cls, value: list[RecordingAttribute] | None) -> list[RecordingAttribute] | None:
        seen: set[str] = set()
        for item in value or []:
            if item.key in seen:
                raise ValueError(f"attribute key {item.key!r} is given twice")
            seen.add(item.key)
        return value


class RecordingCreate(RequestModel):
    """Body of Create Recording."""

    source: RecordingSource
    catchup: Toggle | None = None
    archive: ArchiveInput | None = None
    public: bool | None = None
    outputs: list[OutputInput] | None = None
    metadata: RecordingMetadata | None = None


class RecordingUpdate(RequestModel):
    """Body of Update Recording (PATCH)."""

    source: RecordingSource | None = None
    catchup: Toggle | None = None
    archive: ArchiveInput | None = None
    title: str | None = None
    metadata: dict[str, str] | None = None
    tags: list[str] | None = None
    attributes: list[str] | None = None


# ---- the declaration: Create Recording's body, with the source's window at the top ----


class RecordingSwitch(RequestModel):
    """A setting that is on or off (`catchup`, `archive`)."""

    enabled: bool = Field(description="On or off.")


class RecordingOutputSpec(RequestModel):
    """One extra output of a recording, transcoded once it is recorded."""

    preset: str = Field(min_length=1, description='Transcoding preset of this output. Example: "mp4".')
    id: str | None = Field(
        default=None,
        pattern=ID_PATTERN,
        description="Id of this output, unique in the recording; the platform picks one when unset.",
    )


class RecordingDeclaration(RequestModel):
    """A recording as declared: Create Recording's body, with `source.liveChannelDetails`
    (`channelId`, `start`, `end`) at the top; the kind builds the documented body."""

    channel_id: str = Field(pattern=ID_PATTERN, description="The live channel to record.")
    start: Instant = Field(description="Start of the recorded window (ISO 8601, with its offset).")
    end: Instant = Field(description="End of the recorded window (ISO 8601, with its offset).")
    catchup: RecordingSwitch | None = Field(
        default=None,
        description="Catchup: a temporary stream address (typically valid for 14 days) when enabled.",
    )
    archive: RecordingSwitch | None = Field(
        default=None, description="Archive: the recording is kept in persistent storage when enabled."
    )
    public: bool | None = Field(default=None, description="Visibility of the recording.")
    outputs: list[RecordingOutputSpec] | None = Field(
        default=None, description="Extra outputs (preset, id), transcoded once the window is recorded."
    )
    metadata: RecordingMetadata | None = Field(
        default=None, description="The recording's title and attributes."
    )

    @model_validator(mode="after")
    def _window(self) -> RecordingDeclaration:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self

    @field_validator("outputs")
    @classmethod
    def _output_ids(cls, value: list[RecordingOutputSpec] | None) -> list[RecordingOutputSpec] | None:
        seen: set[str] = set()
        for item in value or []:
            if item.id is not None and item.id in seen:
                raise ValueError(f"output id {item.id!r} is given twice")
            if item.id is not None:
                seen.add(item.id)
        return value


# ---- answers ----


class RecordingEndpoint(APIModel):
    id: str | None = None
    access_type: str | None = None
    format: str | None = None
    url: str | None = None


class RecordingCatchup(APIModel):
    enabled: bool | None = None
    expiration_time: Timestamp | None = None
    endpoints: list[RecordingEndpoint] | None = None


class RecordingArchive(APIModel):
    enabled: bool | None = None
    delay_seconds: int | None = None
    public: bool | None = None
    expiration_date: Timestamp | None = None
    status: str | None = None
    endpoints: list[RecordingEndpoint] | None = None
    archivisation_completed_date: Timestamp | None = None


class RecordingOutput(APIModel):
    status: str | None = None
    preset: str | None = None
    id: str | None = None
    expiration_date: Timestamp | None = None
    endpoints: list[RecordingEndpoint] | None = None


class LiveChannelWindow(APIModel):
    channel_id: str | None = None
    start: Timestamp | None = None
    end: Timestamp | None = None


class RecordingSourceSeen(APIModel):
    type: str | None = None
    live_channel_details: LiveChannelWindow | None = None


class Recording(APIModel):
    """Get Recording Details, or an item of List Recordings (which carries no source, catchup,
    archive or outputs)."""

    id: str
    source: RecordingSourceSeen | None = None
    catchup: RecordingCatchup | None = None
    archive: RecordingArchive | None = None
    outputs: list[RecordingOutput] | None = None
    expiration_date: Timestamp | None = None
    status: str | None = None
    metadata: dict[str, object] | None = None
    error_message: str | None = None
    create_date: Timestamp | None = None
    last_modification_date: Timestamp | None = None
    duration_milliseconds: int | None = None
    title: str | None = None
