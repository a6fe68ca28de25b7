"""Judging a request or an answer against one endpoint's contract entry."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

#: RFC 3339 with a required offset; up to 7 fraction digits, as the reference's examples show.
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|z|[+-]\d{2}:\d{2})$")
DATE_TIME_HINT = "a date-time with an offset, such as 2030-01-10T10:00:00Z"
_FORMATS = FormatChecker(formats=())


@_FORMATS.checks("date-time")
def _date_time(value: object) -> bool:
    return not isinstance(value, str) or bool(DATE_TIME.match(value))


@dataclass(frozen=True)
class Problem:
    """One way a request breaks the contract."""

    where: str
    message: str
    unknown_field: bool = False

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


def _where(path: Iterable[Any]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _explain(error: ValidationError) -> list[Problem]:
    where = _where(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "additionalProperties":
        allowed = ", ".join(schema.get("properties", {})) or "none"
        instance: dict[str, Any] = error.instance  # type: ignore[assignment]
        extra = sorted(set(instance) - set(schema.get("properties", {})))
        return [
            Problem(
                _where([*error.absolute_path, name]),
                f"unknown field (allowed here: {allowed})",
                unknown_field=True,
            )
            for name in extra
        ]
    if error.validator == "enum":
        values: list[Any] = error.validator_value  # type: ignore[assignment]
        allowed = ", ".join(str(v) for v in values)
        return [Problem(where, f"{error.instance!r} is not one of {allowed}")]
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else error.message
        return [Problem(_where([*error.absolute_path, missing]), "required field is missing")]
    if error.validator == "type":
        return [Problem(where, f"expected {error.validator_value}, got {type(error.instance).__name__}")]
    if error.validator == "format":
        return [Problem(where, f"{error.instance!r} is not {DATE_TIME_HINT}")]
    if error.validator == "pattern":
        return [Problem(where, f"{error.instance!r} does not match {error.validator_value}")]
    return [Problem(where, error.message)]


def body_problems(entry: Mapping[str, Any], body: Any, *, lenient: bool = False) -> list[Problem]:
    """Every way ``body`` breaks the endpoint's documented body; lenient mode allows unknown fields."""
    schema = entry.get("body")
    if schema is None:
        return []
    if body is None:
        required = schema.get("type") == "array" or bool(schema.get("required"))
        return [Problem("", "request body is required")] if required else []
    validator = Draft202012Validator(schema, format_checker=_FORMATS)
    problems: list[Problem] = []
    for error in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path))):
        problems.extend(_explain(error))
    return [p for p in problems if not (lenient and p.unknown_field)]


def _scalar_problem(name: str, schema: Mapping[str, Any], raw: str) -> Problem | None:
    kind = schema.get("type")
    if kind == "integer" and not re.fullmatch(r"-?\d+", raw):
        return Problem(name, f"{raw!r} is not an integer")
    if kind == "boolean" and raw.lower() not in ("true", "false"):
        return Problem(name, f"{raw!r} is not true or false")
    if schema.get("format") == "date-time" and not DATE_TIME.match(raw):
        return Problem(name, f"{raw!r} is not {DATE_TIME_HINT}")
    if "enum" in schema and raw not in schema["enum"]:
        return Problem(name, f"{raw!r} is not one of {', '.join(schema['enum'])}")
    return None


def query_problems(
    entry: Mapping[str, Any], params: Iterable[tuple[str, str]], *, lenient: bool = False
) -> list[Problem]:
    """Unknown, repeated or mistyped query parameters, read as the reference spells them."""
    documented: Mapping[str, Any] = entry.get("query") or {}
    seen: dict[str, int] = {}
    problems: list[Problem] = []
    for name, raw in params:
        schema = documented.get(name)
        if schema is None:
            if not lenient:
                allowed = ", ".join(documented) or "none"
                problems.append(Problem(name, f"unknown query parameter (allowed: {allowed})", True))
            continue
        seen[name] = seen.get(name, 0) + 1
        if schema.get("type") == "array":
            values = raw.split(",") if schema.get("style") == "csv" else [raw]
            for value in values:
                found = _scalar_problem(name, schema.get("items", {}), value)
                if found:
                    problems.append(found)
            continue
        if seen[name] > 1:
            problems.append(Problem(name, "given more than once"))
        found = _scalar_problem(name, schema, raw)
        if found:
            problems.append(found)
    return problems


def response_problems(entry: Mapping[str, Any], body: Any) -> list[str]:
    """Fields of an answer the reference does not document (lists are read through)."""
    fields: Mapping[str, Any] = entry["response"]["fields"]
    out: list[str] = []

    def walk(value: Any, tree: Mapping[str, Any], where: str) -> None:
        if isinstance(value, list):
            for element in value:
                walk(element, tree, where + "[]")
            return
        if not isinstance(value, dict) or not tree:
            return
        for key, sub in value.items():
            if key in tree:
                walk(sub, tree[key], f"{where}.{key}" if where else key)
            elif "*" in tree:
                walk(sub, tree["*"], f"{where}.{key}" if where else key)
            else:
                out.append(f"{where}.{key}" if where else key)

    walk(body, fields, "")
    return out
