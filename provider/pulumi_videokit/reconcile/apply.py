"""Act on a decision: create (adopting where asked or where a create's answer was lost),
read, update and delete, each tolerant of the API's failure modes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..client import NotFoundError, OutcomeUnknownError, RetryBudgetExceededError
from .diff import Plan
from .observe import merge_observed

if TYPE_CHECKING:
    from ..resources._kind import Kind


class AdoptionError(Exception):
    """The object to adopt could not be found, or was not unique."""


def _one(kind: Kind, inputs: Mapping[str, Any], ids: list[str]) -> str | None:
    if len(ids) > 1:
        raise AdoptionError(
            f"{len(ids)} existing {kind.spec.kind} objects share the {kind.spec.natural_key} "
            f"of this declaration ({', '.join(ids)}); adopt one by id instead"
        )
    return ids[0] if ids else None


def _lost_answer(exc: BaseException) -> bool:
    if isinstance(exc, OutcomeUnknownError):
        return True
    return isinstance(exc, RetryBudgetExceededError) and isinstance(exc.last, OutcomeUnknownError)


def create(kind: Kind, inputs: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """Create, or take over what ``adopt`` names, or recover a create whose answer was lost."""
    adopt = inputs.get("adopt")
    if adopt:
        if isinstance(adopt, str) and adopt.lower() != "true":
            if kind.observe(adopt, inputs) is None:
                raise AdoptionError(f"cannot adopt {kind.spec.kind} {adopt!r}: it does not exist")
            return adopt, kind.adopted(adopt, inputs)
        found = _one(kind, inputs, kind.find(inputs))
        if found:
            return found, kind.adopted(found, inputs)
    try:
        return kind.create(inputs)
    except Exception as exc:
        if not _lost_answer(exc):
            raise
        found = _one(kind, inputs, kind.find(inputs))
        if found:
            return found, kind.adopted(found, inputs)
        return kind.create(inputs)


def read(
    kind: Kind, object_id: str, state: Mapping[str, Any]
) -> tuple[str | None, dict[str, Any], dict[str, Any]]:
    """Refresh: the id (None when gone), the outputs and the inputs to record."""
    last = {k: state[k] for k in kind.spec.input_names() if k in state}
    seen = kind.observe(object_id, last)
    if seen is None:
        return None, {}, {}
    inputs = merge_observed(kind.spec, last, seen.inputs)
    outputs = {**state, **inputs, **seen.outputs}
    for name in kind.spec.secret_outputs:
        if name in state and name not in seen.outputs:
            outputs[name] = state[name]
    return object_id, outputs, inputs


def update(
    kind: Kind, object_id: str, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan
) -> dict[str, Any]:
    return kind.update(object_id, olds, news, plan)


def delete(kind: Kind, object_id: str, state: Mapping[str, Any]) -> None:
    """Delete; an object already gone counts as deleted."""
    try:
        kind.delete(object_id, state)
    except NotFoundError:
        return
