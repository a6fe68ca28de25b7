"""ApiKey: an API key with a role; its key material is a secret output."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ...client import NotFoundError
from ...models.desired import ApiKeyOutputs, ApiKeySpec
from ...specs import ResourceSpec
from ..diff import Plan
from ._base import Exported, Inputs, Kind, Made, Memo, Observed, OnCreated, Scope, after, slug


class ApiKeyKind(Kind):
    spec = ResourceSpec("ApiKey", "apiKeys", ApiKeySpec, ApiKeyOutputs, natural_key=("name",))

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

    def _role_name(self, key_id: str, name: str) -> str | None:
        """Only Get API Keys carries ``roleName``; a key's own read and its writes do not."""
        return next((k.role_name for k in self.client.core.api_keys.list(query=name) if k.id == key_id), None)

    def create(self, inputs: Mapping[str, Any], created: OnCreated) -> tuple[str, dict[str, Any]]:
        key = self.client.core.api_keys.create({"name": inputs["name"], "roleId": inputs["roleId"]})
        created(key.id)
        outputs: dict[str, Any] = {"roleName": key.role_name or self._role_name(key.id, inputs["name"])}
        if key.key is not None:
            # Not in the reference's answer; kept, as a secret, where a tenant returns it.
            outputs["key"] = key.key.get_secret_value()
        return key.id, outputs

    def recovered(self, object_id: str, inputs: Inputs, created: OnCreated, memo: Memo = None) -> Made:
        # The create's answer was lost.  The key exists; it is kept, never replaced: the reference
        # documents no key material in any answer, so none is lost with it.  It is brought to the
        # declaration (which may have changed since), and its role name is read.
        seen = self.observe(object_id, inputs)
        if seen is not None and (seen.inputs.get("name"), seen.inputs.get("roleId")) != (
            inputs["name"],
            inputs["roleId"],
        ):
            self.client.core.api_keys.update(object_id, {"name": inputs["name"], "roleId": inputs["roleId"]})
        return object_id, {"roleName": self._role_name(object_id, inputs["name"])}

    def adopted(self, object_id: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        self.client.core.api_keys.update(object_id, {"name": inputs["name"], "roleId": inputs["roleId"]})
        return {}

    def update(
        self, object_id: str, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan
    ) -> dict[str, Any]:
        updated = self.client.core.api_keys.update(
            object_id, {"name": news["name"], "roleId": news["roleId"]}
        )
        if updated and updated.role_name:
            return {"roleName": updated.role_name}
        return {"roleName": self._role_name(object_id, news["name"])}

    def delete(self, object_id: str, state: Mapping[str, Any]) -> None:
        self.client.core.api_keys.delete(object_id)

    def exported(self, scope: Scope) -> list[Exported]:
        out = []
        for k in sorted(self.client.core.api_keys.list(), key=lambda k: ((k.name or ""), k.id)):
            if not k.name or not k.role_id:
                continue
            if not scope.named(k.name) or not after(k.created_at, scope.since):
                continue
            role = f" ({k.role_name})" if k.role_name else ""
            comment = f"role{role}; the key itself is never exported, and no answer of the API carries it"
            out.append(Exported(slug(k.name, "key"), k.id, {"name": k.name, "roleId": k.role_id}, [comment]))
        return out
