"""The YAML file's sections and the model each entry is checked against, read from the kinds."""

from __future__ import annotations

from typing import Any

from pydantic import Field, create_model, model_validator
from pydantic.alias_generators import to_snake

from ..models._base import RequestModel
from ..reconcile.kinds import KINDS
from ..specs import ResourceSpec

ID_PATTERN = r"^[a-zA-Z0-9_-]{1,128}$"


def entry_model(spec: ResourceSpec) -> type[RequestModel]:
    """The spec's model, plus a key for each reference (``channel: main``) that may stand in for
    the id it fills (``channelId``): exactly one of the two is given."""
    if not spec.references:
        return spec.model
    fields: dict[str, Any] = {}
    for key, (target, section) in spec.references.items():
        fields[to_snake(key)] = (
            str | None,
            Field(default=None, description=f"An entry of {section} in these files; fills {target}."),
        )
        fields[to_snake(target)] = (str | None, Field(default=None, pattern=ID_PATTERN))

    def one_of_each(self: RequestModel) -> RequestModel:
        for key, (target, section) in spec.references.items():
            given = [getattr(self, to_snake(key)) is not None, getattr(self, to_snake(target)) is not None]
            if given.count(True) != 1:
                raise ValueError(f"give exactly one of {key} (an entry of {section}) or {target}")
        return self

    validators: dict[str, Any] = {"_one_of_each": model_validator(mode="after")(one_of_each)}
    model = create_model(
        f"{spec.kind}Entry",
        __base__=spec.model,
        __doc__=spec.model.__doc__,
        __validators__=validators,
        **fields,
    )
    return model  # type: ignore[return-value]


#: Each section's entry model, in declaration order.
SECTIONS: dict[str, type[RequestModel]] = {k.spec.section: entry_model(k.spec) for k in KINDS}
#: Each section's references: YAML key → (input it fills, section it names).
REFERENCES: dict[str, dict[str, tuple[str, str]]] = {k.spec.section: dict(k.spec.references) for k in KINDS}
