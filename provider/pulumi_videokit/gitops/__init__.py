"""GitOps: declarations in YAML files become Pulumi resources."""

from __future__ import annotations

from pathlib import Path

import pulumi

from ..resources import RESOURCES, VideoKitResource
from ._entries import SECTIONS
from .loader import DeclarationError, Document, Problem, load, parse
from .schema import render, schema

#: Sections in the order they are declared: a section after those it refers to.
ORDER = tuple(SECTIONS)


def declare(doc: Document, opts: pulumi.ResourceOptions | None = None) -> dict[str, VideoKitResource]:
    """Declare every entry of a checked document; references (``channel: main``) become the
    referenced object's id, and so dependencies."""
    declared: dict[str, VideoKitResource] = {}
    for section in ORDER:
        for entry in (e for e in doc.entries if e.section == section):
            props = dict(entry.props)
            for target, name in entry.refs.items():
                props[target] = declared[name].id
            declared[entry.name] = RESOURCES[section].from_props(entry.name, props, opts)
    return declared


def from_yaml(path: str | Path, opts: pulumi.ResourceOptions | None = None) -> dict[str, VideoKitResource]:
    """Declare every resource of a YAML file and return them by name.

    Raises :class:`DeclarationError` listing every problem (file:line:col) before
    anything is declared.
    """
    return declare(load(path), opts)


__all__ = [
    "DeclarationError",
    "Document",
    "Problem",
    "declare",
    "from_yaml",
    "load",
    "parse",
    "render",
    "schema",
]
