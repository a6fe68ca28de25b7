"""The native plugin over gRPC, as the engine drives it: schema, secrets, check, diff, CRUD, import."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2 as pb

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import EmulatorConfig, FaultRule, RunningEmulator, running
from pulumi_videokit.native._props import SECRET, SIG, decode, encode
from pulumi_videokit.native.schema import render
from pulumi_videokit.reconcile.kinds import KINDS

from .conftest import API_KEY, TENANT_ID, make_client
from .nativehost import NativeError, NativeHost, secret

ROOT = Path(__file__).resolve().parent.parent
CH = {"name": "native", "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}}


def config(url: str) -> dict[str, Any]:
    return {
        "apiKey": secret(API_KEY),
        "tenantId": TENANT_ID,
        "endpoint": url,
        "pollSeconds": "0.05",
        "waitTimeoutSeconds": "20",
        # A fault that never clears (a start answered 500) fails after this, not after a minute.
        "retryTotalSeconds": "3",
    }


@pytest.fixture()
def host(emulator: RunningEmulator) -> Iterator[NativeHost]:
    with NativeHost(config(emulator.url)) as h:
        yield h


def test_schema_is_generated_from_the_registry_and_committed(host: NativeHost) -> None:
    committed = (ROOT / "schemas" / "pulumi-package.json").read_text()
    assert render() == committed, "run: pulumi-resource-videokit --schema > schemas/pulumi-package.json"
    served = json.loads(host.schema())
    assert served == json.loads(committed)
    assert set(served["resources"]) == {f"videokit:index:{k.spec.kind}" for k in KINDS}
    assert served["resources"]["videokit:index:ApiKey"]["properties"]["key"]["secret"] is True
    assert served["config"]["variables"]["apiKey"]["secret"] is True
    channel = served["resources"]["videokit:index:Channel"]
    # input is never returned: an imported channel is declared without it (Check asks for it on create).
    assert channel["requiredInputs"] == ["name"]
    assert channel["inputProperties"]["input"]["$ref"] == "#/types/videokit:index:ChannelInput"
    assert "imported or adopted by id" in channel["inputProperties"]["input"]["description"]


def test_a_channel_needs_input_to_be_created_not_once_imported(host: NativeHost) -> None:
    bare = {"name": "imported"}
    assert host.check("Channel", bare) == (bare, [("input", "is required")])
    assert host.check("Channel", bare, olds={"name": "imported", "latency": "NormalLatency"})[1] == []
    assert host.check("Channel", {**bare, "adopt": "ch-1"})[1] == []
    # A channel this stack created with an input cannot lose it: it was applied.
    assert host.check("Channel", bare, olds=CH)[1] == [("input", "is required")]


def test_configure_takes_the_api_key_as_a_secret(host: NativeHost, emulator: RunningEmulator) -> None:
    # The fixture configured the API key as a secret; the calls below only work if it was unwrapped.
    assert host.configured.acceptSecrets and host.configured.supportsPreview
    kid, props = host.create("ApiKey", {"name": "native-key", "roleId": "role-123"})
    outputs, _ = decode(props)
    assert kid and outputs["roleName"] == "Admin"
    assert "key" not in outputs  # the reference documents no key material
    # A preview of a change neither invents the missing key material as unknown, nor sends anything.
    requests = len(emulator.ctx.requests)
    renamed = decode(
        host.update("ApiKey", kid, outputs, {"name": "renamed", "roleId": "role-123"}, preview=True)
    )[0]
    assert renamed == {**outputs, "name": "renamed"} and "key" not in renamed
    assert len(emulator.ctx.requests) == requests


def test_key_material_is_a_secret_output_where_a_tenant_returns_it(keyed_emulator: RunningEmulator) -> None:
    with NativeHost(config(keyed_emulator.url)) as host:
        kid, props = host.create("ApiKey", {"name": "native-key", "roleId": "role-123"})
        raw = json.loads(json.dumps(_struct_dict(props)))
        assert raw["key"][SIG] == SECRET and raw["key"]["value"].startswith("vk_")
        read = host.read("ApiKey", kid, decode(props)[0], {"name": "native-key", "roleId": "role-123"})
        assert _struct_dict(read.properties)["key"][SIG] == SECRET
        assert "key" not in _struct_dict(read.inputs)


def test_check_returns_failures_by_property(host: NativeHost, emulator: RunningEmulator) -> None:
    emulator.ctx.requests.clear()
    _, failures = host.check("Channel", {**CH, "redundancy": "Triple", "colour": "red"})
    assert dict(failures)["redundancy"].startswith("'Triple' is not allowed")
    assert dict(failures)["colour"] == "is not a known field"
    inputs, failures = host.check(
        "Event", {"channelId": "c", "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"}
    )
    assert failures == [] and inputs["channelId"] == "c"
    assert emulator.ctx.requests == []


def test_diff_names_each_property_and_why_it_replaces(host: NativeHost) -> None:
    cid, props = host.create("Channel", CH)
    state = decode(props)[0]
    renamed = host.diff("Channel", cid, state, {**CH, "name": "native-2"})
    assert renamed.changes == pb.DiffResponse.DIFF_SOME and list(renamed.replaces) == []
    assert renamed.detailedDiff["name"].kind == pb.PropertyDiff.UPDATE
    moved = host.diff("Channel", cid, state, {**CH, "redundancy": "DoubleInput"})
    assert list(moved.replaces) == ["redundancy"] and moved.deleteBeforeReplace
    assert moved.detailedDiff["redundancy"].kind == pb.PropertyDiff.ADD_REPLACE
    same = host.diff("Channel", cid, state, CH)
    assert same.changes == pb.DiffResponse.DIFF_NONE and not same.detailedDiff


def test_lifecycle_of_every_kind(host: NativeHost, client: VideoKitClient, emulator: RunningEmulator) -> None:
    cid, props = host.create("Channel", CH)
    outputs = decode(props)[0]
    assert outputs["status"] == "Off" and outputs["ingestUrls"]
    emulator.ctx.requests.clear()
    new = decode(host.update("Channel", cid, outputs, {**CH, "name": "native-renamed"}))[0]
    assert [(r["method"], r["body"]) for r in emulator.ctx.requests if r["method"] != "GET"] == [
        ("PATCH", {"name": "native-renamed"})
    ]
    assert new["name"] == "native-renamed" == client.live.channels.get(cid).name
    eid, ev = host.create(
        "Event", {"channelId": cid, "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"}
    )
    assert decode(ev)[0]["status"] == "Scheduled"
    did, dom = host.create("AllowedDomain", {"url": "https://native.example.com"})
    assert decode(dom)[0]["analyticsDomainId"]
    client.live.channels.update(cid, {"name": "renamed-by-hand"})
    read = host.read("Channel", cid, new, {**CH, "name": "native-renamed"})
    assert decode(read.inputs)[0]["name"] == "renamed-by-hand"
    host.delete("Event", eid, decode(ev)[0])
    host.delete("AllowedDomain", did, decode(dom)[0])
    host.delete("Channel", cid, new)
    assert host.read("Channel", cid, new, CH).id == ""


def test_read_with_only_an_id_imports(host: NativeHost, client: VideoKitClient) -> None:
    cid = client.live.channels.create({**CH, "name": "to-import"})
    read = host.read("Channel", cid)
    assert read.id == cid and decode(read.inputs)[0] == {"name": "to-import", "automationDisabled": False}
    assert decode(read.properties)[0]["status"] == "Off" and decode(read.properties)[0]["__imported"]
    # The channel's input was never returned: the declared one is taken as it is, not as a change.
    state = decode(read.properties)[0]
    same = host.diff("Channel", cid, state, {**CH, "name": "to-import", "automationDisabled": False})
    assert same.changes == pb.DiffResponse.DIFF_NONE, same
    renamed = host.diff(
        "Channel", cid, state, {**CH, "name": "imported-renamed", "automationDisabled": False}
    )
    assert list(renamed.diffs) == ["name"]
    key = client.core.api_keys.create({"name": "import-key", "roleId": "role-123"})
    assert decode(host.read("ApiKey", key.id).inputs)[0] == {"name": "import-key", "roleId": "role-123"}
    dom = client.streaming.domains.create("https://import.example.com")
    assert decode(host.read("AllowedDomain", dom.player_domain_id).inputs)[0] == {
        "url": "https://import.example.com"
    }
    assert host.read("Channel", "no-such-channel").id == ""


def test_a_half_done_create_answers_with_the_new_id(host: NativeHost, emulator: RunningEmulator) -> None:
    emulator.ctx.faults.replace([FaultRule(kind="500", every=1, method="POST", path="/start$")])
    with pytest.raises(NativeError) as half:
        host.create("Channel", {**CH, "name": "native-half", "running": True})
    detail = half.value.init_failed()
    assert detail is not None and detail.id
    assert "the next `pulumi up` finishes the job" in detail.reasons[0]
    assert "running" not in decode(detail.properties)[0]  # converged by the next up
    assert half.value.status is not None and half.value.status.message == detail.reasons[0]


def test_user_errors_are_one_sentence(host: NativeHost, emulator: RunningEmulator) -> None:
    cid, props = host.create("Channel", {**CH, "name": "native-on", "running": True})
    with pytest.raises(NativeError) as refused:
        host.diff(
            "Channel",
            cid,
            decode(props)[0],
            {**CH, "name": "native-on", "running": True, "redundancy": "DoubleInput"},
        )
    assert refused.value.status is not None
    assert (
        refused.value.status.message.startswith("Channel native-on is On:")
        and "Traceback" not in refused.value.details
    )
    with pytest.raises(NativeError, match="does not exist"):
        host.create("AssetSettings", {"assetId": "no-such-asset", "cap": "Enabled"})


def test_missing_configuration_is_named(emulator: RunningEmulator) -> None:
    with (
        NativeHost({"endpoint": emulator.url}) as host,
        pytest.raises(NativeError, match=r"videokit:apiKey.*videokit:tenantId"),
    ):
        host.create("Channel", CH)


def _struct_dict(struct: Any) -> dict[str, Any]:
    from google.protobuf import json_format

    return dict(json_format.MessageToDict(struct))


def test_check_config_marks_the_api_key_secret(host: NativeHost) -> None:
    """The engine checks config before it knows the plugin takes secrets, so it sends plain
    values; the answer must carry the API key as a secret, or the engine would keep it plain."""
    news = encode({"apiKey": API_KEY, "tenantId": TENANT_ID})
    checked = host.call(
        "CheckConfig",
        pb.CheckRequest(urn="urn:pulumi:test::videokit::pulumi:providers:videokit::default", news=news),
    )
    raw = _struct_dict(checked.inputs)
    assert raw["apiKey"] == {SIG: SECRET, "value": API_KEY} and raw["tenantId"] == TENANT_ID


def test_cancel_stops_a_wait_and_the_half_done_create_stays(tmp_path: Path) -> None:
    """A channel start takes as long as the platform needs; when the engine cancels, the plugin
    stops waiting at once and answers with the new channel, so it stays in state."""
    with (
        running(EmulatorConfig(api_key=API_KEY, tenant_id=TENANT_ID, transition_seconds=120)) as slow,
        NativeHost(config(slow.url)) as host,
    ):
        answer: dict[str, Any] = {}

        def create() -> None:
            try:
                host.create("Channel", {**CH, "name": "slow-start", "running": True})
            except NativeError as err:
                answer["error"] = err

        worker = threading.Thread(target=create)
        worker.start()
        client = make_client(slow.url)
        while not [c for c in client.live.channels.list() if c.status == "Starting"]:
            assert worker.is_alive(), answer
            threading.Event().wait(0.05)
        host.call("Cancel", empty_pb2.Empty())
        worker.join(timeout=60)
        assert not worker.is_alive()
        detail = answer["error"].init_failed()
        assert detail is not None and "cancelled while channel" in detail.reasons[0]
        assert client.live.channels.status(detail.id).status == "Starting"  # it did not wait it out


def test_an_api_that_refuses_connections_fails_a_create_once_its_budget_is_spent() -> None:
    """Every call of one create shares ``retryTotalSeconds``: the error says that budget ran out
    for the whole operation, and the next calls were not retried on budgets of their own."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with (
        NativeHost({**config(closed), "retryTotalSeconds": "1"}) as host,
        pytest.raises(NativeError) as failed,
    ):
        host.create("AssetSettings", {"assetId": "a-1", "cap": "Enabled"})
    status = failed.value.status
    assert status is not None and "Traceback" not in status.message
    assert (
        "the retry budget ran out (videokit:retryTotalSeconds, 1s for the whole operation)" in status.message
    )


def test_the_plugin_loads_beside_the_sdks_provider_server() -> None:
    """`python -m pulumi.run.plugin` loads the SDK's provider server, with its own copy of
    google.rpc.Status: the plugin must not load a second one (a duplicate symbol in protobuf)."""
    script = (
        "import pulumi.provider.server\n"
        "import pulumi_videokit.native.server\n"
        "from pulumi_videokit import protocol\n"
        "class Context:\n"
        "    def abort_with_status(self, status): print(status.details)\n"
        "protocol.abort(Context(), 'refused')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "refused\n"


def test_the_schema_generates_good_sdks() -> None:
    served = json.loads(render())
    types, resources = served["types"], served["resources"]
    # Every closed set is an enum type, named as the models name it, and referred to by name.
    assert [e["value"] for e in types["videokit:index:Redundancy"]["enum"]] == ["SingleInput", "DoubleInput"]
    channel = resources["videokit:index:Channel"]
    assert channel["inputProperties"]["redundancy"]["$ref"] == "#/types/videokit:index:Redundancy"
    loss = types["videokit:index:InputLoss"]["properties"]["type"]
    assert loss["$ref"] == "#/types/videokit:index:InputLossType"
    assert resources["videokit:index:AssetSettings"]["inputProperties"]["cap"]["$ref"].endswith(":Toggle")
    # Every property is described: by its model, or by the reference's note on the field.
    undescribed = [
        (token, name)
        for token, node in [*resources.items(), *types.items()]
        for part in ("inputProperties", "properties")
        for name, prop in node.get(part, {}).items()
        if not prop.get("description")
    ]
    assert undescribed == []
    assert (
        channel["inputProperties"]["latency"]["description"]
        == "Latency mode: NormalLatency or ReducedLatency"
    )
    # What an object always has is a required output; key material is not.
    assert channel["required"] == ["ingestUrls", "name", "playbackUrls"]
    assert "key" not in resources["videokit:index:ApiKey"]["required"]
    assert types["videokit:index:RtmpDestination"]["properties"]["streamKey"]["secret"] is True
    # Each language's package is named, and none clashes with this repository's Python package.
    language = served["language"]
    assert language["nodejs"]["packageName"] == "@videokit/pulumi"
    assert language["go"]["importBasePath"].endswith("/sdk/go/videokit")
    assert language["python"]["packageName"] not in ("pulumi_videokit", "videokit")
    assert language["csharp"]["rootNamespace"] == "VideoKit"
    assert served["repository"] and served["publisher"] and served["license"] == "Apache-2.0"


def test_the_plugin_runs_as_pulumi_package_add_runs_a_python_plugin() -> None:
    """`PulumiPlugin.yaml` names the Python runtime; its host runs `python -m pulumi.run.plugin
    <distribution>`, which runs `python -m pulumi_videokit`."""
    plugin = (ROOT / "PulumiPlugin.yaml").read_text()
    assert "name: python" in plugin and "virtualenv: .pulumi-plugin-venv" in plugin
    done = subprocess.run(
        [sys.executable, "-m", "pulumi.run.plugin", "pulumi-videokit", "--schema"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (ROOT / "schemas" / "pulumi-package.json").read_text()


def test_each_configure_starts_a_run_with_nothing_taken_over() -> None:
    """A plugin that several runs attach to (`PULUMI_DEBUG_PROVIDERS`) is configured at the start of
    each: what an earlier run's creates made never reads as taken over in the next."""
    from pulumi_videokit.native.server import Servicer
    from pulumi_videokit.reconcile import service

    service._MADE[("Channel", "ch-earlier")] = [("owner", {})]
    Servicer(None).Configure(pb.ConfigureRequest(), None)  # type: ignore[arg-type]
    assert service._MADE == {}
