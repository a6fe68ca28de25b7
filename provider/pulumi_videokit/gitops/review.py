"""What a reviewer reads in CI: a plan summary of `pulumi preview --json` and a drift report of
`pulumi refresh --preview-only --json`.

Both read either form the CLI writes: the one JSON document of ``--json`` (with ``steps``), or the
stream of engine events, one JSON object per line, that it writes when
``PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true``. The document form of a refresh preview carries the
refreshed state of deleted objects only (changed ones keep their old state there and are only
counted), so the drift report says how many changes it cannot attribute; the stream carries them all.

Secret values are shown as ``[secret]``: the engine masks them in both forms, and the values are
never read from anywhere else. A change the engine reports where only secret fields could differ is
listed by field name, ``[secret] → [secret]``.

The input is checked against the shapes read here before anything is read from it; a stream without
its summary event (a run stopped before its end) or a document cut short is refused as incomplete.
A refresh cannot see fields the API never returns (``ResourceSpec.never_returned``): the drift
report names them, and lists outputs that changed while the inputs did not.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

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
#: The steps that change something, in the order they are listed; a step of any other op but
#: ``same`` and the read-only ones is a change too, listed after these under its own name.
_ORDER = ("create", "import", "update", "replace", "import-replacement", "delete", "remove-pending-replace")
#: Steps that change nothing: listed, never counted as a change (as `pulumi preview
#: --expect-no-changes` counts them), and never shown in place of a change of the same resource.
_READ_ONLY = ("read", "read-replacement", "discard", "refresh")
_SYMBOL = {
    "create": "+",
    "import": "=",
    "update": "~",
    "replace": "+-",
    "import-replacement": "=+-",
    "delete": "-",
    "remove-pending-replace": "-",
    "read": ">",
    "read-replacement": ">>",
    "discard": "<",
    "refresh": ">",
}
_VERB = {
    "create": "to create",
    "import": "to import",
    "update": "to update",
    "replace": "to replace",
    "import-replacement": "to import as replacements",
    "delete": "to delete",
    "remove-pending-replace": "to remove from the stack (pending replacement)",
}
_LABEL = {
    "import": "import (adopt into the stack)",
    "import-replacement": "import-replacement (adopt as the replacement)",
    "read": "read (no change)",
    "read-replacement": "read-replacement (no change)",
    "discard": "discard (read no more; no change)",
    "refresh": "refresh (no change)",
}


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
    #: ``document`` (the one JSON document of ``--json``) or ``events`` (the event stream).
    form: str = "document"

    def managed(self) -> list[Step]:
        return [s for s in self.steps if s.managed]


# ---- reading ----

#: The commands whose output each report reads, for messages.
PREVIEW = "pulumi preview --json"
REFRESH = "pulumi refresh --preview-only --json"


class _Shape(BaseModel):
    """The part of an engine JSON object these reports read; the rest is ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


class _State(_Shape):
    id: str | None = None
    inputs: dict[str, Any] | None = None
    outputs: dict[str, Any] | None = None

    def as_mapping(self) -> dict[str, Any]:
        return {"id": self.id or "", "inputs": self.inputs or {}, "outputs": self.outputs or {}}


class _Diagnostic(_Shape):
    severity: str | None = None
    message: str | None = None
    urn: str | None = None


class _DocumentStep(_Shape):
    urn: str
    op: str
    old_state: _State | None = Field(None, alias="oldState")
    new_state: _State | None = Field(None, alias="newState")
    replace_reasons: list[str] | None = Field(None, alias="replaceReasons")


class _Document(_Shape):
    steps: list[_DocumentStep]
    change_summary: dict[str, int] | None = Field(None, alias="changeSummary")
    diagnostics: list[_Diagnostic] | None = None


class _Metadata(_Shape):
    urn: str
    op: str
    old: _State | None = None
    new: _State | None = None
    keys: list[str] | None = None


class _StepEvent(_Shape):
    metadata: _Metadata


class _Summary(_Shape):
    resource_changes: dict[str, int] | None = Field(None, alias="resourceChanges")


class _Event(_Shape):
    resource_pre: _StepEvent | None = Field(None, alias="resourcePreEvent")
    res_outputs: _StepEvent | None = Field(None, alias="resOutputsEvent")
    diagnostic: _Diagnostic | None = Field(None, alias="diagnosticEvent")
    summary: _Summary | None = Field(None, alias="summaryEvent")


#: The keys of the engine's events: a stream holding any of them is the engine's, however short.
_EVENT_KINDS = frozenset(
    {
        "cancelEvent",
        "diagnosticEvent",
        "preludeEvent",
        "policyEvent",
        "resOpFailedEvent",
        "resOutputsEvent",
        "resourcePreEvent",
        "stdoutEvent",
        "summaryEvent",
    }
)
_JSON_TYPES = {str: "a string", bool: "true or false", int: "a number", float: "a number"}
_EXPECTED = {
    "list_type": "a list",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "string_type": "a string",
    "int_type": "a whole number",
    "bool_type": "true or false",
}


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _place(loc: Iterable[int | str]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _shape_error(exc: ValidationError, command: str, where: str = "") -> ReviewError:
    """One line for the first field of the wrong shape: where it is and what it should be."""
    errors = exc.errors()
    first = errors[0]
    place = f"`{_place(first['loc'])}`"
    expected = _EXPECTED.get(first["type"])
    if first["type"] == "missing":
        problem = f"{place} is missing"
    elif expected:
        problem = f"{place} should be {expected}, not {_json_type(first['input'])}"
    else:
        problem = f"{place}: {first['msg']}"
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return ReviewError(f"{where}{problem}{more}; expected the unmodified output of `{command}`")


def _ends_early(text: str) -> bool:
    """Whether JSON text stops inside a string, object or list: it was cut off."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
    return in_string or depth > 0


def _cut_off(what: str, command: str) -> ReviewError:
    return ReviewError(
        f"the input is incomplete: {what}; `{command}` did not finish (a killed or timed-out job?) or"
        " its output was cut. Run it again and pass all of its output."
    )


def decode(data: bytes) -> str:
    """The text of an input file: UTF-8, or UTF-16 with its byte-order mark (PowerShell's ``>``)."""
    encoding = "utf-16" if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ReviewError(
            f"not text: the byte at offset {exc.start} is not {exc.encoding.upper()}; expected the JSON"
            " the pulumi command writes"
        ) from None


#: Deeper nesting than the engine ever writes (a property value is a few levels deep).
MAX_DEPTH = 100
#: More digits than any number the engine writes (its numbers are 64-bit floats).
MAX_DIGITS = 400


def _number(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_DIGITS:
        raise ReviewError(
            f"a number in the input has {len(digits.lstrip('-'))} digits, more than the engine ever writes"
        )
    return int(digits)


def _too_deep(command: str) -> ReviewError:
    return ReviewError(
        f"the input is nested more than {MAX_DEPTH} levels deep, deeper than the engine ever writes;"
        f" expected the unmodified output of `{command}`"
    )


def _depth_within(value: Any, limit: int) -> bool:
    """Whether lists and objects in ``value`` nest at most ``limit`` deep (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth >= limit:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return True


def _loads(text: str, command: str) -> Any:
    """``json.loads`` for input from outside: too deep or too long a number is a ``ReviewError``."""
    try:
        value = json.loads(text, parse_int=_number)
    except RecursionError:
        raise _too_deep(command) from None
    except ReviewError as exc:
        raise ReviewError(f"{exc}; expected the unmodified output of `{command}`") from None
    if not _depth_within(value, MAX_DEPTH):
        raise _too_deep(command)
    return value


def parse(text: str, command: str = PREVIEW) -> Run:
    """Read the JSON document or the event stream of a preview or refresh preview.

    ``command`` names what writes the input, for messages. An input that is not its output, has
    the wrong shape, nests too deep or was cut off raises ``ReviewError`` with one line that says so.
    """
    if not text.strip():
        raise ReviewError(f"the input is empty (did `{command}` fail before writing JSON?)")
    try:
        doc = _loads(text, command)
    except json.JSONDecodeError as exc:
        return _from_events(_events(text, exc, command), command)
    if not isinstance(doc, dict):
        raise ReviewError(f"the input is {_json_type(doc)}; expected the output of `{command}`")
    if "steps" in doc:
        try:
            document = _Document.model_validate(doc)
        except ValidationError as exc:
            raise _shape_error(exc, command) from None
        return _from_document(document)
    return _from_events([(1, doc)], command)


def _events(text: str, broken: json.JSONDecodeError, command: str) -> list[tuple[int, Any]]:
    """Each non-empty line parsed as JSON, with its line number; ``broken`` is why the whole
    text is not one JSON document."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    events: list[tuple[int, Any]] = []
    for number, line in lines:
        try:
            events.append((number, _loads(line, command)))
        except json.JSONDecodeError as exc:
            # When not even the first line stands alone, the text is one JSON document.
            first = number == lines[0][0]
            if first and _ends_early(text):
                raise _cut_off(f"its JSON ends early (at line {lines[-1][0]})", command) from None
            if not first and number == lines[-1][0] and _ends_early(line):
                raise _cut_off(
                    f"its last line (line {number}) stops in the middle of an event", command
                ) from None
            line_no, column, why = (
                (broken.lineno, broken.colno, broken.msg) if first else (number, exc.colno, exc.msg)
            )
            raise ReviewError(
                f"not JSON at line {line_no}, column {column} ({why}); expected the output of"
                f" `{command}`: one JSON document, or one engine event per line"
            ) from None
    return events


def _stack_of(urns: Iterable[str]) -> str:
    for urn in urns:
        if urn.startswith("urn:pulumi:") and "::" in urn:
            return urn.removeprefix("urn:pulumi:").split("::", 1)[0]
    return ""


def _errors(diagnostics: Iterable[_Diagnostic]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for diag in diagnostics:
        if diag.severity != "error":
            continue
        message = (diag.message or "").strip()
        message = message.removeprefix("error:").strip()
        urn = diag.urn or ""
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
        # A refresh reports "refresh" first and what it found (update, delete, same) last; a
        # read-only step never stands in for a change of the same resource.
        changing = [(o, m) for o, m in entries if o not in _READ_ONLY]
        op, main = (changing or entries)[-1]
        old, new = main.get("old") or {}, main.get("new") or {}
    reasons = [str(r) for _, m in entries for r in (m.get("replaceReasons") or m.get("keys") or [])]
    return Step(urn=urn, op=op, ops=ops, old=old, new=new, replace_reasons=sorted(set(reasons)))


def _states(old: _State | None, new: _State | None) -> dict[str, Any]:
    return {"old": old.as_mapping() if old else {}, "new": new.as_mapping() if new else {}}


def _from_document(doc: _Document) -> Run:
    grouped: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for raw in doc.steps:
        meta = {**_states(raw.old_state, raw.new_state), "replaceReasons": raw.replace_reasons or []}
        grouped.setdefault(raw.urn, []).append((raw.op, meta))
    steps = [_merge(urn, entries) for urn, entries in grouped.items()]
    counts = dict(doc.change_summary or {})
    return Run(steps, _errors(doc.diagnostics or []), counts, _stack_of(grouped), "document")


def _from_events(lines: list[tuple[int, Any]], command: str) -> Run:
    events: list[_Event] = []
    for number, raw in lines:
        if not isinstance(raw, dict):
            raise ReviewError(
                f"line {number} is {_json_type(raw)}, not an engine event (an object); expected the"
                f" output of `{command}`"
            )
        try:
            events.append(_Event.model_validate(raw))
        except ValidationError as exc:
            raise _shape_error(exc, command, f"line {number}: ") from None
    if not any(kind in raw for _, raw in lines for kind in _EVENT_KINDS):
        raise ReviewError(f"no `steps` and no engine events; expected the output of `{command}`")
    summaries = [e.summary for e in events if e.summary is not None]
    if not summaries:
        raise _cut_off(f"its event stream ends before the summary event (after {len(lines)} lines)", command)
    grouped: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for event in events:
        for step_event in (event.resource_pre, event.res_outputs):
            if step_event is None:
                continue
            meta = step_event.metadata
            entries = grouped.setdefault(meta.urn, [])
            entry = (meta.op, {**_states(meta.old, meta.new), "keys": meta.keys})
            # A step's outputs event repeats its pre event (with the final states): keep the later one.
            if entries and entries[-1][0] == meta.op:
                entries[-1] = entry
            else:
                entries.append(entry)
    steps = [_merge(urn, entries) for urn, entries in grouped.items()]
    counts = dict(summaries[-1].resource_changes or {})
    diagnostics = [e.diagnostic for e in events if e.diagnostic is not None]
    return Run(steps, _errors(diagnostics), counts, _stack_of(grouped), "events")


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


@dataclass(frozen=True)
class _Facts:
    """What the kinds' registry says about one kind."""

    delete_first: bool = False
    secret_outputs: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    never_returned: tuple[str, ...] = ()


def _kind_facts() -> dict[str, _Facts]:
    """Per kind name, its facts from ``reconcile.kinds.KINDS``."""
    from ..reconcile.kinds import KINDS

    return {
        k.spec.kind: _Facts(
            k.spec.delete_before_replace,
            tuple(k.spec.secret_outputs),
            tuple(k.spec.outputs),
            tuple(sorted(k.spec.never_returned)),
        )
        for k in KINDS
    }


def _hide_secret_outputs(step: Step, props: dict[str, Any], facts: Mapping[str, _Facts]) -> dict[str, Any]:
    secret_names = facts.get(step.kind, _Facts()).secret_outputs
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
    always = facts.get(step.kind, _Facts()).secret_outputs
    return [c for c in secret_changes(old, new) if _top(c.path) not in always]


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


def _warnings(step: Step, found: list[Change], delete_first: bool) -> list[str]:
    kind, name = step.kind, step.name
    status = _live_status(step)
    on_air = status in ("On", "Starting")
    warnings: list[str] = []
    fields = ", ".join(f"`{r}`" for r in step.replace_reasons) or ", ".join(
        sorted({f"`{_top(c.path)}`" for c in found})
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


def _symbol(op: str) -> str:
    return _SYMBOL.get(op, "?")


def _heading(what: str, stack: str) -> str:
    return f"### {what} `{stack}`" if stack else f"### {what}"


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
    warnings: list[str] = []
    for step in sorted(steps, key=lambda s: (ops.index(s.op), s.kind, s.name)):
        delete_first = step.op == "replace" and facts.get(step.kind, _Facts()).delete_first
        found, lines = _step_properties(step, facts)
        rows.append((step.op, step.kind, step.name, lines))
        warnings.extend(_warnings(step, found, delete_first))

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
                if op == "replace" and facts.get(kind, _Facts()).delete_first
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


# ---- drift report ----

#: The output that holds an object's run state, which changes by itself (a channel goes On).
RUN_STATE = "status"


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
    #: Only outputs changed while the inputs match: the cause is in fields a refresh cannot see.
    outputs_only: bool = False

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
    #: Per kind among the objects checked, the fields the API never returns.
    unseen: dict[str, tuple[str, ...]] = field(default_factory=dict)
    form: str = "document"

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
            "notReturned": {kind: list(names) for kind, names in self.unseen.items()},
        }

    def json(self) -> str:
        return json.dumps(self.as_json(), indent=2, ensure_ascii=False) + "\n"

    def _unseen_note(self) -> list[str]:
        if not self.unseen:
            return []
        out = ["", "> [!NOTE]"]
        derived = [o for o in self.objects if o.outputs_only]
        for obj in derived:
            names = ", ".join(sorted({f"`{_top(c.path)}`" for c in obj.fields}))
            out += [
                f"> Only outputs changed for {obj.kind} `{obj.name}` ({names}): the API computes them from"
                " fields it never returns, one of which was likely changed outside the repo.",
                ">",
            ]
        kinds = "; ".join(
            f"{kind} {', '.join(f'`{n}`' for n in names)}" for kind, names in self.unseen.items()
        )
        out.append(
            f"> A refresh cannot see fields the API never returns: {kinds}. A change made to them outside"
            " the repo shows neither here nor in `pulumi up`, which compares them with the last applied"
            " values; check them in the Cloud Video Kit console."
        )
        return out

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
            where = " in every field the API returns" if self.unseen else ""
            out += [f"All {self.checked} objects match the last apply{where}."]
            out += self._unseen_note()
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
                if not obj.fields:
                    out.append(
                        f"| `{obj.name}` | {obj.kind} | changed | — | — | (no field shows the change) |"
                    )
                for change in obj.fields:
                    out.append(
                        f"| `{obj.name}` | {obj.kind} | changed | `{change.path}` "
                        f"| {show(change.old)} | {show(change.new)} |"
                    )
        for obj in self.objects:
            hidden = [f"`{c.path}`" for c in obj.fields if c.old == SECRET and c.new == SECRET]
            if len(hidden) > 1:
                out += [
                    "",
                    f"{obj.kind} `{obj.name}`: one or more of {', '.join(hidden)} changed; their values"
                    " are secret, so the report cannot tell which.",
                ]
        if self.unattributed and self.form == "document":
            out += [
                "",
                "> [!NOTE]",
                f"> {self.unattributed} more object(s) changed, but this JSON does not say which: the"
                " `--json` document of a refresh preview keeps the old state of changed objects. Run the"
                " refresh with `PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true` for field-by-field detail.",
            ]
        elif self.unattributed:
            out += [
                "",
                "> [!NOTE]",
                f"> {self.unattributed} more object(s) changed by the count of the summary event, but the"
                " stream holds no changed step for them.",
            ]
        out += self._unseen_note()
        if self.unattributed or not all(o.outputs_only for o in self.objects):
            closing = (
                "`pulumi up` puts every object back as declared, recreating deleted ones. To keep a change"
                " made outside the repo, declare it in the repo first."
            )
        else:
            closing = "`pulumi up` changes none of these objects: every field it compares still matches."
        out += ["", closing]
        return "\n".join(out) + "\n"


def drift_report(text: str) -> Drift:
    """Read `pulumi refresh --preview-only --json` and list what changed outside the repo."""
    run = parse(text, REFRESH)
    facts = _kind_facts()
    objects: list[Drifted] = []
    attributed = 0
    for step in sorted(run.managed(), key=lambda s: (s.kind, s.name)):
        kind = facts.get(step.kind, _Facts())
        if step.op == "delete":
            objects.append(Drifted(step.name, step.kind, step.urn, step.id, "deleted", [], _identity(step)))
        elif step.op == "update":
            attributed += 1
            found = _changed(step, "outputs", facts)
            objects.append(Drifted(step.name, step.kind, step.urn, step.id, "changed", found))
        elif step.op == "same":
            # A refresh compares inputs: an output the API derives may change while they match.
            found = [
                c
                for c in changes(step.props("old", "outputs"), step.props("new", "outputs"))
                if _top(c.path) in kind.outputs
                and _top(c.path) != RUN_STATE
                and _top(c.path) not in kind.secret_outputs
            ]
            if found:
                objects.append(Drifted(step.name, step.kind, step.urn, step.id, "changed", found, "", True))
    unattributed = max(0, run.counts.get("update", 0) - attributed)
    checked = len(run.managed())
    unseen = {
        k: facts[k].never_returned
        for k in sorted({s.kind for s in run.managed()})
        if k in facts and facts[k].never_returned
    }
    return Drift(run.stack, objects, unattributed, run.errors, checked, unseen, run.form)


__all__ = [
    "CHANGES",
    "ERROR",
    "NO_CHANGES",
    "PREVIEW",
    "REFRESH",
    "SECRET",
    "Change",
    "Drift",
    "Drifted",
    "Plan",
    "ReviewError",
    "changes",
    "decode",
    "drift_report",
    "masked",
    "parse",
    "plan_summary",
    "secret_changes",
    "show",
]
