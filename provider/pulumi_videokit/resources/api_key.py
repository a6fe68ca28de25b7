"""ApiKey: an API key with a role; its key material is a secret output."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pulumi

from ..client import NotFoundError
from ..models.desired import ApiKeySpec
from ..reconcile.diff import Plan
from ..specs import ResourceSpec
from ._kind import Kind, Observed, OnCreated, after
from ._provider import VideoKitProvider
from ._resource import VideoKitResource


class ApiKeyKind(Kind):
    spec = ResourceSpec(
        kind="ApiKey",
        section="apiKeys",
        model=ApiKeySpec,
        create_only=frozenset(),
        outputs=("key", "roleName"),
        secret_outputs=("key",),
        natural_key="name",
        doc="An API key.",
    )

    def observe(self, object_id: str, last: Mapping[str, Any]) -> Observed | None:
        try:
            key = self.client.core.api_keys.get(object_id)
        except NotFoundError:
            return None
        return Observed({"name": key.name, "roleId": key.role_id})

    def find(self, inputs: Mapping[str, Any], since: datetime | None = None) -> list[str]:
        return [
            k.id
            for k in self.client.core.api_keys.list(query=inputs["name"])
            if k.name == inputs["name"] and after(k.created_at, since)
        ]

    def create(self, inputs: Mapping[str, Any], created: OnCreated) -> tuple[str, dict[str, Any]]:
        key = self.client.core.api_keys.create({"name": inputs["name"], "roleId": inputs["roleId"]})
        created(key.id)
        outputs: dict[str, Any] = {"roleName": key.role_name}
        if key.key is not None:
            outputs["key"] = key.key.get_secret_value()
        return key.id, outputs

    def recovered(
        self,
        object_id: str,
        inputs: Mapping[str, Any],
        created: OnCreated,
        memo: Mapping[str, Any] | None = None,
    ) -> tuple[str, dict[str, Any]]:
        # Key material is shown only in the answer to the create; that answer was lost, so a key
        # nobody can use is replaced by a fresh one.
        self.client.core.api_keys.delete(object_id)
        return self.create(inputs, created)

    def adopted(self, object_id: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        self.client.core.api_keys.update(object_id, {"name": inputs["name"], "roleId": inputs["roleId"]})
        return {}

    def update(
        self, object_id: str, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan
    ) -> dict[str, Any]:
        updated = self.client.core.api_keys.update(
            object_id, {"name": news["name"], "roleId": news["roleId"]}
        )
        return {"roleName": updated.role_name if updated else None}

    def delete(self, object_id: str, state: Mapping[str, Any]) -> None:
        self.client.core.api_keys.delete(object_id)


class ApiKeyProvider(VideoKitProvider):
    kind = ApiKeyKind


class ApiKey(VideoKitResource, provider=ApiKeyProvider):
    """An API key (``/core/v1/api-key``); ``key`` is secret and known only from its creation."""

    key: pulumi.Output[str]
    role_name: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        role_id: pulumi.Input[str],
        adopt: bool | str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, self.props_from_kwargs(locals()), opts)
