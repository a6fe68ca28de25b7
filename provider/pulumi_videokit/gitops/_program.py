"""The Pulumi side of the GitOps loader: checked entries become resources.

Imported on first use of ``declare``, ``from_yaml`` or ``stack_context`` (see ``__init__``), so
``videokit validate`` and :func:`~pulumi_videokit.gitops.load` never import Pulumi.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pulumi

from ..resources import RESOURCES, VideoKitResource
from ._tree import ConfigValue, Context
from .loader import DeclarationError, Document, Entry, load


class DeclarationRunError(DeclarationError, pulumi.RunError):
    """A :class:`DeclarationError` raised inside a Pulumi program: a ``pulumi.RunError`` too, so
    the engine shows the problems without a Python traceback."""


def _options(entry: Entry, declared: dict[str, VideoKitResource]) -> pulumi.ResourceOptions:
    """The entry's Pulumi resource options, with dependsOn's names turned into resources."""
    given = entry.options
    return pulumi.ResourceOptions(
        protect=given.get("protect"),
        retain_on_delete=given.get("retainOnDelete"),
        ignore_changes=given.get("ignoreChanges"),
        depends_on=[declared[name] for name in given.get("dependsOn", [])] or None,
        delete_before_replace=given.get("deleteBeforeReplace"),
        aliases=[_alias(a) for a in given.get("aliases", [])] or None,
        # A value holding a secret config value is a secret output too, so state encrypts it.
        additional_secret_outputs=sorted(entry.secrets) or None,
    )


def _alias(alias: str) -> str | pulumi.Alias:
    """A URN as it is; an earlier name as Pulumi's alias of that name (same type, parent, stack)."""
    return alias if alias.startswith("urn:") else pulumi.Alias(name=alias)


def declare(doc: Document, opts: pulumi.ResourceOptions | None = None) -> dict[str, VideoKitResource]:
    """Declare every entry of a checked document; references (``channel: main``) become the
    referenced object's id, and so dependencies. Values holding a secret stay secrets."""
    declared: dict[str, VideoKitResource] = {}
    for entry in doc.entries:  # in dependency order
        props: dict[str, Any] = dict(entry.props)
        for target, name in entry.refs.items():
            props[target] = declared[name].id
        for key in entry.secrets:
            if key in props:
                props[key] = pulumi.Output.secret(props[key])
        merged = pulumi.ResourceOptions.merge(opts, _options(entry, declared))
        declared[entry.name] = RESOURCES[entry.section].from_props(entry.name, props, merged)
    return declared


def stack_context() -> Context:
    """The running program's stack, project and config, for ``${...}`` and overlays; a
    ``${lookup:…}`` asks the API (with the provider's configuration) once per run."""
    from pulumi.runtime.config import get_config, is_config_secret

    def lookup(key: str) -> ConfigValue | None:
        value = get_config(key)
        if value is None:
            return None
        return ConfigValue(str(value), bool(is_config_secret(key)))

    from ..lookups import resolve_in_program

    return Context(
        stack=pulumi.get_stack(), project=pulumi.get_project(), config=lookup, lookup=resolve_in_program
    )


def from_yaml(*paths: str | Path, opts: pulumi.ResourceOptions | None = None) -> dict[str, VideoKitResource]:
    """Declare every resource of the YAML files and directories given, and return them by name.

    Directories are read recursively (``*.yaml``, ``*.yml``, sorted). ``NAME.<stack>.yaml`` is
    merged over ``NAME.yaml`` on stack ``<stack>``; ``${stack}``, ``${project}``,
    ``${config:NAME}`` and ``${env:NAME}`` are resolved. Raises :class:`DeclarationRunError` (a
    :class:`DeclarationError` and a ``pulumi.RunError``) listing every problem (file:line:col)
    before anything is declared.
    """
    try:
        doc = load(*(paths or (".",)), context=stack_context())
    except DeclarationError as exc:
        raise DeclarationRunError(exc.problems) from None
    for warning in doc.warnings:
        pulumi.log.warn(str(warning))
    return declare(doc, opts)
