"""Property values between the engine's ``Struct`` and plain Python, secrets kept apart.

A secret arrives as ``{SIG: SECRET, "value": …}``; it is unwrapped for the core, and the names
of the top-level properties that held one are kept, so the answer wraps them again.  A value
not known yet (preview) arrives as the ``UNKNOWN`` string and stays that string.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from google.protobuf import json_format, struct_pb2

from ..protocol import SECRET_SIG as SECRET
from ..protocol import SIG


def _plain(value: Any) -> tuple[Any, bool]:
    """``value`` without secret wrappers, and whether it held a secret anywhere."""
    if isinstance(value, dict):
        if value.get(SIG) == SECRET:
            inner, _ = _plain(value.get("value"))
            return inner, True
        out, secret = {}, False
        for key, item in value.items():
            out[key], held = _plain(item)
            secret = secret or held
        return out, secret
    if isinstance(value, list):
        items = [_plain(v) for v in value]
        return [v for v, _ in items], any(s for _, s in items)
    if isinstance(value, float) and value.is_integer():
        return int(value), False  # Struct carries every number as a double
    return value, False


def decode(struct: struct_pb2.Struct) -> tuple[dict[str, Any], set[str]]:
    """Plain values, and the names of the properties that were secret."""
    raw = json_format.MessageToDict(struct)
    values: dict[str, Any] = {}
    secret: set[str] = set()
    for key, value in raw.items():
        values[key], held = _plain(value)
        if held:
            secret.add(key)
    return values, secret


def _hidden(value: Any, fields: frozenset[str]) -> Any:
    """``value`` with every field named in ``fields``, at any depth, wrapped as a secret."""
    if isinstance(value, dict) and value.get(SIG) != SECRET:
        return {
            k: {SIG: SECRET, "value": v} if k in fields and v is not None else _hidden(v, fields)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_hidden(v, fields) for v in value]
    return value


def encode(
    values: Mapping[str, Any], secret: Iterable[str] = (), fields: frozenset[str] = frozenset()
) -> struct_pb2.Struct:
    """A ``Struct`` of ``values``, the ``secret`` ones wrapped as secrets, and within the others
    every field named in ``fields`` (key material wherever it appears); ``None`` left out."""
    hidden = set(secret)
    out: dict[str, Any] = {}
    for key, value in values.items():
        if value is None:
            continue
        out[key] = {SIG: SECRET, "value": value} if key in hidden else _hidden(value, fields)
    struct = struct_pb2.Struct()
    json_format.ParseDict(out, struct)
    return struct
