"""Data lookups: the one registry of functions every door reads.

A function is one entry of :data:`FUNCTIONS`: its name (``getPresets``), its arguments (a strict
model), its answer (a model with the API's own field names, from the reference's documented
response fields) and the client calls that answer it.  The native schema
(``videokit:index:getPresets``), the native plugin's ``Invoke``, the Python functions
(:func:`get_presets`, …) and ``${lookup:…}`` in ``videokit.yaml`` are all made from it.

A :class:`Session` answers lookups for one run: each API call is made once, whatever the
arguments (``getPresets(name=a)`` and ``getPresets(name=b)`` share one listing).  A lookup that
must find one object and finds none, or more than one, raises :class:`LookupFailed`, one
sentence naming the query.

Nothing here imports the HTTP client until a session is opened: ``videokit validate`` checks
``${lookup:…}`` offline (function, argument names and types, the field) without it.
"""

from __future__ import annotations

import re
import threading
import typing
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic.alias_generators import to_camel

from .reconcile.errors import UserError

if TYPE_CHECKING:
    from .client import VideoKitClient


class LookupFailed(UserError):
    """A lookup found nothing, or more than one object, or was asked wrongly."""


# ---- arguments and answers ----


class Arguments(BaseModel):
    """A function's arguments: camelCase (or the Python name), unknown ones refused."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, alias_generator=to_camel, frozen=True)


class Answer(BaseModel):
    """A function's answer: the API's field names; what the reference does not document is left out."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, alias_generator=to_camel)


class NoArguments(Arguments):
    """No arguments."""


class PresetArguments(Arguments):
    name: str | None = Field(None, min_length=1, description="Only the preset of this name.")
    creates_download: bool | None = Field(
        None, description="Only the presets that do (true) or do not (false) create a downloadable output."
    )


class Preset(Answer):
    """A transcoding preset."""

    name: str = Field(description="Name of the preset.")
    description: str | None = Field(None, description="Description of the preset.")
    creates_download: bool | None = Field(
        None, description="Indicates if the preset creates a downloadable output."
    )


class Presets(Answer):
    """List Available Presets (``GET /transcoder/v1/presets``), every page, filtered by the arguments."""

    items: list[Preset] = Field(description="The presets found.")


class Languages(Answer):
    """Get Languages (``GET /vod/v1/languages``)."""

    languages: list[str] = Field(description="List of supported languages.")


class FileTypes(Answer):
    """Get File Types (``GET /vod/v1/filetypes``)."""

    file_types: dict[str, list[str]] = Field(
        description="Object with file types as keys and arrays of supported extensions as values."
    )


class ChannelArguments(Arguments):
    id: str | None = Field(None, min_length=1, description="The channel's id.")
    name: str | None = Field(None, min_length=1, description="The channel's name (exactly; one must match).")

    @model_validator(mode="after")
    def _one(self) -> ChannelArguments:
        if (self.id is None) == (self.name is None):
            raise ValueError("give exactly one of id and name")
        return self


class Endpoint(Answer):
    """An output endpoint: where the stream is played from."""

    id: str | None = Field(None, description="The endpoint's id.")
    access_type: str | None = Field(None, description="How the endpoint is reached (Http, …).")
    format: str | None = Field(None, description="HLS, DASH, MP4, SmoothStreaming, …")
    url: str | None = Field(None, description="Where the stream is played from.")
    preset: str | None = Field(None, description="The preset the endpoint serves.")
    protection: str | None = Field(None, description="The endpoint's protection (None, …).")


class Destination(Answer):
    """Where an input takes the stream."""

    url: str | None = Field(None, description="The ingest URL.")


class Input(Answer):
    """A channel's input."""

    id: str | None = Field(None, description="The input's id.")
    type: str | None = Field(None, description="The input's type.")
    destinations: list[Destination] | None = Field(None, description="Where the input takes the stream.")


class Encoding(Answer):
    """The channel's encoding."""

    preset: str | None = Field(None, description="The encoding preset.")
    pipelines: int | None = Field(None, description="How many encoding pipelines.")


class Cdn(Answer):
    """The channel's CDN."""

    enabled: bool | None = Field(None, description="Whether the channel is served through the CDN.")


class ChannelAnswer(Answer):
    """Get Channel Details (``GET /live/v1/channels/{id}``), or the one channel of List Channels with
    that name."""

    id: str = Field(description="The channel's id.")
    name: str | None = Field(None, description="The channel's name.")
    status: str | None = Field(None, description="The channel's status.")
    internal_status: str | None = Field(None, description="Internal status of the channel.")
    metadata: dict[str, str] | None = Field(None, description="Channel metadata.")
    encoding: Encoding | None = Field(None, description="Channel encoding information.")
    endpoints: list[Endpoint] | None = Field(None, description="The channel's output endpoints.")
    archive_endpoint_ids: list[str] | None = Field(
        None, description="Endpoint names that will be used for recording."
    )
    transcode_endpoint_id: str | None = Field(
        None, description="Endpoint name used for transcoding of archived recording."
    )
    inputs: list[Input] | None = Field(None, description="The channel's inputs (ingest URLs).")
    cdn: Cdn | None = Field(None, description="CDN channel info.")
    automation_disabled: bool | None = Field(None, description="Indicates if automation is disabled.")
    create_date: str | None = Field(None, description="Creation date.")
    last_modification_date: str | None = Field(None, description="Last modification date.")


class AssetArguments(Arguments):
    id: str | None = Field(None, min_length=1, description="The streaming asset's id.")
    title: str | None = Field(None, min_length=1, description="The asset's title (exactly; one must match).")

    @model_validator(mode="after")
    def _one(self) -> AssetArguments:
        if (self.id is None) == (self.title is None):
            raise ValueError("give exactly one of id and title")
        return self


def _tag(value: Any) -> Any:
    # List Assets' example gives tags as names, Get Asset Details' as {id, name}: one shape.
    return {"name": value} if isinstance(value, str) else value


def _chapter(value: Any) -> Any:
    # The examples spell a chapter's bounds start/end, the field table startSecond/endSecond.
    if isinstance(value, dict):
        value = dict(value)
        for short, long in (("start", "startSecond"), ("end", "endSecond")):
            if short in value and long not in value:
                value[long] = value.pop(short)
    return value


class Tag(Answer):
    """An asset's tag."""

    id: str | None = Field(None, description="Tag ID.")
    name: str | None = Field(None, description="Tag name.")


class Chapter(Answer):
    """An asset's chapter."""

    id: str | None = Field(None, description="Chapter ID.")
    title: str | None = Field(None, description="Chapter title.")
    start_second: int | None = Field(None, description="Start time in seconds.")
    end_second: int | None = Field(None, description="End time in seconds.")
    duration_seconds: int | None = Field(None, description="Duration in seconds.")


class AdditionalOutput(Answer):
    """An additional output of the asset."""

    id: str | None = Field(None, description="Id of this output.")
    status: str | None = Field(None, description="Output status.")
    preset: str | None = Field(None, description="Preset name for this output.")
    expiration_date: str | None = Field(None, description="Expiration date of the output.")
    endpoints: list[Endpoint] | None = Field(None, description="Endpoints generated for this output.")


class AssetAnswer(Answer):
    """Get Asset Details (``GET /streaming/v1/assets/{assetId}``), or the one asset of List Assets
    with that title."""

    id: str = Field(description="Player asset Id.")
    title: str | None = Field(None, description="Asset title.")
    description: str | None = Field(None, description="Asset description.")
    status: str | None = Field(None, description="Asset status.")
    type: str | None = Field(None, description="Asset type: LiveEvent, LiveChannel, Recording, Vod.")
    source: str | None = Field(None, description="Asset source.")
    preset: str | None = Field(None, description="Preset info.")
    channel_id: str | None = Field(None, description="Channel identifier.")
    is_drm: bool | None = Field(None, description="Is DRM content.")
    duration_milliseconds: int | None = Field(None, description="Duration time in milliseconds.")
    start: str | None = Field(None, description="Start time of the event.")
    end: str | None = Field(None, description="End time of the event.")
    metadata: dict[str, str] | None = Field(None, description="Asset metadata.")
    tags: list[Annotated[Tag, BeforeValidator(_tag)]] | None = Field(None, description="Asset tags.")
    chapters: list[Annotated[Chapter, BeforeValidator(_chapter)]] | None = Field(
        None, description="Asset chapters."
    )
    outputs: list[AdditionalOutput] | None = Field(None, description="Additional outputs.")
    token_required_policy: dict[str, str] | None = Field(None, description="Token required policy.")
    create_date: str | None = Field(None, description="Create date.")
    last_modification_date: str | None = Field(None, description="Last modification date.")


class TenantStatus(Answer):
    """Get Tenant Status (``GET /core/v1/settings/tenant/{id}/status``) of the configured tenant."""

    status: str | None = Field(
        None, description="Tenant status (e.g., Active, Blocked, Deleted, SettingUp, Error)."
    )
    message: str | None = Field(None, description="Additional message about the tenant status.")


class ChannelLimit(Answer):
    """Get Channel Limit (``GET /live/v1/channels/limit``)."""

    limit: int | None = Field(None, description="Channel limit for the active tenant.")


# ---- the session: one client, each call made once ----

T = TypeVar("T")


class Session:
    """Lookups of one run against one tenant: every API call is made once and kept."""

    def __init__(self, client: VideoKitClient, tenant_id: str) -> None:
        self.client = client
        self.tenant_id = tenant_id
        self._kept: dict[Hashable, Any] = {}
        self._lock = threading.Lock()

    def once(self, key: Hashable, call: Callable[[], T]) -> T:
        """``call()``'s answer, made at most once per session (per ``key``)."""
        with self._lock:
            if key not in self._kept:
                self._kept[key] = call()
            found: T = self._kept[key]
            return found

    def invoke(self, name: str, args: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """The answer of function ``name`` (``getPresets``) to ``args``, with the API's names."""
        fn = function(name)
        parsed = fn.arguments(args or {})
        raw = fn.run(self, parsed)
        return fn.answer.model_validate(raw).model_dump(by_alias=True, mode="json", exclude_none=True)


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


def query(name: str, args: Mapping[str, Any]) -> str:
    """How a query is named in a message: ``getChannel(name=main)``."""
    shown = ", ".join(f"{k}={v}" for k, v in args.items() if v is not None)
    return f"{name}({shown})"


def _some(items: list[str], limit: int = 10) -> str:
    shown = ", ".join(items[:limit]) or "none"
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _presets(s: Session, a: PresetArguments) -> dict[str, Any]:
    items = s.once("presets", lambda: [_dump(p) for p in s.client.transcoder.presets()])
    found = [
        i
        for i in items
        if (a.name is None or i.get("name") == a.name)
        and (a.creates_download is None or i.get("createsDownload") == a.creates_download)
    ]
    if not found and (a.name is not None or a.creates_download is not None):
        raise LookupFailed(
            f"{query('getPresets', _named(a))} found no preset "
            f"(the tenant's presets: {_some([str(i.get('name')) for i in items])})"
        )
    return {"items": found}


def _named(a: Arguments) -> dict[str, Any]:
    return a.model_dump(by_alias=True, exclude_none=True)


def _one(a: Arguments, name: str, noun: str, found: list[dict[str, Any]]) -> dict[str, Any]:
    if not found:
        raise LookupFailed(f"{query(name, _named(a))} found no {noun}")
    if len(found) > 1:
        ids = _some([str(f.get("id")) for f in found])
        raise LookupFailed(f"{query(name, _named(a))} found {len(found)} {noun}s ({ids}); look it up by id")
    return found[0]


def _by_id(s: Session, key: Hashable, call: Callable[[], BaseModel]) -> list[dict[str, Any]]:
    def get() -> list[dict[str, Any]]:
        from .client import NotFoundError

        try:
            return [_dump(call())]
        except NotFoundError:
            return []

    return s.once(key, get)


def _channel(s: Session, a: ChannelArguments) -> dict[str, Any]:
    if a.id is not None:
        channel_id = a.id
        found = _by_id(s, ("channel", channel_id), lambda: s.client.live.channels.get(channel_id))
    else:
        # List Channels' query searches "metadata or id", not the name: every page, matched here.
        every = s.once("channels", lambda: [_dump(c) for c in s.client.live.channels.list()])
        found = [c for c in every if c.get("name") == a.name]
    return _one(a, "getChannel", "channel", found)


def _title(asset: Mapping[str, Any]) -> Any:
    metadata = asset.get("metadata")
    return asset.get("title") or (metadata.get("Title") if isinstance(metadata, dict) else None)


def _asset(s: Session, a: AssetArguments) -> dict[str, Any]:
    if a.id is not None:
        asset_id = a.id
        found = _by_id(s, ("asset", asset_id), lambda: s.client.streaming.assets.get(asset_id))
    else:
        every = s.once("assets", lambda: [_dump(x) for x in s.client.streaming.assets.list()])
        found = [x for x in every if _title(x) == a.title]
    return _one(a, "getAsset", "asset", found)


def _tenant_status(s: Session, _: NoArguments) -> dict[str, Any]:
    return s.once("tenantStatus", lambda: _dump(s.client.core.tenant_status(s.tenant_id)))


def _channel_limit(s: Session, _: NoArguments) -> dict[str, Any]:
    return s.once("channelLimit", lambda: _dump(s.client.live.channels.limit()))


def _languages(s: Session, _: NoArguments) -> dict[str, Any]:
    return s.once("languages", lambda: _dump(s.client.vod.languages()))


def _file_types(s: Session, _: NoArguments) -> dict[str, Any]:
    return s.once("fileTypes", lambda: _dump(s.client.vod.file_types()))


# ---- the registry ----


@dataclass(frozen=True)
class Function:
    """One lookup: its name, arguments, answer and the calls that answer it."""

    name: str
    description: str
    args: type[Arguments]
    answer: type[Answer]
    run: Callable[[Session, Any], dict[str, Any]]
    #: The list field a ``${lookup:…}`` takes exactly one item of (``items``), if any.
    item: str | None = None

    @property
    def token(self) -> str:
        return f"videokit:index:{self.name}"

    @property
    def python_name(self) -> str:
        return re.sub(r"(?<!^)(?=[A-Z])", "_", self.name).lower()

    @property
    def item_model(self) -> type[BaseModel]:
        """The model a ``${lookup:…}`` reads its field from: the answer, or an item of its list."""
        if self.item is None:
            return self.answer
        (model,) = typing.get_args(self.answer.model_fields[self.item].annotation)
        assert isinstance(model, type) and issubclass(model, BaseModel)
        return model

    def argument_names(self) -> list[str]:
        return [f.alias or n for n, f in self.args.model_fields.items()]

    def arguments(self, given: Mapping[str, Any]) -> Arguments:
        """``given`` checked: unknown names and wrong values are one sentence naming the function."""
        allowed = self.argument_names()
        python = {n: f.alias or n for n, f in self.args.model_fields.items()}
        unknown = [k for k in given if k not in allowed and k not in python]
        if unknown:
            raise LookupFailed(
                f"{self.name} takes no argument {unknown[0]!r} (allowed: {', '.join(allowed) or 'none'})"
            )
        try:
            return self.args.model_validate(dict(given))
        except ValidationError as exc:
            raise LookupFailed(f"{query(self.name, given)}: {_reason(exc)}") from None


def _reason(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err["loc"])
        message = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{where} {message}" if where else message)
    return "; ".join(parts)


FUNCTIONS: dict[str, Function] = {
    f.name: f
    for f in (
        Function(
            "getPresets",
            "The tenant's transcoding presets (List Available Presets, every page), those matching the "
            "arguments; a filter that matches nothing is an error.",
            PresetArguments,
            Presets,
            _presets,
            item="items",
        ),
        Function(
            "getLanguages",
            "The languages the tenant supports (Get Languages).",
            NoArguments,
            Languages,
            _languages,
        ),
        Function(
            "getFileTypes",
            "The file types the tenant takes, with their extensions (Get File Types).",
            NoArguments,
            FileTypes,
            _file_types,
        ),
        Function(
            "getChannel",
            "One live channel, by id or by name: finding none, or more than one, is an error.",
            ChannelArguments,
            ChannelAnswer,
            _channel,
        ),
        Function(
            "getAsset",
            "One streaming asset, by id or by title: finding none, or more than one, is an error.",
            AssetArguments,
            AssetAnswer,
            _asset,
        ),
        Function(
            "getTenantStatus",
            "The configured tenant's status (Get Tenant Status).",
            NoArguments,
            TenantStatus,
            _tenant_status,
        ),
        Function(
            "getChannelLimit",
            "How many channels the tenant may have (Get Channel Limit).",
            NoArguments,
            ChannelLimit,
            _channel_limit,
        ),
    )
}


def function(name: str) -> Function:
    """The function called ``name``; an unknown name is one sentence listing the known ones."""
    found = FUNCTIONS.get(name) or FUNCTIONS.get(name.removeprefix("videokit:index:"))
    if found is None:
        raise LookupFailed(f"{name!r} is not a lookup function (allowed: {', '.join(FUNCTIONS)})")
    return found


# ---- sessions from the provider's configuration ----

_SESSIONS: dict[tuple[tuple[str, str], ...], Session] = {}
_SESSIONS_LOCK = threading.Lock()


def forget_sessions() -> None:
    """Start a new run: the next lookups call the API again."""
    with _SESSIONS_LOCK:
        _SESSIONS.clear()


def new_session(config: Mapping[str, str]) -> Session:
    """A new session with a client made from ``config`` (as ``reconcile.service.read_config`` reads
    it); a missing or unusable setting is refused as the resources refuse it."""
    from .reconcile.kinds import Kind
    from .reconcile.service import connect

    return Session(connect(Kind, config).client, config["tenant_id"])


def open_session(config: Mapping[str, str]) -> Session:
    """The session of this process for ``config``: a program's run shares its calls."""
    key = tuple(sorted(config.items()))
    with _SESSIONS_LOCK:
        if key not in _SESSIONS:
            _SESSIONS[key] = new_session(config)
        return _SESSIONS[key]


def program_config() -> dict[str, str]:
    """The provider's configuration as a program sees it: the stack's ``videokit:*`` config, then
    the ``VIDEOKIT_*`` environment variables."""
    from .reconcile.service import CONFIG_KEYS, read_config

    try:
        from pulumi.runtime.config import get_config
    except ImportError:  # no Pulumi SDK: the environment alone
        return read_config({})
    return read_config({key: get_config(key) for key, _ in CONFIG_KEYS.values()})


# ---- ${lookup:…} in videokit.yaml ----

#: ``getChannel(name=main).id``: a function, its arguments, the field of the answer to use.
_REFERENCE = re.compile(r"^(?P<name>[A-Za-z]+)\s*(?:\((?P<args>[^()]*)\))?(?P<path>(?:\.[A-Za-z0-9_]+)*)$")
FORM = "${lookup:FUNCTION(ARG=VALUE, …).FIELD}, such as ${lookup:getPresets(name=mp4).name}"


@dataclass(frozen=True)
class Reference:
    """One ``${lookup:…}``: checked offline, answered by :meth:`resolve`."""

    function: Function
    args: Arguments
    given: tuple[tuple[str, str], ...]
    path: tuple[str, ...]
    text: str = field(compare=False)

    @property
    def query(self) -> str:
        return query(self.function.name, dict(self.given))

    def resolve(self, session: Session) -> str:
        """The field's value as text; a field that holds no single value is refused."""
        answer = session.invoke(self.function.name, dict(self.given))
        value: Any = answer
        if self.function.item is not None:
            items = answer.get(self.function.item) or []
            if len(items) != 1:
                raise LookupFailed(
                    f"{self.query} found {len(items)} {self.function.item}, not one: give arguments that "
                    f"match exactly one ({_some([str(i.get('name', i)) for i in items])})"
                )
            value = items[0]
        for part in self.path:
            if isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            elif isinstance(value, dict) and part in value:
                value = value[part]
            else:
                raise LookupFailed(f"{self.query} answered no {'.'.join(self.path)}")
        if isinstance(value, (dict, list)) or value is None:
            raise LookupFailed(f"{self.query}.{'.'.join(self.path)} is not a single value")
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)


def _split_args(text: str, name: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for part in [p for p in text.split(",") if p.strip()] if text.strip() else []:
        key, eq, value = part.partition("=")
        if not eq or not key.strip():
            raise LookupFailed(f"{name}: {part.strip()!r} is not ARG=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if any(key.strip() == seen for seen, _ in pairs):
            raise LookupFailed(f"{name}: {key.strip()} is given twice; give each argument once")
        pairs.append((key.strip(), value))
    return pairs


def _fields(model: type[BaseModel]) -> dict[str, Any]:
    return {f.alias or n: f.annotation for n, f in model.model_fields.items()}


def _check_path(fn: Function, path: tuple[str, ...]) -> None:
    """The first step of ``path`` must be a field of the answer (of its item, for a list)."""
    names = _fields(fn.item_model)
    if not path:
        raise LookupFailed(
            f"${{lookup:{fn.name}…}} names no field of the answer to use: add .FIELD "
            f"(fields: {', '.join(names)})"
        )
    if path[0] not in names:
        raise LookupFailed(
            f"{fn.name} answers no field {path[0]!r} (fields{' of an item' if fn.item else ''}: "
            f"{', '.join(names)})"
        )


def parse_reference(text: str) -> Reference:
    """``getChannel(name=main).id`` (what follows ``lookup:``) checked offline: the function, its
    arguments' names and values, and the field; a mistake is one sentence."""
    match = _REFERENCE.match(text.strip())
    if match is None:
        raise LookupFailed(f"${{lookup:{text}}} is not of the form {FORM}")
    fn = function(match["name"])
    given = _split_args(match["args"] or "", fn.name)
    args = fn.arguments(dict(given))
    path = tuple(p for p in match["path"].split(".") if p)
    _check_path(fn, path)
    return Reference(fn, args, tuple(given), path, text)


def resolve_in_program(reference: Reference) -> str:
    """A ``${lookup:…}`` answered at program time (preview and up) with the provider's configuration,
    each API call once per run; a failure is one sentence naming the query."""
    from .client import VideoKitError

    try:
        return reference.resolve(open_session(program_config()))
    except LookupFailed:
        raise
    except (UserError, VideoKitError) as exc:
        raise LookupFailed(f"{reference.query} could not be answered: {exc}") from None


# ---- the Python functions ----


def _call(function_name: str, /, **kwargs: Any) -> dict[str, Any]:
    given = {k: v for k, v in kwargs.items() if v is not None}
    return open_session(program_config()).invoke(function_name, given)


def get_presets(*, name: str | None = None, creates_download: bool | None = None) -> Presets:
    """The tenant's presets, those matching the arguments (``items[].name``, …)."""
    return Presets.model_validate(_call("getPresets", name=name, creates_download=creates_download))


def get_languages() -> Languages:
    """The languages the tenant supports."""
    return Languages.model_validate(_call("getLanguages"))


def get_file_types() -> FileTypes:
    """The file types the tenant takes, with their extensions."""
    return FileTypes.model_validate(_call("getFileTypes"))


def get_channel(*, id: str | None = None, name: str | None = None) -> ChannelAnswer:
    """One live channel, by id or name."""
    return ChannelAnswer.model_validate(_call("getChannel", id=id, name=name))


def get_asset(*, id: str | None = None, title: str | None = None) -> AssetAnswer:
    """One streaming asset, by id or title."""
    return AssetAnswer.model_validate(_call("getAsset", id=id, title=title))


def get_tenant_status() -> TenantStatus:
    """The configured tenant's status."""
    return TenantStatus.model_validate(_call("getTenantStatus"))


def get_channel_limit() -> ChannelLimit:
    """How many channels the tenant may have."""
    return ChannelLimit.model_validate(_call("getChannelLimit"))
