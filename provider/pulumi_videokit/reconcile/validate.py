"""Turn pydantic's verdict on a declaration into one actionable line per bad property."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic.alias_generators import to_camel

from ..protocol import is_unknown as _unknown
from ..specs import ResourceSpec

_TYPES = {
    "int_type": "an integer",
    "float_type": "a number",
    "bool_type": "true or false",
    "string_type": "a string",
}


def _given(value: Any, secret: bool = False) -> str:
    """How a YAML value of the wrong type reads: ``the string '30'``, ``true`` (never the value of
    a secret field)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return "a string" if secret else f"the string {value!r}"
    if isinstance(value, (int, float)):
        return "a number" if secret else f"the number {value!r}"
    return f"a {'list' if isinstance(value, list) else 'mapping' if isinstance(value, dict) else 'value'}"


def _unquoted(kind: str, text: str) -> bool:
    """Whether ``text`` without its quotes is a value of the wanted type."""
    if kind == "bool_type":
        return text in ("true", "false")
    try:
        float(text) if kind == "float_type" else int(text)
    except ValueError:
        return False
    return True


def _secret(loc: Sequence[Any]) -> bool:
    from .kinds import SECRET_FIELDS  # the kinds import this module

    return any(str(part) in SECRET_FIELDS for part in loc)


def describe(error: Mapping[str, Any]) -> str:
    """A person-readable reason, with the allowed values where pydantic knows them; the value of
    a secret field (``streamKey``) is never repeated."""
    secret = _secret(error.get("loc") or ())
    message = str(error["msg"])
    ctx = error.get("ctx") or {}
    if error["type"] in _TYPES:
        text = f"must be {_TYPES[error['type']]}, not {_given(error.get('input'), secret)}"
        given = error.get("input")
        if error["type"] == "string_type" and isinstance(given, (int, float)):
            text += " (quote it)" if secret else f" (quote it: '{given}')"
        elif isinstance(given, str) and _unquoted(error["type"], given):
            text += " (write it without quotes)"
        return text
    if error["type"] == "literal_error" and "expected" in ctx:
        allowed = ctx["expected"].replace(" or ", ", ")
        given = "the value" if secret else repr(error.get("input"))
        return f"{given} is not allowed (allowed: {allowed})"
    if error["type"] == "extra_forbidden":
        name = str(error["loc"][-1]) if error["loc"] else ""
        if "_" in name.strip("_"):
            return f"is not a known field; the API spells it {to_camel(name)}"
        return "is not a known field"
    if error["type"] == "missing":
        return "is required"
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    for prefix in ("Input should", "String should", "List should", "Value should"):
        message = message.replace(prefix, "must")
    return message


def adopted_by_id(inputs: Mapping[str, Any]) -> bool:
    """Whether ``adopt`` names an existing object's id (not ``true``)."""
    adopt = inputs.get("adopt")
    return isinstance(adopt, str) and adopt.lower() != "true"


def may_omit(
    spec: ResourceSpec, inputs: Mapping[str, Any], field: str, olds: Mapping[str, Any] | None = None
) -> bool:
    """A required field the API never returns (a channel's ``input``) may be left out of an
    object adopted by id, as ``videokit export`` writes it, or of one imported or adopted
    before whose stack never applied the field (``olds`` lack it): the object keeps what it
    has, and nothing is sent for the field until it is declared."""
    if field not in spec.never_returned:
        return False
    return adopted_by_id(inputs) or (bool(olds) and field not in (olds or {}))


def _holds_unknown(value: Any) -> bool:
    if _unknown(value):
        return True
    if isinstance(value, Mapping):
        return any(_holds_unknown(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_unknown(v) for v in value)
    return False


def problems(
    spec: ResourceSpec, inputs: Mapping[str, Any], olds: Mapping[str, Any] | None = None
) -> list[tuple[str, str]]:
    """``(property path, reason)`` for every problem; values not known yet are assumed fine.
    ``olds`` are the inputs the stack recorded, for an object it already holds."""
    # A value not known yet anywhere inside a field (an Output in a list) leaves the whole field to
    # be judged when it is known: by the provider's Check.
    unknown = {k for k, v in inputs.items() if _holds_unknown(v)}
    known = {k: v for k, v in inputs.items() if k not in unknown and not k.startswith("__")}
    try:
        spec.model.model_validate(known)
    except ValidationError as exc:
        out = []
        for error in exc.errors():
            loc = [str(p) for p in error["loc"]]
            if loc and loc[0] in unknown:
                continue
            if error["type"] == "missing" and loc and loc[0] in unknown:
                continue
            if error["type"] == "missing" and len(loc) == 1 and may_omit(spec, inputs, loc[0], olds):
                continue
            path = ".".join(loc) if loc else "(declaration)"
            out.append((path, describe(error)))
        return out
    return []
