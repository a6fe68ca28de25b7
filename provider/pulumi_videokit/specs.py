"""The resource spec: everything about one kind of object that is not an API call.

A spec says which model validates the user's declaration, its YAML section, which fields a
PATCH changes and which force a replace, which fields the API never returns, which outputs are
secret, which fields make its natural key, what it refers to, and which run states are on air.
``reconcile.kinds.KINDS`` holds one per kind; the diff, the YAML loader, the schemas, both
providers and the tests all read them from there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .models import RequestModel

#: Declared fields that steer the provider and never reach the API.
CONTROL_FIELDS = frozenset({"adopt", "allowInterrupt"})


def words(names: Iterable[str]) -> str:
    """Names in a sentence: ``a``, ``a and b``, ``a, b and c``."""
    listed = list(names)
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]


def identity(inputs: Mapping[str, Any]) -> dict[str, Any]:
    return dict(inputs)


@dataclass(frozen=True)
class ResourceSpec:
    """How one kind of Cloud Video Kit object is managed."""

    kind: str
    section: str
    model: type[RequestModel]
    create_only: frozenset[str]
    #: Fields an update sends in place (PATCH or PUT).
    patchable: frozenset[str] = frozenset()
    never_returned: frozenset[str] = frozenset()
    outputs: tuple[str, ...] = ()
    #: JSON Schema of each output that is not a string.
    output_types: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    secret_outputs: tuple[str, ...] = ()
    #: The fields that recognise an existing object, for ``adopt: true`` and lost creates.
    natural_key: tuple[str, ...] = ()
    #: Whether the API allows one object per natural key (it answers a second create with 409).
    unique_key: bool = False
    #: A YAML key that names another declaration, the input it fills with that object's id,
    #: and the section it names it in: ``{"channel": ("channelId", "channels")}``.
    references: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    #: Run states in which a change that stops or replaces the object interrupts viewers.
    live_states: frozenset[str] = frozenset()
    #: What else a replace changes with the id, for reviewers (``ingest and playback URLs``).
    replace_changes: str = ""
    delete_before_replace: bool = False
    normalize: Callable[[Mapping[str, Any]], dict[str, Any]] = identity
    doc: str = ""
    field_docs: Mapping[str, str] = field(default_factory=dict)

    @property
    def type_token(self) -> str:
        """The dynamic providers' type token, as existing stacks record it."""
        return f"pulumi-python:dynamic/videokit:{self.kind}"

    @property
    def native_token(self) -> str:
        """The native plugin's type token."""
        return f"videokit:index:{self.kind}"

    @property
    def natural_key_text(self) -> str:
        """The natural key in words, for messages: ``channelId, start and title``."""
        return words(self.natural_key)

    def input_names(self) -> list[str]:
        return [f.alias or name for name, f in self.model.model_fields.items()]
