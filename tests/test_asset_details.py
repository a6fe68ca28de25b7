"""AssetDetails on the core both doors share (``Service``), against the emulator on a real socket:
each change is the fewest calls, a no-op sends none, and destroy gives the asset back as it was."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pulumi
import pytest
from pulumi.runtime.proto import provider_pb2 as pb

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator
from pulumi_videokit.models import Asset
from pulumi_videokit.native._props import decode
from pulumi_videokit.reconcile import apply
from pulumi_videokit.reconcile.errors import MissingObjectError
from pulumi_videokit.reconcile.journal import Journal, resource_owner, scoped
from pulumi_videokit.reconcile.kinds import AssetDetailsKind, Scope, Settings
from pulumi_videokit.reconcile.service import Service

from .conftest import API_KEY, TENANT_ID

CH = {"name": "details", "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}}
OWNER = scoped(
    "tenant@test", resource_owner("file:///backend", "urn:pulumi:s::p::videokit:index:AssetDetails::promo")
)
INTRO = {"title": "Intro", "startSecond": 0, "endSecond": 60}
TWO = [
    {"title": "Opening", "startSecond": 0, "endSecond": 90},
    {"title": "Talk", "startSecond": 90},
]


class Killed(BaseException):
    """The provider process died (kill -9): nothing after this point runs."""


@pytest.fixture()
def asset(client: VideoKitClient) -> str:
    """A streaming asset (a scheduled event's) as someone left it: a description, tags, an
    attribute, one chapter and a token policy of its own."""
    channel = client.live.channels.create(CH)
    asset_id = client.live.events.create(
        {"channelId": channel, "start": "2031-03-01T10:00:00Z", "end": "2031-03-01T11:00:00Z"}
    )
    client.streaming.assets.update(
        asset_id,
        {
            "description": "As found",
            "tags": ["found", "kept"],
            "attributes": ["genre=drama"],
            "tokenRequiredPolicy": "False",
        },
    )
    client.streaming.assets.create_chapters(asset_id, [INTRO])
    return asset_id


@pytest.fixture()
def service(emulator: RunningEmulator, tmp_path: Path) -> Service:
    config = {
        "api_key": API_KEY,
        "tenant_id": TENANT_ID,
        "endpoint": emulator.url,
        "journal_dir": str(tmp_path / "journal"),
        "retry_total_seconds": "3",
        "max_requests_per_second": "0",
    }
    return Service(AssetDetailsKind, config)


def tenant(client: VideoKitClient, asset_id: str) -> dict[str, Any]:
    """Everything AssetDetails may touch on the asset, chapters with their ids (attributes from the
    one answer that carries them: an empty Update Asset)."""
    seen = client.streaming.assets.get(asset_id)
    answered = client.streaming.assets.update(asset_id, {})
    assert answered is not None
    return {
        "description": seen.description,
        "tags": sorted(seen.tag_names),
        "attributes": sorted(answered.attributes or []),
        "policy": seen.token_required_policy,
        "chapters": sorted((c.start_second, c.end_second, c.title, c.id) for c in seen.chapters or []),
    }


def calls(emulator: RunningEmulator) -> list[tuple[str, str, Any]]:
    return [(r["method"], r["path"], r["body"]) for r in emulator.ctx.requests]


def chapter_ids(client: VideoKitClient, asset_id: str) -> dict[str, str]:
    return {c.title or "": c.id or "" for c in client.streaming.assets.get(asset_id).chapters or []}


@pytest.fixture()
def made(
    service: Service, asset: str, client: VideoKitClient, emulator: RunningEmulator
) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    """Details applied to ``asset``: its description, tags and two chapters of ours; the state,
    and the tenant as it was before."""
    before = tenant(client, asset)
    inputs, problems = service.check(
        {"assetId": asset, "description": "Featured", "tags": ["featured", "kept"], "chapters": TWO}
    )
    assert problems == []
    emulator.ctx.requests.clear()
    object_id, state = service.create(inputs, OWNER)
    assert object_id == asset
    yield asset, state, before


def test_create_sets_two_chapters_in_one_post_and_keeps_what_was_found(
    made: tuple[str, dict[str, Any], dict[str, Any]], client: VideoKitClient, emulator: RunningEmulator
) -> None:
    asset, state, before = made
    path = f"/streaming/v1/assets/{asset}"
    intro_id = before["chapters"][0][3]
    assert [(m, p) for m, p, _ in calls(emulator)] == [
        ("GET", path),
        ("PATCH", path),
        ("DELETE", f"{path}/chapters/{intro_id}"),
        ("POST", f"{path}/chapters"),
    ]
    patch, post = calls(emulator)[1][2], calls(emulator)[3][2]
    # Only the fields that differ; the chapters in time order, in one call.
    assert patch == {"description": "Featured", "tags": ["featured", "kept"]}
    assert post == {"chapters": TWO}
    now = tenant(client, asset)
    assert now["description"] == "Featured" and now["tags"] == ["featured", "kept"]
    assert [(s, e, t) for s, e, t, _ in now["chapters"]] == [(0, 90, "Opening"), (90, None, "Talk")]
    # Nothing undeclared was touched.
    assert now["attributes"] == before["attributes"] and now["policy"] == before["policy"]
    assert state["previousDescription"] == "As found"
    assert state["previousTags"] == ["found", "kept"]
    assert state["previousChapters"] == [INTRO]
    assert state["previousAttributes"] is None and state["previousTokenRequiredPolicy"] is None


def test_a_second_up_sends_no_request(
    made: tuple[str, dict[str, Any], dict[str, Any]], service: Service, emulator: RunningEmulator
) -> None:
    asset, state, _ = made
    emulator.ctx.requests.clear()
    # The same declaration, tags and chapters in another order: nothing to do, nothing sent.
    again = {
        "assetId": asset,
        "description": "Featured",
        "tags": ["kept", "featured"],
        "chapters": list(reversed(TWO)),
    }
    inputs, problems = service.check(again, state)
    decided = service.diff(asset, state, inputs)
    assert problems == [] and not decided.plan.has_changes
    assert emulator.ctx.requests == []
    # A refresh reads the asset once and finds no drift either.
    found, outs, _ = service.read(asset, state)
    assert found == asset and len(emulator.ctx.requests) == 1
    assert not service.diff(asset, outs, inputs).plan.has_changes


def test_a_description_change_is_one_patch(
    made: tuple[str, dict[str, Any], dict[str, Any]],
    service: Service,
    client: VideoKitClient,
    emulator: RunningEmulator,
) -> None:
    asset, state, _ = made
    news = {"assetId": asset, "description": "Featured now", "tags": ["featured", "kept"], "chapters": TWO}
    assert service.diff(asset, state, news).plan.changed == ["description"]
    emulator.ctx.requests.clear()
    outs = service.update(asset, state, news)
    assert calls(emulator) == [("PATCH", f"/streaming/v1/assets/{asset}", {"description": "Featured now"})]
    assert client.streaming.assets.get(asset).description == "Featured now"
    assert outs["previousDescription"] == "As found"


def test_a_chapter_edit_deletes_and_creates_that_chapter_only(
    made: tuple[str, dict[str, Any], dict[str, Any]],
    service: Service,
    client: VideoKitClient,
    emulator: RunningEmulator,
) -> None:
    asset, state, _ = made
    ids = chapter_ids(client, asset)
    edited = [TWO[0], {"title": "Keynote", "startSecond": 90, "endSecond": 1800}]
    news = {"assetId": asset, "description": "Featured", "tags": ["featured", "kept"], "chapters": edited}
    emulator.ctx.requests.clear()
    service.update(asset, state, news)
    path = f"/streaming/v1/assets/{asset}"
    # One read for the ids (Create Asset Chapters answers none), then one DELETE and one POST.
    assert calls(emulator) == [
        ("GET", path, None),
        ("DELETE", f"{path}/chapters/{ids['Talk']}", None),
        ("POST", f"{path}/chapters", {"chapters": [edited[1]]}),
    ]
    after = chapter_ids(client, asset)
    assert set(after) == {"Opening", "Keynote"} and after["Opening"] == ids["Opening"]


def test_undeclaring_a_field_restores_it_and_leaves_the_rest(
    made: tuple[str, dict[str, Any], dict[str, Any]],
    service: Service,
    client: VideoKitClient,
    emulator: RunningEmulator,
) -> None:
    asset, state, before = made
    news = {"assetId": asset, "description": "Featured", "chapters": TWO}
    emulator.ctx.requests.clear()
    state = service.update(asset, state, news)
    assert calls(emulator) == [("PATCH", f"/streaming/v1/assets/{asset}", {"tags": ["found", "kept"]})]
    now = tenant(client, asset)
    assert now["tags"] == before["tags"] and now["description"] == "Featured"
    assert "previousTags" not in state or state["previousTags"] is None
    # Chapters handed back: ours go, the one that was there comes back.
    state = service.update(asset, state, {"assetId": asset, "description": "Featured"})
    assert [c[:3] for c in tenant(client, asset)["chapters"]] == [(0, 60, "Intro")]
    assert state["previousChapters"] is None and state["previousDescription"] == "As found"


def test_destroy_restores_the_asset_exactly(
    service: Service, asset: str, client: VideoKitClient, emulator: RunningEmulator
) -> None:
    before = tenant(client, asset)
    declared = {
        "assetId": asset,
        "description": "Featured",
        "tags": ["featured"],
        "attributes": ["genre=comedy", "tier=gold"],
        "tokenRequiredPolicy": "True",
        "chapters": [INTRO, *TWO[1:]],
    }
    inputs, problems = service.check(declared)
    assert problems == []
    _, state = service.create(inputs, OWNER)
    during = tenant(client, asset)
    assert during["attributes"] == ["genre=comedy", "tier=gold"] and during["tags"] == ["featured"]
    assert during["policy"] == {"asset": "true", "tenant": "true"}
    # The chapter that was there and stays declared kept its id.
    assert before["chapters"][0] in during["chapters"] and len(during["chapters"]) == 2
    service.delete(asset, state, OWNER)
    assert tenant(client, asset) == before


def test_details_renamed_without_aliases_keep_what_the_new_name_declares(
    service: Service, asset: str, client: VideoKitClient
) -> None:
    """As the engine runs a rename without ``aliases``: the new name is created, then the old one
    deleted. That delete gives back only what the new entry does not declare (here the chapters),
    and says why; what the new entry sets stays."""
    before = tenant(client, asset)
    old_inputs, problems = service.check(
        {"assetId": asset, "description": "Featured", "tags": ["featured"], "chapters": TWO}
    )
    assert problems == []
    # As the doors name resources: the backend and the URN.
    old = resource_owner("file:///backend", "urn:pulumi:s::p::videokit:index:AssetDetails::promo")
    renamed = resource_owner("file:///backend", "urn:pulumi:s::p::videokit:index:AssetDetails::promo-2")
    _, old_state = service.create(old_inputs, old)
    new_inputs, problems = service.check({"assetId": asset, "description": "Featured", "tags": ["featured"]})
    assert problems == []
    _, new_state = service.create(new_inputs, renamed)
    # The new entry found the old one's values: what it will give back on its own delete.
    assert new_state["previousDescription"] == "Featured"
    warnings: list[str] = []
    service.delete(asset, old_state, old, warnings.append)
    now = tenant(client, asset)
    assert now["description"] == "Featured" and now["tags"] == ["featured"]
    assert [(s, e, t) for s, e, t, _ in now["chapters"]] == [(s, e, t) for s, e, t, _ in before["chapters"]]
    assert now["attributes"] == before["attributes"] and now["policy"] == before["policy"]
    assert len(warnings) == 1 and "taken over by `promo-2`" in warnings[0] and "aliases" in warnings[0]
    # The new entry's own delete gives back what it found, the old entry's values: the limit of a
    # rename without aliases, which the warning names.
    service.delete(asset, new_state, renamed)
    assert tenant(client, asset)["description"] == "Featured"


def test_details_another_stack_took_over_are_given_back_as_before(
    service: Service, asset: str, client: VideoKitClient
) -> None:
    """Only a resource of the same stack takes an asset over; another stack's create changes
    nothing about this one's delete."""
    before = tenant(client, asset)
    inputs, _ = service.check({"assetId": asset, "description": "Featured"})
    _, state = service.create(inputs, OWNER)
    elsewhere = scoped(
        "tenant@test",
        resource_owner("file:///backend", "urn:pulumi:prod::p::videokit:index:AssetDetails::promo"),
    )
    service.create(inputs, elsewhere)
    warnings: list[str] = []
    service.delete(asset, state, OWNER, warnings.append)
    assert tenant(client, asset)["description"] == before["description"] and warnings == []


def test_destroy_after_a_killed_first_apply_still_restores(
    asset: str, client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    before = tenant(client, asset)
    declared = {
        "assetId": asset,
        "description": "Half way",
        "tags": ["x"],
        "attributes": ["genre=news"],
        "chapters": TWO,
    }
    dying = AssetDetailsKind(client, Settings())
    real = client.streaming.assets.create_chapters

    def killed_after_post(*args: Any) -> None:
        real(*args)
        raise Killed

    client.streaming.assets.create_chapters = killed_after_post  # type: ignore[method-assign]
    with pytest.raises(Killed):
        apply.create(dying, declared, journal=Journal(tmp_path), owner=OWNER)
    del client.streaming.assets.create_chapters
    assert tenant(client, asset)["description"] == "Half way"
    # The next run resumes its own attempt: what was found comes from the journal, not from the
    # asset (which already holds our values).
    kind = AssetDetailsKind(client, Settings())
    _, outputs = apply.create(kind, declared, journal=Journal(tmp_path), owner=OWNER)
    assert outputs["previousDescription"] == "As found"
    assert outputs["previousAttributes"] == ["genre=drama"]
    apply.delete(kind, asset, {**declared, **outputs}, journal=Journal(tmp_path), owner=OWNER)
    after = tenant(client, asset)
    assert {k: v for k, v in after.items() if k != "chapters"} == {
        k: v for k, v in before.items() if k != "chapters"
    }
    # The chapter found was deleted by the killed run, so it is made again (with a new id).
    assert [c[:3] for c in after["chapters"]] == [c[:3] for c in before["chapters"]]


def test_an_asset_without_a_description_gets_none_back(
    service: Service, client: VideoKitClient, emulator: RunningEmulator
) -> None:
    channel = client.live.channels.create(CH)
    asset = client.live.events.create(
        {"channelId": channel, "start": "2031-03-02T10:00:00Z", "end": "2031-03-02T11:00:00Z"}
    )
    assert client.streaming.assets.get(asset).description is None
    _, state = service.create({"assetId": asset, "description": "Now one"}, OWNER)
    assert state["previousDescription"] == ""
    service.delete(asset, state, OWNER)
    # The API has no call that removes a description: an empty one is the asset's "none".
    assert client.streaming.assets.get(asset).description == ""
    inputs = service.read(asset, {"assetId": asset, "description": ""})[2]
    assert inputs["description"] == ""


def test_details_of_a_missing_asset_are_one_sentence_and_no_write(
    service: Service, emulator: RunningEmulator
) -> None:
    emulator.ctx.requests.clear()
    with pytest.raises(MissingObjectError, match=r"streaming asset nothing-here does not exist"):
        service.create({"assetId": "nothing-here", "description": "x"}, OWNER)
    assert [r["method"] for r in emulator.ctx.requests] == ["GET"]


@pytest.mark.parametrize(
    ("declared", "where", "says"),
    [
        (
            {"chapters": [{"title": "a", "startSecond": 60, "endSecond": 30}]},
            "chapters.0.endSecond",
            "not after",
        ),
        (
            {"chapters": [{"title": "a", "startSecond": 10, "endSecond": 10}]},
            "chapters.0.endSecond",
            "not after",
        ),
        (
            {"chapters": [{"title": "a", "startSecond": -1}]},
            "chapters.0.startSecond",
            "greater than or equal to 0",
        ),
        ({"chapters": [{"title": "", "startSecond": 1}]}, "chapters.0.title", "at least 1 character"),
        ({"chapters": [{"startSecond": 1}]}, "chapters.0.title", "required"),
        ({"chapters": [{"title": "a", "startSecond": 1, "end": 2}]}, "chapters.0.end", "not a known field"),
        ({"chapters": [{"title": "a", "startSecond": 1}] * 2}, "chapters", "more than once"),
        ({"tokenRequiredPolicy": "true"}, "tokenRequiredPolicy", "allowed: 'Inherit', 'True', 'False'"),
        ({"tokenRequiredPolicy": True}, "tokenRequiredPolicy", "allowed: 'Inherit', 'True', 'False'"),
        ({"tags": ["a", "a"]}, "tags", "'a' is listed more than once"),
        ({"tags": [""]}, "tags.0", "at least 1 character"),
        ({"attributes": ["genre"]}, "attributes.0", "is not key=value"),
        ({"description": 5}, "description", "must be a string"),
        (
            {},
            "(declaration)",
            "declare at least one of description, tags, attributes, chapters, tokenRequiredPolicy",
        ),
    ],
)
def test_bad_details_are_refused_before_any_call(
    service: Service, emulator: RunningEmulator, declared: dict[str, Any], where: str, says: str
) -> None:
    emulator.ctx.requests.clear()
    _, problems = service.check({"assetId": "a1", **declared})
    assert len(problems) == 1, problems
    assert problems[0][0] == where and says in problems[0][1], problems
    assert emulator.ctx.requests == []


def test_export_writes_the_details_but_not_the_attributes(asset: str, client: VideoKitClient) -> None:
    [found] = AssetDetailsKind(client, Settings()).exported(Scope(assets=(asset,)))
    assert found.object_id == asset
    assert found.fields == {
        "assetId": asset,
        "description": "As found",
        "tags": ["found", "kept"],
        "chapters": [INTRO],
        "tokenRequiredPolicy": "False",
    }
    assert any("attributes are not exported" in c for c in found.comments)
    # What is exported applies as a no-op: adoption writes only the values the asset has.
    spec = AssetDetailsKind.spec
    assert spec.model.model_validate(found.fields)


def test_the_emulator_answers_chapters_and_tags_as_each_call_documents(
    asset: str, client: VideoKitClient, emulator: RunningEmulator
) -> None:
    headers = {"X-Api-Key": API_KEY, "X-Tenant-Id": TENANT_ID}
    base = f"{emulator.url}/streaming/v1/assets"
    details = httpx.get(f"{base}/{asset}", headers=headers).json()
    listed = next(a for a in httpx.get(base, headers=headers).json()["items"] if a["id"] == asset)
    patched = httpx.patch(f"{base}/{asset}", headers=headers, json={}).json()
    assert [
        {k: c[k] for k in ("title", "startSecond", "endSecond", "durationSeconds")}
        for c in details["chapters"]
    ] == [{**INTRO, "durationSeconds": 60}]
    assert [{k: c[k] for k in ("title", "start", "end")} for c in listed["chapters"]] == [
        {"title": "Intro", "start": 0, "end": 60}
    ]
    assert [t["name"] for t in details["tags"]] == ["found", "kept"] and listed["tags"] == ["found", "kept"]
    assert patched["tags"] == ["found", "kept"] and patched["attributes"] == ["genre=drama"]
    assert "attributes" not in details

    # The client reads either spelling of a chapter's bounds.
    def bounds(answer: dict[str, Any]) -> list[tuple[str | None, int | None, int | None]]:
        return [(c.title, c.start_second, c.end_second) for c in Asset.model_validate(answer).chapters or []]

    assert bounds(listed) == bounds(details) == [("Intro", 0, 60)]


def _door_lifecycle(
    host: Any, state_of: Any, detailed: bool, asset: str, client: VideoKitClient, emulator: RunningEmulator
) -> None:
    """Create with two chapters, a no-op diff, a description change, destroy: through one door."""
    before = tenant(client, asset)
    props = {"assetId": asset, "description": "Featured", "tags": ["featured"], "chapters": TWO}
    inputs, failures = host.check("AssetDetails", props)
    assert failures == []
    emulator.ctx.requests.clear()
    aid, created = host.create("AssetDetails", inputs)
    state = state_of(created)
    [posted] = [r["body"] for r in emulator.ctx.requests if r["method"] == "POST"]
    # Whole seconds reach the API as integers, though the engine carries every number as a double.
    assert json.dumps(posted) == json.dumps({"chapters": TWO})
    assert aid == asset and state["previousChapters"] == [INTRO]
    assert [c[:3] for c in tenant(client, asset)["chapters"]] == [(0, 90, "Opening"), (90, None, "Talk")]
    emulator.ctx.requests.clear()
    same = host.diff("AssetDetails", aid, state, {**props, "tags": ["featured"], "chapters": TWO[::-1]})
    assert same.changes == pb.DiffResponse.DIFF_NONE and emulator.ctx.requests == []
    news = {**props, "description": "Featured now"}
    changed = host.diff("AssetDetails", aid, state, news)
    assert changed.changes == pb.DiffResponse.DIFF_SOME
    # The dynamic host has no detailed diff: only the native door names the property.
    assert list(changed.diffs) == (["description"] if detailed else [])
    assert not changed.replaces
    state = state_of(host.update("AssetDetails", aid, state, news))
    assert calls(emulator) == [("PATCH", f"/streaming/v1/assets/{asset}", {"description": "Featured now"})]
    ids = chapter_ids(client, asset)
    edited = {**news, "chapters": [TWO[0], {"title": "Keynote", "startSecond": 90}]}
    emulator.ctx.requests.clear()
    state = state_of(host.update("AssetDetails", aid, state, edited))
    assert [(m, p) for m, p, _ in calls(emulator)] == [
        ("GET", f"/streaming/v1/assets/{asset}"),
        ("DELETE", f"/streaming/v1/assets/{asset}/chapters/{ids['Talk']}"),
        ("POST", f"/streaming/v1/assets/{asset}/chapters"),
    ]
    host.delete("AssetDetails", aid, state)
    after = tenant(client, asset)
    # The chapter the first apply deleted comes back (with a new id: nothing re-creates an id).
    assert {**after, "chapters": [c[:3] for c in after["chapters"]]} == {
        **before,
        "chapters": [c[:3] for c in before["chapters"]],
    }


def test_the_native_plugin_runs_the_lifecycle(
    asset: str, client: VideoKitClient, emulator: RunningEmulator
) -> None:
    from .nativehost import NativeHost, secret

    config = {
        "apiKey": secret(API_KEY),
        "tenantId": TENANT_ID,
        "endpoint": emulator.url,
        "retryTotalSeconds": "3",
    }
    with NativeHost(config) as host:
        _door_lifecycle(host, lambda props: decode(props)[0], True, asset, client, emulator)


def test_the_dynamic_provider_runs_the_lifecycle(
    asset: str, client: VideoKitClient, emulator: RunningEmulator
) -> None:
    from .providerhost import ProviderHost

    config = {
        "videokit:apiKey": API_KEY,
        "videokit:tenantId": TENANT_ID,
        "videokit:endpoint": emulator.url,
        "videokit:retryTotalSeconds": "3",
    }
    host = ProviderHost(config)
    try:
        _door_lifecycle(host, dict, False, asset, client, emulator)
    finally:
        host.close()


class _Recorder(pulumi.runtime.Mocks):
    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(args)
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]] | None]:
        return {}, None


@pulumi.runtime.test
def test_vod_asset_names_the_asset_in_yaml(tmp_path: Path) -> Any:
    from pulumi_videokit import from_yaml

    recorder = _Recorder()
    pulumi.runtime.set_mocks(recorder, preview=False)
    (tmp_path / "promo.mp4").write_bytes(b"\0" * 64)
    (tmp_path / "videokit.yaml").write_text(
        "vodAssets:\n  promo: {file: promo.mp4, preset: dash_hls_1080p, title: Promo}\n"
        "assetDetails:\n"
        "  promo-details:\n"
        "    vodAsset: promo\n"
        "    description: The promo\n"
        "    chapters: [{title: Opening, startSecond: 0, endSecond: 90}, {title: Talk, startSecond: 90}]\n"
    )
    declared = from_yaml(str(tmp_path / "videokit.yaml"))

    def check(_: Any) -> None:
        seen = {r.name: r for r in recorder.resources}
        details = seen["promo-details"]
        assert details.typ == "pulumi-python:dynamic/videokit:AssetDetails"
        assert details.inputs["assetId"] == "promo-id" and "vodAsset" not in details.inputs
        assert details.inputs["chapters"] == TWO

    return declared["promo-details"].id.apply(check)  # type: ignore[attr-defined]


def test_an_export_loads_and_adopts_without_a_change(
    asset: str, service: Service, client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    from pulumi_videokit import export
    from pulumi_videokit.gitops import load

    filters = export.Filters(sections=export.sections_of("assetDetails"), assets=(asset,))
    text = export.render_yaml(export.collect(client, filters), filters)
    assert "attributes are not exported" in text
    (tmp_path / "videokit.yaml").write_text(text)
    [entry] = load(tmp_path / "videokit.yaml").entries
    assert entry.section == "assetDetails" and entry.props["chapters"] == [INTRO]
    before = tenant(client, asset)
    emulator.ctx.requests.clear()
    _, state = service.create(service.check(entry.props)[0], OWNER)
    # Taking the details over reads the asset and writes nothing: it already holds them.
    assert [r["method"] for r in emulator.ctx.requests] == ["GET"]
    service.delete(asset, state, OWNER)
    assert tenant(client, asset) == before


def _step(old: dict[str, Any], new: dict[str, Any], outputs: dict[str, Any]) -> dict[str, Any]:
    urn = "urn:pulumi:staging::repo::videokit:index:AssetDetails::promo"
    state = {"urn": urn, "type": "videokit:index:AssetDetails", "id": "a1", "custom": True}
    return {
        "op": "update",
        "urn": urn,
        "type": "videokit:index:AssetDetails",
        "oldState": {**state, "inputs": old, "outputs": {**old, "previousDescription": "As found"}},
        "newState": {**state, "inputs": new, "outputs": outputs},
    }


def test_plan_summary_and_drift_report_rows() -> None:
    from pulumi_videokit.reports.drift import drift_report
    from pulumi_videokit.reports.plan import plan_summary

    old = {"assetId": "a1", "description": "Old", "chapters": [TWO[0]], "attributes": ["genre=drama"]}
    new = {**old, "description": "New", "chapters": [{**TWO[0], "title": "Keynote"}]}
    preview = {"steps": [_step(old, new, {})], "changeSummary": {"update": 1}}
    [row] = plan_summary(json.dumps(preview)).rows
    assert row[:3] == ("update", "AssetDetails", "promo")
    assert row[3] == ['`chapters[0].title`: `"Opening"` → `"Keynote"`', '`description`: `"Old"` → `"New"`']
    live = {**old, "previousDescription": "As found", "description": "Edited by hand"}
    refresh = {"steps": [_step(old, old, live)], "changeSummary": {"update": 1}}
    drift = drift_report(json.dumps(refresh))
    [found] = drift.objects
    assert [(c.path, c.old, c.new) for c in found.fields] == [("description", "Old", "Edited by hand")]
    assert "AssetDetails `attributes`" in drift.markdown()


def test_a_first_apply_cut_off_half_way_keeps_what_it_found(
    service: Service, asset: str, client: VideoKitClient, emulator: RunningEmulator
) -> None:
    """The PATCH went through, then Create Asset Chapters failed: the object is kept in state with
    what the first apply found, so the next up finishes and destroy still restores the original."""
    from pulumi_videokit.emulator import FaultRule
    from pulumi_videokit.reconcile.errors import HalfCreated

    before = tenant(client, asset)
    declared = {"assetId": asset, "description": "Half way", "tags": ["x"], "chapters": TWO}
    emulator.ctx.faults.replace([FaultRule(kind="500", every=1, method="POST", path=r"/chapters$")])
    with pytest.raises(HalfCreated) as half:
        service.create(declared, OWNER)
    emulator.ctx.faults.replace([])
    state = {**half.value.inputs, **half.value.outputs}
    assert state["previousDescription"] == "As found" and state["previousChapters"] == [INTRO]
    # The next up sees what is left to do and does it.
    decided = service.diff(asset, state, declared)
    assert decided.plan.changed == ["chapters"]
    state = service.update(asset, state, declared)
    assert [c[:3] for c in tenant(client, asset)["chapters"]] == [(0, 90, "Opening"), (90, None, "Talk")]
    service.delete(asset, state, OWNER)
    after = tenant(client, asset)
    assert {**after, "chapters": [c[:3] for c in after["chapters"]]} == {
        **before,
        "chapters": [c[:3] for c in before["chapters"]],
    }


def test_a_first_apply_whose_patch_failed_sends_its_attributes_again(
    asset: str, client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    """No read shows attributes: when the first PATCH failed, the state says the asset still has
    the ones it was found with, so the next up sends the declared ones."""
    from pulumi_videokit.emulator import FaultRule
    from pulumi_videokit.reconcile.errors import HalfCreated

    config = {
        "api_key": API_KEY,
        "tenant_id": TENANT_ID,
        "endpoint": emulator.url,
        "retry_total_seconds": "0.3",
    }
    service = Service(AssetDetailsKind, {**config, "journal_dir": str(tmp_path)})
    declared = {"assetId": asset, "description": "New", "attributes": ["genre=news"]}
    assets = service.kind.client.streaming.assets
    real = assets.update

    def failing(asset_id: str, patch: Any) -> Any:
        if patch:  # the empty PATCH that reads the attributes passes; the one that writes fails
            emulator.ctx.faults.replace([FaultRule(kind="500", every=1, method="PATCH")])
        return real(asset_id, patch)

    assets.update = failing  # type: ignore[method-assign]
    try:
        with pytest.raises(HalfCreated) as half:
            service.create(declared, OWNER)
    finally:
        emulator.ctx.faults.replace([])
        del assets.update
    state = {**half.value.inputs, **half.value.outputs}
    assert state["attributes"] == ["genre=drama"] and state["previousAttributes"] == ["genre=drama"]
    assert state["description"] == "As found"
    assert sorted(service.diff(asset, state, declared).plan.changed) == ["attributes", "description"]
    state = service.update(asset, state, declared)
    assert tenant(client, asset)["attributes"] == ["genre=news"]
    service.delete(asset, state, OWNER)
    assert tenant(client, asset)["attributes"] == ["genre=drama"]


def _load_problems(tmp_path: Path, text: str) -> list[str]:
    from pulumi_videokit.gitops import load
    from pulumi_videokit.gitops.loader import DeclarationError

    (tmp_path / "promo.mp4").write_bytes(b"\0" * 64)
    (tmp_path / "videokit.yaml").write_text(text)
    with pytest.raises(DeclarationError) as err:
        load(tmp_path / "videokit.yaml")
    return [f"{p.line}:{p.col}: {p.field}: {p.message}" for p in err.value.problems]


VOD = "vodAssets:\n  promo: {file: promo.mp4, preset: dash_hls_1080p, title: Promo, tags: [a]}\n"


def test_two_details_naming_one_vod_asset_are_refused_with_both_lines(tmp_path: Path) -> None:
    problems = _load_problems(
        tmp_path,
        "vodAssets:\n  promo: {file: promo.mp4, preset: dash_hls_1080p}\n"
        "assetDetails:\n"
        "  first: {vodAsset: promo, description: One}\n"
        "  second: {vodAsset: promo, description: Two}\n",
    )
    where = tmp_path / "videokit.yaml"
    assert problems == [
        f"5:12: assetDetails.second.vodAsset: names the same vodAssets.promo as assetDetails.first at "
        f"{where}:4:3; one AssetDetails per assetId (merge the two entries)"
    ]


def test_details_naming_different_vod_assets_load(tmp_path: Path) -> None:
    from pulumi_videokit.gitops import load

    (tmp_path / "promo.mp4").write_bytes(b"\0" * 64)
    (tmp_path / "videokit.yaml").write_text(
        "vodAssets:\n  promo: {file: promo.mp4, preset: dash_hls_1080p, tags: [a]}\n"
        "  teaser: {file: promo.mp4, preset: dash_hls_1080p}\n"
        "assetDetails:\n"
        "  first: {vodAsset: promo, description: One}\n"
        "  second: {vodAsset: teaser, description: Two, tags: [b]}\n"
    )
    assert [e.name for e in load(tmp_path / "videokit.yaml").entries] == [
        "promo",
        "teaser",
        "first",
        "second",
    ]


@pytest.mark.parametrize(
    ("field", "vod_value", "details_value"),
    [("tags", "[a]", "[b]"), ("attributes", "['k=v']", "['k=w']")],
)
def test_tags_declared_on_the_vod_asset_and_its_details_are_refused(
    tmp_path: Path, field: str, vod_value: str, details_value: str
) -> None:
    problems = _load_problems(
        tmp_path,
        "vodAssets:\n"
        "  promo:\n"
        "    file: promo.mp4\n"
        "    preset: dash_hls_1080p\n"
        f"    {field}: {vod_value}\n"
        "assetDetails:\n"
        "  promo-details:\n"
        "    vodAsset: promo\n"
        f"    {field}: {details_value}\n",
    )
    where = tmp_path / "videokit.yaml"
    assert problems == [
        f"9:5: assetDetails.promo-details.{field}: vodAssets.promo at {where}:5:5 "
        f"declares {field} of the same asset too (vodAsset: promo), so each up would undo the other's "
        f"{field}: declare them in one of the two entries"
    ]


def test_a_half_done_create_of_the_new_name_still_holds_what_it_set(
    service: Service, asset: str, client: VideoKitClient, emulator: RunningEmulator
) -> None:
    """Renamed without aliases, and the new name's create half done (its PATCH went through, its
    chapters failed): the old name's delete in the same run leaves the new name's description."""
    from pulumi_videokit.emulator import FaultRule
    from pulumi_videokit.reconcile.errors import HalfCreated

    old = resource_owner("file:///backend", "urn:pulumi:s::p::videokit:index:AssetDetails::promo")
    renamed = resource_owner("file:///backend", "urn:pulumi:s::p::videokit:index:AssetDetails::promo-2")
    inputs, _ = service.check({"assetId": asset, "description": "Featured"})
    _, old_state = service.create(inputs, old)
    emulator.ctx.faults.replace([FaultRule(kind="500", every=1, method="POST", path=r"/chapters$")])
    with pytest.raises(HalfCreated):
        service.create({"assetId": asset, "description": "Renamed", "chapters": TWO}, renamed)
    emulator.ctx.faults.replace([])
    assert tenant(client, asset)["description"] == "Renamed"  # the half-done create's PATCH landed
    warnings: list[str] = []
    service.delete(asset, old_state, old, warnings.append)
    assert tenant(client, asset)["description"] == "Renamed" and len(warnings) == 1
