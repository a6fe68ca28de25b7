"""The plan summary: Markdown for a pull-request comment from `pulumi preview --json`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ._read import (
    _LABEL,
    _ORDER,
    _READ_ONLY,
    _SYMBOL,
    _VERB,
    CHANGES,
    ERROR,
    NO_CHANGES,
    PREVIEW,
    Change,
    Step,
    parse,
)
from ._values import _cell, _changed, _Facts, _heading, _identity, _kind_facts, _top, show


@dataclass
class Plan:
    """A plan summary: the Markdown and the exit code."""

    markdown: str
    exit_code: int
    counts: dict[str, int]
    rows: list[tuple[str, str, str, list[str]]]


def _live_status(step: Step) -> str:
    outputs = step.old.get("outputs") or {}
    return str(outputs.get("status") or "")


def _step_properties(step: Step, facts: Mapping[str, _Facts]) -> tuple[list[Change], list[str]]:
    """The changes of an update or replace (inputs), and the cell lines that describe them."""
    if step.op in ("create", "import", "import-replacement"):
        inputs = step.props("new", "inputs")
        return [], [
            f"`{k}` = {show(v, 40)}" if not isinstance(v, (dict, list)) else f"`{k}`"
            for k, v in sorted(inputs.items())
        ]
    if step.op in ("delete", "remove-pending-replace", *_READ_ONLY):
        return [], [_identity(step)] if step.id else []
    found = _changed(step, "inputs", facts)
    lines = []
    for change in found:
        forced = (
            " (forces replacement)"
            if step.op == "replace" and _top(change.path) in step.replace_reasons
            else ""
        )
        lines.append(f"`{change.path}`: {show(change.old)} → {show(change.new)}{forced}")
    return found, lines


def _warnings(step: Step, found: list[Change], facts: _Facts) -> list[str]:
    kind, name = step.kind, step.name
    status = _live_status(step)
    noun = re.sub(r"(?<!^)(?=[A-Z])", " ", kind).lower()
    delete_first = step.op == "replace" and facts.delete_first
    warnings: list[str] = []
    fields = ", ".join(f"`{r}`" for r in step.replace_reasons) or ", ".join(
        sorted({f"`{_top(c.path)}`" for c in found})
    )
    if status in facts.live_states:
        if status in facts.wording.finished_states:
            verb = {"replace": "Replaces", "delete": "Deletes"}.get(step.op, "Changes")
            interrupts = f"**{verb} a finished {noun}**: {kind} `{name}`"
        else:
            interrupts = f"**Interrupts a running {noun}**: {kind} `{name}`"
        if step.op == "replace":
            also = f", with new {facts.replace_changes}" if facts.replace_changes else ""
            warnings.append(
                f"{interrupts} ({_identity(step)}) is {status} and is"
                f" replaced{' (deleted first)' if delete_first else ''} because {fields or 'its inputs'}"
                f" changed: {facts.wording.live_replaced}{also}."
            )
            return warnings
        elif step.op == "delete":
            warnings.append(f"{interrupts} is {status}; {facts.wording.live_deleted}.")
        elif step.op == "update":
            olds, news = step.props("old", "inputs"), step.props("new", "inputs")
            for phrase in facts.interruptions(olds, news, sorted({_top(c.path) for c in found})):
                warnings.append(f"{interrupts} is {status}; {phrase}.")
    adopt = step.props("new", "inputs").get("adopt") if step.op == "create" else None
    if adopt:
        what = (
            f"the one with id `{adopt}`"
            if adopt is not True and str(adopt).lower() != "true"
            else ("the one with the same natural key, if one exists")
        )
        warnings.append(
            f"**Adopts an existing object**: {kind} `{name}` takes over {what}, changing it to match"
            " the declaration; from then on this stack manages it, and a destroy deletes it."
        )
    if step.op in ("import", "import-replacement"):
        warnings.append(
            f"**Imports an existing object**: {kind} `{name}` ({_identity(step)}) is taken into the stack"
            " as it is; from then on this stack manages it, and a destroy deletes it."
        )
    if step.op not in (*_ORDER, *_READ_ONLY):
        warnings.append(
            f"**An operation this summary does not know**: `{step.op}` on {kind} `{name}`; read what it"
            " does in the output of `pulumi preview` before merging."
        )
    if step.op == "delete":
        detail = f": {facts.wording.deleted_detail}" if facts.wording.deleted_detail else ""
        warnings.append(f"**{facts.wording.deleted}**: {kind} `{name}` ({_identity(step)}){detail}.")
    if step.op == "replace":
        order = (
            "deleted before the new one is created"
            if delete_first
            else "created anew, then the old one is deleted"
        )
        how = facts.wording.replaced or f"it is {order}"
        extra = f"; its {facts.replace_changes} change with its id" if facts.replace_changes else ""
        warnings.append(
            f"**Replaces** {kind} `{name}` ({_identity(step)}): {fields or 'a change'} cannot be made"
            f" in place, so {how}{extra}."
        )
    return warnings


def _unaliased(steps: list[Step], facts: Mapping[str, _Facts]) -> list[str]:
    """A create and a delete of one kind with one unique key: an entry renamed without `aliases`.
    The engine creates first, so the new entry records what the old one set as what it found."""
    found: dict[tuple[str, str], dict[str, list[Step]]] = {}
    for step in steps:
        key_fields = facts.get(step.type, _Facts()).unique_key
        side = "new" if step.op == "create" else "old" if step.op == "delete" else ""
        if not key_fields or not side:
            continue
        inputs = step.props(side, "inputs")
        if not all(inputs.get(k) is not None for k in key_fields):
            continue
        key = ", ".join(f"{k} {inputs[k]}" for k in key_fields)
        found.setdefault((step.kind, key), {}).setdefault(step.op, []).append(step)
    out = []
    for (kind, key), ops in sorted(found.items()):
        for made in ops.get("create", []):
            for gone in ops.get("delete", []):
                out.append(
                    f"**Renamed without `aliases`?** {kind} `{made.name}` is created and {kind}"
                    f" `{gone.name}` deleted for the same {key}: the create runs first, then the delete,"
                    f" so they are two resources and what `{made.name}` records as found is what"
                    f" `{gone.name}` set. If `{made.name}` was `{gone.name}`, list `{gone.name}`"
                    f" in its `aliases` and nothing is sent."
                )
    return out


def _symbol(op: str) -> str:
    return _SYMBOL.get(op, "?")


def plan_summary(text: str, *, expect_no_changes: bool = False) -> Plan:
    """Markdown for a pull-request comment from `pulumi preview --json`, and the exit code."""
    run = parse(text, PREVIEW)
    facts = _kind_facts()
    # Every step but `same` is listed; each one that is not read-only is a change.
    steps = [s for s in run.managed() if s.op != "same"]
    ops = [*_ORDER, *sorted({s.op for s in steps} - {*_ORDER, *_READ_ONLY}), *_READ_ONLY]
    counts = {op: sum(1 for s in steps if s.op == op) for op in ops if op not in _READ_ONLY}
    reads = sum(1 for s in steps if s.op in _READ_ONLY)
    # The document form lists only the steps that do something; its summary counts the rest
    # (the stack itself included).
    stack_same = sum(1 for s in run.steps if s.type == "pulumi:pulumi:Stack" and s.op == "same")
    unchanged = max(sum(1 for s in run.managed() if s.op == "same"), run.counts.get("same", 0) - stack_same)
    rows: list[tuple[str, str, str, list[str]]] = []
    deleted_first: set[tuple[str, str]] = set()
    warnings: list[str] = []
    for step in sorted(steps, key=lambda s: (ops.index(s.op), s.kind, s.name)):
        found, lines = _step_properties(step, facts)
        rows.append((step.op, step.kind, step.name, lines))
        if facts.get(step.type, _Facts()).delete_first:
            deleted_first.add((step.kind, step.name))
        warnings.extend(_warnings(step, found, facts.get(step.type, _Facts())))

    warnings.extend(_unaliased(steps, facts))
    deletes = counts.get("delete", 0)
    if deletes and deletes == sum(counts.values()) and unchanged == 0:
        warnings.insert(
            0,
            f"**Deletes every object of the stack** ({deletes}): if a declarations file was emptied, "
            "renamed or not found, stop here.",
        )
    out = [_heading("Pulumi preview of", run.stack)]
    total = sum(counts.values())
    if run.errors:
        out += ["", "> [!CAUTION]", "> **The preview failed**; nothing can be applied until this is fixed:"]
        out += [f"> - {f'`{name}`: ' if name else ''}{_cell(msg)}" for name, msg in run.errors]
    summary = ", ".join(f"{_symbol(op)} {n} {_VERB.get(op, op)}" for op, n in counts.items() if n)
    read = f", {reads} read (no change)" if reads else ""
    if total:
        out += ["", f"**{summary}**, {unchanged} unchanged{read}"]
    elif not run.errors:
        out += ["", f"**No changes**: {unchanged} resources unchanged{read}."]
    if expect_no_changes and total:
        out += ["", "> [!CAUTION]", "> **Changes were not expected** (`--expect-no-changes`)."]
    if warnings:
        out += ["", "> [!WARNING]", "> **Review before merging:**"]
        out += [f"> - {w}" for w in warnings]
    if rows:
        out += ["", "| | Resource | Kind | Change | Properties |", "|---|---|---|---|---|"]
        for op, kind, name, lines in rows:
            label = (
                "replace (delete first)"
                if op == "replace" and (kind, name) in deleted_first
                else _LABEL.get(op, op)
            )
            if op == "create" and any(line.startswith("`adopt`") for line in lines):
                label = "adopt"
            cell = "<br>".join(_cell(line) for line in lines) or "—"
            out.append(f"| `{_symbol(op)}` | `{name}` | {kind} | {_cell(label)} | {cell} |")
    code = CHANGES if total else NO_CHANGES
    if run.errors or (expect_no_changes and total):
        code = ERROR
    return Plan("\n".join(out) + "\n", code, counts, rows)
