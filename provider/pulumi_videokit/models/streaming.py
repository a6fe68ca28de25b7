"""Streaming assets, their settings, chapters, images and tags; allowed domains; player settings."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from urllib.parse import urlsplit

import idna
from pydantic import AliasChoices, Field, ValidationInfo, field_validator

from ._base import CREATE_ONLY, INT64_MAX, APIModel, RequestModel, Timestamp

#: A player setting; Inherit hands it back to the tenant's value.
Toggle = Literal["Enabled", "Disabled", "Inherit"]
SETTING_NAMES = ("tokenRequired", "devToolsAccess", "cap", "analytics", "codeObfuscation")
#: Update Asset's token policy of one asset; Inherit hands it back to the tenant's. Answers spell
#: it in lower case, inside an object: ``{"asset": "inherit", "tenant": "true"}``.
TokenRequiredPolicy = Literal["Inherit", "True", "False"]


class SettingValue(APIModel):
    asset: str | None = None
    tenant: str | None = None


class AssetSettingsState(APIModel):
    token_required: SettingValue | None = None
    dev_tools_access: SettingValue | None = None
    cap: SettingValue | None = None
    analytics: SettingValue | None = None
    code_obfuscation: SettingValue | None = None


class AssetSettingsUpdate(RequestModel):
    """Body of Update Asset Settings."""

    token_required: Toggle | None = None
    dev_tools_access: Toggle | None = None
    cap: Toggle | None = None
    analytics: Toggle | None = None
    code_obfuscation: Toggle | None = None


class Image(APIModel):
    """An asset image; the reference spells its fields ``Id/Name/Url`` and ``id/name/url``."""

    id: str | None = Field(default=None, validation_alias=AliasChoices("id", "Id"))
    name: str | None = Field(default=None, validation_alias=AliasChoices("name", "Name"))
    url: str | None = Field(default=None, validation_alias=AliasChoices("url", "Url"))


class Chapter(APIModel):
    """A chapter; the reference spells its bounds ``start/end`` and ``startSecond/endSecond``."""

    id: str | None = None
    title: str | None = None
    start_second: int | None = Field(
        default=None, validation_alias=AliasChoices("startSecond", "start", "start_second")
    )
    end_second: int | None = Field(
        default=None, validation_alias=AliasChoices("endSecond", "end", "end_second")
    )
    duration_seconds: int | None = None


class Tag(APIModel):
    id: str | None = None
    name: str | None = None


class Asset(APIModel):
    """Get Asset Details / an item of List Assets."""

    id: str
    status: str | None = None
    metadata: dict[str, object] | None = None
    outputs: list[dict[str, object]] | None = None
    create_date: Timestamp | None = None
    last_modification_date: Timestamp | None = None
    duration_milliseconds: int | None = None
    source: str | None = None
    type: str | None = None
    channel_id: str | None = None
    start: Timestamp | None = None
    end: Timestamp | None = None
    is_drm: bool | None = None
    preset: str | None = None
    token_required_policy: dict[str, object] | str | None = None
    title: str | None = None
    description: str | None = None
    tags: list[Tag | str] | None = None
    attributes: list[str] | None = None
    images: dict[str, Image] | None = None
    chapters: list[Chapter] | None = None
    settings: AssetSettingsState | None = None

    @property
    def tag_names(self) -> list[str]:
        return [t if isinstance(t, str) else (t.name or "") for t in self.tags or []]


class ChapterInput(RequestModel):
    title: str
    start_second: int = Field(ge=0)
    end_second: int | None = Field(default=None, ge=0)


class ImageInput(RequestModel):
    id: str | None = None
    name: str | None = None
    url: str | None = None


class AssetChapter(RequestModel):
    """One chapter of a streaming asset, as Create Asset Chapters takes it."""

    title: str = Field(min_length=1, description="Chapter title.")
    start_second: int = Field(ge=0, le=INT64_MAX, description="Start time of the chapter in seconds.")
    end_second: int | None = Field(
        default=None,
        ge=0,
        le=INT64_MAX,
        description="End time of the chapter in seconds; leave it out for a chapter "
        "that runs to the next one.",
    )

    @field_validator("end_second")
    @classmethod
    def _after_start(cls, value: int | None, info: ValidationInfo) -> int | None:
        start = info.data.get("start_second")
        if value is not None and isinstance(start, int) and value <= start:
            raise ValueError(f"{value} is not after startSecond {start}: a chapter ends after it starts")
        return value


class AssetUpdate(RequestModel):
    """Body of Update Asset (PATCH)."""

    title: str | None = None
    token_required_policy: TokenRequiredPolicy | None = None
    images: dict[str, ImageInput] | None = None
    chapters: list[ChapterInput] | None = None
    description: str | None = None
    tags: list[str] | None = None
    attributes: list[str] | None = None


#: An allowed domain's host: ASCII letters, digits, dots and hyphens, as the reference's pattern
#: for Add Allow Domain holds. An internationalized name is written in its IDNA (xn--) form.
_HOST = re.compile(
    r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)


def _host_problem(value: str, scheme: str, host: str) -> str:
    """Why ``host`` is no allowed domain's host, with its IDNA form when it has one."""
    try:
        ascii_host = idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        ascii_host = ""
    if ascii_host and ascii_host != host.lower() and _HOST.match(ascii_host):
        return f"{value!r} has a host that is not ASCII; write it in its IDNA form, {scheme}://{ascii_host}"
    return (
        f"{value!r} has no valid host: use letters, digits and hyphens in dot-separated labels "
        "(an internationalized name in its IDNA xn-- form)"
    )


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, drop a trailing slash: the form domains compare in."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    netloc = parts.netloc.lower()
    out = f"{parts.scheme.lower()}://{netloc}{path}"
    if parts.query:
        out += f"?{parts.query}"
    return out


class AllowedDomainCreate(RequestModel):
    """Body of Add Allow Domain."""

    url: Annotated[str, CREATE_ONLY] = Field(examples=["https://www.example.com"])

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if any(c.isspace() or not c.isprintable() for c in value):
            raise ValueError(f"{value!r} contains a space or a control character")
        parts = urlsplit(value)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{value!r} is not an http(s) URL such as https://www.example.com")
        if parts.path not in ("", "/") or parts.query or parts.fragment or "@" in parts.netloc:
            raise ValueError(
                f"{value!r} is not an origin: give only the scheme, host and port, "
                f"such as {parts.scheme}://{parts.hostname}"
            )
        host = parts.netloc.rsplit(":", 1)[0] if parts.netloc.count(":") == 1 else parts.netloc
        if not _HOST.match(host):
            raise ValueError(_host_problem(value, parts.scheme, host))
        port = parts.netloc[len(host) + 1 :]
        if parts.netloc.endswith(":") or (port and not (port.isdigit() and 0 < int(port) < 65536)):
            raise ValueError(f"{value!r} has no valid port: give 1 to 65535")
        return value


class AllowedDomain(APIModel):
    player_domain_id: str | None = None
    analytics_domain_id: str | None = None
    url: str | None = None


class PlayerSettings(APIModel):
    """Get Settings (player module)."""

    tenant_id: str | None = None
    tenant_name: str | None = None
    allowed_domains: list[AllowedDomain] | None = None
    player_config_info: dict[str, object] | None = None


class UploadStart(APIModel):
    file_id: str
    multipart_urls: list[str] = []
    file_key: str | None = None
    part_size: int | None = None
    last_part_size: int | None = None
    parts_count: int | None = None


class PartUrl(APIModel):
    url: str


class PartETag(RequestModel):
    part_number: int = Field(ge=1)
    e_tag: str = Field(alias="eTag")


class UploadComplete(APIModel):
    file_id: str | None = None
    file_key: str | None = None
    url: str | None = None


class UploadedImage(APIModel):
    id: str
    file_key: str | None = None
    status: str | None = None
    file_size: int | None = None
    url: str | None = None
    name: str | None = None
    create_date: Timestamp | None = None
    last_modification_date: Timestamp | None = None


class DeletedFile(APIModel):
    deleted_file_key: str | None = None
