"""The drift report: what changed outside the repo, from `pulumi refresh --preview-only --json`.

The document form of a refresh preview carries the refreshed state of deleted objects only (changed
ones keep their old state there and are only counted), so the report says how many changes it
cannot attribute; the stream carries them all.  A refresh cannot see fields the API never returns
(``ResourceSpec.never_returned``): the report names them, and lists outputs that changed while the
inputs did not.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ._read import CHANGES, ERROR, MISSING, NO_CHANGES, REFRESH, SECRET, Change, parse
from ._values import _cell, _changed, _Facts, _heading, _identity, _kind_facts, _top, changes, show

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
        kind = facts.get(step.type, _Facts())
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
        s.kind: facts[s.type].never_returned
        for s in sorted(run.managed(), key=lambda s: s.kind)
        if s.type in facts and facts[s.type].never_returned
    }
    return Drift(run.stack, objects, unattributed, run.errors, checked, unseen, run.form)
