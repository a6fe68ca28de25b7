"""The kinds of object the provider manages: one module each, registered in one table.

Every door (the dynamic providers, the native plugin, the YAML loader, export, the CI reports,
the schemas and the tests) reads the kinds from ``KINDS``.  Adding a kind means its models (the
declaration, with each field's facts on it, and the outputs), one module here and a line in this
table; ``make generate`` then writes its typed Python class, the package's names, the schemas and
the README's row, and ``make sdk`` the typed SDKs (``tests/test_new_kind.py`` adds one to a copy of
the package and finds it everywhere).  An API object the client does not call yet also needs its
calls in ``client/`` and its routes in the emulator.
"""

from __future__ import annotations

from ...models._base import Fact, fields_with, models_in
from ...specs import ResourceSpec
from ._base import Exported, Kind, Observed, OnCreated, Scope, Settings, after, slug
from .allowed_domain import AllowedDomainKind
from .api_key import ApiKeyKind
from .asset_details import AssetDetailsKind
from .asset_settings import AssetSettingsKind
from .channel import ChannelKind
from .event import EventKind
from .recording import RecordingKind
from .vod_asset import VodAssetKind

#: In the order a file declares them: a kind comes after the kinds it refers to.
KINDS: tuple[type[Kind], ...] = (
    ChannelKind,
    EventKind,
    AllowedDomainKind,
    ApiKeyKind,
    AssetSettingsKind,
    VodAssetKind,
    AssetDetailsKind,
    RecordingKind,
)
#: The YAML sections, in the same order.
SECTIONS: tuple[str, ...] = tuple(k.spec.section for k in KINDS)
#: Each kind's spec by its YAML section.
SPECS: dict[str, ResourceSpec] = {k.spec.section: k.spec for k in KINDS}
#: Fields that hold key material wherever they appear in a declaration (``streamKey``).
SECRET_FIELDS: frozenset[str] = frozenset(
    name for k in KINDS for model in models_in(k.spec.model) for name in fields_with(model, Fact.SECRET)
)


def kind_named(name: str) -> type[Kind]:
    """The kind called ``name`` (``Channel``); ``KeyError`` for an unknown one."""
    return {k.spec.kind: k for k in KINDS}[name]


def kind_of_section(section: str) -> type[Kind]:
    """The kind a YAML section (``channels``) declares."""
    return {k.spec.section: k for k in KINDS}[section]


__all__ = [
    "KINDS",
    "SECRET_FIELDS",
    "SECTIONS",
    "SPECS",
    "AllowedDomainKind",
    "ApiKeyKind",
    "AssetDetailsKind",
    "AssetSettingsKind",
    "ChannelKind",
    "EventKind",
    "Exported",
    "Kind",
    "Observed",
    "OnCreated",
    "RecordingKind",
    "Scope",
    "Settings",
    "VodAssetKind",
    "after",
    "kind_named",
    "kind_of_section",
    "slug",
]
