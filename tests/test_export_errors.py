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
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner, Result

from pulumi_videokit.cli import main
from pulumi_videokit.emulator import FaultRule, RunningEmulator, free_port
from pulumi_videokit.reconcile.kinds import SECTIONS

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
    from pulumi_videokit import export as ex

    def broken(*_: object) -> list[ex.Item]:
        raise AttributeError("a bug in the export")

    monkeypatch.setattr(ex, "collect", broken)
    result = export(env_for(emulator.url))
    assert isinstance(result.exception, AttributeError)


# ---- where the output goes ----


def channels_sent(emu: RunningEmulator) -> int:
    return len(sent(emu, CHANNELS))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--out", "{afile}/sub"), "--out {afile}/sub: {afile} is not a directory"),
        (("--format", "pulumi-import", "--out", "{afile}/x"), "--out {afile}/x: {afile} is not a directory"),
        (("--out", "{afile}"), "--out {afile}: is not a directory"),
        (
            ("-o", "/nonexistent/dir/x.yaml"),
            "-o/--output /nonexistent/dir/x.yaml: the directory /nonexistent/dir does not exist",
        ),
        (("-o", "{tmp}"), "-o/--output {tmp}: is a directory"),
        (("-o", ""), "-o/--output is empty"),
        (("--out=",), "--out is empty"),
        (("--out", "{tmp}/a", "-o", "{tmp}/b.yaml"), "--out and -o/--output both name where to write"),
    ],
    ids=[
        "file-as-dir",
        "import-file-as-dir",
        "out-is-a-file",
        "no-parent",
        "o-is-a-dir",
        "o-empty",
        "out-empty",
        "both",
    ],
)
def test_an_output_place_that_cannot_be_written_is_refused_before_the_tenant_is_read(
    emulator: RunningEmulator,
    tmp_path: Path,
    args: tuple[str, ...],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    afile = tmp_path / "afile"
    afile.write_text("keep me\n")
    monkeypatch.chdir(tmp_path)
    fill = {"afile": str(afile), "tmp": str(tmp_path)}
    line = one_line(export(env_for(emulator.url), *(a.format(**fill) for a in args)))
    assert expected.format(**fill) in line
    assert channels_sent(emulator) == 0  # nothing was asked of the tenant
    assert afile.read_text() == "keep me\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]  # nothing written, nowhere


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (
            ("-o", "/dev/full"),
            "cannot write /dev/full: No space left on device; fix that or choose another -o/--output",
        ),
        (("--out", "/proc/videokit-export"), "cannot write /proc/videokit-export: "),
    ],
    ids=["disk-full", "proc"],
)
def test_an_output_that_fails_on_writing_ends_in_one_line(
    emulator: RunningEmulator, args: tuple[str, ...], expected: str
) -> None:
    if not Path(args[1]).parent.exists():
        pytest.skip(f"no {Path(args[1]).parent} here")
    line = one_line(export(env_for(emulator.url), *args))
    assert expected in line


def test_an_empty_out_never_writes_into_the_current_directory(
    emulator: RunningEmulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .conftest import make_client

    make_client(emulator.url).live.channels.create(
        {"name": "exported-here", "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}}
    )
    monkeypatch.chdir(tmp_path)
    line = one_line(export(env_for(emulator.url), "--out="))
    assert "--out is empty: name the directory to write" in line
    assert list(tmp_path.iterdir()) == []


def test_the_installed_command_on_a_full_disk(emulator: RunningEmulator) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_videokit.cli", "export", "-o", "/dev/full"],
        env={**env_for(emulator.url), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "videokit export: cannot write /dev/full: No space left on device; fix that or choose another "
        "-o/--output, and export again"
    ]
    assert API_KEY not in done.stderr


# ---- --stack without the Pulumi CLI ----


def test_stack_without_the_pulumi_cli_says_to_install_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["export", "--stack", "dev"], env={"PATH": str(tmp_path), "VIDEOKIT_API_KEY": API_KEY}
    )
    line = one_line(result)
    assert line == (
        "videokit export: --stack dev reads the stack's config with the Pulumi CLI, and `pulumi` is not on "
        "PATH: install it (https://www.pulumi.com/docs/install/) or add its directory to PATH, or leave out "
        "--stack and set the VIDEOKIT_* environment variables"
    )


def test_stack_with_a_pulumi_that_cannot_run(tmp_path: Path) -> None:
    fake = tmp_path / "pulumi"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o644)  # not executable
    result = CliRunner().invoke(main, ["export", "--stack", "dev"], env={"PATH": str(tmp_path)})
    line = one_line(result)
    assert line.endswith(
        "the `pulumi` found on PATH cannot be run (permission denied): fix its permissions or PATH"
    )


# ---- what would export nothing ----


@pytest.mark.parametrize("kinds", ["", ",,,", " , "])
@pytest.mark.parametrize("fmt", ["yaml", "pulumi-import"])
def test_kinds_that_name_nothing_are_refused(
    emulator: RunningEmulator, tmp_path: Path, kinds: str, fmt: str
) -> None:
    out = tmp_path / "tenant.yaml"
    line = one_line(export(env_for(emulator.url), f"--kinds={kinds}", "--format", fmt, "-o", str(out)))
    assert line == f"videokit export: --kinds names no kind: give one or more of {', '.join(SECTIONS)}"
    assert SECTIONS[:3] == ("channels", "events", "domains")
    assert not out.exists() and channels_sent(emulator) == 0


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--kinds", "assetSettings", "--asset="), "--asset is empty: give a streaming asset's id"),
        (
            (
                "--asset",
                "  ",
            ),
            "--asset is empty",
        ),
        (("--channel=",), "--channel is empty: give a channel's id or name"),
        (
            ("--kinds", "assetSettings"),
            "--kinds assetSettings exports the settings of the assets named by --asset",
        ),
        (
            ("--kinds", "assetDetails"),
            "videokit export: --kinds assetDetails exports the details of the assets named by --asset: "
            "give --asset ID",
        ),
        (
            ("--kinds", "assetSettings,assetDetails"),
            "--kinds assetSettings,assetDetails exports the settings and details of the assets named by --asset",
        ),
    ],
    ids=[
        "asset-empty",
        "asset-blank",
        "channel-empty",
        "settings-without-asset",
        "details-without-asset",
        "both-without-asset",
    ],
)
def test_filters_that_could_only_export_nothing_are_refused_before_any_call(
    emulator: RunningEmulator, args: tuple[str, ...], expected: str
) -> None:
    line = one_line(export(env_for(emulator.url), *args))
    assert expected in line
    assert emulator.ctx.requests == []  # not even GET /streaming/v1/assets/


def fake_pulumi(directory: Path, script: str) -> None:
    tool = directory / "pulumi"
    tool.write_text("#!/bin/sh\n" + script)
    tool.chmod(0o755)


def test_stack_reads_the_config_with_the_pulumi_cli_and_without_a_terminal(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    config = {
        "videokit:endpoint": {"value": emulator.url},
        "videokit:tenantId": {"value": TENANT_ID},
        "videokit:apiKey": {"value": API_KEY, "secret": True},
    }
    # Whatever the CLI read from stdin would answer a prompt nobody sees: it is given none.
    fake_pulumi(tmp_path, f"read answer && exit 3\necho '{json.dumps(config)}'\n")
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_videokit.cli", "export", "--stack", "dev", "--kinds", "domains"],
        env={"PATH": f"{tmp_path}:/usr/bin:/bin"},
        input="y\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("videokit export: ") and done.stderr.endswith(" domains\n")
    assert API_KEY not in done.stdout + done.stderr


def test_a_stack_the_pulumi_cli_cannot_read_ends_in_one_line(tmp_path: Path) -> None:
    fake_pulumi(
        tmp_path, "echo 'error: no stack named dev found' >&2\necho '  (create it first)' >&2\nexit 255\n"
    )
    line = one_line(
        CliRunner().invoke(main, ["export", "--stack", "dev"], env={"PATH": f"{tmp_path}:/usr/bin:/bin"})
    )
    assert (
        line
        == "videokit export: `pulumi config --stack dev` failed: error: no stack named dev found (create it first)"
    )
