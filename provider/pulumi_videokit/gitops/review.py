"""What a reviewer reads in CI: a plan summary of `pulumi preview --json` and a drift report of
`pulumi refresh --preview-only --json`.

Both read either form the CLI writes: the one JSON document of ``--json`` (with ``steps``), or the
stream of engine events, one JSON object per line, that it writes when
``PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true``. The document form of a refresh preview carries the
refreshed state of deleted objects only (changed ones keep their old state there and are only
counted), so the drift report says how many changes it cannot attribute; the stream carries them all.

Secret values are shown as ``[secret]``: the engine masks them in both forms, and the values are
never read from anywhere else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Exit codes of both commands.
NO_CHANGES, ERROR, CHANGES = 0, 1, 2

SECRET = "[secret]"
#: The signature key and value of a secret in the engine's JSON.
SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
#: The engine's placeholder for a value known only after apply.
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
#: Bookkeeping properties of the provider, never shown.
HIDDEN = frozenset({"__provider", "__owner"})
#: Values this long are cut in table cells.
CELL_CHARS = 80

_REPLACE_OPS = frozenset({"replace", "create-replacement", "delete-replaced", "discard-replaced"})
_SYMBOL = {"create": "+", "update": "~", "replace": "+-", "delete": "-"}
_VERB = {"create": "to create", "update": "to update", "replace": "to replace", "delete": "to delete"}
_ORDER = ("create", "update", "replace", "delete")


class ReviewError(ValueError):
    """The input is not engine JSON that these reports can read."""


class _Missing:
    def __repr__(self) -> str:
        return "(absent)"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Change:
    """One property that differs: its path and both values (``MISSING`` when absent)."""

    path: str
    old: Any
    new: Any


@dataclass
class Step:
    """What the engine will do (or found) for one resource, all of its steps merged."""

    urn: str
    op: str
    ops: list[str]
    old: Mapping[str, Any]
    new: Mapping[str, Any]
    replace_reasons: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.urn.rsplit("::", 2)[-2].rsplit(":", 1)[-1] if "::" in self.urn else ""

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]

    @property
    def type(self) -> str:
        return self.urn.rsplit("::", 2)[-2] if "::" in self.urn else ""

    @property
    def id(self) -> str:
        return str(self.old.get("id") or self.new.get("id") or "")

    @property
    def managed(self) -> bool:
        """A resource of the program, not the stack itself or a provider."""
        return self.type != "pulumi:pulumi:Stack" and not self.type.startswith("pulumi:providers:")

    def props(self, state: str, part: str) -> dict[str, Any]:
        source = self.old if state == "old" else self.new
        values = source.get(part) or {}
        return {k: v for k, v in values.items() if k not in HIDDEN}


@dataclass
class Run:
    """One engine run read from its JSON."""

    steps: list[Step]
    errors: list[tuple[str, str]]
    counts: dict[str, int]
    stack: str

    def managed(self) -> list[Step]:
        return [s for s in self.steps if s.managed]


# ---- reading ----


def parse(text: str) -> Run:
    """Read the JSON document or the event stream of a preview or refresh preview."""
    stripped = text.strip()
    if not stripped:
        raise ReviewError("the input is empty (did the pulumi command fail before writing JSON?)")
    try:
        doc = json.loads(stripped)
    except json.JSONDecodeError:
        doc = None
    if isinstance(doc, dict) and "steps" in doc:
        return _from_document(doc)
    try:
        events = [json.loads(line) for line in stripped.splitlines() if line.strip()]
    except json.JSONDecodeError as exc:
        raise ReviewError(f"not engine JSON: {exc}") from None
    if not events or not all(isinstance(e, dict) for e in events):
        raise ReviewError("not engine JSON: expected the output of `pulumi preview --json`")
    if not any(k in e for e in events for k in ("resourcePreEvent", "resOutputsEvent", "summaryEvent")):
        raise ReviewError("not engine JSON: no steps and no engine events")
    return _from_events(events)


def _stack_of(urns: Iterable[str]) -> str:
    for urn in urns:
        if urn.startswith("urn:pulumi:") and "::" in urn:
            return urn.removeprefix("urn:pulumi:").split("::", 1)[0]
    return ""


def _errors(diagnostics: Iterable[Mapping[str, Any]]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for diag in diagnostics:
        if diag.get("severity") != "error":
            continue
        message = str(diag.get("message", "")).strip()
        message = message.removeprefix("error:").strip()
        urn = str(diag.get("urn") or "")
        entry = (urn.rsplit("::", 1)[-1] if urn else "", message)
        if message and entry not in found:
            found.append(entry)
    return found


def _merge(urn: str, entries: list[tuple[str, Mapping[str, Any]]]) -> Step:
    """One step per resource: a replacement's create/delete halves become one ``replace``."""
    ops = [op for op, _ in entries]
    if _REPLACE_OPS & set(ops):
        main = next((meta for op, meta in entries if op == "replace"), entries[0][1])
        op = "replace"
        old: Mapping[str, Any] = next(
            (m["old"] for o, m in entries if m.get("old") and o != "create-replacement"), {}
        )
        new: Mapping[str, Any] = next(
            (m["new"] for o, m in entries if m.get("new") and o != "delete-replaced"), {}
        )
    else:
        # A refresh reports "refresh" first and what it found (update, delete, same) last.
        op, main = entries[-1]
        old, new = main.get("old") or {}, main.get("new") or {}
    reasons = [str(r) for _, m in entries for r in (m.get("replaceReasons") or m.get("keys") or [])]
    return Step(urn=urn, op=op, ops=ops, old=old, new=new, replace_reasons=sorted(set(reasons)))


def _from_document(doc: Mapping[str, Any]) -> Run:
    grouped: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for raw in doc.get("steps") or []:
        meta = {
            "old": raw.get("oldState") or {},
            "new": raw.get("newState") or {},
            "replaceReasons": raw.get("replaceReasons") or [],
        }
        grouped.setdefault(str(raw.get("urn", "")), []).append((str(raw.get("op", "")), meta))
    steps = [_merge(urn, entries) for urn, entries in grouped.items()]
    counts = {str(k): int(v) for k, v in (doc.get("changeSummary") or {}).items()}
    return Run(steps, _errors(doc.get("diagnostics") or []), counts, _stack_of(grouped))


def _from_events(events: list[Mapping[str, Any]]) -> Run:
    grouped: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    diagnostics: list[Mapping[str, Any]] = []
    counts: dict[str, int] = {}
    for event in events:
        for kind in ("resourcePreEvent", "resOutputsEvent"):
            meta = (event.get(kind) or {}).get("metadata")
            if not meta:
                continue
            entries = grouped.setdefault(str(meta.get("urn", "")), [])
            op = str(meta.get("op", ""))
            states = {"old": meta.get("old") or {}, "new": meta.get("new") or {}, "keys": meta.get("keys")}
            entry = (op, states)
            # A step's outputs event repeats its pre event (with the final states): keep the later one.
            if entries and entries[-1][0] == op:
                entries[-1] = entry
            else:
                entries.append(entry)
        if "diagnosticEvent" in event:
            diagnostics.append(event["diagnosticEvent"])
        if "summaryEvent" in event:
            counts = {str(k): int(v) for k, v in (event["summaryEvent"].get("resourceChanges") or {}).items()}
    steps = [_merge(urn, entries) for urn, entries in grouped.items()]
    return Run(steps, _errors(diagnostics), counts, _stack_of(grouped))


# ---- comparing and showing values ----


def is_secret(value: Any) -> bool:
    return value == SECRET or (isinstance(value, Mapping) and value.get(SECRET_SIG_KEY) == SECRET_SIG)


def masked(value: Any) -> Any:
    """The value with every secret replaced by ``[secret]``."""
    if is_secret(value):
        return SECRET
    if isinstance(value, Mapping):
        return {str(k): masked(v) for k, v in value.items()}
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


def _kind_facts() -> dict[str, tuple[bool, tuple[str, ...]]]:
    """Per kind: whether a replacement deletes first, and which outputs are always secret."""
    from ..resources import RESOURCES

    facts: dict[str, tuple[bool, tuple[str, ...]]] = {}
    for cls in RESOURCES.values():
        spec = cls._provider_cls.kind.spec
        facts[spec.kind] = (spec.delete_before_replace, tuple(spec.secret_outputs))
    return facts


def _hide_secret_outputs(step: Step, props: dict[str, Any], facts: Mapping[str, Any]) -> dict[str, Any]:
    secret_names = facts.get(step.kind, (False, ()))[1]
    return {k: (SECRET if k in secret_names and v not in (None, UNKNOWN) else v) for k, v in props.items()}


# ---- plan summary ----


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


def _step_properties(step: Step, facts: Mapping[str, Any]) -> tuple[list[Change], list[str]]:
    """The changes of an update or replace (inputs), and the cell lines that describe them."""
    if step.op == "create":
        inputs = step.props("new", "inputs")
        return [], [
            f"`{k}` = {show(v, 40)}" if not isinstance(v, (dict, list)) else f"`{k}`"
            for k, v in sorted(inputs.items())
        ]
    if step.op == "delete":
        return [], [_identity(step)] if step.id else []
    found = changes(
        _hide_secret_outputs(step, step.props("old", "inputs"), facts),
        _hide_secret_outputs(step, step.props("new", "inputs"), facts),
    )
    lines = []
    for change in found:
        top = change.path.split(".", 1)[0].split("[", 1)[0]
        forced = " (forces replacement)" if step.op == "replace" and top in step.replace_reasons else ""
        lines.append(f"`{change.path}`: {show(change.old)} → {show(change.new)}{forced}")
    return found, lines


def _warnings(step: Step, found: list[Change], delete_first: bool) -> list[str]:
    kind, name = step.kind, step.name
    status = _live_status(step)
    on_air = status in ("On", "Starting")
    warnings: list[str] = []
    fields = ", ".join(f"`{r}`" for r in step.replace_reasons) or ", ".join(
        sorted({f"`{c.path.split('.', 1)[0].split('[', 1)[0]}`" for c in found})
    )
    if kind == "Channel" and on_air:
        if step.op == "replace":
            warnings.append(
                f"**Interrupts a running channel**: Channel `{name}` ({_identity(step)}) is {status} and is"
                f" replaced{' (deleted first)' if delete_first else ''} because {fields or 'its inputs'}"
                " changed: it goes off air until the new one is up, with new ingest and playback URLs."
            )
            return warnings
        elif step.op == "delete":
            warnings.append(
                f"**Interrupts a running channel**: Channel `{name}` is {status}; it is stopped and deleted."
            )
        elif any(c.path == "running" and c.new is False for c in found):
            warnings.append(
                f"**Interrupts a running channel**: Channel `{name}` is {status}; `running: false` stops it."
            )
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
    if step.op == "delete":
        warnings.append(f"**Deletes a live object**: {kind} `{name}` ({_identity(step)}).")
    if step.op == "replace":
        order = (
            "deleted before the new one is created"
            if delete_first
            else "created anew, then the old one is deleted"
        )
        extra = "; its ingest and playback URLs change with its id" if kind == "Channel" else ""
        warnings.append(
            f"**Replaces** {kind} `{name}` ({_identity(step)}): {fields or 'a change'} cannot be made"
            f" in place, so it is {order}{extra}."
        )
    return warnings


def _heading(what: str, stack: str) -> str:
    return f"### {what} `{stack}`" if stack else f"### {what}"


def plan_summary(text: str, *, expect_no_changes: bool = False) -> Plan:
    """Markdown for a pull-request comment from `pulumi preview --json`, and the exit code."""
    run = parse(text)
    facts = _kind_facts()
    steps = [s for s in run.managed() if s.op in _ORDER]
    counts = {op: sum(1 for s in steps if s.op == op) for op in _ORDER}
    # The document form lists only the steps that do something; its summary counts the rest
    # (the stack itself included).
    stack_same = sum(1 for s in run.steps if s.type == "pulumi:pulumi:Stack" and s.op == "same")
    unchanged = max(sum(1 for s in run.managed() if s.op == "same"), run.counts.get("same", 0) - stack_same)
    rows: list[tuple[str, str, str, list[str]]] = []
    warnings: list[str] = []
    for step in sorted(steps, key=lambda s: (_ORDER.index(s.op), s.kind, s.name)):
        delete_first = step.op == "replace" and facts.get(step.kind, (False, ()))[0]
        found, lines = _step_properties(step, facts)
        rows.append((step.op, step.kind, step.name, lines))
        warnings.extend(_warnings(step, found, delete_first))

    out = [_heading("Pulumi preview of", run.stack)]
    total = sum(counts.values())
    if run.errors:
        out += ["", "> [!CAUTION]", "> **The preview failed**; nothing can be applied until this is fixed:"]
        out += [f"> - {f'`{name}`: ' if name else ''}{_cell(msg)}" for name, msg in run.errors]
    summary = ", ".join(f"{_SYMBOL[op]} {n} {_VERB[op]}" for op, n in counts.items() if n)
    if total:
        out += ["", f"**{summary}**, {unchanged} unchanged"]
    elif not run.errors:
        out += ["", f"**No changes**: {unchanged} resources unchanged."]
    if expect_no_changes and total:
        out += ["", "> [!CAUTION]", "> **Changes were not expected** (`--expect-no-changes`)."]
    if warnings:
        out += ["", "> [!WARNING]", "> **Review before merging:**"]
        out += [f"> - {w}" for w in warnings]
    if rows:
        out += ["", "| | Resource | Kind | Change | Properties |", "|---|---|---|---|---|"]
        for op, kind, name, lines in rows:
            label = "replace (delete first)" if op == "replace" and facts.get(kind, (False, ()))[0] else op
            if op == "create" and any(line.startswith("`adopt`") for line in lines):
                label = "adopt"
            cell = "<br>".join(_cell(line) for line in lines) or "—"
            out.append(f"| `{_SYMBOL[op]}` | `{name}` | {kind} | {label} | {cell} |")
    code = CHANGES if total else NO_CHANGES
    if run.errors or (expect_no_changes and total):
        code = ERROR
    return Plan("\n".join(out) + "\n", code, counts, rows)


# ---- drift report ----


@dataclass
class Drifted:
    """One object that differs from the last apply."""

    name: str
    kind: str
    urn: str
    id: str
    status: str  # "changed" or "deleted"
    fields: list[Change]
    identity: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "urn": self.urn,
            "id": self.id,
            "status": self.status,
            "fields": [
                {
                    "field": c.path,
                    "was": None if c.old is MISSING else c.old,
                    "now": None if c.new is MISSING else c.new,
                }
                for c in self.fields
            ],
        }


@dataclass
class Drift:
    """A drift report: what changed outside the repo, and the exit code."""

    stack: str
    objects: list[Drifted]
    unattributed: int
    errors: list[tuple[str, str]]
    checked: int

    @property
    def exit_code(self) -> int:
        if self.errors:
            return ERROR
        return CHANGES if self.objects or self.unattributed else NO_CHANGES

    def as_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "drift": bool(self.objects or self.unattributed),
            "changed": sum(1 for o in self.objects if o.status == "changed"),
            "deleted": sum(1 for o in self.objects if o.status == "deleted"),
            "unattributed": self.unattributed,
            "checked": self.checked,
            "errors": [{"resource": name, "message": msg} for name, msg in self.errors],
            "resources": [o.as_json() for o in self.objects],
        }

    def json(self) -> str:
        return json.dumps(self.as_json(), indent=2, ensure_ascii=False) + "\n"

    def markdown(self) -> str:
        changed = sum(1 for o in self.objects if o.status == "changed") + self.unattributed
        deleted = sum(1 for o in self.objects if o.status == "deleted")
        out: list[str] = []
        if self.errors:
            out += [_heading("Drift check failed for", self.stack), "", "> [!CAUTION]"]
            out += [f"> - {f'`{name}`: ' if name else ''}{_cell(msg)}" for name, msg in self.errors]
            return "\n".join(out) + "\n"
        if not (self.objects or self.unattributed):
            out += [_heading("No drift in", self.stack), ""]
            out += [f"All {self.checked} objects match the last apply."]
            return "\n".join(out) + "\n"
        parts = [f"{changed} changed" if changed else "", f"{deleted} deleted" if deleted else ""]
        out += [_heading("Drift in", self.stack), ""]
        what = " and ".join(p for p in parts if p)
        out += [f"**{what} outside the repo** ({self.checked} objects checked)."]
        if self.objects:
            out += ["", "| Resource | Kind | Drift | Field | Last applied | Live |"]
            out += ["|---|---|---|---|---|---|"]
            for obj in self.objects:
                if obj.status == "deleted":
                    out.append(f"| `{obj.name}` | {obj.kind} | deleted | — | {obj.identity} | (gone) |")
                    continue
                for change in obj.fields:
                    out.append(
                        f"| `{obj.name}` | {obj.kind} | changed | `{change.path}` "
                        f"| {show(change.old)} | {show(change.new)} |"
                    )
        if self.unattributed:
            out += [
                "",
                "> [!NOTE]",
                f"> {self.unattributed} more object(s) changed, but this JSON does not say which: the"
                " `--json` document of a refresh preview keeps the old state of changed objects. Run the"
                " refresh with `PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true` for field-by-field detail.",
            ]
        out += [
            "",
            "`pulumi up` puts every object back as declared, recreating deleted ones. To keep a change made"
            " outside the repo, declare it in the repo first.",
        ]
        return "\n".join(out) + "\n"


def drift_report(text: str) -> Drift:
    """Read `pulumi refresh --preview-only --json` and list what changed outside the repo."""
    run = parse(text)
    facts = _kind_facts()
    objects: list[Drifted] = []
    for step in sorted(run.managed(), key=lambda s: (s.kind, s.name)):
        if step.op == "delete":
            objects.append(Drifted(step.name, step.kind, step.urn, step.id, "deleted", [], _identity(step)))
        elif step.op == "update":
            found = changes(
                _hide_secret_outputs(step, step.props("old", "outputs"), facts),
                _hide_secret_outputs(step, step.props("new", "outputs"), facts),
            )
            if found:
                objects.append(Drifted(step.name, step.kind, step.urn, step.id, "changed", found))
    attributed = sum(1 for o in objects if o.status == "changed")
    unattributed = max(0, run.counts.get("update", 0) - attributed)
    checked = len(run.managed())
    return Drift(run.stack, objects, unattributed, run.errors, checked)


__all__ = [
    "CHANGES",
    "ERROR",
    "NO_CHANGES",
    "SECRET",
    "Change",
    "Drift",
    "Drifted",
    "Plan",
    "ReviewError",
    "changes",
    "drift_report",
    "masked",
    "parse",
    "plan_summary",
    "show",
]
