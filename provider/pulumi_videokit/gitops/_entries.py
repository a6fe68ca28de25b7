"""The YAML file's sections and the model each entry is checked against, read from the kinds."""

from __future__ import annotations

from functools import cache
from typing import Any

from pydantic import Field, create_model, model_validator
from pydantic.alias_generators import to_snake

from ..models._base import RequestModel
from ..reconcile.kinds import SPECS
from ..specs import ResourceSpec

ID_PATTERN = r"^[a-zA-Z0-9_-]{1,128}$"

#: Pulumi resource options an entry may carry, with Pulumi's names and meaning: (type, description).
OPTIONS: dict[str, tuple[Any, str]] = {
    "protect": (bool | None, "Pulumi's protect: the engine refuses to delete the object."),
    "retainOnDelete": (
        bool | None,
        "Pulumi's retainOnDelete: a delete (or destroy) drops the object from the stack but leaves it "
        "in the tenant.",
    ),
    "ignoreChanges": (
        list[str] | None,
        "Pulumi's ignoreChanges: input names (or paths such as input.whitelistCidr) whose changes "
        "are ignored.",
    ),
    "dependsOn": (
        list[str] | None,
        "Pulumi's dependsOn: names of other entries (in any section or file) created before this one.",
    ),
    "deleteBeforeReplace": (
        bool | None,
        "Pulumi's deleteBeforeReplace: delete the old object before its replacement is created.",
    ),
    "aliases": (
        list[str] | None,
        "Pulumi's aliases: earlier names of this entry (or full URNs), so renaming it keeps the same "
        "object and changes nothing in the tenant.",
    ),
}


def entry_model(spec: ResourceSpec) -> type[RequestModel]:
    """The spec's model, plus Pulumi's resource options, plus a key for each reference
    (``channel: main``) that may stand in for the id it fills (``channelId``): exactly one of
    the two is given."""
    fields: dict[str, Any] = {
        to_snake(name): (annotation, Field(default=None, description=doc))
        for name, (annotation, doc) in OPTIONS.items()
    }
    validators: dict[str, Any] = {}
    for key, (target, section) in spec.references.items():
        fields[to_snake(key)] = (
            str | None,
            Field(default=None, description=f"An entry of {section} in these files; fills {target}."),
        )
        fields[to_snake(target)] = (str | None, Field(default=None, pattern=ID_PATTERN))

    if spec.references:

        def one_of_each(self: RequestModel) -> RequestModel:
            for key, (target, section) in spec.references.items():
                given = [
                    getattr(self, to_snake(key)) is not None,
                    getattr(self, to_snake(target)) is not None,
                ]
                if given.count(True) != 1:
                    raise ValueError(f"give exactly one of {key} (an entry of {section}) or {target}")
            return self

        validators["_one_of_each"] = model_validator(mode="after")(one_of_each)
    model = create_model(
        f"{spec.kind}Entry",
        __base__=spec.model,
        __doc__=spec.model.__doc__,
        __validators__=validators,
        **fields,
    )
    return model  # type: ignore[return-value]


@cache
def entry_of(section: str) -> type[RequestModel]:
    """The entry model of ``section``, made on first use: a file pays only for what it declares."""
    return entry_model(SPECS[section])
