"""The contract: generated from the reference, and a judge that the client's mistakes fail.

Every pair that takes a body or query parameters is sent mutated copies of a valid request (an
unknown field, a snake_case spelling, a wrong enum value, a wrong type, a missing required field,
an undocumented query parameter), over a real socket, and each must be refused with a 400 that
names the field.  Listings the providers use are walked past 100 items.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_videokit import contract
from pulumi_videokit.client import ClientConfig, PaginationError, VideoKitClient
from pulumi_videokit.emulator import RunningEmulator, running

from .conftest import API_KEY, TENANT_ID, admin, emulator_config, make_client
from .test_emulator_contract import concrete

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
HEADERS = {"X-Api-Key": API_KEY, "X-Tenant-Id": TENANT_ID}
ENDPOINTS = contract.endpoints()
JUDGED = {k: e for k, e in ENDPOINTS.items() if e["body"] is not None or e["query"]}


@pytest.fixture(scope="module")
def emulator() -> Iterator[RunningEmulator]:
    """An emulator of this module's own: the requests here leave objects behind (a valid Add Allow
    Domain adds the example's domain) that other modules' examples must not meet."""
    with running(emulator_config()) as emu:
        yield emu
        assert emu.ctx.undocumented == []


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("make_contract", ROOT / "scripts" / "make_contract.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_committed_contract_is_what_the_reference_generates() -> None:
    generator = _generator()
    built = generator.build(DATA)
    assert built == contract.load(), "run scripts/make_contract.py"
    doc = (ROOT / "docs" / "api-decisions.md").read_text()
    assert generator.with_table(doc, generator.decisions_table(built)) == doc, "run scripts/make_contract.py"


def test_contract_covers_every_documented_pair_and_cites_the_reference() -> None:
    documented = json.loads((DATA / "endpoints.json").read_text())
    assert {f"{e['method']} {e['path']}" for e in documented} == set(ENDPOINTS)
    assert len(ENDPOINTS) == 86 and len(JUDGED) >= 50
    lines = (DATA / "cloud-video-kit-api-reference.txt").read_text().splitlines()
    for key, entry in ENDPOINTS.items():
        assert lines[entry["line"] - 1].startswith("Method URL"), key
        assert entry["path"] in lines[entry["line"] - 1], key
        for decision in entry["decisions"]:
            assert 1 <= decision["line"] <= len(lines) and decision["choice"], (key, decision)
    assert contract.load()["decisions"], "the general choices are recorded"


# ---------------------------------------------------------------- valid requests to mutate


def _value(schema: dict[str, Any]) -> Any:
    """A valid value for ``schema``: its first enum value, or one of its type."""
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {k: _value(schema["properties"][k]) for k in schema.get("required", [])}
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "boolean":
        return True
    if schema.get("format") == "date-time":
        return "2030-01-01T10:00:00Z"
    if "pattern" in schema:
        return "https://valid.example.com"
    return "x"


def valid_body(entry: dict[str, Any]) -> Any:
    """The documented example where it is valid, else the smallest valid body."""
    schema = entry["body"]
    if schema is None:
        return None
    raw = next(
        e["example_request"]
        for e in json.loads((DATA / "endpoints.json").read_text())
        if f"{e['method']} {e['path']}" == f"{entry['method']} {entry['path']}"
    )
    if isinstance(raw, (dict, list)) and not contract.body_problems(entry, raw):
        return copy.deepcopy(raw)
    body = _value(schema) if schema.get("type") == "object" else ["id-1"]
    assert not contract.body_problems(entry, body), (entry["path"], body)
    return body


def _objects(schema: dict[str, Any], body: Any, where: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Paths to every object in ``body`` whose schema lists its properties and refuses others."""
    if isinstance(body, dict) and schema.get("type") == "object":
        if schema.get("additionalProperties") is False:
            yield where
        for key, value in body.items():
            sub = schema.get("properties", {}).get(key)
            if sub:
                yield from _objects(sub, value, (*where, key))
    elif isinstance(body, list) and schema.get("type") == "array":
        for i, value in enumerate(body):
            yield from _objects(schema.get("items", {}), value, (*where, i))


def _at(body: Any, where: tuple[Any, ...]) -> Any:
    for part in where:
        body = body[part]
    return body


def _props(schema: dict[str, Any], where: tuple[Any, ...]) -> dict[str, Any]:
    for part in where:
        schema = schema["items"] if isinstance(part, int) else schema["properties"][part]
    return schema


def _dotted(where: tuple[Any, ...], name: str) -> str:
    text = ""
    for part in where:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return f"{text}.{name}" if text else name


def mutations(entry: dict[str, Any]) -> Iterator[tuple[str, Any, dict[str, str], str]]:
    """``(what, body, extra query, field the refusal must name)`` for one endpoint."""
    schema, body = entry["body"], valid_body(entry)
    if schema is not None and schema.get("type") == "array":
        yield "object instead of array", {"ids": body}, {}, "expected array"
        yield "number in array", [*body, 7], {}, "[" + str(len(body)) + "]"
    elif schema is not None:
        for where in _objects(schema, body):
            node, props = _at(body, where), _props(schema, where)["properties"]
            yield "unknown field", _with(body, where, "unknownField", 1), {}, _dotted(where, "unknownField")
            camel = next((k for k in props if re.search(r"[a-z][A-Z]", k)), None)
            if camel:
                snake = re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), camel)
                yield "snake_case field", _with(body, where, snake, node.get(camel, 1)), {}, _dotted(where, snake)
            for name, sub in props.items():
                if "enum" in sub:
                    yield f"bad enum {name}", _with(body, where, name, "NotAValue"), {}, _dotted(where, name)
                    break
            for name, sub in props.items():
                if sub.get("type") in ("string", "integer", "boolean") and "enum" not in sub:
                    wrong = [] if sub["type"] != "boolean" else "yes"
                    yield f"wrong type {name}", _with(body, where, name, wrong), {}, _dotted(where, name)
                    break
            for name in _props(schema, where).get("required", []):
                trimmed = copy.deepcopy(body)
                del _at(trimmed, where)[name]
                yield f"missing {name}", trimmed, {}, _dotted(where, name)
    if entry["query"]:
        yield "unknown query parameter", body, {"unknownParam": "1"}, "unknownParam"
        snake = next((k for k in entry["query"] if re.search(r"[a-z][A-Z]", k)), None)
        if snake:
            wrong = re.sub(r"([A-Z])", lambda m: "_" + m.group(1).lower(), snake)
            yield "snake_case query parameter", body, {wrong: "1"}, wrong
        for name, sub in entry["query"].items():
            if sub.get("type") == "integer":
                yield f"non-integer {name}", body, {name: "ten"}, name
                break
        for name, sub in entry["query"].items():
            if sub.get("format") == "date-time":
                yield f"time without offset {name}", body, {name: "2030-01-01T10:00:00"}, name
                break


def _with(body: Any, where: tuple[Any, ...], key: str, value: Any) -> Any:
    out = copy.deepcopy(body)
    _at(out, where)[key] = value
    return out


CASES = [
    pytest.param(entry, what, body, query, names, id=f"{key} | {what}")
    for key, entry in JUDGED.items()
    for what, body, query, names in mutations(entry)
]


def test_every_judged_pair_has_a_mutation() -> None:
    covered = {c.values[0]["method"] + " " + c.values[0]["path"] for c in CASES}
    assert covered == set(JUDGED)


@pytest.mark.parametrize(("entry", "what", "body", "query", "names"), CASES)
def test_mutated_request_is_refused_naming_the_field(
    emulator: RunningEmulator, entry: dict[str, Any], what: str, body: Any, query: dict[str, str], names: str
) -> None:
    kwargs: dict[str, Any] = {"headers": HEADERS, "params": query}
    if body is not None:
        kwargs["json"] = body
    r = httpx.request(entry["method"], emulator.url + concrete(entry["path"]), **kwargs)
    assert r.status_code == 400, (what, r.status_code, r.text)
    message = r.json()["status"]["message"]
    assert names in message, (what, message)


@pytest.mark.parametrize("key", sorted(JUDGED))
def test_a_valid_request_is_not_refused_by_the_judge(emulator: RunningEmulator, key: str) -> None:
    entry = JUDGED[key]
    body = valid_body(entry)
    kwargs: dict[str, Any] = {"headers": HEADERS}
    if body is not None:
        kwargs["json"] = body
    r = httpx.request(entry["method"], emulator.url + concrete(entry["path"]), **kwargs)
    # The object may not exist (404) or be in the wrong state (409), but the request is well formed.
    assert r.status_code != 400 or r.json()["status"]["code"] != "validation", r.text


def test_lenient_mode_accepts_unknown_fields_but_not_wrong_values() -> None:
    with running(emulator_config(lenient=True)) as emu:
        channel = {"name": "lenient", "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}}
        r = httpx.post(emu.url + "/live/v1/channels", headers=HEADERS, json={**channel, "activation_mode": "x"})
        assert r.status_code == 200
        r = httpx.get(emu.url + "/live/v1/channels", headers=HEADERS, params={"unknownParam": "1"})
        assert r.status_code == 200
        r = httpx.post(emu.url + "/live/v1/channels", headers=HEADERS, json={**channel, "latency": "Fast"})
        assert r.status_code == 400 and "latency" in r.json()["status"]["message"]


# ---------------------------------------------------------------- paging past 100


STAMP = "2025-01-01T00:00:{:02d}Z"


def _seed_many(emu: RunningEmulator, n: int) -> dict[str, Any]:
    channel = {
        "status": "Off",
        "internalStatus": "IDLE",
        "endpoints": [],
        "archiveEndpointIds": [],
        "transcodeEndpointId": None,
        "cdn": {"enabled": True},
        "inputs": [],
        "encoding": {"preset": "default", "pipelines": 1},
        "metadata": {},
        "automationDisabled": False,
    }
    seed: dict[str, Any] = {
        "channels": [
            {**channel, "id": f"ch-{i:03d}", "name": f"bulk-{i:03d}", "createDate": STAMP.format(i % 60)}
            for i in range(n)
        ],
        "events": [
            {
                "id": f"event-{i:03d}",
                "channelId": "ch-000",
                "start": f"2030-01-01T{i // 60:02d}:{i % 60:02d}:00Z",
                "end": "2030-01-02T00:00:00Z",
                "title": f"bulk-{i:03d}",
                "metadata": {},
                "tags": [],
                "attributes": [],
            }
            for i in range(n)
        ],
        "domains": [
            {"playerDomainId": f"p-{i:03d}", "analyticsDomainId": f"a-{i:03d}", "url": f"https://d{i}.example.com"}
            for i in range(n)
        ],
        "apiKeys": [
            {"id": f"key-{i:03d}", "name": f"bulk-{i:03d}", "roleId": "role-123", "roleName": "Admin",
             "createdAt": STAMP.format(i % 60)}
            for i in range(n)
        ],
    }
    with admin(emu) as adm:
        assert adm.post("/seed", json=seed).status_code == 200
    return seed


@pytest.fixture(scope="module")
def bulk() -> Iterator[VideoKitClient]:
    with running(emulator_config()) as emu:
        _seed_many(emu, 150)
        yield make_client(emu.url)
        assert emu.ctx.undocumented == []


@pytest.mark.parametrize(
    ("listing", "prefix"),
    [
        (lambda c: c.live.channels.list(), "ch-"),
        (lambda c: c.live.events.list(), "event-"),
        (lambda c: c.core.api_keys.list(), "key-"),
        (lambda c: c.live.events.list(channelId="ch-000"), "event-"),
    ],
    ids=["channels", "events", "api-keys", "events-of-a-channel"],
)
def test_listings_the_providers_use_walk_past_100_items(bulk: VideoKitClient, listing: Any, prefix: str) -> None:
    ids = [item.id for item in listing(bulk)]
    assert len(ids) == 150 and len(set(ids)) == 150
    assert all(i.startswith(prefix) for i in ids)


def test_domains_are_one_bare_array(bulk: VideoKitClient) -> None:
    assert len({d.player_domain_id for d in bulk.streaming.domains.list()}) == 150


def test_ids_filter_is_one_key_per_value(bulk: VideoKitClient) -> None:
    found = [e.id for e in bulk.live.events.list(ids=["event-001", "event-149"])]
    assert sorted(found) == ["event-001", "event-149"]
    statuses = bulk.live.channels.statuses(["ch-001", "ch-002"])
    assert sorted(s.id for s in statuses) == ["ch-001", "ch-002"]


def test_a_server_that_ignores_the_page_number_fails_loudly() -> None:
    """A server that answers page 1 for every page (as one that reads ``page`` where the endpoint
    documents ``Page`` would) is refused instead of being read for ever or counted twice."""
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        items = [{"id": f"k{i}", "name": f"k{i}", "roleId": "r"} for i in range(100)]
        return httpx.Response(200, json={"items": items, "pageCount": 2, "hasMore": True})

    config = ClientConfig(api_key=API_KEY, tenant_id=TENANT_ID, endpoint="http://videokit.invalid")
    client = VideoKitClient(config, http=httpx.Client(transport=httpx.MockTransport(handler)))
    with pytest.raises(PaginationError, match="page 2"):
        list(client.core.api_keys.list())
    assert [r.url.params.get("Page") for r in requests] == ["1", "2"]
    assert all("page" not in r.url.params and r.url.params.get("Limit") == "100" for r in requests)
