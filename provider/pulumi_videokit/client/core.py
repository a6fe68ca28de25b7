"""Core: API keys and tenant status."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..models import ApiKey, TenantStatus
from ._resource import APIResource, Body, body, seg


class ApiKeys(APIResource):
    """``/core/v1/api-key``."""

    def list(self, query: str | None = None) -> Iterator[ApiKey]:
        # This endpoint spells its parameters with capitals.
        for item in self._t.paginate("/core/v1/api-key", {"Query": query}, names=("Page", "Limit")):
            yield ApiKey.model_validate(item)

    def get(self, key_id: str) -> ApiKey:
        return self._get(f"/core/v1/api-key/{seg(key_id)}", ApiKey)

    def create(self, spec: Body) -> ApiKey:
        out: ApiKey = self._send("POST", "/core/v1/api-key", ApiKey, json=body(spec))
        return out

    def update(self, key_id: str, spec: Body) -> ApiKey | None:
        out: ApiKey | None = self._send("PUT", f"/core/v1/api-key/{seg(key_id)}", ApiKey, json=body(spec))
        return out

    def delete(self, key_id: str) -> None:
        self._send("DELETE", f"/core/v1/api-key/{seg(key_id)}")


class Core:
    """The Core API group."""

    def __init__(self, transport: Any) -> None:
        self.api_keys = ApiKeys(transport)
        self._t = transport

    def tenant_status(self, tenant_id: str) -> TenantStatus:
        return TenantStatus.model_validate(
            self._t.request("GET", f"/core/v1/settings/tenant/{seg(tenant_id)}/status")
        )
