"""Provider settings that cannot work: refused when the client is made, before any request, with one
line that names the setting and what it must be, never its value when that is a credential.

Run as a user meets them: ``videokit export`` with VIDEOKIT_* variables (CliRunner and the installed
command), and the native plugin, whose engine shows the refusal as one sentence.
"""

from __future__ import annotations

import subprocess
import sys
import time
from typing import Any

import pytest
from click.testing import CliRunner, Result

from pulumi_videokit.cli import main
from pulumi_videokit.emulator import RunningEmulator, free_port
from pulumi_videokit.reconcile.errors import ConfigurationError
from pulumi_videokit.reconcile.kinds import ChannelKind
from pulumi_videokit.reconcile.service import CONFIG_KEYS, NUMBERS, connect

from .conftest import API_KEY, TENANT_ID
from .nativehost import NativeError, NativeHost, secret

PASSWORD = "PASSW0RD-7c1e"
ENDPOINT_SETTING = "videokit:endpoint / VIDEOKIT_ENDPOINT"


def export(env: dict[str, str]) -> tuple[Result, float]:
    started = time.monotonic()
    result = CliRunner().invoke(main, ["export"], env=env)
    return result, time.monotonic() - started


def env_for(url: str, **overrides: str) -> dict[str, str]:
    # No VIDEOKIT_RETRY_TOTAL_SECONDS: a setting retried as a network failure would take its 60 s.
    return {
        "VIDEOKIT_ENDPOINT": url,
        "VIDEOKIT_TENANT_ID": TENANT_ID,
        "VIDEOKIT_API_KEY": API_KEY,
        "VIDEOKIT_RETRY_TOTAL_SECONDS": "",
        **overrides,
    }


def refused(result: Result, elapsed: float, *secrets: str) -> str:
    """The one line of a refusal: exit 1, at once, no traceback, no credential."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert elapsed < 10, f"took {elapsed:.1f}s: retried instead of refused"
    assert result.stdout == "" and "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    for value in (API_KEY, PASSWORD, *secrets):
        assert value not in result.output
    assert lines[0].startswith("videokit export: ")
    return lines[0]


# ---- the endpoint ----

ENDPOINTS = [
    ("http://[::1", "is not a URL (its host or port cannot be read)"),
    (f"http://user:{PASSWORD}@[::1", "is not a URL (its host or port cannot be read)"),
    ("ftp://x", "must start with http:// or https://"),
    ("not a url", "has whitespace or a control character in it"),
    ("127.0.0.1:8080", "must start with http:// or https://"),
    ("http://", "names no host"),
    ("https:///v1", "names no host"),
    ("http://127.0.0.1:99999", "has a port outside 1-65535"),
    ("http://a%20b.example", "names a host that is neither a host name nor an IP address"),
    ("http://127.0.0.1:8080/?tenant=x", "must not carry a query (?) or a fragment (#)"),
    ("http://127.0.0.1:8080\n", "has whitespace or a control character in it"),
]


@pytest.mark.parametrize(("endpoint", "problem"), ENDPOINTS, ids=[e for e, _ in ENDPOINTS])
def test_an_endpoint_that_is_no_http_url_names_the_setting(
    emulator: RunningEmulator, endpoint: str, problem: str
) -> None:
    line = refused(*export(env_for(endpoint)))
    assert line.startswith(f"videokit export: {ENDPOINT_SETTING} {problem}: set it to the API's base URL")
    assert emulator.ctx.requests == []


def test_a_password_in_the_endpoint_is_never_shown(emulator: RunningEmulator) -> None:
    """The endpoint is used, credentials and all; a message shows it without them."""
    port = free_port()
    line = refused(
        *export(env_for(f"http://user:{PASSWORD}@127.0.0.1:{port}", VIDEOKIT_RETRY_TOTAL_SECONDS="0.3"))
    )
    assert f"cannot connect to http://***@127.0.0.1:{port}: " in line
    assert "user:" not in line
    assert f"check {ENDPOINT_SETTING} and that the API can be reached from here" in line


# ---- the API key and the tenant id ----

HEADER_VALUES = [
    ("VIDEOKIT_API_KEY", "videokit:apiKey / VIDEOKIT_API_KEY", API_KEY + "\n", "at its start or end"),
    ("VIDEOKIT_API_KEY", "videokit:apiKey / VIDEOKIT_API_KEY", API_KEY + "\r\n", "at its start or end"),
    ("VIDEOKIT_API_KEY", "videokit:apiKey / VIDEOKIT_API_KEY", " " + API_KEY, "at its start or end"),
    ("VIDEOKIT_API_KEY", "videokit:apiKey / VIDEOKIT_API_KEY", "kéy-9a8b7c", "cannot carry"),
    ("VIDEOKIT_API_KEY", "videokit:apiKey / VIDEOKIT_API_KEY", "key\nsecond-line", "cannot carry"),
    ("VIDEOKIT_TENANT_ID", "videokit:tenantId / VIDEOKIT_TENANT_ID", TENANT_ID + "\r", "at its start or end"),
    (
        "VIDEOKIT_TENANT_ID",
        "videokit:tenantId / VIDEOKIT_TENANT_ID",
        f"\t{TENANT_ID} ",
        "at its start or end",
    ),
    ("VIDEOKIT_TENANT_ID", "videokit:tenantId / VIDEOKIT_TENANT_ID", "tenant-ü-01", "cannot carry"),
]


@pytest.mark.parametrize(
    ("env", "setting", "value", "problem"), HEADER_VALUES, ids=[repr(v) for _, _, v, _ in HEADER_VALUES]
)
def test_a_credential_no_http_header_can_carry_names_the_setting_never_the_value(
    emulator: RunningEmulator, env: str, setting: str, value: str, problem: str
) -> None:
    line = refused(*export(env_for(emulator.url, **{env: value})), value.strip(), value)
    assert line.startswith(f"videokit export: {setting} ")
    assert problem in line and line.endswith("set it again, copied exactly")
    assert emulator.ctx.requests == []


def test_a_tenant_name_that_is_no_host_label_names_the_setting(emulator: RunningEmulator) -> None:
    line = refused(*export(env_for("", VIDEOKIT_TENANT_NAME="acme corp")))
    assert line == (
        "videokit export: videokit:tenantName / VIDEOKIT_TENANT_NAME must be the tenant's name as in "
        "https://<name>.api.videokit.cloud (letters, digits, '-' and '_')"
    )


# ---- numbers ----


def test_every_numeric_setting_is_checked() -> None:
    numeric = {
        "retry_total_seconds",
        "timeout_seconds",
        "wait_timeout_seconds",
        "poll_seconds",
        "max_requests_per_second",
    }
    assert set(NUMBERS) == numeric and numeric <= set(CONFIG_KEYS)


BAD_NUMBERS = [
    ("retry_total_seconds", "abc"),
    ("retry_total_seconds", "-5"),
    ("retry_total_seconds", "nan"),
    ("retry_total_seconds", "1e999"),
    ("timeout_seconds", "nan"),
    ("timeout_seconds", "-1"),
    ("timeout_seconds", "0"),
    ("timeout_seconds", "1e10"),
    ("wait_timeout_seconds", "0"),
    ("wait_timeout_seconds", "soon"),
    ("poll_seconds", "0"),
    ("poll_seconds", "inf"),
    ("max_requests_per_second", "abc"),
    ("max_requests_per_second", "0.001"),
    ("max_requests_per_second", "-1"),
]


@pytest.mark.parametrize(("name", "value"), BAD_NUMBERS, ids=[f"{n}={v}" for n, v in BAD_NUMBERS])
def test_a_number_out_of_range_names_the_setting_and_the_range(
    emulator: RunningEmulator, name: str, value: str
) -> None:
    key, env = CONFIG_KEYS[name]
    line = refused(*export(env_for(emulator.url, **{env: value})))
    assert line == f"videokit export: {key} / {env} must be {NUMBERS[name][2]} (it is {value!r})"
    assert emulator.ctx.requests == []
    # The providers read the same settings: their refusal is the engine's one sentence.
    with pytest.raises(ConfigurationError, match=f"^{key} / {env} must be"):
        connect(
            ChannelKind, {"api_key": API_KEY, "tenant_id": TENANT_ID, "endpoint": emulator.url, name: value}
        )


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("retry_total_seconds", "0"),
        ("max_requests_per_second", "0"),
        ("timeout_seconds", "0.5"),
        ("poll_seconds", "0.05"),
    ],
)
def test_the_edges_of_the_ranges_are_accepted(emulator: RunningEmulator, name: str, value: str) -> None:
    kind = connect(
        ChannelKind, {"api_key": API_KEY, "tenant_id": TENANT_ID, "endpoint": emulator.url, name: value}
    )
    assert list(kind.client.live.channels.list()) is not None


def test_every_problem_is_named_at_once(emulator: RunningEmulator) -> None:
    line = refused(
        *export(
            env_for(
                "ftp://x",
                VIDEOKIT_API_KEY=API_KEY + "\n",
                VIDEOKIT_TIMEOUT_SECONDS="0",
                VIDEOKIT_POLL_SECONDS="x",
            )
        )
    )
    for setting in (
        "VIDEOKIT_ENDPOINT",
        "VIDEOKIT_API_KEY",
        "VIDEOKIT_TIMEOUT_SECONDS",
        "VIDEOKIT_POLL_SECONDS",
    ):
        assert setting in line


# ---- as users run it ----


def test_the_installed_command_refuses_a_bad_key_at_once(emulator: RunningEmulator) -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "pulumi_videokit.cli", "export"],
        env={**env_for(emulator.url, VIDEOKIT_API_KEY="kéy-" + API_KEY), "PATH": ""},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert time.monotonic() - started < 30
    assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.splitlines() == [
        "videokit export: videokit:apiKey / VIDEOKIT_API_KEY holds characters an HTTP header cannot carry "
        "(a line break, a control character or a non-ASCII letter): set it again, copied exactly"
    ]
    assert emulator.ctx.requests == []


@pytest.mark.parametrize(
    ("setting", "value", "expected"),
    [
        (
            "timeoutSeconds",
            "abc",
            "videokit:timeoutSeconds / VIDEOKIT_TIMEOUT_SECONDS must be a number of seconds",
        ),
        ("endpoint", f"http://u:{PASSWORD}@[::1", f"{ENDPOINT_SETTING} is not a URL"),
        (
            "apiKey",
            secret(API_KEY + "\n"),
            "videokit:apiKey / VIDEOKIT_API_KEY has whitespace or a line break",
        ),
    ],
    ids=["number", "endpoint", "key"],
)
def test_the_native_plugin_answers_one_sentence(
    emulator: RunningEmulator, setting: str, value: Any, expected: str
) -> None:
    config = {"apiKey": secret(API_KEY), "tenantId": TENANT_ID, "endpoint": emulator.url, setting: value}
    host = NativeHost(config)
    try:
        with pytest.raises(NativeError) as failed:
            host.read("AllowedDomain", "domain-1", {"url": "https://x.example.com"})
    finally:
        stderr = host.close()
    message = failed.value.details
    assert message.startswith(expected) and "\n" not in message
    assert "Traceback" not in stderr and "Exception calling application" not in message
    for text in (message, stderr):
        assert API_KEY not in text and PASSWORD not in text
    assert emulator.ctx.requests == []


def test_a_log_level_that_is_no_level_is_one_warning_not_a_crash(emulator: RunningEmulator) -> None:
    config = {
        "apiKey": secret(API_KEY),
        "tenantId": TENANT_ID,
        "endpoint": emulator.url,
        "logLevel": "verbose",
    }
    host = NativeHost(config)
    try:
        domain_id, _ = host.create("AllowedDomain", {"url": "https://log-level.example.com"})
        host.delete("AllowedDomain", domain_id, {"url": "https://log-level.example.com"})
    finally:
        stderr = host.close()
    assert domain_id  # the plugin configured and served
    assert "Traceback" not in stderr
    assert (
        "videokit WARNING videokit:logLevel / VIDEOKIT_LOG_LEVEL is 'verbose', which is not a level "
        "(debug, info, warning, error); logging warnings and errors"
    ) in stderr.splitlines()


def test_the_journal_never_holds_credentials_of_the_endpoint() -> None:
    from pulumi_videokit.reconcile.kinds import kind_named
    from pulumi_videokit.reconcile.service import Service

    url = f"http://reader:{PASSWORD}@127.0.0.1:8080"
    owner = Service(kind_named("Channel"), {"endpoint": url, "tenant_id": TENANT_ID}).scoped("urn-1")
    assert PASSWORD not in owner and "reader" not in owner and "127.0.0.1:8080" in owner
