"""AssetSettings: the player settings of one existing streaming asset."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ...client import NotFoundError
from ...models.desired import AssetSettingsOutputs, AssetSettingsSpec
from ...models.streaming import SETTING_NAMES
from ...specs import ResourceSpec, Wording
from ..diff import Plan
from ..errors import MissingObjectError
from ._base import Exported, Inputs, Kind, Made, Memo, Observed, OnCreated, Scope, slug


class AssetSettingsKind(Kind):
    spec = ResourceSpec(
        "AssetSettings",
        "assetSettings",
        AssetSettingsSpec,
        AssetSettingsOutputs,
        natural_key=("assetId",),
        endpoints=("PATCH /streaming/v1/assets/{assetId}/settings",),
        unique_key=True,
        wording=Wording(
            replaced="they are applied to the new asset, then the old asset gets back the settings it had",
            deleted="Restores an asset's settings as found",
            deleted_detail="they go back to the values the first apply found; the asset itself stays",
        ),
    )

    def _current(self, asset_id: str) -> dict[str, Any]:
        asset = self.client.streaming.assets.get(asset_id)
        settings = asset.settings.model_dump(by_alias=True) if asset.settings else {}
        return {name: (settings.get(name) or {}).get("asset") for name in SETTING_NAMES}

    def observe(self, object_id: str, last: Mapping[str, Any]) -> Observed | None:
        try:
            current = self._current(object_id)
        except NotFoundError:
            return None
        return Observed({"assetId": object_id, **{k: v for k, v in current.items() if v is not None}})

    def find(self, inputs: Mapping[str, Any], since: datetime | None = None) -> list[str]:
        # Settings are set with an idempotent PATCH: there is never a duplicate to recover.
        return []

    def create(self, inputs: Mapping[str, Any], created: OnCreated) -> tuple[str, dict[str, Any]]:
        asset_id = inputs["assetId"]
        try:
            current = self._current(asset_id)
        except NotFoundError:
            raise MissingObjectError(
                f"streaming asset {asset_id} does not exist; AssetSettings manages an existing asset"
            ) from None
        declared = {k: inputs[k] for k in SETTING_NAMES if inputs.get(k) is not None}
        previous = {k: current.get(k) for k in declared if current.get(k) is not None}
        # Journaled before the PATCH, so a run killed after it still restores the original values.
        created(asset_id, {"previous": previous})
        self.client.streaming.assets.update_settings(asset_id, declared)
        return asset_id, {"previous": previous}

    def adopted(self, object_id: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        return self.create(inputs, lambda *_: None)[1]

    def recovered(self, object_id: str, inputs: Inputs, created: OnCreated, memo: Memo = None) -> Made:
        if memo is None or "previous" not in memo:
            return self.create(inputs, created)
        declared = {k: inputs[k] for k in SETTING_NAMES if inputs.get(k) is not None}
        self.client.streaming.assets.update_settings(object_id, declared)
        return object_id, {"previous": dict(memo["previous"])}

    def update(
        self, object_id: str, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan
    ) -> dict[str, Any]:
        previous = dict(olds.get("previous") or {})
        changed = {k: news[k] for k in plan.changed if k in SETTING_NAMES and news.get(k) is not None}
        if any(k not in previous for k in changed):
            current = self._current(object_id)
            previous.update({k: current[k] for k in changed if k not in previous and current.get(k)})
        # A setting the user stopped declaring goes back to what it was before we managed it.
        restore = {k: previous.pop(k) for k in list(previous) if news.get(k) is None and k in SETTING_NAMES}
        body = {**restore, **changed}
        if body:
            self.client.streaming.assets.update_settings(object_id, body)
        return {"previous": previous}

    def delete(self, object_id: str, state: Mapping[str, Any]) -> None:
        previous = {k: v for k, v in (state.get("previous") or {}).items() if v is not None}
        if previous:
            self.client.streaming.assets.update_settings(object_id, previous)

    def released(self, object_id: str, state: Mapping[str, Any], successor: Mapping[str, Any]) -> None:
        """Give back only the settings the resource that took the asset over does not declare."""
        previous = {
            k: v
            for k, v in (state.get("previous") or {}).items()
            if v is not None and successor.get(k) is None
        }
        if previous:
            self.client.streaming.assets.update_settings(object_id, previous)

    def exported(self, scope: Scope) -> list[Exported]:
        out = []
        for asset_id in sorted(set(scope.assets)):
            asset = self.client.streaming.assets.get(asset_id)
            settings = asset.settings.model_dump(by_alias=True) if asset.settings else {}
            values = {n: (settings.get(n) or {}).get("asset") for n in SETTING_NAMES}
            declared = {n: v for n, v in values.items() if v is not None}
            if not declared:
                continue
            comments = [
                *([f"asset: {asset.title}"] if asset.title else []),
                "settings always belong to an existing asset: assetId adopts them (no adopt key)",
            ]
            base = slug(f"{asset.title or asset_id}-settings", "settings")
            out.append(Exported(base, asset_id, {"assetId": asset_id, **declared}, comments))
        return out
