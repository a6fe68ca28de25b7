"""``videokit export`` when the API refuses it: one line naming the call, the answer and the setting
to check, exit code 1, no traceback and never the API key. Run as the real command against an
emulator (or a refusing stub) on a real socket."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner, Result

from pulumi_videokit.cli import main
from pulumi_videokit.emulator import FaultRule, RunningEmulator, free_port

from .conftest import API_KEY, TENANT_ID

WRONG_KEY = "wrong-key-5be0c4d2e19f"
CHANNELS = "/live/v1/channels"


def env_for(url: str, **overrides: str) -> dict[str, str]:
    return {
        "VIDEOKIT_ENDPOINT": url,
        "VIDEOKIT_TENANT_ID": TENANT_ID,
        "VIDEOKIT_API_KEY": API_KEY,
        "VIDEOKIT_RETRY_TOTAL_SECONDS": "0.5",
        **overrides,
    }


def export(env: dict[str, str], *args: str) -> Result:
    return CliRunner().invoke(main, ["export", *args], env=env)


def one_line(result: Result) -> str:
    """The single line the command ended with, checked for what it must and must not hold."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)  # a deliberate exit, not an escaped exception
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output
    for key in (API_KEY, WRONG_KEY):
        assert key not in result.output
    assert lines[0].startswith("videokit export: ")
    return lines[0]


def sent(emu: RunningEmulator, path: str) -> list[tuple[int | None, str | None]]:
    return [(r["status"], r["fault"]) for r in emu.ctx.requests if r["path"] == path]


def closed_port() -> int:
    port = free_port()
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, "something listens on the port"
    return port


@pytest.fixture(scope="module")
def forbidding() -> Iterator[str]:
    """A tenant that knows the key but gives its role no right: every call is answered 403."""

    async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        assert scope["type"] == "http"
        body = json.dumps({"status": {"code": 403, "message": "the key's role may not do this"}}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the stub did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_a_wrong_api_key_names_the_key_setting(emulator: RunningEmulator) -> None:
    line = one_line(export(env_for(emulator.url, VIDEOKIT_API_KEY=WRONG_KEY)))
    assert sent(emulator, CHANNELS) == [(401, None)]  # refused once, never retried
    assert "GET /live/v1/channels failed with HTTP 401" in line
    assert "videokit:apiKey / VIDEOKIT_API_KEY" in line


def test_a_wrong_tenant_id_names_the_tenant_setting(emulator: RunningEmulator) -> None:
    line = one_line(export(env_for(emulator.url, VIDEOKIT_TENANT_ID="00000000-0000-0000-0000-0000000000bb")))
    assert sent(emulator, CHANNELS) == [(401, None)]
    assert "GET /live/v1/channels failed with HTTP 401" in line
    assert "videokit:tenantId / VIDEOKIT_TENANT_ID" in line


def test_a_key_without_the_role_names_the_key_and_tenant_settings(forbidding: str) -> None:
    line = one_line(export(env_for(forbidding)))
    assert "GET /live/v1/channels failed with HTTP 403: the key's role may not do this" in line
    assert "videokit:apiKey" in line and "videokit:tenantId" in line


def test_a_base_url_that_serves_no_tenant_names_the_endpoint_setting(emulator: RunningEmulator) -> None:
    line = one_line(export(env_for(f"{emulator.url}/other-tenant")))
    assert sent(emulator, f"/other-tenant{CHANNELS}") == [(404, None)]
    assert "GET /live/v1/channels failed with HTTP 404" in line
    assert "check videokit:endpoint / VIDEOKIT_ENDPOINT" in line


def test_an_asset_that_does_not_exist_names_the_option(emulator: RunningEmulator) -> None:
    line = one_line(export(env_for(emulator.url), "--kinds", "assetSettings", "--asset", "not-an-asset"))
    assert sent(emulator, "/streaming/v1/assets/not-an-asset") == [(404, None)]
    assert "GET /streaming/v1/assets/not-an-asset failed with HTTP 404" in line
    assert "check the --asset value" in line


def test_an_api_that_refuses_connections_fails_when_the_retry_budget_runs_out() -> None:
    line = one_line(export(env_for(f"http://127.0.0.1:{closed_port()}")))
    assert line.startswith("videokit export: GET /live/v1/channels: the retry budget ran out")
    assert "videokit:retryTotalSeconds, 0.5s" in line and "cannot connect to" in line
    assert "check videokit:endpoint / VIDEOKIT_ENDPOINT" in line


def test_an_api_that_does_not_answer_in_time_fails_when_the_retry_budget_runs_out(
    emulator: RunningEmulator,
) -> None:
    emulator.ctx.faults.replace([FaultRule(kind="latency", rate=1.0, method="GET", seconds=1.0)])
    line = one_line(export(env_for(emulator.url, VIDEOKIT_TIMEOUT_SECONDS="0.2")))
    assert len(sent(emulator, CHANNELS)) >= 1  # the request reached the API, which kept it
    assert line.startswith("videokit export: GET /live/v1/channels: the retry budget ran out")
    assert "timed out after 0.2s" in line and "check videokit:endpoint" in line


def test_an_api_that_keeps_failing_says_so_after_its_retries(emulator: RunningEmulator) -> None:
    emulator.ctx.faults.replace([FaultRule(kind="500", rate=1.0, method="GET")])
    line = one_line(export(env_for(emulator.url)))
    assert sent(emulator, CHANNELS)[:2] == [(500, "500"), (500, "500")]  # retried
    assert "GET /live/v1/channels: the retry budget ran out" in line
    assert "failed with HTTP 500" in line and "videokit:retryTotalSeconds" in line


def test_the_installed_command_prints_one_line_and_no_traceback(emulator: RunningEmulator) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_videokit.cli", "export"],
        env={**env_for(emulator.url, VIDEOKIT_API_KEY=WRONG_KEY), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert sent(emulator, CHANNELS) == [(401, None)]
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.splitlines() == [done.stderr.strip()] and "Traceback" not in done.stderr
    assert "HTTP 401" in done.stderr and WRONG_KEY not in done.stderr and API_KEY not in done.stderr


def test_a_bug_is_not_dressed_up_as_an_api_failure(
    emulator: RunningEmulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pulumi_videokit.gitops import export as ex

    def broken(*_: object) -> list[ex.Item]:
        raise AttributeError("a bug in the export")

    monkeypatch.setattr(ex, "collect", broken)
    result = export(env_for(emulator.url))
    assert isinstance(result.exception, AttributeError)
