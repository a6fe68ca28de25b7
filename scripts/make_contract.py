#!/usr/bin/env python3
"""Generate the API contract from the vendor's reference, never from the client's models.

    python scripts/make_contract.py [--reference-dir DIR] [--check]

Reads ``endpoints.json`` and ``cloud-video-kit-api-reference.txt`` (``../shared/api`` beside the
repo, else the copies under ``tests/data``) and writes
``provider/pulumi_videokit/contract/contract.json``: for each of the 86 method+path pairs, the
path parameters, the query parameters as spelled, the body as JSON Schema, and the documented
response fields.  Where the reference contradicts itself, the choice is applied by one entry of
``DECISIONS`` below and recorded in the output with the reference line it rests on.
``--check`` exits 1 when the committed file differs from what would be written.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "provider" / "pulumi_videokit" / "contract" / "contract.json"
DOC = ROOT / "docs" / "api-decisions.md"
BEGIN, END = "<!-- contract:begin -->", "<!-- contract:end -->"
SOURCES = (ROOT.parent / "shared" / "api", ROOT / "tests" / "data")
REFERENCE = "cloud-video-kit-api-reference.txt"
HEADERS = {"X-Tenant-Id", "X-Api-Key"}
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
#: Objects documented as free-form key/value maps keep any key.
FREE_FORM = re.compile(r"key-value|key/value|dictionary|additional metadata|custom metadata", re.I)

Schema = dict[str, Any]


# ---------------------------------------------------------------- reading the tables


def enum_from_notes(notes: str) -> list[str] | None:
    """``Redundancy mode: SingleInput or DoubleInput`` → the closed list; ``e.g.`` lists stay open."""
    if re.search(r"e\.g\.|etc\.|example", notes, re.I):
        return None
    text = notes.replace("[Obsolete]", "")
    text = text.rsplit(":", 1)[-1]
    text = re.sub(r",\s*\w+ is default\.?$", "", text.strip())
    tokens = [t for t in re.split(r"\s*(?:,|\bor\b)\s*", text.strip(" .")) if t]
    if len(tokens) >= 2 and all(re.fullmatch(r"[A-Z][A-Za-z0-9_]*", t) for t in tokens):
        return tokens
    return None


def scalar_schema(type_text: str, notes: str) -> Schema:
    t = type_text.strip().lower()
    out: Schema
    if t.startswith("string"):
        out = {"type": "string"}
        if "date-time" in t:
            out["format"] = "date-time"
    elif t in ("int", "int32", "int64", "integer", "integer (int64)"):
        out = {"type": "integer"}
    elif t == "boolean":
        out = {"type": "boolean"}
    elif t.startswith("array"):
        of = t.removeprefix("array").strip(" []").removeprefix("of").strip()
        if of in ("string", "strings", "uuids"):
            item: Schema = {"type": "string"}
        elif of in ("", "objects") and not re.search(r"\bof\b", t):
            item = {}
        else:
            item = {"type": "object"}
        out = {"type": "array", "items": item}
    elif t == "object":
        out = {"type": "object"}
    elif t[:1].isalpha():
        out = {"x-named": type_text.strip()}  # a named type: the example gives its shape
    else:  # pragma: no cover - every documented type is covered above
        raise SystemExit(f"unknown type {type_text!r}")
    enum = enum_from_notes(notes)
    if enum and out.get("type") == "string":
        out["enum"] = enum
    return out


def from_example(value: Any) -> Schema:
    """A schema inferred from an example value: objects list exactly the keys shown."""
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, float):
        return {"type": "number"}
    if isinstance(value, str):
        is_time = DATE_TIME.match(value)
        return {"type": "string", "format": "date-time"} if is_time else {"type": "string"}
    if isinstance(value, list):
        items: Schema = {}
        for element in value:
            items = merge_example(items, element) if items else from_example(element)
        return {"type": "array", "items": items}
    if isinstance(value, dict):
        return {
            "type": "object",
            "properties": {k: from_example(v) for k, v in value.items()},
            "additionalProperties": False,
        }
    return {}


def merge_example(schema: Schema, value: Any) -> Schema:
    """Add to ``schema`` the keys ``value`` shows that it lacks."""
    if isinstance(value, dict) and schema.get("type") == "object" and "properties" in schema:
        props = schema["properties"]
        for key, sub in value.items():
            props[key] = merge_example(props[key], sub) if key in props else from_example(sub)
    elif isinstance(value, list) and schema.get("type") == "array":
        for element in value:
            items = schema["items"]
            schema["items"] = merge_example(items, element) if items else from_example(element)
    return schema


@dataclass
class Endpoint:
    raw: dict[str, Any]
    line: int
    decisions: list[dict[str, Any]]

    @property
    def key(self) -> str:
        return f"{self.raw['method']} {self.raw['path']}"

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.raw["path"])

    def fields(self) -> list[dict[str, Any]]:
        skip = HEADERS | set(self.path_params)
        return [p for p in self.raw["params"] if p["name"] not in skip]

    @property
    def has_body(self) -> bool:
        return self.raw["method"] in ("POST", "PUT", "PATCH")


def body_schema(ep: Endpoint) -> Schema | None:
    """The request body as JSON Schema: the parameter table, then keys only the example shows."""
    example = ep.raw.get("example_request")
    params = ep.fields()
    if not ep.has_body:
        return None
    if isinstance(example, list) or any(p["name"] == "body" for p in params):
        return {"type": "array", "items": {"type": "string"}}
    if not params and not isinstance(example, dict):
        return None
    root: Schema = {"type": "object", "properties": {}, "additionalProperties": False}
    for param in params:
        place(root, param["name"], param)
    if isinstance(example, dict):
        add_example(ep, root, example, "")
    close(root)
    return root


def place(root: Schema, name: str, param: dict[str, Any]) -> None:
    """Put one table row (``input.inputLoss.type``, ``endpoints[].type``, ``images.{key}.id``) in place."""
    parts = re.findall(r"[^.\[\]]+|\[\]", name.replace("{key}", "*"))
    node = root
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "[]":
            continue
        node = descend(node)
        if part == "*":
            node.setdefault("additionalProperties", {"type": "object", "properties": {}})
            node.pop("properties", None)
            node = node["additionalProperties"]
            continue
        props = node.setdefault("properties", {})
        array_next = i + 1 < len(parts) and parts[i + 1] == "[]"
        if last or (array_next and i + 2 == len(parts)):
            schema = scalar_schema(param["type"], param["notes"])
            if array_next and schema.get("type") != "array":
                schema = {"type": "array", "items": schema}
            existing = props.get(part)
            if existing and "properties" in descend(existing):
                continue  # a parent row after its children: keep the children
            props[part] = schema
            schema["description"] = param["notes"]
            if param["required"]:
                node.setdefault("required", [])
                if part not in node["required"]:
                    node["required"].append(part)
            return
        if part not in props:
            props[part] = {"type": "array", "items": {"type": "object"}} if array_next else {"type": "object"}
        node = props[part]


def descend(node: Schema) -> Schema:
    """The object a path goes on into: an array's items, or the node itself."""
    while node.get("type") == "array":
        node = node.setdefault("items", {"type": "object"})
        node.setdefault("type", "object")
    return node


def add_example(ep: Endpoint, node: Schema, example: dict[str, Any], prefix: str) -> None:
    """Keys the example shows that the table does not list; named types take the example's shape."""
    obj = descend(node)
    props = obj.setdefault("properties", {})
    free = obj.get("x-free-form")
    for key, value in example.items():
        where = f"{prefix}{key}"
        if key not in props:
            if free or ("additionalProperties" in obj and obj["additionalProperties"] not in (False, None)):
                continue
            props[key] = from_example(value)
            ep.decisions.append(
                {
                    "field": where,
                    "choice": "accepted: shown in the example request but not in the parameter table",
                    "line": ep.line,
                }
            )
            continue
        sub = props[key]
        if "x-named" in sub:
            props[key] = merge_named(from_example(value), sub)
            continue
        target = descend(sub)
        if target.get("type") != "object":
            continue
        if FREE_FORM.search(sub.get("description", "")) or (key == "metadata" and "properties" not in target):
            target["x-free-form"] = True
            continue
        values = value if isinstance(value, list) else [value]
        for element in values:
            if isinstance(element, dict):
                add_example(ep, target, element, where + ".")


def merge_named(shape: Schema, table: Schema) -> Schema:
    """A named type's shape from the example, with the rows the table documents beneath it."""
    if shape.get("type") == "object" and "properties" in table:
        for key, sub in table["properties"].items():
            shape["properties"].setdefault(key, sub)
    shape["description"] = table.get("description", table["x-named"])
    return shape


def close(node: Schema) -> None:
    """Objects with listed properties reject others; free-form and untyped ones take anything."""
    node.pop("x-named", None)
    if node.get("type") == "object":
        free = node.pop("x-free-form", False)
        if node.get("properties") and not free:
            node.setdefault("additionalProperties", False)
        else:
            node.pop("additionalProperties", None) if node.get("additionalProperties") is False else None
        for sub in node.get("properties", {}).values():
            close(sub)
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            close(extra)
    elif node.get("type") == "array" and isinstance(node.get("items"), dict):
        close(node["items"])


def query_schema(ep: Endpoint) -> dict[str, Schema]:
    if ep.has_body:
        return {}
    out: dict[str, Schema] = {}
    for param in ep.fields():
        schema = scalar_schema(param["type"], param["notes"])
        schema["description"] = param["notes"]
        if schema.get("type") == "array":
            schema["items"] = schema["items"] or {"type": "string"}
            schema["style"] = "csv" if "comma separated" in param["notes"].lower() else "repeat"
        out[param["name"]] = schema
    return out


def response_tree(ep: Endpoint) -> dict[str, Any]:
    """Documented response fields as a tree: ``*`` is any key, arrays are transparent."""
    tree: dict[str, Any] = {}
    for field in ep.raw["response_fields"]:
        name = field["name"]
        if name == "-":
            continue
        name = re.sub(r"^\((\w+)\)|^\{\w+\}|^<\w+>|^\[\w+\]", "*", name)
        name = name.replace("{key}", "*").replace("[]", "")
        node = tree
        for part in filter(None, name.split(".")):
            node = node.setdefault(part, {})
    add_response_example(tree, ep.raw.get("example_response"))
    return shape_maps(tree)


#: Response fields whose keys are the tenant's own (metadata) or ids (images, fileIds, metrics):
#: the examples' keys there are sample data, not field names.
OPEN_MAPS = frozenset({"metadata"})
KEYED_MAPS = frozenset({"images", "fileIds", "metrics"})
SERVICE_STATUS = {"code": {}, "status": {}, "message": {}}
CHAPTER_FIELDS = ("id", "title", "start", "end", "startSecond", "endSecond", "durationSeconds")


def shape_maps(tree: dict[str, Any]) -> dict[str, Any]:
    """Open maps take any key; keyed maps hold one shape under any key; a ServiceResponse's
    status carries code, status and message wherever one is shown; a chapter has both spellings."""
    for key, sub in list(tree.items()):
        if key in OPEN_MAPS:
            tree[key] = {}
            continue
        if key in KEYED_MAPS and sub and "*" not in sub:
            merged: dict[str, Any] = {}
            for name, child in sub.items():
                if child:
                    merged.update(child)
                elif name.lower() in ("id", "name", "url"):
                    merged[name] = {}
            if key == "images":  # Id/Name/Url and id/name/url are both documented
                merged = {name: {} for name in ("id", "name", "url", "Id", "Name", "Url")}
            sub = {"*": merged}
            tree[key] = sub
        if key == "chapters":
            tree[key] = {name: {} for name in CHAPTER_FIELDS}
            continue
        if key == "status" and "code" in sub:
            tree[key] = dict(SERVICE_STATUS)
            continue
        shape_maps(sub)
    return tree


def add_response_example(tree: dict[str, Any], example: Any) -> None:
    if isinstance(example, list):
        for element in example:
            add_response_example(tree, element)
    elif isinstance(example, dict):
        if "*" in tree:
            for value in example.values():
                add_response_example(tree["*"], value)
            return
        for key, value in example.items():
            add_response_example(tree.setdefault(key, {}), value)


def response_shape(ep: Endpoint) -> str:
    example = ep.raw.get("example_response")
    names = [f["name"] for f in ep.raw["response_fields"]]
    if isinstance(example, list) or names[:1] == ["-"]:
        return "array"
    if names and re.match(r"^\(\w+\)|^\{\w+\}|^<\w+>|^\[\w+\]", names[0]):
        return "map"
    if not names and example is None:
        return "empty"
    return "object"


# ---------------------------------------------------------------- decisions

Patch = Callable[[dict[str, Any]], None]


@dataclass
class Decision:
    """One place the reference contradicts itself or says too little, and what the contract does."""

    endpoints: tuple[str, ...]
    field: str
    quote: str
    choice: str
    patch: Patch | None = None


def prop(entry: dict[str, Any], dotted: str) -> Schema:
    node: Schema = entry["body"]
    for part in dotted.split("."):
        node = descend(node)
        node = node["properties"][part]
    return node


def _settings_values(entry: dict[str, Any]) -> None:
    for name in ("tokenRequired", "devToolsAccess", "cap", "analytics", "codeObfuscation"):
        prop(entry, name)["enum"] = ["Enabled", "Disabled", "Inherit"]


def _origin(entry: dict[str, Any]) -> None:
    label = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    prop(entry, "url")["pattern"] = rf"^https?://{label}(\.{label})*(:[1-9][0-9]{{0,4}})?/?$"


def _restreams(entry: dict[str, Any]) -> None:
    prop(entry, "restreams").update(
        {
            "maxItems": 10,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "protocol": {"type": "string"},
                    "id": {"type": "string"},
                    "destination": {"type": "string"},
                    "rtmpDestinations": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {"url": {"type": "string"}, "streamKey": {"type": "string"}},
                        },
                    },
                },
            },
        }
    )


def _metadata_free(entry: dict[str, Any]) -> None:
    node = prop(entry, "metadata")
    node.pop("properties", None)
    node.pop("additionalProperties", None)


def _images_any_case(entry: dict[str, Any]) -> None:
    image = {
        "type": "object",
        "additionalProperties": False,
        "properties": {k: {"type": "string"} for k in ("id", "name", "url", "Id", "Name", "Url")},
    }
    node = prop(entry, "images")
    node.pop("properties", None)
    node["additionalProperties"] = image


def _recording_attributes(entry: dict[str, Any]) -> None:
    meta = prop(entry, "metadata")
    meta["properties"]["attributes"] = {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "properties": {"key": {"type": "string"}, "value": {"type": "string"}},
        },
    }


def _cancel_body(entry: dict[str, Any]) -> None:
    entry["body"] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"delete": {"type": "boolean"}},
    }
    entry["query"] = {}


def _no_body(entry: dict[str, Any]) -> None:
    entry["body"] = None


DECISIONS: tuple[Decision, ...] = (
    Decision(
        ("*",),
        "X-Tenant-Id",
        "X-Tenant-Id | No | string | Tenant ID is required only if one tenant is active",
        "a header on every request, never a query or body field, although some tables list it as a parameter",
    ),
    Decision(
        ("*",),
        "date-time fields",
        '"start": "2025-03-05T11:00:00+00:00"',
        "a date-time must carry its offset (Z or ±hh:mm), as every example does; a time without one "
        "names no instant and is rejected. Up to 7 fraction digits are read.",
    ),
    Decision(
        ("*",),
        "string <uuid> fields",
        '"fileId": "file_12345"',
        "ids typed uuid are not checked as UUIDs: the examples themselves use ids such as file_12345 "
        "and cot-live-ch1",
    ),
    Decision(
        ("*",),
        "array query parameters",
        "ids | No | array of string | Comma separated list of channel ids",
        "only Get Channels Status documents a comma-separated list; every other array query parameter "
        "is sent as one repeated key per value (ids=a&ids=b)",
    ),
    Decision(
        ("*",),
        "limit",
        "limit | No | int32 | Page size of channels; default: 100",
        "a page holds 1 to 100 items: 100 is the documented default and the largest page any example shows",
    ),
    Decision(
        ("PATCH /streaming/v1/assets/{assetId}/settings",),
        "tokenRequired, devToolsAccess, cap, analytics, codeObfuscation",
        "tokenRequiredPolicy | No | string | Token policy for the asset. Values: Inherit , True , False .",
        "the table gives no values; the examples show Enabled and Disabled, and the sibling "
        "tokenRequiredPolicy documents Inherit, so a setting takes Enabled, Disabled or Inherit "
        "(back to the tenant's value)",
        _settings_values,
    ),
    Decision(
        ("POST /streaming/v1/domains",),
        "url",
        '"url": "https://your.domain.com"',
        "an allowed domain is an origin: http(s), a host and an optional port, with no path, query "
        "or fragment, as every example shows. The host is ASCII: dot-separated labels of letters, "
        "digits and inner hyphens; an internationalized name is given in its IDNA (xn--) form",
        _origin,
    ),
    Decision(
        ("PATCH /live/v1/channels/{id}",),
        "restreams",
        "Add, edit, or remove RTMP services where you want to restream this channel. Max items: 10",
        "the items are Create Channel's restreams[] (protocol, id, destination, rtmpDestinations[]), "
        "at most 10",
        _restreams,
    ),
    Decision(
        ("POST /live/v1/events",),
        "metadata",
        '"metadata": {',
        "the table lists metadata.title but the example sends metadata.Title; metadata is a free-form "
        "string map, as Update Event documents it",
        _metadata_free,
    ),
    Decision(
        ("POST /streaming/v1/assets/{assetId}/images", "PATCH /streaming/v1/assets/{assetId}"),
        "images.{key}",
        '"Id": "guid",',
        "Create Asset Images shows Id/Name/Url while Update Asset documents id/name/url; both spellings "
        "are accepted, and the client writes what each example shows",
        _images_any_case,
    ),
    Decision(
        ("POST /cvr/v1/recordings",),
        "metadata.attributes",
        "metadata.attributes | No | object | Attributes object |",
        "typed as an object, but the example sends a list of {key, value}; the list is the contract",
        _recording_attributes,
    ),
    Decision(
        ("POST /vod/v1/files/{id}/cancel",),
        "delete",
        '"delete": true',
        "the table lists delete beside the path id, the example sends it in the JSON body: "
        "it is a body field",
        _cancel_body,
    ),
    Decision(
        ("POST /vod/v1/files/{id}/detect",),
        "(body)",
        "Detects media tracks in a specific file.",
        "the request has no body",
        _no_body,
    ),
    Decision(
        ("GET /core/v1/api-key",),
        "Query, Sort, Desc, Page, Limit",
        "Query | No | string | Text query to filter API keys",
        "spelled with capitals, unlike every other listing; the contract keeps the capitals",
    ),
    Decision(
        ("GET /core/v1/api-key",),
        "items.roleName",
        "items.roleId | string | Role name associated with the API Key. |",
        "the table names items.roleId twice; the first one, 'Role name', is roleName, as the example shows",
    ),
    Decision(
        ("POST /core/v1/api-key",),
        "key material",
        "roleId | string | Role ID associated with the API Key.",
        "the response documents id, name and roleId only; no key material is ever returned. "
        "The emulator returns a 'key' field only when started with --return-key-material",
    ),
    Decision(
        ("*",),
        "ServiceResponse",
        "<id>.status.status | integer |",
        "an acknowledgement's status carries code, status and message everywhere, as Delete Multiple "
        "Recordings documents it, although other examples show only some of the three",
    ),
    Decision(
        ("*",),
        "metadata, images, fileIds, metrics in answers",
        '"fileIds": {',
        "their keys are data (the tenant's metadata keys, image keys, file ids, metric ids), not fields: "
        "metadata takes any key, the others hold one shape under any key",
    ),
    Decision(
        ("*",),
        "chapters in answers",
        '"start": 0,',
        "List Assets shows a chapter's bounds as start/end, Get Asset Details as startSecond/endSecond; "
        "both spellings are documented answers, and the client reads both",
    ),
    Decision(
        ("GET /live/v1/events/{id}",),
        "status",
        "Get Event Details",
        "Get Event Details returns no status, tags or attributes; List Events with ids= does",
    ),
)


# ---------------------------------------------------------------- assembling


def line_of(text_lines: list[str], quote: str, start: int = 0) -> int:
    for begin in (start, 0):
        for number, line in enumerate(text_lines[begin:], begin + 1):
            if quote in line:
                return number
    raise SystemExit(f"quote not found in the reference: {quote!r}")


def endpoint_line(text_lines: list[str], method: str, path: str) -> int:
    url = f"https://{{tenant_name}}.api.videokit.cloud{path} |"
    for number, line in enumerate(text_lines, 1):
        if line.startswith("Method URL") and line.rstrip().endswith(url):
            nxt = text_lines[number] if number < len(text_lines) else ""
            if f"| {method} |" in nxt:
                return number
    raise SystemExit(f"{method} {path} not found in the reference")


def build(source: Path) -> dict[str, Any]:
    raw = json.loads((source / "endpoints.json").read_text())
    text_lines = (source / REFERENCE).read_text().splitlines()
    entries: dict[str, dict[str, Any]] = {}
    for item in raw:
        ep = Endpoint(item, endpoint_line(text_lines, item["method"], item["path"]), [])
        body = body_schema(ep)
        headers = sorted({p["name"] for p in item["params"] if p["name"] in HEADERS} | {"X-Api-Key"})
        entries[ep.key] = {
            "title": item["title"] or item["summary"],
            "method": item["method"],
            "path": item["path"],
            "line": ep.line,
            "pathParams": ep.path_params,
            "headers": headers,
            "query": query_schema(ep),
            "body": body,
            "response": {"shape": response_shape(ep), "fields": response_tree(ep)},
            "decisions": ep.decisions,
        }
    for decision in DECISIONS:
        targets = list(entries) if decision.endpoints == ("*",) else list(decision.endpoints)
        start = 0
        if decision.endpoints != ("*",):
            start = entries[targets[0]]["line"] - 30
        record = {
            "field": decision.field,
            "choice": decision.choice,
            "line": line_of(text_lines, decision.quote, max(start, 0)),
        }
        for key in targets:
            entry = entries[key]
            if decision.patch:
                decision.patch(entry)
            if decision.endpoints != ("*",):
                entry["decisions"] = [
                    d for d in entry["decisions"] if not d["field"].startswith(decision.field.split(" ")[0])
                ]
                entry["decisions"].append(record)
    general = [
        {"field": d.field, "choice": d.choice, "line": line_of(text_lines, d.quote)}
        for d in DECISIONS
        if d.endpoints == ("*",)
    ]
    return {
        "source": REFERENCE,
        "generatedBy": "scripts/make_contract.py",
        "decisions": general,
        "endpoints": entries,
    }


def decisions_table(built: dict[str, Any]) -> str:
    """The contract's decisions as a Markdown table, general ones first."""
    rows = ["| endpoint | field | line | choice |", "|---|---|---|---|"]
    for d in built["decisions"]:
        rows.append(f"| every endpoint | {d['field']} | {d['line']} | {d['choice']} |")
    for key, entry in built["endpoints"].items():
        for d in entry["decisions"]:
            rows.append(f"| `{key}` | `{d['field']}` | {d['line']} | {d['choice']} |")
    return "\n".join(rows)


def with_table(doc: str, table: str) -> str:
    head, rest = doc.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table}\n{END}{tail}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference-dir", type=Path)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    source = args.reference_dir or next(p for p in SOURCES if (p / REFERENCE).exists())
    built = build(source)
    text = json.dumps(built, indent=1, sort_keys=False) + "\n"
    doc = with_table(DOC.read_text(), decisions_table(built))
    if args.check:
        stale = [p for p, t in ((args.out, text), (DOC, doc)) if not p.exists() or p.read_text() != t]
        for path in stale:
            print(f"{path} is out of date: run scripts/make_contract.py", file=sys.stderr)
        return 1 if stale else 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    DOC.write_text(doc)
    print(f"wrote {args.out} ({len(json.loads(text)['endpoints'])} endpoints)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
