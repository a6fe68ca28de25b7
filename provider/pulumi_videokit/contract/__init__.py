"""The API contract, generated from the vendor's reference by ``scripts/make_contract.py``.

It knows nothing of the client or its models: it is what the emulator judges requests and
answers by.  ``contract.json`` holds, for each documented method+path, the query parameters as
spelled, the body as JSON Schema, the documented response fields, and each choice made where
the reference contradicts itself, with the reference line it rests on.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from ._judge import Problem, body_problems, query_problems, response_problems

__all__ = [
    "Problem",
    "body_problems",
    "endpoint",
    "endpoints",
    "load",
    "query_problems",
    "response_problems",
]


@cache
def load() -> dict[str, Any]:
    """The whole contract."""
    text = resources.files(__package__).joinpath("contract.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def endpoints() -> dict[str, dict[str, Any]]:
    """Every documented endpoint, keyed ``"METHOD /path/{param}"``."""
    found: dict[str, dict[str, Any]] = load()["endpoints"]
    return found


def endpoint(method: str, path: str) -> dict[str, Any]:
    """One endpoint's entry; ``KeyError`` for a pair the reference does not document."""
    return endpoints()[f"{method.upper()} {path}"]
