"""Data lookups against the real emulator over sockets: the functions' answers (the API's names),
nothing or more than one found, ${lookup:…} in videokit.yaml (checked offline, answered and cached
per run), the Python functions, and Invoke in the native plugin over gRPC."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime.proto import provider_pb2 as pb

import pulumi_videokit
from pulumi_videokit import lookups
from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator
from pulumi_videokit.gitops import ConfigValue, Context, DeclarationError, load, parse
from pulumi_videokit.lookups import FUNCTIONS, LookupFailed, Reference, Session
from pulumi_videokit.native._props import decode, encode
from pulumi_videokit.native.schema import schema
from pulumi_videokit.protocol import UNKNOWN

from .conftest import API_KEY, TENANT_ID, admin
from .nativehost import NativeError, NativeHost
from .test_native_protocol import config as native_config
from .test_program_mocks import Recorder, by_name

INPUT = {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}
#: The reference's own examples, which a fresh emulator starts with.
REFERENCE_PRESETS = [
    {"name": "preset1", "description": "HD 1080p preset", "createsDownload": True},
    {"name": "preset2", "description": "SD 720p preset", "createsDownload": False},
]


def gets(emu: RunningEmulator, path: str) -> int:
    """How many GETs of ``path`` (or under it, for a trailing ``/``) the emulator answered."""
    return sum(
        1
        for r in emu.ctx.requests
        if r["method"] == "GET" and (r["path"] == path or (path.endswith("/") and r["path"].startswith(path)))
    )


@pytest.fixture()
def session(client: VideoKitClient) -> Session:
    return Session(client, TENANT_ID)


@pytest.fixture()
def channel(client: VideoKitClient) -> Iterator[tuple[str, str]]:
    name = "lookup-stage"
    channel_id = client.live.channels.create({"name": name, "input": INPUT})
    yield channel_id, name
    client.live.channels.delete(channel_id)


@pytest.fixture()
def asset(emulator: RunningEmulator) -> tuple[str, str]:
    """A streaming asset on the tenant, titled uniquely."""
    asset_id, title = str(uuid.uuid4()), f"Lookup promo {uuid.uuid4().hex[:8]}"
    seed = {
        "id": asset_id,
        "title": title,
        "type": "Vod",
        "source": "Vod",
        "status": "Available",
        "preset": "mp4",
        "durationMilliseconds": 60000,
        "createDate": "2030-01-01T10:00:00Z",
        "lastModificationDate": "2030-01-01T10:00:00Z",
    }
    with admin(emulator) as http:
        http.post("/seed", json={"assets": [seed]}).raise_for_status()
    return asset_id, title


# ---- the functions' answers ----


def test_every_function_answers_with_the_apis_own_field_names(
    session: Session, emulator: RunningEmulator, channel: tuple[str, str], asset: tuple[str, str]
) -> None:
    presets = session.invoke("getPresets")
    assert set(presets) == {"items"}
    # The reference's example presets are there on a fresh emulator, in the reference's names.
    assert all(p in presets["items"] for p in REFERENCE_PRESETS)
    assert session.invoke("getPresets", {"name": "preset1"}) == {"items": [REFERENCE_PRESETS[0]]}
    downloads = session.invoke("getPresets", {"createsDownload": True})["items"]
    assert downloads and all(p["createsDownload"] is True for p in downloads)
    assert session.invoke("getLanguages") == {"languages": ["en", "pl", "de", "fr", "pt"]}
    types = session.invoke("getFileTypes")["fileTypes"]
    assert ".mp4" in types["Video"] and ".mp3" in types["Audio"]
    assert session.invoke("getTenantStatus") == {
        "status": "Active",
        "message": "Tenant is active and running.",
    }
    limit = session.invoke("getChannelLimit")
    assert isinstance(limit["limit"], int) and limit["limit"] > 0

    channel_id, name = channel
    by_name_ = session.invoke("getChannel", {"name": name})
    assert by_name_["id"] == channel_id and by_name_["name"] == name
    assert {"createDate", "lastModificationDate", "status"} <= set(by_name_)  # camelCase, as the API
    assert session.invoke("getChannel", {"id": channel_id})["name"] == name

    asset_id, title = asset
    found = session.invoke("getAsset", {"title": title})
    assert found["id"] == asset_id and found["type"] == "Vod" and "durationMilliseconds" in found
    assert session.invoke("getAsset", {"id": asset_id})["title"] == title


def test_each_call_is_made_once_per_session(session: Session, emulator: RunningEmulator) -> None:
    emulator.ctx.requests.clear()
    session.invoke("getPresets", {"name": "preset1"})
    session.invoke("getPresets", {"name": "preset2"})
    session.invoke("getPresets")
    assert gets(emulator, "/transcoder/v1/presets") == 1
    with pytest.raises(LookupFailed):
        session.invoke("getChannel", {"name": "nobody"})
    with pytest.raises(LookupFailed):
        session.invoke("getChannel", {"name": "nobody-else"})
    assert gets(emulator, "/live/v1/channels") == 1


# ---- errors: one sentence naming the query ----


def test_nothing_found_names_the_query(session: Session) -> None:
    cases = [
        ("getChannel", {"name": "nobody"}, "getChannel(name=nobody) found no channel"),
        ("getChannel", {"id": "no-such-channel"}, "getChannel(id=no-such-channel) found no channel"),
        ("getAsset", {"title": "No such title"}, "getAsset(title=No such title) found no asset"),
        ("getAsset", {"id": "no-such-asset"}, "getAsset(id=no-such-asset) found no asset"),
        ("getPresets", {"name": "nope"}, "getPresets(name=nope) found no preset (the tenant's presets: "),
    ]
    for name, args, message in cases:
        with pytest.raises(LookupFailed) as caught:
            session.invoke(name, args)
        assert str(caught.value).startswith(message), str(caught.value)
        assert "\n" not in str(caught.value)


def test_more_than_one_found_names_the_query_and_the_ids(session: Session, client: VideoKitClient) -> None:
    ids = [client.live.channels.create({"name": "twin", "input": INPUT}) for _ in range(2)]
    try:
        with pytest.raises(LookupFailed) as caught:
            session.invoke("getChannel", {"name": "twin"})
        message = str(caught.value)
        assert message.startswith("getChannel(name=twin) found 2 channels (") and message.endswith(
            "look it up by id"
        )
        assert all(i in message for i in ids)
    finally:
        for i in ids:
            client.live.channels.delete(i)


def test_wrong_arguments_are_refused_before_any_request(session: Session, emulator: RunningEmulator) -> None:
    emulator.ctx.requests.clear()
    cases = [
        ("getChannel", {}, "getChannel(): give exactly one of id and name"),
        ("getChannel", {"id": "a", "name": "b"}, "getChannel(id=a, name=b): give exactly one of id and name"),
        ("getChannel", {"nam": "x"}, "getChannel takes no argument 'nam' (allowed: id, name)"),
        ("getLanguages", {"x": 1}, "getLanguages takes no argument 'x' (allowed: none)"),
        ("getPresets", {"createsDownload": "maybe"}, "getPresets(createsDownload=maybe): createsDownload"),
        ("getPreset", {}, "'getPreset' is not a lookup function (allowed: getPresets, "),
    ]
    for name, args, message in cases:
        with pytest.raises(LookupFailed) as caught:
            session.invoke(name, args)
        assert str(caught.value).startswith(message), str(caught.value)
    assert emulator.ctx.requests == []


# ---- ${lookup:…} in videokit.yaml ----

YAML = """\
channels:
  main:
    name: ${lookup:getChannel(name=lookup-stage).name}-copy
    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}
    qualities:
      - resolution: 1080p
        frameRate: ${lookup:getChannelLimit.limit}
events:
  show:
    channel: main
    title: "${lookup:getPresets(name=preset1).description} / ${lookup:getPresets(name=preset2).name}"
    start: '2030-01-01T10:00:00Z'
    end: '2030-01-01T11:00:00Z'
"""


def counting(session: Session) -> tuple[Context, list[str]]:
    asked: list[str] = []

    def lookup(ref: Reference) -> str:
        asked.append(ref.query)
        return ref.resolve(session)

    values = {"venue:x": ConfigValue("1")}
    return Context(stack="dev", project="venue", config=values.get, environ={}, lookup=lookup), asked


def test_lookups_in_yaml_resolve_and_are_cached_per_run(
    session: Session, emulator: RunningEmulator, channel: tuple[str, str], tmp_path: Path
) -> None:
    (tmp_path / "videokit.yaml").write_text(YAML)
    context, asked = counting(session)
    emulator.ctx.requests.clear()
    doc = load(tmp_path / "videokit.yaml", context=context)
    entries = {e.name: e.props for e in doc.entries}
    assert entries["main"]["name"] == "lookup-stage-copy"
    assert entries["main"]["qualities"][0]["frameRate"] == "20"  # text standing for the number
    assert entries["show"]["title"] == "HD 1080p preset / preset2"
    # Two preset lookups, one listing; a second load in the same run asks the API nothing.
    assert gets(emulator, "/transcoder/v1/presets") == 1 and len(asked) == 4
    load(tmp_path / "videokit.yaml", context=context)
    assert len(asked) == 8 and gets(emulator, "/transcoder/v1/presets") == 1
    assert gets(emulator, "/live/v1/channels") == 1 and gets(emulator, "/live/v1/channels/limit") == 1


BAD = {
    "unknown function": (
        "${lookup:getPreset(name=mp4).name}",
        "'getPreset' is not a lookup function (allowed: getPresets, getLanguages",
    ),
    "unknown argument": (
        "${lookup:getPresets(nmae=mp4).name}",
        "getPresets takes no argument 'nmae' (allowed: name, createsDownload)",
    ),
    "wrong argument value": (
        "${lookup:getPresets(createsDownload=maybe).name}",
        "createsDownload Input should be a valid boolean",
    ),
    "both id and name": ("${lookup:getChannel(id=a, name=b).id}", "give exactly one of id and name"),
    "unknown field": (
        "${lookup:getPresets(name=mp4).nmae}",
        "getPresets answers no field 'nmae' (fields of an item: name, description, createsDownload)",
    ),
    "no field": (
        "${lookup:getChannel(name=main)}",
        "names no field of the answer to use: add .FIELD (fields: id, name",
    ),
    "not ARG=VALUE": ("${lookup:getChannel(main).id}", "getChannel: 'main' is not ARG=VALUE"),
    "not the form": (
        "${lookup:getChannel name=main}",
        "is not of the form ${lookup:FUNCTION(ARG=VALUE, …).FIELD}",
    ),
    "repeated argument": (
        "${lookup:getPresets(name=preset1, name=mp4).name}",
        "getPresets: name is given twice; give each argument once",
    ),
    "config nested in a lookup": (
        "${lookup:getPresets(name=${config:preset}).name}",
        "a lookup's arguments are literal text; a ${…} inside ${lookup:…} is not supported (no nesting)",
    ),
    "env nested in a lookup": (
        "${lookup:getChannel(name=${env:HOME}).id}",
        "a lookup's arguments are literal text; a ${…} inside ${lookup:…} is not supported (no nesting)",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_lookup_fails_offline_naming_file_line_and_field(case: str, session: Session) -> None:
    value, message = BAD[case]
    text = f'domains:\n  site:\n    url: https://example.com\nchannels:\n  main:\n    name: "{value}"\n    input: {{type: RTMP_PUSH, inputLoss: {{type: COLOR}}}}\n'
    context, asked = counting(session)
    for ctx in (Context(), context):  # without a stack (videokit validate), and in a program
        with pytest.raises(DeclarationError) as caught:
            parse(text, "videokit.yaml", ctx)
        problems = [str(p) for p in caught.value.problems]
        assert len(problems) == 1, problems
        assert problems[0].startswith(f"videokit.yaml:6:5: channels.main.name: {value}: "), problems[0]
        assert message in problems[0], problems[0]
    assert asked == []  # nothing was asked of the API


def test_offline_a_good_lookup_is_left_unresolved_and_unjudged() -> None:
    text = "channels:\n  main:\n    name: ${lookup:getChannel(name=main).name}\n    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}\n"
    doc = parse(text, "videokit.yaml", Context())
    assert doc.entries[0].props["name"] == "${lookup:getChannel(name=main).name}"


def test_a_lookup_that_finds_nothing_at_preview_names_line_and_query(
    session: Session, tmp_path: Path
) -> None:
    (tmp_path / "videokit.yaml").write_text(
        "events:\n  show:\n    channelId: ${lookup:getChannel(name=nobody).id}\n"
        "    title: T\n    start: '2030-01-01T10:00:00Z'\n    end: '2030-01-01T11:00:00Z'\n"
    )
    context, _ = counting(session)
    with pytest.raises(DeclarationError) as caught:
        load(tmp_path / "videokit.yaml", context=context)
    assert [str(p) for p in caught.value.problems] == [
        f"{tmp_path / 'videokit.yaml'}:3:5: events.show.channelId: ${{lookup:getChannel(name=nobody).id}}: "
        "getChannel(name=nobody) found no channel"
    ]


def test_a_lookup_of_a_list_must_pick_one_item(session: Session) -> None:
    text = "channels:\n  main:\n    name: ${lookup:getPresets(createsDownload=false).name}\n    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}\n"
    context, _ = counting(session)
    with pytest.raises(DeclarationError) as caught:
        parse(text, "videokit.yaml", context)
    (problem,) = caught.value.problems
    assert "getPresets(createsDownload=false) found " in str(problem) and "items, not one" in str(problem)
    assert "preset2" in str(problem)


# ---- the dynamic door: a program resolves at program time with the provider's configuration ----


@pytest.fixture()
def program_env(emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("VIDEOKIT_API_KEY", API_KEY)
    monkeypatch.setenv("VIDEOKIT_TENANT_ID", TENANT_ID)
    monkeypatch.setenv("VIDEOKIT_ENDPOINT", emulator.url)
    lookups.forget_sessions()  # a new run
    yield
    lookups.forget_sessions()


def test_python_functions_call_the_api_with_the_providers_configuration(
    program_env: None, emulator: RunningEmulator, channel: tuple[str, str]
) -> None:
    emulator.ctx.requests.clear()
    presets = pulumi_videokit.get_presets(name="preset1")
    assert [(p.name, p.description, p.creates_download) for p in presets.items] == [
        ("preset1", "HD 1080p preset", True)
    ]
    assert presets.model_dump(by_alias=True, exclude_none=True) == {"items": [REFERENCE_PRESETS[0]]}
    assert pulumi_videokit.get_presets(creates_download=False).items
    assert pulumi_videokit.get_channel(name=channel[1]).id == channel[0]
    assert pulumi_videokit.get_languages().languages == ["en", "pl", "de", "fr", "pt"]
    assert ".mp4" in pulumi_videokit.get_file_types().file_types["Video"]
    assert pulumi_videokit.get_tenant_status().status == "Active"
    assert pulumi_videokit.get_channel_limit().limit == 20
    assert gets(emulator, "/transcoder/v1/presets") == 1  # one run, one listing
    with pytest.raises(pulumi_videokit.LookupFailed, match=r"^getAsset\(title=Nothing\) found no asset$"):
        pulumi_videokit.get_asset(title="Nothing")


def test_python_functions_without_configuration_say_which_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("VIDEOKIT_API_KEY", "VIDEOKIT_TENANT_ID", "VIDEOKIT_ENDPOINT", "VIDEOKIT_TENANT_NAME"):
        monkeypatch.delenv(name, raising=False)
    lookups.forget_sessions()
    with pytest.raises(
        pulumi_videokit.ConfigurationError, match="missing provider configuration: videokit:apiKey"
    ):
        pulumi_videokit.get_languages()


@pytest.fixture()
def recorder() -> Recorder:
    found = Recorder()
    pulumi.runtime.set_mocks(found, preview=True)
    return found


@pulumi.runtime.test
def test_from_yaml_resolves_lookups_in_the_program(
    program_env: None, emulator: RunningEmulator, channel: tuple[str, str], recorder: Recorder, tmp_path: Path
) -> Any:
    (tmp_path / "videokit.yaml").write_text(
        "events:\n  show:\n    channelId: ${lookup:getChannel(name=lookup-stage).id}\n"
        "    title: ${lookup:getPresets(name=preset2).description}\n"
        "    start: '2030-01-01T10:00:00Z'\n    end: '2030-01-01T11:00:00Z'\n"
    )
    emulator.ctx.requests.clear()
    declared = pulumi_videokit.from_yaml(tmp_path / "videokit.yaml")
    assert gets(emulator, "/live/v1/channels") == 1 and gets(emulator, "/transcoder/v1/presets") == 1

    def check(_: Any) -> None:
        show = by_name(recorder)["show"]
        assert show.inputs["channelId"] == channel[0] and show.inputs["title"] == "SD 720p preset"

    return declared["show"].id.apply(check)


# ---- the native door: schema and Invoke over gRPC ----


def test_schema_lists_every_function_with_the_apis_names() -> None:
    functions = schema()["functions"]
    assert set(functions) == {f"videokit:index:{name}" for name in FUNCTIONS}
    presets = functions["videokit:index:getPresets"]
    assert set(presets["inputs"]["properties"]) == {"name", "createsDownload"}
    item = presets["outputs"]["properties"]["items"]["items"]["$ref"].rsplit("/", 1)[-1]
    assert set(schema()["types"][item]["properties"]) == {"name", "description", "createsDownload"}
    assert set(functions["videokit:index:getChannel"]["inputs"]["properties"]) == {"id", "name"}
    assert "inputs" not in functions["videokit:index:getLanguages"]
    assert functions["videokit:index:getTenantStatus"]["outputs"]["properties"].keys() == {
        "status",
        "message",
    }


def invoke(host: NativeHost, name: str, args: dict[str, Any]) -> dict[str, Any]:
    answer = host.call("Invoke", pb.InvokeRequest(tok=f"videokit:index:{name}", args=encode(args)))
    assert not answer.failures
    return decode(getattr(answer, "return"))[0]


def test_native_invoke_over_grpc(emulator: RunningEmulator, channel: tuple[str, str]) -> None:
    with NativeHost(native_config(emulator.url)) as host:
        emulator.ctx.requests.clear()
        assert invoke(host, "getPresets", {"name": "preset2"}) == {"items": [REFERENCE_PRESETS[1]]}
        assert invoke(host, "getPresets", {"name": "preset1"}) == {"items": [REFERENCE_PRESETS[0]]}
        assert gets(emulator, "/transcoder/v1/presets") == 1  # cached for the run
        assert invoke(host, "getChannel", {"name": channel[1]})["id"] == channel[0]
        assert invoke(host, "getChannelLimit", {}) == {"limit": 20}
        assert invoke(host, "getTenantStatus", {})["status"] == "Active"
        emulator.ctx.requests.clear()
        for name, args, message in [
            ("getChannel", {"name": "nobody"}, "getChannel(name=nobody) found no channel"),
            ("getChannel", {"nam": "x"}, "getChannel takes no argument 'nam' (allowed: id, name)"),
            ("getPreset", {}, "'getPreset' is not a lookup function (allowed: getPresets,"),
        ]:
            with pytest.raises(NativeError) as caught:
                invoke(host, name, args)
            assert caught.value.details.startswith(message), caught.value.details
        # The run's channel listing answered the lookup again; the refused arguments sent nothing.
        assert emulator.ctx.requests == []
        # An argument a preview does not know yet: nothing is asked, nothing is answered.
        assert invoke(host, "getChannel", {"id": UNKNOWN}) == {}
        assert emulator.ctx.requests == []
        assert "Traceback" not in host.close()


def test_native_answers_hold_no_secret_and_no_undocumented_field(
    session: Session, emulator: RunningEmulator, channel: tuple[str, str]
) -> None:
    answer = session.invoke("getChannel", {"id": channel[0]})
    documented = set(lookups.ChannelAnswer.model_json_schema(by_alias=True)["properties"])
    assert set(answer) <= documented
    assert API_KEY not in json.dumps(answer)


def test_a_lookup_the_api_refuses_is_one_problem_at_its_line_without_the_key(
    program_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = "wrong-key-5d1e8c0b"
    monkeypatch.setenv("VIDEOKIT_API_KEY", wrong)
    monkeypatch.setenv("VIDEOKIT_RETRY_TOTAL_SECONDS", "0")
    text = "channels:\n  main:\n    name: ${lookup:getChannel(name=main).name}\n    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}\n"
    context = Context(stack="dev", project="venue", environ={}, lookup=lookups.resolve_in_program)
    with pytest.raises(DeclarationError) as caught:
        parse(text, "videokit.yaml", context)
    (problem,) = (str(p) for p in caught.value.problems)
    assert problem.startswith(
        "videokit.yaml:3:5: channels.main.name: ${lookup:getChannel(name=main).name}: "
        "getChannel(name=main) could not be answered: "
    ), problem
    assert wrong not in problem and "\n" not in problem
