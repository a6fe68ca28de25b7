"""GitOps: declarations in YAML files become Pulumi resources."""

from __future__ import annotations

from pathlib import Path

import pulumi

from ..resources import RESOURCES, VideoKitResource
from .loader import DeclarationError, Document, Problem, load, parse
from .schema import render, schema

ORDER = ("channels", "events", "domains", "apiKeys", "assetSettings")


def declare(doc: Document, opts: pulumi.ResourceOptions | None = None) -> dict[str, VideoKitResource]:
    """Declare every entry of a checked document; ``channel:`` references become dependencies."""
    declared: dict[str, VideoKitResource] = {}
    for section in ORDER:
        for entry in (e for e in doc.entries if e.section == section):
            props = dict(entry.props)
            if entry.channel_ref is not None:
                props["channelId"] = declared[entry.channel_ref].id
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
