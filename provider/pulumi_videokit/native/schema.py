"""The Pulumi package schema of the ``videokit`` plugin, generated from the kinds' registry."""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

from .._version import __version__
from ..reconcile.kinds import KINDS, Kind
from ..reconcile.service import CONFIG_KEYS

PACKAGE = "videokit"
TOKEN = f"{PACKAGE}:index:"
#: Config settings that are secrets.
SECRET_CONFIG = frozenset({"apiKey"})
#: Declared fields that carry key material wherever they appear.
SECRET_FIELDS = frozenset({"streamKey"})


def _ref(name: str) -> str:
    return f"#/types/{TOKEN}{name}"


def _type(node: dict[str, Any]) -> dict[str, Any]:
    """One JSON Schema node (as pydantic writes it) as a Pulumi type spec."""
    if "$ref" in node:
        return {"$ref": _ref(node["$ref"].rsplit("/", 1)[-1])}
    if "anyOf" in node:
        kinds = [n for n in node["anyOf"] if n.get("type") != "null"]
        if len(kinds) == 1:
            return _type(kinds[0])
        return {"oneOf": [_type(k) for k in kinds]}
    kind = node.get("type", "string")
    if kind == "array":
        return {"type": "array", "items": _type(node.get("items", {}))}
    if kind == "object":
        extra = node.get("additionalProperties")
        return {"type": "object", "additionalProperties": _type(extra if isinstance(extra, dict) else {})}
    if "enum" in node:
        return {"type": "string"}
    return {"type": kind if kind in ("string", "integer", "number", "boolean") else "string"}


def _property(node: dict[str, Any]) -> dict[str, Any]:
    out = _type(node)
    text = node.get("description", "")
    values = next((n["enum"] for n in [node, *node.get("anyOf", [])] if "enum" in n), None)
    if values:
        text = f"{text} One of: {', '.join(map(str, values))}.".strip()
    if text:
        out["description"] = text
    return out


def _object(node: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    props = {name: _property(sub) for name, sub in node.get("properties", {}).items()}
    for name in SECRET_FIELDS & set(props):
        props[name]["secret"] = True
    return props, list(node.get("required", []))


@cache
def schema() -> dict[str, Any]:
    """The package schema: config, provider, one resource per kind, and their object types."""
    return schema_of(KINDS)


def schema_of(kinds: Iterable[type[Kind]]) -> dict[str, Any]:
    """The package schema of ``kinds``."""
    types: dict[str, Any] = {}
    resources: dict[str, Any] = {}
    for kind in kinds:
        spec = kind.spec
        model = spec.model.model_json_schema(by_alias=True, mode="validation")
        for name, sub in model.get("$defs", {}).items():
            props, required = _object(sub)
            types[TOKEN + name] = {
                "type": "object",
                "description": sub.get("description", ""),
                "properties": props,
                "required": required,
            }
        inputs, required = _object(model)
        for name in spec.never_returned & set(required):
            # The API never returns it: an object imported or adopted by id is declared without it.
            required.remove(name)
            inputs[name]["description"] = (
                inputs[name].get("description", "") + " Required to create; may be left out of an object "
                "imported or adopted by id, which keeps what it has."
            ).strip()
        outputs = dict(inputs)
        for name in spec.outputs:
            outputs[name] = _type(dict(spec.output_types.get(name, {"type": "string"})))
            if name in spec.secret_outputs:
                outputs[name]["secret"] = True
        resources[spec.native_token] = {
            "description": spec.doc,
            "inputProperties": inputs,
            "requiredInputs": required,
            "properties": outputs,
        }
    variables = {
        key.split(":", 1)[1]: {
            "type": "string",
            "description": f"Also read from {env}.",
            **({"secret": True} if key.split(":", 1)[1] in SECRET_CONFIG else {}),
        }
        for key, env in CONFIG_KEYS.values()
    }
    return {
        "name": PACKAGE,
        "displayName": "Cloud Video Kit",
        "version": __version__,
        "description": "Live channels, scheduled events, player allowed domains, API keys and "
        "streaming-asset settings of a Cloud Video Kit tenant.",
        "keywords": ["pulumi", "videokit", "video", "streaming", "category/media"],
        "license": "Apache-2.0",
        "config": {"variables": variables},
        "provider": {"description": "The Cloud Video Kit tenant to manage.", "inputProperties": variables},
        "resources": resources,
        "types": types,
    }


def render() -> str:
    """The schema as committed in ``schemas/pulumi-package.json``."""
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"
