"""The base every API group binds its verbs on."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

from pydantic import BaseModel

from ..models import RequestModel, ServiceResponse
from ._base import Page, Transport

M = TypeVar("M", bound=BaseModel)
Body = RequestModel | Mapping[str, Any]


def seg(value: str | int) -> str:
    """Quote one path segment."""
    return quote(str(value), safe="")


def body(value: Body | None) -> Any:
    if value is None:
        return None
    if isinstance(value, RequestModel):
        return value.wire()
    return dict(value)


class APIResource:
    """Binds HTTP verbs to one API group."""

    def __init__(self, transport: Transport) -> None:
        self._t = transport

    def _get(self, path: str, model: type[M], params: Mapping[str, Any] | None = None) -> M:
        return model.model_validate(self._t.request("GET", path, params=params))

    def _list(self, path: str, model: type[M], params: Mapping[str, Any] | None = None) -> Iterator[M]:
        for item in self._t.paginate(path, params):
            yield model.model_validate(item)

    def _page(
        self, path: str, model: type[M], params: Mapping[str, Any] | None = None, number: int = 1
    ) -> tuple[list[M], Page]:
        """One page of 100 and what the answer says of the others."""
        page = self._t.page(path, params, number=number)
        return [model.model_validate(item) for item in page.items], page

    def _send(
        self,
        method: str,
        path: str,
        model: type[M] | None = None,
        *,
        json: Any = None,
        params: Mapping[str, Any] | None = None,
        idempotent: bool | None = None,
    ) -> Any:
        raw = self._t.request(method, path, json=json, params=params, idempotent=idempotent)
        return raw if model is None or raw is None else model.model_validate(raw)

    def _delete_many(self, path: str, ids: list[str]) -> dict[str, ServiceResponse]:
        raw = self._t.request("POST", path, json=list(ids), idempotent=True) or {}
        return {k: ServiceResponse.model_validate(v) for k, v in raw.items()}
