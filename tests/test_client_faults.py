"""Retries, Retry-After, lost answers, fail-fast statuses and redaction, through the emulator's faults."""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_videokit.client import (
    APIConnectionError,
    AuthenticationError,
    ClientConfig,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    RetryBudgetExceededError,
    ServerError,
    VideoKitClient,
)
from pulumi_videokit.emulator import FaultRule, RunningEmulator, free_port

from .conftest import API_KEY, TENANT_ID, make_client

DOMAIN_PATH = "^/streaming/v1/domains$"


def writes(emu: RunningEmulator, method: str, path: str) -> list[dict[str, Any]]:
    return [r for r in emu.ctx.requests if r["method"] == method and r["path"] == path]


class FakeTime:
    """A clock that only sleeps move, and what to do at each sleep."""

    def __init__(self, on_sleep: Callable[[], None] = lambda: None) -> None:
        self.now = 0.0
        self.on_sleep = on_sleep

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.on_sleep()


class Counting(httpx.HTTPTransport):
    """The real transport, counting the requests it sends."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return super().handle_request(request)


def closed_port() -> int:
    port = free_port()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "something listens on the port"
    return port


def test_get_is_retried_through_503_and_429(emulator: RunningEmulator, client: VideoKitClient) -> None:
    emulator.ctx.faults.replace(
        [
            FaultRule(kind="503", every=2, method="GET", path=DOMAIN_PATH),
            FaultRule(kind="429", every=3, method="GET", path=DOMAIN_PATH, retry_after=0),
        ]
    )
    for _ in range(4):
        client.streaming.domains.list()
    statuses = [r["status"] for r in writes(emulator, "GET", "/streaming/v1/domains")]
    assert {429, 503} <= set(statuses)
    assert statuses.count(200) == 4


def test_retry_after_is_honoured(emulator: RunningEmulator) -> None:
    emulator.ctx.faults.replace(
        [FaultRule(kind="429", every=1, method="GET", path=DOMAIN_PATH, retry_after=1)]
    )
    client = make_client(emulator.url, retry_total_seconds=10, backoff_base_seconds=0.01)
    started = time.monotonic()
    emulator.ctx.faults.rules[0].every = 0
    emulator.ctx.faults.rules[0].rate = 1.0

    def clear_after_first(*_: object) -> None:
        emulator.ctx.faults.replace([])

    sleeps: list[float] = []
    client.transport._sleep = lambda s: (sleeps.append(s), clear_after_first(), time.sleep(s))  # type: ignore[func-returns-value]
    client.streaming.domains.list()
    assert sleeps and sleeps[0] >= 1.0
    assert time.monotonic() - started >= 1.0


def test_backoff_grows_with_jitter_and_budget_bounds_it(emulator: RunningEmulator) -> None:
    emulator.ctx.faults.replace([FaultRule(kind="503", rate=1.0, method="GET", path=DOMAIN_PATH)])
    client = make_client(
        emulator.url, retry_total_seconds=1.5, backoff_base_seconds=0.05, backoff_max_seconds=2
    )
    sleeps: list[float] = []
    client.transport._sleep = lambda s: (sleeps.append(s), time.sleep(s))  # type: ignore[func-returns-value]
    with pytest.raises(RetryBudgetExceededError) as err:
        client.streaming.domains.list()
    assert "GET /streaming/v1/domains" in str(err.value) and "503" in str(err.value)
    assert len(sleeps) >= 3
    assert sleeps[2] > sleeps[0]
    assert sum(sleeps) <= 1.5


def test_post_answer_lost_raises_outcome_unknown_and_object_exists_once(
    emulator: RunningEmulator, client: VideoKitClient
) -> None:
    emulator.ctx.faults.replace([FaultRule(kind="drop", every=1, path=DOMAIN_PATH)])
    with pytest.raises(OutcomeUnknownError):
        client.streaming.domains.create("https://lost.example.com")
    emulator.ctx.faults.replace([])
    assert len(writes(emulator, "POST", "/streaming/v1/domains")) == 1
    urls = [d.url for d in client.streaming.domains.list()]
    assert urls.count("https://lost.example.com") == 1


def test_post_timeout_raises_outcome_unknown(emulator: RunningEmulator) -> None:
    emulator.ctx.faults.replace([FaultRule(kind="timeout", every=1, path=DOMAIN_PATH, seconds=1.5)])
    client = make_client(emulator.url, timeout_seconds=0.5)
    with pytest.raises(OutcomeUnknownError, match="may have carried it out"):
        client.streaming.domains.create("https://slow.example.com")
    assert len(writes(emulator, "POST", "/streaming/v1/domains")) == 1


def test_post_503_is_not_retried(emulator: RunningEmulator, client: VideoKitClient) -> None:
    emulator.ctx.faults.replace([FaultRule(kind="503", rate=1.0, method="POST", path=DOMAIN_PATH)])
    with pytest.raises(ServerError):
        client.streaming.domains.create("https://x503.example.com")
    assert len(writes(emulator, "POST", "/streaming/v1/domains")) == 1


def _channel_input() -> dict[str, Any]:
    return {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}


def _call_500(
    client: VideoKitClient, setup: VideoKitClient, call: str
) -> tuple[str, str, Callable[[], object]]:
    """The method and path of one call that is safe to repeat, and the call; objects it needs are made
    with ``setup`` first."""
    if call == "GET":
        return "GET", "/streaming/v1/domains", lambda: list(client.streaming.domains.list())
    channel = setup.live.channels.create({"name": "c500", "input": _channel_input()})
    if call == "PATCH":
        return (
            "PATCH",
            f"/live/v1/channels/{channel}",
            lambda: client.live.channels.update(channel, {"name": "c5"}),
        )
    if call == "POST idempotent":
        return "POST", f"/live/v1/channels/{channel}/start", lambda: client.live.channels.start(channel)
    key = setup.core.api_keys.create({"name": "k500", "roleId": "role-123"}).id
    if call == "PUT":
        return (
            "PUT",
            f"/core/v1/api-key/{key}",
            lambda: client.core.api_keys.update(key, {"name": "k5", "roleId": "role-123"}),
        )
    return "DELETE", f"/core/v1/api-key/{key}", lambda: client.core.api_keys.delete(key)


@pytest.mark.parametrize("call", ["GET", "PATCH", "PUT", "DELETE", "POST idempotent"])
def test_500_is_retried_for_reads_and_idempotent_writes(emulator: RunningEmulator, call: str) -> None:
    clear = FakeTime(on_sleep=lambda: emulator.ctx.faults.replace([]))
    client = VideoKitClient(
        ClientConfig(api_key=API_KEY, tenant_id=TENANT_ID, endpoint=emulator.url, retry_total_seconds=10),
        sleep=clear.sleep,
        clock=clear.clock,
    )
    method, path, send = _call_500(client, make_client(emulator.url), call)
    emulator.ctx.requests.clear()
    fired = emulator.ctx.faults.injected["500"]
    emulator.ctx.faults.replace([FaultRule(kind="500", rate=1.0, method=method, path=f"^{path}$")])
    send()
    sent = writes(emulator, method, path)
    assert emulator.ctx.faults.injected["500"] == fired + 1
    assert (sent[0]["status"], sent[0]["fault"]) == (500, "500")
    assert len(sent) == 2 and sent[1]["status"] < 400 and sent[1]["fault"] is None


def test_post_500_is_not_retried(emulator: RunningEmulator, client: VideoKitClient) -> None:
    fired = emulator.ctx.faults.injected["500"]
    emulator.ctx.faults.replace([FaultRule(kind="500", rate=1.0, method="POST", path=DOMAIN_PATH)])
    with pytest.raises(ServerError) as err:
        client.streaming.domains.create("https://x500.example.com")
    assert emulator.ctx.faults.injected["500"] == fired + 1
    assert err.value.status == 500
    assert [(r["status"], r["fault"]) for r in writes(emulator, "POST", "/streaming/v1/domains")] == [
        (500, "500")
    ]


def closed_client(time_: FakeTime, sent: Counting) -> VideoKitClient:
    """A client of a port nobody listens on, with a 10 s budget, 4 s backoffs and a fake clock."""
    return VideoKitClient(
        ClientConfig(
            api_key=API_KEY,
            tenant_id=TENANT_ID,
            endpoint=f"http://127.0.0.1:{closed_port()}",
            retry_total_seconds=10,
            backoff_base_seconds=4,
            backoff_max_seconds=4,
        ),
        http=httpx.Client(transport=sent),
        sleep=time_.sleep,
        clock=time_.clock,
    )


def test_one_retry_budget_spans_every_call_of_an_operation() -> None:
    time_ = FakeTime()
    sent = Counting()
    client = closed_client(time_, sent)
    calls = (
        client.live.channels.list,
        client.live.events.list,
        client.streaming.domains.list,
        client.core.api_keys.list,
    )
    attempts: list[int] = []
    errors: list[RetryBudgetExceededError] = []
    with client.operation() as op:
        with client.operation() as inner:
            assert inner is op  # a nested block shares the outer budget
        for call in calls:
            before = sent.sent
            with pytest.raises(RetryBudgetExceededError) as err:
                list(call())
            attempts.append(sent.sent - before)
            errors.append(err.value)
    assert all(isinstance(e.last, APIConnectionError) for e in errors)
    # Every backoff is 2-4 s (jittered) and every one of them is spent from the one 10 s budget:
    # the first call always fits two, and all four calls together sleep at most five times.
    assert attempts[0] >= 3
    assert sum(attempts) - len(calls) <= 5, attempts
    assert time_.now <= 10 and op.spent <= 10
    first = str(errors[0])
    assert first.startswith("GET /live/v1/channels: the retry budget ran out")
    assert "videokit:retryTotalSeconds" in first and "10s for the whole operation" in first


def test_calls_outside_an_operation_each_have_the_whole_budget() -> None:
    time_ = FakeTime()
    sent = Counting()
    client = closed_client(time_, sent)
    for _ in range(3):
        before = sent.sent
        with pytest.raises(RetryBudgetExceededError):
            list(client.live.channels.list())
        assert sent.sent - before >= 3
    assert time_.now > 3 * 6


def test_an_operation_spends_its_budget_on_retries_only(emulator: RunningEmulator) -> None:
    time_ = FakeTime(on_sleep=lambda: emulator.ctx.faults.replace([]))
    client = VideoKitClient(
        ClientConfig(api_key=API_KEY, tenant_id=TENANT_ID, endpoint=emulator.url, retry_total_seconds=10),
        sleep=time_.sleep,
        clock=time_.clock,
    )
    with client.operation() as op:
        list(client.streaming.domains.list())
        time_.now += 1000  # a long healthy wait, such as a channel starting
        emulator.ctx.faults.replace([FaultRule(kind="503", rate=1.0, method="GET", path=DOMAIN_PATH)])
        list(client.streaming.domains.list())
    assert [(r["status"], r["fault"]) for r in writes(emulator, "GET", "/streaming/v1/domains")] == [
        (200, None),
        (503, "503"),
        (200, None),
    ]
    assert 0 < op.spent <= 10


def test_post_429_is_retried_because_nothing_was_done(
    emulator: RunningEmulator, client: VideoKitClient
) -> None:
    emulator.ctx.faults.replace(
        [FaultRule(kind="429", every=1, method="POST", path=DOMAIN_PATH, retry_after=0)]
    )
    client.transport._sleep = lambda s: emulator.ctx.faults.replace([])  # type: ignore[assignment]
    created = client.streaming.domains.create("https://x429.example.com")
    assert created.url == "https://x429.example.com"
    assert [r["status"] for r in writes(emulator, "POST", "/streaming/v1/domains")] == [429, 200]


@pytest.mark.parametrize("call", ["bad_request", "not_found", "conflict"])
def test_fail_fast_statuses_are_sent_once(
    emulator: RunningEmulator, client: VideoKitClient, call: str
) -> None:
    client.streaming.domains.create("https://dup.example.com") if call == "conflict" else None
    emulator.ctx.requests.clear()
    with pytest.raises(Exception) as err:
        if call == "bad_request":
            client.live.events.create(
                {"channelId": "x", "start": "2030-01-01T11:00:00Z", "end": "2030-01-01T10:00:00Z"}
            )
        elif call == "not_found":
            client.live.channels.get("missing-channel")
        else:
            client.streaming.domains.create("https://dup.example.com")
    assert getattr(err.value, "status", None) in (400, 404, 409)
    assert len(emulator.ctx.requests) == 1


def test_auth_errors_name_the_config_keys_without_the_key(emulator: RunningEmulator) -> None:
    secret = "wrong-key-7d1e5a9c"
    client = VideoKitClient(ClientConfig(api_key=secret, tenant_id=TENANT_ID, endpoint=emulator.url))
    with pytest.raises(AuthenticationError) as err:
        client.live.channels.get("x")
    text = str(err.value)
    assert "videokit:apiKey" in text and "videokit:tenantId" in text
    assert secret not in text and secret not in repr(err.value.__dict__)
    assert len(emulator.ctx.requests) == 1


def test_permission_denied_is_pinned_to_403() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(403, json={"status": {"message": "role"}}))
    client = VideoKitClient(
        ClientConfig(api_key="k", tenant_id="t", endpoint="http://x"),
        http=httpx.Client(transport=transport),
    )
    with pytest.raises(PermissionDeniedError, match="videokit:apiKey"):
        client.live.channels.get("x")


def test_connection_refused_is_retried_then_reported() -> None:
    client = VideoKitClient(
        ClientConfig(
            api_key="k",
            tenant_id="t",
            endpoint=f"http://127.0.0.1:{free_port()}",
            retry_total_seconds=0.5,
            backoff_base_seconds=0.05,
        )
    )
    with pytest.raises(RetryBudgetExceededError) as err:
        client.live.channels.create(
            {"name": "x", "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}}
        )
    assert isinstance(err.value.last, APIConnectionError)


def test_debug_log_redacts_credentials_and_key_material(
    keyed_emulator: RunningEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    emulator = keyed_emulator  # answers Create API Key with key material
    client = make_client(emulator.url)
    caplog.set_level(logging.DEBUG, logger="pulumi_videokit")
    created = client.core.api_keys.create({"name": "logged", "roleId": "role-123"})
    client.live.channels.create(
        {
            "name": "c",
            "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}},
            "restreams": [{"rtmpDestinations": [{"url": "rtmp://x/y", "streamKey": "sk-123456789"}]}],
        }
    )
    settings = client.streaming.settings()
    assert settings.model_extra and "contentAcquisitionInfo" in settings.model_extra
    client.live.channels.configuration(
        client.live.channels.create(
            {"name": "cfg", "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}}
        )
    )
    text = caplog.text
    assert "request POST /core/v1/api-key" in text and "signingKey" in text
    assert emulator.ctx.config.signing_key not in text
    material = created.key.get_secret_value()  # type: ignore[union-attr]
    for secret in (API_KEY, TENANT_ID, material, "sk-123456789"):
        assert secret not in text
    logged = str(emulator.ctx.requests)
    assert "sk-123456789" not in logged and material not in logged


def test_404_carries_method_path_status_and_server_message(client: VideoKitClient) -> None:
    with pytest.raises(NotFoundError) as err:
        client.live.events.get("event-nope")
    e = err.value
    assert (e.method, e.path, e.status) == ("GET", "/live/v1/events/event-nope", 404)
    assert "not found" in e.server_message


def test_transport_refuses_to_pickle(client: VideoKitClient) -> None:
    import pickle

    with pytest.raises(TypeError):
        pickle.dumps(client.transport)


def test_each_call_of_the_provider_is_one_operation(emulator: RunningEmulator, tmp_path: Path) -> None:
    """A create, read or delete of the provider spends one retry budget on all its API
    calls: every request it makes runs inside the same operation."""
    from pulumi_videokit.client._base import _operation
    from pulumi_videokit.reconcile.kinds import kind_named
    from pulumi_videokit.reconcile.service import Service

    config = {
        "api_key": API_KEY,
        "tenant_id": TENANT_ID,
        "endpoint": emulator.url,
        "journal_dir": str(tmp_path),
        "poll_seconds": "0.05",
    }
    service = Service(kind_named("AllowedDomain"), config)
    seen: list[object] = []
    transport = service.kind.client.transport
    original = transport.request

    def request(*args: Any, **kwargs: Any) -> Any:
        seen.append(_operation.get())
        return original(*args, **kwargs)

    transport.request = request  # type: ignore[method-assign]
    object_id, state = service.create({"url": "https://operation.example.com"}, None)
    service.read(object_id, state)
    service.delete(object_id, state, None)
    assert len(seen) >= 4 and None not in seen, seen  # a create makes two requests: a lookup, a POST
    assert len({id(op) for op in seen}) == 3, "each engine call has one budget, shared by its requests"


# ---- credentials in the endpoint, and values no request can carry ----

PASSWORD = "PASSW0RD-3d9f"


def test_a_password_in_the_endpoint_is_in_no_message_and_no_log_line(
    emulator: RunningEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="pulumi_videokit")
    port = closed_port()
    refused = make_client(
        f"http://user:{PASSWORD}@127.0.0.1:{port}/", retry_total_seconds=0.3, backoff_base_seconds=0.05
    )
    with pytest.raises(RetryBudgetExceededError) as err:
        refused.live.channels.get("x")
    assert f"cannot connect to http://***@127.0.0.1:{port}: " in str(err.value)
    assert f"http://***@127.0.0.1:{port}" in str(err.value.last)
    # The credentials still reach the server they are meant for.
    served = make_client(emulator.url.replace("http://", f"http://user:{PASSWORD}@"))
    assert isinstance(list(served.live.channels.list()), list)
    with pytest.raises(NotFoundError) as missing:
        served.live.channels.get("channel-nope")
    text = caplog.text + str(err.value) + str(missing.value)
    assert "retrying GET /live/v1/channels/x" in caplog.text
    assert PASSWORD not in text and f"user:{PASSWORD}" not in text


def test_the_shown_url_leaves_out_user_and_password() -> None:
    from pulumi_videokit.client import without_userinfo

    assert without_userinfo(f"https://user:{PASSWORD}@api.example.com:8443/base?x=1") == (
        "https://***@api.example.com:8443/base?x=1"
    )
    assert without_userinfo("https://api.example.com/a@b") == "https://api.example.com/a@b"
    assert without_userinfo("http://127.0.0.1:8080") == "http://127.0.0.1:8080"
    config = ClientConfig(api_key=API_KEY, tenant_id=TENANT_ID, endpoint=f"http://u:{PASSWORD}@127.0.0.1:1")
    assert repr(config) == "ClientConfig(tenant_name='', endpoint='http://***@127.0.0.1:1')"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"api_key": API_KEY + "\n"}, "api_key has whitespace or a line break at its start or end"),
        ({"api_key": "kéy-" + API_KEY}, "api_key holds characters an HTTP header cannot carry"),
        ({"tenant_id": " " + TENANT_ID}, "tenant_id has whitespace or a line break at its start or end"),
        ({"endpoint": "http://[::1"}, "endpoint is not a URL (its host or port cannot be read)"),
        ({"endpoint": "ftp://x"}, "endpoint must start with http:// or https://"),
        ({"endpoint": f"http://u:{PASSWORD}@"}, "endpoint names no host"),
        ({"endpoint": "", "tenant_name": "acme/x"}, "tenant_name must be the tenant's name"),
    ],
)
def test_a_config_no_request_can_carry_is_refused_when_made(fields: dict[str, str], expected: str) -> None:
    """Not sent and retried for the whole budget, nor failed deep in the HTTP stack: refused at once,
    by field and problem, never with the value."""
    values = {"api_key": API_KEY, "tenant_id": TENANT_ID, "endpoint": "http://127.0.0.1:1", **fields}
    with pytest.raises(ValueError) as err:
        ClientConfig(**values)
    assert str(err.value).startswith(expected)
    for value in (API_KEY, TENANT_ID, PASSWORD):
        assert value not in str(err.value)
