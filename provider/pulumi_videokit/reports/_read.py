"""Engine JSON, read into steps: either form the CLI writes, checked against the shapes read here.

Both reports read either form the CLI writes: the one JSON document of ``--json`` (with
``steps``), or the stream of engine events, one JSON object per line, that it writes when
``PULUMI_ENABLE_STREAMING_JSON_PREVIEW=true``.  The input is checked against the shapes read here
before anything is read from it; a stream without its summary event (a run stopped before its
end) or a document cut short is refused as incomplete.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..protocol import BOOKKEEPING

#: Exit codes of both commands.
NO_CHANGES, ERROR, CHANGES = 0, 1, 2

SECRET = "[secret]"
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
        """The resource's own type token (a child's URN carries its parents' types before a ``$``)."""
        return self.urn.rsplit("::", 2)[-2].rsplit("$", 1)[-1] if "::" in self.urn else ""

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
        return {k: v for k, v in values.items() if k not in BOOKKEEPING}


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
