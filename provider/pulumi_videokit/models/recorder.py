"""Recordings of live channels."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ._base import APIModel, Instant, RequestModel, Timestamp


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


class Attribute(RequestModel):
    key: str
    value: str


class RecordingMetadata(RequestModel):
    title: str | None = None
    attributes: list[Attribute] | None = None


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


class Recording(APIModel):
    id: str
    source: dict[str, object] | None = None
    catchup: dict[str, object] | None = None
    archive: dict[str, object] | None = None
    outputs: list[dict[str, object]] | None = None
    expiration_date: Timestamp | None = None
    status: str | None = None
    metadata: dict[str, object] | None = None
    error_message: str | None = None
    create_date: Timestamp | None = None
    last_modification_date: Timestamp | None = None
    duration_milliseconds: int | None = None
    title: str | None = None
