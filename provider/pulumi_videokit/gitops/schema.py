"""JSON Schema for the YAML declarations, generated from the models."""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ._entries import SECTIONS

SCHEMA_ID = "https://pulumi-videokit.dev/schemas/videokit.schema.json"


def schema() -> dict[str, Any]:
    """The schema of a declaration file."""
    pairs: list[tuple[type[BaseModel], Literal["validation"]]] = [
        (model, "validation") for model in SECTIONS.values()
    ]
    refs, top = models_json_schema(pairs, by_alias=True, ref_template="#/$defs/{model}")
    properties = {
        section: {
            "type": "object",
            "description": f"{model.__doc__.strip().splitlines()[0] if model.__doc__ else section} "
            "Keys are Pulumi resource names.",
            "additionalProperties": refs[(model, "validation")],
        }
        for section, model in SECTIONS.items()
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Cloud Video Kit declarations (pulumi-videokit)",
        "type": "object",
        "additionalProperties": False,
        "properties": properties,
        "$defs": top.get("$defs", {}),
    }


def render() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"
