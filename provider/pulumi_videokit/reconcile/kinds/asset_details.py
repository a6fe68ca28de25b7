"""AssetDetails: the description, tags, attributes, chapters and token policy of one existing
streaming asset.

Like ``AssetSettings`` it manages part of an object it never creates: only the declared fields, and
a destroy restores what the first apply found.  Update Asset (PATCH) sets the description, tags,
attributes and token policy in one call; chapters go through Create and Delete Asset Chapters, by
difference, so a chapter that stays keeps its id (docs/api-decisions.md, "Asset details").
"""

from __future__ import annotations

import contextlib
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ...client import NotFoundError
from ...models.desired import AssetDetailsOutputs, AssetDetailsSpec
from ...models.streaming import Asset
from ...specs import ResourceSpec, Wording
from ..diff import Plan
from ..errors import MissingObjectError
from ._base import Exported, Inputs, Kind, Made, Memo, Observed, OnCreated, Scope, Settings, slug

if TYPE_CHECKING:
    from ...client import VideoKitClient

#: The fields Update Asset sets.
PATCHED = ("description", "tags", "attributes", "tokenRequiredPolicy")
#: Every field the kind manages.
MANAGED = (*PATCHED, "chapters")
#: Each managed field's output that holds what the first apply found.
PREVIOUS = {name: "previous" + name[:1].upper() + name[1:] for name in MANAGED}
#: Sets, whatever order they are declared or answered in.
UNORDERED = ("tags", "attributes")

_POLICY = {"inherit": "Inherit", "true": "True", "false": "False"}


def _whole(value: Any) -> Any:
    """A number of seconds as the API takes it: the engine carries every number as a double."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _chapter_key(chapter: Any) -> tuple[str, int, int]:
    """How chapters compare and sort: start, end (none last), title."""
    if not isinstance(chapter, Mapping):
        return ("", -1, -1)
    start, end = _whole(chapter.get("startSecond")), _whole(chapter.get("endSecond"))
    return (
        str(chapter.get("title") or ""),
        start if isinstance(start, int) else 0,
        end if isinstance(end, int) else -1,
    )


def _sorted_chapters(chapters: Sequence[Any]) -> list[Any]:
    return sorted(chapters, key=lambda c: (_chapter_key(c)[1], _chapter_key(c)[2], _chapter_key(c)[0]))


def _plain_chapter(chapter: Mapping[str, Any]) -> dict[str, Any]:
    """A chapter as it is declared: title, startSecond and endSecond where there is one."""
    keep = ("title", "startSecond", "endSecond")
    return {k: _whole(chapter[k]) for k in keep if chapter.get(k) is not None}


def normalize(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """Inputs as they compare: tags and attributes as sets, chapters in time order."""
    out = dict(inputs)
    for name in UNORDERED:
        if isinstance(out.get(name), list):
            out[name] = sorted(out[name], key=str)
    if isinstance(out.get("chapters"), list):
        out["chapters"] = _sorted_chapters(
            [_plain_chapter(c) if isinstance(c, Mapping) else c for c in out["chapters"]]
        )
    return out


def _same(name: str, a: Any, b: Any) -> bool:
    return normalize({name: a}) == normalize({name: b})


def _policy(asset: Asset) -> str | None:
    """The asset's own token policy, as Update Asset spells it (answers say ``inherit``)."""
    found = asset.token_required_policy
    value = found.get("asset") if isinstance(found, dict) else found
    return _POLICY.get(value.lower()) if isinstance(value, str) else None


def _chapters(asset: Asset) -> list[dict[str, Any]]:
    """The asset's chapters with their ids, read from either spelling of their bounds."""
    return [
        {
            "id": c.id,
            **_plain_chapter({"title": c.title, "startSecond": c.start_second, "endSecond": c.end_second}),
        }
        for c in asset.chapters or []
    ]


def previous_of(state: Mapping[str, Any]) -> dict[str, Any]:
    """What the first apply found, by field, from the outputs that hold it."""
    return {name: state[out] for name, out in PREVIOUS.items() if state.get(out) is not None}


def outputs_of(previous: Mapping[str, Any]) -> dict[str, Any]:
    return {out: previous.get(name) for name, out in PREVIOUS.items()}


class AssetDetailsKind(Kind):
    spec = ResourceSpec(
        "AssetDetails",
        "assetDetails",
        AssetDetailsSpec,
        AssetDetailsOutputs,
        natural_key=("assetId",),
        endpoints=("PATCH /streaming/v1/assets/{assetId}", "POST /streaming/v1/assets/{assetId}/chapters"),
        unique_key=True,
        references={"vodAsset": ("assetId", "vodAssets")},
        wording=Wording(
            replaced="they are applied to the new asset, then the old asset gets back what it had before",
            deleted="Restores an asset as found",
            deleted_detail="its description, tags, attributes, chapters and token policy go back to what the "
            "first apply found; the asset itself stays",
        ),
        normalize=normalize,
    )

    def __init__(self, client: VideoKitClient, settings: Settings) -> None:
        super().__init__(client, settings)
        #: What each create of this process found, by asset: a create cut off after its first write
        #: is kept in state with what ``observe`` says, which must include it (or a destroy could
        #: only restore the values this create wrote).
        self._found_by_create: dict[str, dict[str, Any]] = {}
        #: The assets whose first PATCH went through: until then, an asset still holds the
        #: attributes it was found with, which no read can confirm.
        self._patched: set[str] = set()

    def _current(self, asset_id: str, *, attributes: bool) -> dict[str, Any]:
        """The managed fields as the asset holds them now, chapters with their ids.

        Only Update Asset answers ``attributes``: when they are wanted, an empty PATCH (which sets
        nothing) reads them."""
        asset = self.client.streaming.assets.get(asset_id)
        current: dict[str, Any] = {
            "description": asset.description or "",
            "tags": asset.tag_names,
            "tokenRequiredPolicy": _policy(asset),
            "chapters": _chapters(asset),
        }
        if attributes:
            answered = self.client.streaming.assets.update(asset_id, {})
            current["attributes"] = list(answered.attributes or []) if answered is not None else None
        return current

    def _found(self, current: Mapping[str, Any], names: Sequence[str]) -> dict[str, Any]:
        """What to restore of ``names``: chapters without their ids."""
        found = {k: current[k] for k in names if current.get(k) is not None}
        if "chapters" in found:
            found["chapters"] = [_plain_chapter(c) for c in found["chapters"]]
        return found

    def _converge(self, asset_id: str, current: Mapping[str, Any] | None, wanted: Mapping[str, Any]) -> None:
        """Bring the asset from ``current`` (``None``: not read) to ``wanted``: one PATCH of the
        fields that differ, one DELETE per chapter that goes, one POST for the chapters that come."""
        body = {
            k: wanted[k]
            for k in PATCHED
            if k in wanted and (current is None or k not in current or not _same(k, current[k], wanted[k]))
        }
        if body:
            self.client.streaming.assets.update(asset_id, body)
        self._patched.add(asset_id)
        if "chapters" in wanted:
            live = (
                current["chapters"]
                if current is not None
                else self._current(asset_id, attributes=False)["chapters"]
            )
            self._chapters(asset_id, live, wanted["chapters"])

    def _chapters(self, asset_id: str, live: Sequence[Mapping[str, Any]], wanted: Sequence[Any]) -> None:
        """Delete the live chapters ``wanted`` does not hold and create the ones it adds; a chapter in
        both is left alone (there is no call that edits one)."""
        missing = Counter(_chapter_key(c) for c in wanted)
        going: list[Mapping[str, Any]] = []
        for chapter in live:
            key = _chapter_key(chapter)
            if missing[key] > 0:
                missing[key] -= 1
            else:
                going.append(chapter)
        for chapter in going:
            if not chapter.get("id"):
                raise MissingObjectError(
                    f"chapter {chapter.get('title')!r} of streaming asset {asset_id} has no id in Get Asset "
                    "Details, so it cannot be deleted"
                )
            with contextlib.suppress(NotFoundError):  # a retried DELETE that already went through
                self.client.streaming.assets.delete_chapter(asset_id, str(chapter["id"]))
        coming: list[dict[str, Any]] = []
        for chapter in _sorted_chapters(list(wanted)):
            key = _chapter_key(chapter)
            if missing[key] > 0:
                missing[key] -= 1
                coming.append(_plain_chapter(chapter))
        if coming:
            self.client.streaming.assets.create_chapters(asset_id, coming)

    def observe(self, object_id: str, last: Mapping[str, Any]) -> Observed | None:
        try:
            current = self._current(object_id, attributes=False)
        except NotFoundError:
            return None
        seen = self._found(current, [k for k in MANAGED if k != "attributes"])
        previous = self._found_by_create.get(object_id)
        if previous is not None and "attributes" in previous and object_id not in self._patched:
            seen["attributes"] = previous["attributes"]  # a create cut off before its PATCH
        return Observed({"assetId": object_id, **seen}, outputs_of(previous) if previous is not None else {})

    def find(self, inputs: Mapping[str, Any], since: datetime | None = None) -> list[str]:
        # Details are set on an asset that exists: there is never a duplicate to recover.
        return []

    def create(self, inputs: Mapping[str, Any], created: OnCreated) -> tuple[str, dict[str, Any]]:
        asset_id = inputs["assetId"]
        wanted = {k: inputs[k] for k in MANAGED if inputs.get(k) is not None}
        try:
            current = self._current(asset_id, attributes="attributes" in wanted)
        except NotFoundError:
            raise MissingObjectError(
                f"streaming asset {asset_id} does not exist; AssetDetails manages an existing asset"
            ) from None
        previous = self._found(current, list(wanted))
        # Journaled before any write, so a run killed after one still restores the original values.
        created(asset_id, {"previous": previous})
        self._found_by_create[asset_id] = previous
        self._patched.discard(asset_id)
        self._converge(asset_id, current, wanted)
        return asset_id, outputs_of(previous)

    def adopted(self, object_id: str, inputs: Mapping[str, Any]) -> dict[str, Any]:
        return self.create(inputs, lambda *_: None)[1]

    def recovered(self, object_id: str, inputs: Inputs, created: OnCreated, memo: Memo = None) -> Made:
        if memo is None or "previous" not in memo:
            return self.create(inputs, created)
        wanted = {k: inputs[k] for k in MANAGED if inputs.get(k) is not None}
        previous = dict(memo["previous"])
        self._found_by_create[object_id] = previous
        self._patched.discard(object_id)
        current = self._current(object_id, attributes=False)
        self._converge(object_id, current, wanted)
        return object_id, outputs_of(previous)

    def update(
        self, object_id: str, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan
    ) -> dict[str, Any]:
        previous = previous_of(olds)
        wanted = {k: news[k] for k in MANAGED if news.get(k) is not None}
        changed = [k for k in plan.changed if k in wanted]
        # A field the user stopped declaring goes back to what it was before we managed it.
        restore = {k: previous.pop(k) for k in list(previous) if k not in wanted}
        newly = [k for k in changed if k not in previous]
        current: dict[str, Any] | None = None
        if newly or "chapters" in changed or "chapters" in restore:
            current = self._current(object_id, attributes="attributes" in newly)
            previous.update(self._found(current, newly))
        body = {k: restore[k] for k in PATCHED if k in restore}
        body.update({k: wanted[k] for k in PATCHED if k in changed})
        if body:
            self.client.streaming.assets.update(object_id, body)
        chapters = wanted["chapters"] if "chapters" in changed else restore.get("chapters")
        if chapters is not None and current is not None:
            self._chapters(object_id, current["chapters"], chapters)
        return outputs_of(previous)

    def delete(self, object_id: str, state: Mapping[str, Any]) -> None:
        self._found_by_create.pop(object_id, None)
        self._patched.discard(object_id)
        previous = previous_of(state)
        if not previous:
            return  # imported by id: nothing was found before us, so nothing is restored
        current = self._current(object_id, attributes=False) if "chapters" in previous else None
        self._converge(object_id, current, previous)

    def released(self, object_id: str, state: Mapping[str, Any], successor: Mapping[str, Any]) -> None:
        """Give back only the fields the resource that took the asset over does not declare."""
        previous = {k: v for k, v in previous_of(state).items() if successor.get(k) is None}
        if previous:
            current = self._current(object_id, attributes=False) if "chapters" in previous else None
            self._converge(object_id, current, previous)

    def exported(self, scope: Scope) -> list[Exported]:
        out = []
        for asset_id in sorted(set(scope.assets)):
            asset = self.client.streaming.assets.get(asset_id)
            current = self._found(
                {
                    "description": asset.description or None,
                    "tags": asset.tag_names or None,
                    "chapters": _chapters(asset) or None,
                    "tokenRequiredPolicy": _policy(asset),
                },
                MANAGED,
            )
            if not current:
                continue
            comments = [
                *([f"asset: {asset.title}"] if asset.title else []),
                "details always belong to an existing asset: assetId adopts them (no adopt key)",
                "attributes are not exported: only Update Asset answers them; declare them to manage them",
            ]
            base = slug(f"{asset.title or asset_id}-details", "details")
            out.append(Exported(base, asset_id, {"assetId": asset_id, **current}, comments))
        return out
