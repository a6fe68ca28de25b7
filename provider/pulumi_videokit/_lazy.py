"""Module attributes imported on first use, so that importing a package stays cheap."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def attributes(
    namespace: dict[str, Any], table: Mapping[str, str], classes: str | None = None
) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``name`` from ``table[name]`` (relative to the module
    whose ``namespace`` it is) on first use, and keeps it there; a capitalized name not in the
    table is looked for in ``classes``."""

    def __getattr__(name: str) -> Any:
        where = table.get(name) or (classes if classes and name[:1].isupper() else None)
        found = import_module(where, namespace["__name__"]) if where else None
        if found is None or not hasattr(found, name):
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        value = getattr(found, name)
        namespace[name] = value
        return value

    return __getattr__
