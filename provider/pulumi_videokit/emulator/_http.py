"""Request parsing, validation and error answers shared by the emulator's routes."""

from __future__ import annotations

import functools
import json
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from starlette.routing import Route

from .. import contract
from ._faults import FaultPlan
from ._store import Data, Store, iso, new_id

ID_RE = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")


@dataclass
class EmulatorConfig:
    """How the emulator behaves."""

    api_key: str = "test-api-key"
    tenant_id: str = "00000000-0000-0000-0000-000000000001"
    tenant_name: str = "emulator"
    transition_seconds: float = 2.0
    latency_ms: int = 0
    public_url: str = "http://127.0.0.1:8080"
    #: The tenant's own key material (player signing key); served where the reference shows it.
    signing_key: str = field(default_factory=lambda: "sk_" + secrets.token_urlsafe(24))
    #: Accept unknown body fields and query parameters, as a forgiving server would.
    lenient: bool = False
    #: Answer Create API Key with the key material in a ``key`` field, which the reference does
    #: not document; off by default, so the emulator answers only what the reference shows.
    return_key_material: bool = False
    #: Check every JSON answer against the contract's documented response fields and keep what
    #: does not fit in ``Context.undocumented`` (for tests of the emulator itself).
    audit_responses: bool = False


@dataclass
class Context:
    """Everything a route needs."""

    config: EmulatorConfig
    store: Store
    faults: FaultPlan
    requests: list[dict[str, Any]] = field(default_factory=list)
    undocumented: list[str] = field(default_factory=list)


class ApiError(Exception):
    """Answer with a ServiceResponse-shaped error."""

    def __init__(self, status: int, message: str, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def service_response(status: int, message: str, code: str = "") -> dict[str, Any]:
    ok = status < 400
    return {
        "status": {
            "code": code or ("success" if ok else "error"),
            "status": status,
            "message": message,
        },
        "success": ok,
    }


def get_or_404(data: Data, collection: str, object_id: str, what: str) -> dict[str, Any]:
    """The object ``object_id`` of ``collection``, after checking the id's pattern."""
    check_id(object_id)
    found = data[collection].get(object_id)
    if found is None:
        raise ApiError(404, f"{what} {object_id} not found")
    return found


@dataclass(frozen=True)
class Collection:
    """One collection of the store, named in a 404 as ``noun``."""

    key: str
    noun: str

    def get(self, data: Data, object_id: str) -> dict[str, Any]:
        """The object ``object_id``; 404 when there is none."""
        return get_or_404(data, self.key, object_id, self.noun)

    def remove(self, data: Data, object_id: str, *, with_asset: bool = False) -> bool:
        """Remove an object by id (and the streaming asset the platform made for it)."""
        if with_asset:
            data["assets"].pop(object_id, None)
        return data[self.key].pop(object_id, None) is not None

    def remover(self, *, with_asset: bool = False) -> Callable[[Data, str], bool]:
        return functools.partial(self.remove, with_asset=with_asset)

    def delete(self, data: Data, object_id: str, *, with_asset: bool = False) -> dict[str, Any]:
        """Remove the object ``object_id`` (and its streaming asset) and return it; 404 when there
        is none."""
        found = self.get(data, object_id)
        self.remove(data, object_id, with_asset=with_asset)
        return found


async def delete_many(
    ctx: Context, request: Request, remove: Callable[[Data, str], bool], noun: str
) -> dict[str, Any]:
    """Answer a ``deletemany``: a ServiceResponse per id, in one durable write."""
    ids = await read_json(request)
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ApiError(400, f"body must be an array of {noun} ids")
    out = {}
    with ctx.store.write() as data:
        for object_id in ids:
            if remove(data, object_id):
                out[object_id] = service_response(200, f"{noun.capitalize()} deleted successfully")
            else:
                out[object_id] = service_response(404, f"{noun.capitalize()} not found")
    return out


def patched(found: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """``found`` with ``patch`` merged in and its lastModificationDate stamped."""
    found.update(patch)
    found["lastModificationDate"] = iso()
    return found


def get_and_update_routes(r: APIRouter, ctx: Context, path: str, rows: Collection, *, title: str) -> None:
    """``GET path/{id}`` and ``PATCH path/{id}`` ("Get TITLE", "Update TITLE") for objects
    answered as stored and updated by merging the body in; each answer holds the fields the
    contract documents for its endpoint."""
    get_fields = documented(f"GET {path}/{{id}}")
    patch_fields = documented(f"PATCH {path}/{{id}}")

    @r.get(path + "/{id}", summary=f"Get {title}")
    async def get_one(id: str) -> Any:
        return pick(rows.get(ctx.store.snapshot(), id), get_fields)

    @r.patch(path + "/{id}", summary=f"Update {title}")
    async def update_one(id: str, request: Request) -> Any:
        patch = await read_json(request)
        with ctx.store.write() as data:
            return pick(patched(rows.get(data, id), patch), patch_fields)


def delete_routes_with_asset(
    r: APIRouter, ctx: Context, path: str, rows: Collection, *, title: str, noun: str = ""
) -> None:
    """``DELETE path/{id}`` and ``POST path/deletemany`` ("Delete TITLE", "Delete Multiple
    TITLEs") for objects that each carry the streaming asset the platform made for them;
    ``noun`` (default the collection's) names one in the deletemany answers."""

    @r.delete(path + "/{id}", summary=f"Delete {title}")
    async def delete_one(id: str) -> Any:
        with ctx.store.write() as data:
            rows.delete(data, id, with_asset=True)
        return None

    @r.post(path + "/deletemany", summary=f"Delete Multiple {title}s")
    async def delete_several(request: Request) -> Any:
        return await delete_many(ctx, request, rows.remover(with_asset=True), noun or rows.noun)


def add_output(owner: dict[str, Any], spec: dict[str, Any], status: str) -> str:
    """Append an output to an asset's or recording's outputs; 409 when its id is taken."""
    outputs = owner["outputs"]
    output_id = str(spec.get("id") or new_id())
    if any(o.get("id") == output_id for o in outputs):
        raise ApiError(409, f"output {output_id} exists")
    outputs.append({**spec, "id": output_id, "status": status, "endpoints": []})
    return output_id


def remove_output(owner: dict[str, Any], output_id: str) -> None:
    """Remove an output from an asset's or recording's outputs; 404 when there is none."""
    kept = [o for o in owner["outputs"] if o.get("id") != output_id]
    if len(kept) == len(owner["outputs"]):
        raise ApiError(404, f"output {output_id} not found")
    owner["outputs"] = kept


def check_id(value: str, what: str = "id") -> str:
    if not ID_RE.match(value):
        raise ApiError(400, f"{what} {value!r} does not match ^[a-zA-Z0-9_-]{{1,128}}$")
    return value


async def read_json(request: Request, *, required: bool = True) -> Any:
    raw = await request.body()
    if not raw:
        if required:
            raise ApiError(400, "request body is required")
        return None
    ctype = request.headers.get("content-type", "")
    if "json" not in ctype:
        raise ApiError(415, f"unsupported content type {ctype or '(none)'}: send application/json")
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ApiError(400, f"request body is not valid JSON: {exc}") from None


async def body_field(request: Request, name: str, default: Any = None) -> Any:
    """The field ``name`` of the JSON body (``default`` when the body or the field is absent)."""
    return ((await read_json(request)) or {}).get(name, default)


async def judge(request: Request) -> None:
    """Hold the request to the reference's contract: query parameters as spelled, the body's
    fields, types, enums and required fields.  Runs before every documented route."""
    route = request.scope.get("route")
    if not isinstance(route, Route):
        return
    try:
        entry = contract.endpoint(request.method, route.path)
    except KeyError:
        return
    lenient = request.app.state.ctx.config.lenient
    problems = contract.query_problems(entry, request.query_params.multi_items(), lenient=lenient)
    if entry.get("body") is not None:
        body = await read_json(request, required=False)
        problems += contract.body_problems(entry, body, lenient=lenient)
    elif await request.body():
        problems.append(contract.Problem("", "this request takes no body"))
    if problems:
        raise ApiError(400, "; ".join(map(str, problems)), "validation")


def query_list(request: Request, name: str, *, csv: bool = False) -> list[str]:
    """An array query parameter: one key per value, or comma-separated where the reference says so."""
    raw = request.query_params.getlist(name)
    return [v for r in raw for v in r.split(",") if v] if csv else [v for v in raw if v]


def query_bool(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None:
        return None
    return raw.lower() in ("1", "true", "yes")


def page(
    request: Request, items: Iterable[dict[str, Any]], *, names: tuple[str, str] = ("page", "limit")
) -> dict[str, Any]:
    """One page of ``items``, honouring the page and limit parameters (as the endpoint spells
    them; limit ≤ 100) and ``ids``."""
    params = request.query_params
    limit_raw = params.get(names[1]) or "100"
    page_raw = params.get(names[0]) or "1"
    try:
        limit, number = int(limit_raw), int(page_raw)
    except ValueError:
        raise ApiError(400, "page and limit must be integers") from None
    if not 1 <= limit <= 100:
        raise ApiError(400, f"limit must be between 1 and 100, got {limit}")
    if number < 1:
        raise ApiError(400, f"page must be 1 or more, got {number}")
    rows = list(items)
    ids = set(params.getlist("ids"))
    if ids:
        rows = [r for r in rows if str(r.get("id")) in ids]
    total = len(rows)
    chunk = rows[(number - 1) * limit : number * limit]
    pages = max(1, -(-total // limit))
    return {
        "items": chunk,
        "pageCount": pages,
        "pageSize": limit,
        "totalCount": total,
        "pageNumber": number,
        "hasMore": number * limit < total,
    }


def documented(endpoint: str, *, items: bool = False) -> tuple[str, ...]:
    """The top-level answer fields the contract documents for ``"METHOD /path"`` (or those of
    its page's items)."""
    method, path = endpoint.split(" ", 1)
    tree = contract.endpoint(method, path)["response"]["fields"]
    return tuple(tree["items"] if items else tree)


def pick(source: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The documented fields of ``source``, each present (``None`` when unset)."""
    return {k: source.get(k) for k in keys}


Handler = Callable[..., Any]
