"""The Pulumi package schema of the ``videokit`` plugin, generated from the kinds' registry.

Every closed set of values is an enum type, named as the models name it; every property has a
description, from its model or else from the reference's note on the field of the calls its kind
makes (``ResourceSpec.endpoints``, read from the contract); outputs an object always has are
``required``; fields marked ``SECRET`` are secret wherever they appear.
"""

from __future__ import annotations

import json
import typing
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from pydantic import BaseModel

from .. import lookups
from .._version import __version__
from ..contract import endpoints
from ..models import _base, core, live, streaming
from ..models._base import Fact
from ..reconcile.kinds import KINDS, Kind
from ..reconcile.service import CONFIG_KEYS
from ..specs import ResourceSpec

PACKAGE = "videokit"
TOKEN = f"{PACKAGE}:index:"
REPOSITORY = "https://github.com/videokit/pulumi-videokit"
#: Config settings that are secrets.
SECRET_CONFIG = frozenset({"apiKey"})
#: Each language's package: names that do not clash with this repository's own Python package.
LANGUAGE = {
    "nodejs": {
        "packageName": "@videokit/pulumi",
        "packageDescription": "Cloud Video Kit as code: live channels, events, allowed domains, API keys and "
        "asset settings.",
        "dependencies": {"@pulumi/pulumi": "^3.142.0"},
        "respectSchemaVersion": True,
    },
    "go": {
        "importBasePath": "github.com/videokit/pulumi-videokit/sdk/go/videokit",
        "generateResourceContainerTypes": True,
        "respectSchemaVersion": True,
    },
    "python": {
        "packageName": "pulumi_videokit_sdk",
        "pyproject": {"enabled": True},
        "respectSchemaVersion": True,
    },
    "csharp": {"rootNamespace": "VideoKit", "packageReferences": {"Pulumi": "3.*"}},
}


def _enum_names() -> dict[tuple[str, ...], str]:
    """The closed sets the models name (``Redundancy = Literal[...]``), by their values."""
    found: dict[tuple[str, ...], str] = {}
    for module in (live, streaming, core, _base):
        for name, value in vars(module).items():
            if typing.get_origin(value) is typing.Literal and not name.startswith("_"):
                found.setdefault(tuple(str(v) for v in typing.get_args(value)), name)
    return found


def _notes(spec: ResourceSpec) -> dict[str, str]:
    """The reference's note on each field of the kind's calls, by dotted path (``input.type``)."""
    found: dict[str, str] = {}

    def walk(node: Mapping[str, Any], path: str) -> None:
        for name, sub in node.get("properties", {}).items():
            here = f"{path}{name}"
            if sub.get("description"):
                found.setdefault(here, str(sub["description"]))
            walk(sub.get("items", sub), f"{here}.")

    known = endpoints()
    for key in spec.endpoints:
        walk(known[key].get("body") or {}, "")
    return found


class _Builder:
    """One schema: resources, and the object and enum types they share."""

    def __init__(self) -> None:
        self.types: dict[str, Any] = {}
        self.enums = _enum_names()

    def ref(self, name: str) -> dict[str, Any]:
        return {"$ref": f"#/types/{TOKEN}{name}"}

    def enum(self, values: list[Any], fallback: str, description: str) -> dict[str, Any]:
        name = self.enums.get(tuple(str(v) for v in values), fallback)
        self.types.setdefault(
            TOKEN + name,
            {
                "type": "string",
                "description": description or f"One of: {', '.join(map(str, values))}.",
                "enum": [{"value": v, "name": str(v)} for v in values],
            },
        )
        return self.ref(name)

    def of(self, node: Mapping[str, Any], name: str, description: str = "") -> dict[str, Any]:
        """One JSON Schema node (as pydantic writes it) as a Pulumi type spec; ``name`` names an
        enum the models leave unnamed."""
        if "$ref" in node:
            return self.ref(node["$ref"].rsplit("/", 1)[-1])
        if "anyOf" in node:
            kinds = [n for n in node["anyOf"] if n.get("type") != "null"]
            if len(kinds) == 1:
                return self.of(kinds[0], name, description)
            return {"oneOf": [self.of(k, name, description) for k in kinds]}
        if "enum" in node:
            return self.enum(list(node["enum"]), name, description)
        kind = node.get("type", "string")
        if kind == "array":
            return {"type": "array", "items": self.of(node.get("items", {}), name)}
        if kind == "object":
            extra = node.get("additionalProperties")
            return {
                "type": "object",
                "additionalProperties": self.of(extra if isinstance(extra, dict) else {}, name),
            }
        return {"type": kind if kind in ("string", "integer", "number", "boolean") else "string"}

    def properties(
        self, node: Mapping[str, Any], owner: str, notes: Mapping[str, str], path: str, secret: frozenset[str]
    ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, sub in node.get("properties", {}).items():
            description = sub.get("description") or notes.get(path + name, "")
            prop = self.of(sub, owner + name[:1].upper() + name[1:])
            if description:
                prop["description"] = description
            if name in secret:
                prop["secret"] = True
            out[name] = prop
        return out

    def objects(self, model: type[BaseModel], schema: Mapping[str, Any], notes: Mapping[str, str]) -> None:
        """The object types ``schema`` refers to, each described at the path it is first met."""
        defs = schema.get("$defs", {})
        classes = {m.__name__: m for m in _base.models_in(model)}
        paths: dict[str, str] = {}

        def find(node: Mapping[str, Any], path: str) -> None:
            for name, sub in node.get("properties", {}).items():
                for candidate in [sub, *sub.get("anyOf", []), sub.get("items", {})]:
                    items = candidate.get("items", candidate) if isinstance(candidate, dict) else {}
                    ref = items.get("$ref") if isinstance(items, dict) else None
                    if isinstance(ref, str):
                        target = ref.rsplit("/", 1)[-1]
                        if target not in paths:
                            paths[target] = f"{path}{name}."
                            find(defs.get(target, {}), paths[target])

        find(schema, "")
        for name, sub in defs.items():
            secret = _base.fields_with(classes[name], Fact.SECRET) if name in classes else frozenset()
            self.types.setdefault(
                TOKEN + name,
                {
                    "type": "object",
                    "description": sub.get("description", "") or name,
                    "properties": self.properties(sub, name, notes, paths.get(name, ""), secret),
                    "required": list(sub.get("required", [])),
                },
            )

    def resource(self, spec: ResourceSpec) -> dict[str, Any]:
        model = spec.model.model_json_schema(by_alias=True, mode="validation")
        notes = _notes(spec)
        self.objects(spec.model, model, notes)
        inputs = self.properties(model, spec.kind, notes, "", _base.fields_with(spec.model, Fact.SECRET))
        required = list(model.get("required", []))
        for name in spec.never_returned & set(required):
            # The API never returns it: an object imported or adopted by id is declared without it.
            required.remove(name)
            inputs[name]["description"] = (
                inputs[name].get("description", "") + " Required to create; may be left out of an object "
                "imported or adopted by id, which keeps what it has."
            ).strip()
        outputs = dict(inputs)
        for name, node in spec.output_types.items():
            outputs[name] = self.of(node, spec.kind + name[:1].upper() + name[1:])
            if node.get("description"):
                outputs[name]["description"] = node["description"]
            if name in spec.secret_outputs:
                outputs[name]["secret"] = True
        return {
            "description": spec.doc,
            "inputProperties": inputs,
            "requiredInputs": required,
            "properties": outputs,
            "required": sorted({*required, *spec.required_outputs}),
        }

    def lookup(self, fn: lookups.Function) -> dict[str, Any]:
        """One function of the lookups' registry: its arguments and answer, the answer's object
        types named after the function (``GetChannelEndpoint``)."""
        prefix = fn.name[:1].upper() + fn.name[1:]
        out: dict[str, Any] = {"description": fn.description}
        for side, model in (("inputs", fn.args), ("outputs", fn.answer)):
            text = json.dumps(model.model_json_schema(by_alias=True, mode="validation"))
            node = json.loads(text.replace('"#/$defs/', f'"#/$defs/{prefix}'))
            node["$defs"] = {prefix + k: v for k, v in node.get("$defs", {}).items()}
            self.objects(model, node, {})
            properties = self.properties(node, prefix, {}, "", frozenset())
            if side == "inputs" and not properties:
                continue
            out[side] = {
                "type": "object",
                "properties": properties,
                "required": list(node.get("required", [])),
            }
        return out


@cache
def schema() -> dict[str, Any]:
    """The package schema: config, provider, one resource per kind, and their object types."""
    return schema_of(KINDS)


def schema_of(kinds: Iterable[type[Kind]]) -> dict[str, Any]:
    """The package schema of ``kinds``."""
    builder = _Builder()
    resources = {kind.spec.native_token: builder.resource(kind.spec) for kind in kinds}
    functions = {fn.token: builder.lookup(fn) for fn in lookups.FUNCTIONS.values()}
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
        "publisher": "Cloud Video Kit",
        "repository": REPOSITORY,
        # The SDKs are packages of their own: versions written, sdk/go with its go.mod.
        "meta": {"supportPack": True},
        "homepage": REPOSITORY,
        "config": {"variables": variables},
        "provider": {"description": "The Cloud Video Kit tenant to manage.", "inputProperties": variables},
        "resources": resources,
        "functions": functions,
        "types": dict(sorted(builder.types.items())),
        "language": LANGUAGE,
    }


def render() -> str:
    """The schema as committed in ``schemas/pulumi-package.json``."""
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"
