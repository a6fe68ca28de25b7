"""VOD assets, files and uploads; transcoder presets."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, field_validator

from ._base import CREATE_ONLY, NEVER_RETURNED, STATE, APIModel, Instant, RequestModel, Timestamp


class TrackSelector(RequestModel):
    track_id: str = Field(min_length=1, description="The track's id, as Detect File Tracks names it.")


class TranscodingTrack(RequestModel):
    track_selector: TrackSelector = Field(description="Which track of the file this is.")
    type: str = Field(
        min_length=1, examples=["Video", "Audio", "Captions"], description="The track's type, such as Video."
    )
    language: str | None = Field(default=None, examples=["en"], description="The track's language code.")
    name: str | None = Field(default=None, description="The track's name in the player.")


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


#: The key of the file metadata that holds a VodAsset's content hash (see docs/api-decisions.md).
CONTENT_HASH_KEY = "contentSha256"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def _key_value(value: str) -> str:
    if "=" not in value or value.startswith("="):
        raise ValueError(f"{value!r} is not key=value (such as category=learning)")
    return value


class VodAssetDeclaration(RequestModel):
    """What a VodAsset declares (``models.desired.VodAssetSpec`` adds ``adopt``)."""

    file: Annotated[str, NEVER_RETURNED] = Field(
        min_length=1,
        max_length=4096,
        description="The video file to upload: a path relative to the declaring YAML file, or to "
        "the program's directory.",
    )
    content_hash: Annotated[str | None, CREATE_ONLY] = Field(
        default=None,
        description="The sha256 of the file's bytes, computed by the provider from `file`; never "
        "declared. A change replaces the asset.",
    )
    preset: Annotated[str, CREATE_ONLY] = Field(
        min_length=1, description="The transcoding preset, a name from List Available Presets."
    )
    title: str | None = Field(default=None, max_length=1024, description="Title of the asset.")
    metadata: dict[str, str] | None = Field(default=None, description="Additional metadata for the asset.")
    tags: Annotated[list[Annotated[str, Field(min_length=1)]] | None, NEVER_RETURNED] = Field(
        default=None, description="Tags of the asset."
    )
    attributes: Annotated[
        list[
            Annotated[
                str,
                AfterValidator(_key_value),
                Field(examples=["category=learning"], json_schema_extra={"pattern": "^[^=]+=.*$"}),
            ]
        ]
        | None,
        NEVER_RETURNED,
    ] = Field(default=None, description="Attributes of the asset, each key=value.")
    transcoding_tracks: Annotated[list[TranscodingTrack] | None, CREATE_ONLY] = Field(
        default=None, description="The file's tracks to transcode (Create VOD Asset's transcodingTracks)."
    )
    file_types_flag: Annotated[str | None, CREATE_ONLY] = Field(
        default=None,
        min_length=1,
        examples=["Video"],
        description="The kind of source file (Create VOD Asset's fileTypesFlag).",
    )
    wait_for_available: Annotated[bool | None, STATE] = Field(
        default=None,
        description="Wait after a create until the asset leaves Processing (default true).",
    )
    wait_timeout_seconds: Annotated[float | None, STATE] = Field(
        default=None,
        gt=0,
        le=86400,
        description="How long to wait for Available (default: the provider's waitTimeoutSeconds).",
    )

    @field_validator("content_hash")
    @classmethod
    def _sha256(cls, value: str | None) -> str | None:
        if value is not None and not _SHA256.match(value):
            raise ValueError("must be a sha256 in lower-case hex (64 characters); the provider computes it")
        return value
