"""Live channels and events."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from ._base import CREATE_ONLY, NEVER_RETURNED, SECRET, APIModel, Instant, RequestModel, Timestamp

Redundancy = Literal["SingleInput", "DoubleInput"]
Latency = Literal["NormalLatency", "ReducedLatency"]
ActivationMode = Literal["EventBased", "Manual"]
TransmissionType = Literal["Video", "Audio"]
Environment = Literal["MediaLive", "MediaLiveAnywhere"]
MediaPackageVersion = Literal["V1", "V2"]
ChannelState = Literal["Processing", "Off", "On", "Starting", "Stopping", "Error"]
ID_PATTERN = r"^[a-zA-Z0-9_-]{1,128}$"


class InputLoss(RequestModel):
    """What viewers see when the input drops."""

    type: Literal["COLOR", "SLATE"]
    color: str | None = Field(default=None, pattern=r"^[0-9a-fA-F]{6}$")


class ChannelInput(RequestModel):
    """The channel's ingest point."""

    type: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$", examples=["RTMP_PUSH"])
    whitelist_cidr: str | None = None
    input_loss: InputLoss = Field(description="What viewers see while no stream arrives.")

    @field_validator("whitelist_cidr")
    @classmethod
    def _cidr(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ipaddress.ip_network(value, strict=False)
            except ValueError:
                raise ValueError(f"{value!r} is not a CIDR block such as 0.0.0.0/0") from None
        return value


class EndpointType(RequestModel):
    type: str = Field(min_length=1, examples=["HlsDrm", "DashDrm"])


class Quality(RequestModel):
    resolution: str = Field(pattern=r"^\d{3,4}p$", examples=["720p"])
    frame_rate: int | None = Field(default=None, ge=1, le=120)


class RtmpDestination(RequestModel):
    url: str = Field(pattern=r"^rtmps?://\S+$")
    stream_key: Annotated[str | None, SECRET] = None


class Restream(RequestModel):
    protocol: str | None = None
    id: str | None = None
    destination: str | None = None
    rtmp_destinations: list[RtmpDestination] | None = Field(None, description="Where the stream is pushed.")


class ChannelCreate(RequestModel):
    """Body of Create Channel."""

    # Update Channel takes none of the create-only fields; Get Channel Details returns none of
    # the never-returned ones, so they are kept from the last apply.
    name: str = Field(min_length=1, max_length=128)
    redundancy: Annotated[Redundancy | None, CREATE_ONLY, NEVER_RETURNED] = None
    latency: Annotated[Latency | None, CREATE_ONLY, NEVER_RETURNED] = None
    input: Annotated[ChannelInput, NEVER_RETURNED]
    endpoints: Annotated[list[EndpointType] | None, NEVER_RETURNED] = Field(
        None, description="The playback endpoints to make, by type."
    )
    qualities: Annotated[list[Quality] | None, NEVER_RETURNED] = Field(
        None, description="The renditions: a resolution and frame rate each."
    )
    restreams: Annotated[list[Restream] | None, NEVER_RETURNED] = Field(default=None, max_length=10)
    activation_mode: Annotated[ActivationMode | None, CREATE_ONLY, NEVER_RETURNED] = None
    transmission_type: Annotated[TransmissionType | None, CREATE_ONLY, NEVER_RETURNED] = None
    environment: Annotated[Environment | None, CREATE_ONLY, NEVER_RETURNED] = None
    media_package_version: Annotated[MediaPackageVersion | None, CREATE_ONLY, NEVER_RETURNED] = None


class ChannelUpdate(RequestModel):
    """Body of Update Channel (PATCH)."""

    automation_disabled: bool | None = None
    name: str | None = Field(default=None, min_length=1, max_length=128)
    input: ChannelInput | None = None
    endpoints: list[EndpointType] | None = None
    qualities: list[Quality] | None = None
    restreams: list[Restream] | None = Field(default=None, max_length=10)


class Endpoint(APIModel):
    id: str | None = None
    access_type: str | None = None
    format: str | None = None
    url: str | None = None
    preset: str | None = None
    protection: str | None = None


class InputDestination(APIModel):
    url: str | None = None


class InputDetails(APIModel):
    security_group_ips: list[str] | None = None


class LiveInput(APIModel):
    id: str | None = None
    type: str | None = None
    destinations: list[InputDestination] | None = None
    details: InputDetails | None = None


class Channel(APIModel):
    """Get Channel Details / an item of List Channels."""

    id: str
    name: str | None = None
    endpoints: list[Endpoint] | None = None
    archive_endpoint_ids: list[str] | None = None
    transcode_endpoint_id: str | None = None
    cdn: dict[str, object] | None = None
    inputs: list[LiveInput] | None = None
    encoding: dict[str, object] | None = None
    status: str | None = None
    internal_status: str | None = None
    metadata: dict[str, object] | None = None
    create_date: Timestamp | None = None
    last_modification_date: Timestamp | None = None
    automation_disabled: bool | None = None


class ChannelStatus(APIModel):
    id: str | None = None
    status: str | None = None
    internal_status: str | None = None


class StatsPoint(APIModel):
    time: Timestamp | None = None
    value: float | None = None


class StatsMetric(APIModel):
    id: str | None = None
    description: str | None = None
    unit_name: str | None = None
    unit_symbol: str | None = None
    data: list[StatsPoint] | None = None


class ChannelStats(APIModel):
    metrics: dict[str, StatsMetric] = {}


class ChannelConfiguration(APIModel):
    id: str | None = None
    configuration: dict[str, object] | None = None


class ChannelLimit(APIModel):
    limit: int | None = None


class EventCreate(RequestModel):
    """Body of Create Event."""

    channel_id: Annotated[str, CREATE_ONLY] = Field(pattern=ID_PATTERN)
    start: Instant
    end: Instant
    title: str | None = None
    ensure_channel: bool | None = None
    metadata: dict[str, str] | None = None
    tags: list[str] | None = None
    attributes: list[str] | None = None

    @model_validator(mode="after")
    def _order(self) -> EventCreate:
        if self.start >= self.end:
            raise ValueError("start must be before end")
        return self

    @field_validator("attributes")
    @classmethod
    def _attrs(cls, value: list[str] | None) -> list[str] | None:
        for item in value or []:
            if "=" not in item or item.startswith("="):
                raise ValueError(f"attribute {item!r} must look like key=value")
        return value


class EventUpdate(RequestModel):
    """Body of Update Event (PATCH)."""

    start: Instant | None = None
    end: Instant | None = None
    title: str | None = None
    ensure_channel: bool | None = None
    metadata: dict[str, str] | None = None
    tags: list[str] | None = None
    attributes: list[str] | None = None


class Event(APIModel):
    """Get Event Details / an item of List Events."""

    id: str
    channel_id: str | None = None
    start: Timestamp | None = None
    end: Timestamp | None = None
    title: str | None = None
    ensure_channel: bool | None = None
    metadata: dict[str, object] | None = None
    tags: list[str] | None = None
    attributes: list[str] | None = None
    status: str | None = None
    catchup: dict[str, object] | None = None
    create_date: Timestamp | None = None
    last_modification_date: Timestamp | None = None
