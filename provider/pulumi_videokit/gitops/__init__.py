"""GitOps: declarations in YAML files become Pulumi resources.

Checking files (:func:`load`, :func:`parse`, ``videokit validate``) needs no Pulumi; the names
that make resources (:func:`declare`, :func:`from_yaml`, :func:`stack_context`,
:class:`DeclarationRunError`) import it on first use (PEP 562).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._entries import OPTIONS
from ._tree import ConfigValue, Context
from .loader import DeclarationError, Document, Entry, Problem, load, parse
from .schema import overlay_schema, render, schema

if TYPE_CHECKING:
    from ._program import DeclarationRunError, declare, from_yaml, stack_context

_LAZY = frozenset({"DeclarationRunError", "declare", "from_yaml", "stack_context"})


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module("._program", __name__), name)
    globals()[name] = value
    return value


__all__ = [
    "OPTIONS",
    "ConfigValue",
    "Context",
    "DeclarationError",
    "DeclarationRunError",
    "Document",
    "Entry",
    "Problem",
    "declare",
    "from_yaml",
    "load",
    "overlay_schema",
    "parse",
    "render",
    "schema",
    "stack_context",
]
