"""VOD assets, files and uploads; transcoder presets."""

from __future__ import annotations

from pydantic import Field

from ._base import APIModel, Instant, RequestModel, Timestamp


class TrackSelector(RequestModel):
    track_id: str


class TranscodingTrack(RequestModel):
    track_selector: TrackSelector
    type: str
    language: str | None = None
    name: str | None = None


class VodSource(RequestModel):
    file_id: str
    transcoding_tracks: list[TranscodingTrack] | None = None
    file_types_flag: str | None = None


class VodAssetCreate(RequestModel):
    """Body of Create VOD Asset."""

    transcoded_sources: list[VodSource] = Field(min_length=1)
    preset: str
    metadata: dict[str, str] | None = None
    title: str | None = None


class VodAssetUpdate(RequestModel):
    metadata: dict[str, str] | None = None
    title: str | None = None
    tags: list[str] | None = None
    attributes: list[str] | None = None


class VodAsset(APIModel):
    id: str
    preset: str | None = None
    transcoded_job_id: str | None = None
    title: str | None = None
    metadata: dict[str, object] | None = None
    tenant_id: str | None = None
    status: str | None = None
    file_ids: dict[str, object] | None = None
    sources: list[dict[str, object]] | None = None
    endpoints: list[dict[str, object]] | None = None
    outputs: list[dict[str, object]] | None = None
    tags: list[str] | None = None
    attributes: list[str] | None = None
    error_message: str | None = None
    duration_milliseconds: int | None = None
    create_date: Timestamp | None = None
    last_modification_date: Timestamp | None = None


class OutputCreate(RequestModel):
    preset: str
    id: str | None = None
    expiration_date: Instant | None = None
    harvested_endpoint_infos: list[dict[str, object]] | None = None


class OutputCreated(APIModel):
    output_id: str | None = None


class FileUploadStart(RequestModel):
    """Body of Start File Upload."""

    name: str
    friendly_name: str
    metadata: dict[str, str] | None = None
    file_size: int = Field(ge=1)


class FileUpdate(RequestModel):
    metadata: dict[str, str] | None = None
    name: str | None = None
    friendly_name: str | None = None
    tags: list[str] | None = None
    attributes: list[str] | None = None


class VodFile(APIModel):
    id: str
    tenant_id: str | None = None
    file_key: str | None = None
    metadata: dict[str, object] | None = None
    status: str | None = None
    vod_assets: list[str] | None = None
    file_types: str | None = None
    file_size: int | None = None
    name: str | None = None
    friendly_name: str | None = None
    tags: list[str] | None = None
    attributes: list[str] | None = None
    tracks: list[dict[str, object]] | None = None
    create_date: Timestamp | None = None
    last_modification_date: Timestamp | None = None


class FilePreview(APIModel):
    link: str | None = None
    expiration_date: Timestamp | None = None


class DetectedTracks(APIModel):
    tracks: list[dict[str, object]] = []


class FileTypes(APIModel):
    file_types: dict[str, list[str]] = {}


class Languages(APIModel):
    languages: list[str] = []


class Preset(APIModel):
    name: str
    description: str | None = None
    creates_download: bool | None = None
