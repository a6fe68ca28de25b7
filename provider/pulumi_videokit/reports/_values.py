"""Values as a reviewer reads them: changes by path, secrets masked, and each kind's facts."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from ..protocol import SECRET_SIG, SIG, UNKNOWN
from ..specs import Wording

if TYPE_CHECKING:
    from ..reconcile.kinds import Kind
from ._read import CELL_CHARS, MISSING, SECRET, Change, Step


def is_secret(value: Any) -> bool:
    return value == SECRET or (isinstance(value, Mapping) and value.get(SIG) == SECRET_SIG)


@cache
def _key_material() -> frozenset[str]:
    from ..reconcile.kinds import SECRET_FIELDS

    return SECRET_FIELDS


def masked(value: Any) -> Any:
    """The value with every secret replaced by ``[secret]``, and every field that holds key
    material (``streamKey``) too, whether or not the engine knew it for a secret."""
    if is_secret(value):
        return SECRET
    if isinstance(value, Mapping):
        hidden = _key_material()
        return {str(k): SECRET if k in hidden and v is not None else masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


def changes(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = "") -> list[Change]:
    """Every leaf that differs, by path (``input.inputLoss.color``, ``qualities[0].frameRate``)."""
    found: list[Change] = []
    for key in sorted(set(old) | set(new)):
        path = f"{prefix}.{key}" if prefix else str(key)
        found.extend(_changes_at(path, old.get(key, MISSING), new.get(key, MISSING)))
    return found


def _changes_at(path: str, old: Any, new: Any) -> list[Change]:
    old, new = masked(old), masked(new)
    if old == new:
        return []
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return changes(old, new, path)
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        pairs = enumerate(zip(old, new, strict=True))
        return [c for i, (a, b) in pairs for c in _changes_at(f"{path}[{i}]", a, b)]
    return [Change(path, old, new)]


def show(value: Any, limit: int = CELL_CHARS) -> str:
    """A value for a Markdown cell: JSON, secrets masked, unknowns named, long ones cut."""
    if value is MISSING:
        return "(absent)"
    if value == UNKNOWN:
        return "(known after apply)"
    value = masked(value)
    if value == SECRET:
        return SECRET
    text = json.dumps(value, sort_keys=True, separators=(", ", ": "), ensure_ascii=False)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return "`" + text.replace("`", "'").replace("|", "\\|").replace("\n", " ") + "`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_Interruptions = Callable[[Mapping[str, Any], Mapping[str, Any], list[str]], list[str]]


@dataclass(frozen=True)
class _Facts:
    """What the kinds' registry says about one kind."""

    delete_first: bool = False
    secret_outputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    never_returned: tuple[str, ...] = ()
    #: Run states in which a stop or a replace interrupts viewers.
    live_states: frozenset[str] = frozenset()
    #: What else a replace changes, with the id (``ingest and playback URLs``).
    replace_changes: str = ""
    #: What in an in-place change would interrupt a live object, one phrase each.
    interruptions: _Interruptions = lambda olds, news, changed: []
    #: What a replace and a delete do, in the kind's words.
    wording: Wording = field(default_factory=Wording)
    #: The natural key, where the tenant holds at most one object per key (an asset's settings).
    unique_key: tuple[str, ...] = ()


def _kind_facts() -> dict[str, _Facts]:
    """Per type token (each door's), the kind's facts from ``reconcile.kinds.KINDS``."""
    from ..reconcile.diff import Plan
    from ..reconcile.kinds import KINDS

    def interruptions(
        kind: type[Kind],
    ) -> Callable[[Mapping[str, Any], Mapping[str, Any], list[str]], list[str]]:
        return lambda olds, news, changed: kind.interruptions(olds, news, Plan(changed=changed))

    facts = {
        k: _Facts(
            k.spec.delete_before_replace,
            tuple(k.spec.secret_outputs),
            tuple(k.spec.outputs),
            tuple(sorted(k.spec.never_returned)),
            k.spec.live_states,
            k.spec.replace_changes,
            interruptions(k),
            k.spec.wording,
            tuple(k.spec.natural_key) if k.spec.unique_key else (),
        )
        for k in KINDS
    }
    # By type token, so another provider's resource of the same name gets none of a kind's facts.
    return {token: facts[k] for k in KINDS for token in (k.spec.type_token, k.spec.native_token)}


def _hide_secret_outputs(step: Step, props: dict[str, Any], facts: Mapping[str, _Facts]) -> dict[str, Any]:
    secret_names = facts.get(step.type, _Facts()).secret_outputs
    return {k: (SECRET if k in secret_names and v not in (None, UNKNOWN) else v) for k, v in props.items()}


def secret_changes(old: Mapping[str, Any], new: Mapping[str, Any], prefix: str = "") -> list[Change]:
    """Every leaf that is secret on both sides, as ``[secret] → [secret]``: where a change that
    the engine reports but no visible value shows must be."""
    found: list[Change] = []
    for key in sorted(set(old) & set(new)):
        path = f"{prefix}.{key}" if prefix else str(key)
        found.extend(_secret_changes_at(path, old[key], new[key]))
    return found


def _secret_changes_at(path: str, old: Any, new: Any) -> list[Change]:
    if is_secret(old) and is_secret(new):
        return [Change(path, SECRET, SECRET)]
    if path.rsplit(".", 1)[-1] in _key_material() and old != new and MISSING not in (old, new):
        return [Change(path, SECRET, SECRET)]
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        return secret_changes(old, new, path)
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        pairs = enumerate(zip(old, new, strict=True))
        return [c for i, (a, b) in pairs for c in _secret_changes_at(f"{path}[{i}]", a, b)]
    return []


def _top(path: str) -> str:
    return path.split(".", 1)[0].split("[", 1)[0]


def _changed(step: Step, part: str, facts: Mapping[str, _Facts]) -> list[Change]:
    """What differs in ``part`` (inputs or outputs); when nothing visible does, the secret fields,
    whose values the engine masks (outputs that are always secret are never compared)."""
    old, new = step.props("old", part), step.props("new", part)
    found = changes(_hide_secret_outputs(step, old, facts), _hide_secret_outputs(step, new, facts))
    if found:
        return found
    always = facts.get(step.type, _Facts()).secret_outputs
    return [c for c in secret_changes(old, new) if _top(c.path) not in always]


def _identity(step: Step) -> str:
    """What names the object for a person: its id and its natural key where it has one."""
    outputs = step.props("old", "outputs")
    parts = [f"id `{step.id}`"] if step.id else []
    for key in ("name", "url", "title", "assetId"):
        value = outputs.get(key)
        if isinstance(value, str) and value and not is_secret(value) and value != step.name:
            parts.append(f"{key} `{value}`")
            break
    return ", ".join(parts)


def _heading(what: str, stack: str) -> str:
    return f"### {what} `{stack}`" if stack else f"### {what}"
