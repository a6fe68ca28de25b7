"""JSON Schema for the YAML declarations, generated from the models."""

from __future__ import annotations

import copy
import json
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ..reconcile.kinds import SECTIONS, SPECS
from ._entries import entry_of

SCHEMA_ID = "https://pulumi-videokit.dev/schemas/videokit.schema.json"
OVERLAY_SCHEMA_ID = "https://pulumi-videokit.dev/schemas/videokit.overlay.schema.json"

ALLOW_ENV = {
    "type": "array",
    "items": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"},
    "description": "Environment variables this file (and its overlays) may read with ${env:NAME}.",
}


def _adopted_may_omit(definition: dict[str, Any], fields: set[str]) -> None:
    """A required field the API never returns may be left out of an entry adopted by id."""
    required = definition.get("required", [])
    omit = [f for f in required if f in fields]
    if not omit:
        return
    definition["required"] = [f for f in required if f not in omit]
    if not definition["required"]:
        del definition["required"]
    definition.setdefault("allOf", []).append(
        {
            "if": {
                "not": {
                    "required": ["adopt"],
                    "properties": {"adopt": {"type": "string", "not": {"pattern": "^[Tt][Rr][Uu][Ee]$"}}},
                }
            },
            "then": {"required": omit},
        }
    )


def schema() -> dict[str, Any]:
    """The schema of a declaration file."""
    models = {section: entry_of(section) for section in SECTIONS}
    pairs: list[tuple[type[BaseModel], Literal["validation"]]] = [
        (model, "validation") for model in models.values()
    ]
    refs, top = models_json_schema(pairs, by_alias=True, ref_template="#/$defs/{model}")
    defs: dict[str, Any] = top.get("$defs", {})
    properties: dict[str, Any] = {
        section: {
            "type": "object",
            "description": f"{model.__doc__.strip().splitlines()[0] if model.__doc__ else section} "
            "Keys are Pulumi resource names.",
            "additionalProperties": refs[(model, "validation")],
        }
        for section, model in models.items()
    }
    for section, model in models.items():
        _adopted_may_omit(defs[model.__name__], set(SPECS[section].never_returned))
    properties["allowEnv"] = ALLOW_ENV
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Cloud Video Kit declarations (pulumi-videokit)",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "$defs": defs,
    }


def _loosen(node: Any) -> Any:
    """Every field optional and nullable (null removes it), constraints between fields dropped."""
    if isinstance(node, dict):
        out = {k: _loosen(v) for k, v in node.items() if k not in ("required", "allOf")}
        if "properties" in out:
            out["properties"] = {k: {"anyOf": [v, {"type": "null"}]} for k, v in out["properties"].items()}
        if "additionalProperties" in out and isinstance(out["additionalProperties"], dict):
            out["additionalProperties"] = {"anyOf": [out["additionalProperties"], {"type": "null"}]}
        return out
    if isinstance(node, list):
        return [_loosen(v) for v in node]
    return node


def overlay_schema() -> dict[str, Any]:
    """The schema of an overlay (``NAME.<stack>.yaml``): the same fields, none required, any
    of them ``null`` to remove it."""
    base = copy.deepcopy(schema())
    loose = _loosen(base)
    loose["$id"] = OVERLAY_SCHEMA_ID
    loose["title"] = "Cloud Video Kit overlay for one stack (pulumi-videokit)"
    return dict(loose)


def render(overlay: bool = False) -> str:
    return json.dumps(overlay_schema() if overlay else schema(), indent=2, sort_keys=True) + "\n"
