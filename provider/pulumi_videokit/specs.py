"""The resource spec: everything about one kind of object that is not an API call.

A spec says which model validates the user's declaration, its YAML section, which fields a
PATCH changes and which force a replace, which fields the API never returns, which outputs are
secret, which fields make its natural key, what it refers to, and which run states are on air.
``reconcile.kinds.KINDS`` holds one per kind; the diff, the YAML loader, the schemas, both
providers and the tests all read them from there.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import BaseModel

from .models import RequestModel
from .models._base import Fact, fields_with

#: Declared fields that steer the provider and never reach the API.
CONTROL_FIELDS = frozenset({"adopt", "allowInterrupt"})


def declared(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """What the API is to hold: the inputs less the provider's controls, its bookkeeping
    (``__owner``, ``__provider``) and unset values."""
    return {
        k: v
        for k, v in inputs.items()
        if k not in CONTROL_FIELDS and not k.startswith("__") and v is not None
    }


def words(names: Iterable[str]) -> str:
    """Names in a sentence: ``a``, ``a and b``, ``a, b and c``."""
    listed = list(names)
    return listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]


def identity(inputs: Mapping[str, Any]) -> dict[str, Any]:
    return dict(inputs)


@dataclass(frozen=True)
class Wording:
    """What a step does to one object of a kind, in the CI reports' words (a reviewer reads them
    in a pull request). The defaults fit any kind; a kind whose replace or delete means more
    (viewers cut off, a file uploaded again, an asset given back what it had) says so here."""

    #: How a replace comes about, after "so"; empty: "it is" and the order the kind replaces in.
    replaced: str = ""
    #: What a replace does while the object is in one of its ``live_states``.
    live_replaced: str = "it is interrupted until the new one is up"
    #: What a delete does while the object is in one of its ``live_states``.
    live_deleted: str = "it is deleted"
    #: The delete warning's lead, and what follows the object's identity (may be empty).
    deleted: str = "Deletes a live object"
    deleted_detail: str = ""
    #: Of the ``live_states``, those in which the object has run its course (a recording that is
    #: Available): its warnings say it is finished, never that a running one is interrupted.
    finished_states: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ResourceSpec:
    """How one kind of Cloud Video Kit object is managed."""

    kind: str
    section: str
    #: The declaration; its fields carry their facts (``models.Fact``): create-only,
    #: never returned, a state of its own.
    model: type[RequestModel]
    #: The computed outputs, in order; a field marked ``SECRET`` is kept secret.
    outputs_model: type[BaseModel] | None = None
    #: The calls whose bodies the declaration's fields are (``"POST /live/v1/channels"``): the
    #: reference's notes on their fields describe the fields in the schemas.
    endpoints: tuple[str, ...] = ()
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
    #: What a replace and a delete do, in the CI reports.
    wording: Wording = Wording()
    normalize: Callable[[Mapping[str, Any]], dict[str, Any]] = identity

    @property
    def doc(self) -> str:
        """What the kind is, in one sentence: the first paragraph of its model's docstring."""
        return self._paragraphs[0]

    @property
    def notes(self) -> str:
        """What a user should know beyond the fields' facts: the rest of the docstring."""
        return " ".join(self._paragraphs[1:])

    @cached_property
    def _paragraphs(self) -> list[str]:
        text = inspect.cleandoc(self.model.__doc__ or self.kind)
        return [" ".join(p.split()) for p in text.split("\n\n")]

    @cached_property
    def create_only(self) -> frozenset[str]:
        """Fields only a create sets: a change replaces the object."""
        return fields_with(self.model, Fact.CREATE_ONLY)

    @cached_property
    def never_returned(self) -> frozenset[str]:
        """Fields no read returns: kept from the last apply."""
        return fields_with(self.model, Fact.NEVER_RETURNED)

    @cached_property
    def patchable(self) -> frozenset[str]:
        """Fields an update sends in place (PATCH or PUT): every other declared field but the
        provider's controls and the states converged by calls of their own."""
        held = self.create_only | fields_with(self.model, Fact.STATE) | CONTROL_FIELDS
        return frozenset(self.input_names()) - held

    @cached_property
    def outputs(self) -> tuple[str, ...]:
        fields = self.outputs_model.model_fields if self.outputs_model else {}
        return tuple(f.alias or name for name, f in fields.items())

    @cached_property
    def required_outputs(self) -> tuple[str, ...]:
        """Outputs an object always has (the outputs model's fields without a default)."""
        fields = self.outputs_model.model_fields if self.outputs_model else {}
        return tuple(f.alias or name for name, f in fields.items() if f.is_required())

    @cached_property
    def secret_outputs(self) -> tuple[str, ...]:
        held = fields_with(self.outputs_model, Fact.SECRET) if self.outputs_model else frozenset()
        return tuple(name for name in self.outputs if name in held)

    @cached_property
    def output_types(self) -> dict[str, dict[str, Any]]:
        """The JSON Schema of each output, with its description."""
        if self.outputs_model is None:
            return {}
        found = self.outputs_model.model_json_schema(by_alias=True, mode="serialization")["properties"]
        return {
            name: {k: v for k, v in found[name].items() if k not in ("title", "default")}
            for name in self.outputs
        }

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
