"""Compare declared inputs with the last applied ones and decide what must happen."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..protocol import is_unknown
from ..specs import ResourceSpec, declared


@dataclass(frozen=True)
class Plan:
    """What a diff decided."""

    changed: list[str] = field(default_factory=list)
    replaces: list[str] = field(default_factory=list)
    delete_before_replace: bool = False

    @property
    def has_changes(self) -> bool:
        return bool(self.changed)


def comparable(spec: ResourceSpec, inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs as they compare: controls dropped, unset dropped, values normalized."""
    return spec.normalize(declared(inputs))


def changed_fields(spec: ResourceSpec, olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    from deepdiff import DeepDiff  # on first use: `videokit validate` reads the specs, not this

    unknown = {k for k, v in news.items() if is_unknown(v)}
    old = comparable(spec, olds)
    new = comparable(spec, {k: v for k, v in news.items() if k not in unknown})
    settled_old = {k: v for k, v in old.items() if k not in unknown}
    settled_new = {k: v for k, v in new.items() if k not in unknown}
    roots: set[str] = set()
    for path in DeepDiff(settled_old, settled_new, verbose_level=0).affected_root_keys:
        roots.add(str(path))
    return sorted(roots | unknown)


def plan(
    spec: ResourceSpec,
    olds: Mapping[str, Any],
    news: Mapping[str, Any],
    unseen: frozenset[str] = frozenset(),
) -> Plan:
    """Decide update-in-place vs replace; makes no API call.

    ``unseen`` fields were never known (the API does not return them, and the object was
    imported rather than applied): the declared value is taken as it is, not as a change.
    """
    changed = [f for f in changed_fields(spec, olds, news) if f not in unseen]
    replaces = [f for f in changed if f in spec.create_only]
    return Plan(
        changed=changed,
        replaces=replaces,
        delete_before_replace=bool(replaces) and spec.delete_before_replace,
    )


def patch_body(changed: list[str], news: Mapping[str, Any], patchable: frozenset[str]) -> dict[str, Any]:
    """The fields of ``news`` to send in a PATCH: the changed, patchable ones."""
    return {k: news[k] for k in changed if k in patchable and news.get(k) is not None}
