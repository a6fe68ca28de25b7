"""The resource table: one declarative spec per kind of object the provider manages.

A spec says which model validates the user's declaration, which fields force a
replace, which fields the API never returns, which outputs are secret, and how an
object is recognised by its natural key.  The diff, the YAML loader, the schema and
the tests all read it from here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .models import RequestModel

#: Declared fields that steer the provider and never reach the API.
CONTROL_FIELDS = frozenset({"adopt", "allowInterrupt"})


def identity(inputs: Mapping[str, Any]) -> dict[str, Any]:
    return dict(inputs)


@dataclass(frozen=True)
class ResourceSpec:
    """How one kind of Cloud Video Kit object is managed."""

    kind: str
    section: str
    model: type[RequestModel]
    create_only: frozenset[str]
    never_returned: frozenset[str] = frozenset()
    outputs: tuple[str, ...] = ()
    secret_outputs: tuple[str, ...] = ()
    natural_key: str = ""
    delete_before_replace: bool = False
    normalize: Callable[[Mapping[str, Any]], dict[str, Any]] = identity
    doc: str = ""
    field_docs: Mapping[str, str] = field(default_factory=dict)

    @property
    def type_token(self) -> str:
        return f"pulumi-python:dynamic/videokit:{self.kind}"

    def input_names(self) -> list[str]:
        return [f.alias or name for name, f in self.model.model_fields.items()]
