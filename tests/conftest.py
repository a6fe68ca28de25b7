"""Shared fixtures: a real emulator on a real socket, and clients that talk to it."""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pulumi_videokit.client import ClientConfig, VideoKitClient
from pulumi_videokit.emulator import EmulatorConfig, RunningEmulator, running

API_KEY = "test-api-key-3f9c2b7a"
TENANT_ID = "00000000-0000-0000-0000-0000000000aa"
ENDPOINTS = Path(__file__).parent / "data" / "endpoints.json"


def _share_default_ssl_contexts() -> None:
    """httpx builds a new SSL context for every client, reading the whole CA bundle: some 40 ms of
    CPU each, and the tests make hundreds of short-lived clients (``httpx.request``) against the
    plain-http emulator.  In this test process, clients with the default verification share one
    context per CA setting instead.  The plugins and CLIs the tests start are not touched."""
    try:
        from httpx._transports import default as transports
    except ImportError:  # another httpx layout: every client builds its own, as before
        return
    build = transports.create_ssl_context
    built: dict[tuple[bool, str | None, str | None], ssl.SSLContext] = {}

    def create_ssl_context(verify: Any = True, cert: Any = None, trust_env: bool = True) -> ssl.SSLContext:
        if verify is not True or cert is not None:
            return build(verify=verify, cert=cert, trust_env=trust_env)
        key = (trust_env, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))
        if key not in built:
            built[key] = build(verify=verify, cert=cert, trust_env=trust_env)
        return built[key]

    transports.create_ssl_context = create_ssl_context


_share_default_ssl_contexts()


def emulator_config(**kw: object) -> EmulatorConfig:
    kw.setdefault("audit_responses", True)
    return EmulatorConfig(api_key=API_KEY, tenant_id=TENANT_ID, transition_seconds=0.3, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def session_emulator() -> Iterator[RunningEmulator]:
    """The strict emulator every client test talks to.  At the end of the session, every JSON
    answer it gave must have held only fields the reference documents."""
    with running(emulator_config()) as emu:
        yield emu
        found = sorted(set(emu.ctx.undocumented))
        assert not found, "undocumented fields in answers:\n" + "\n".join(found)


@pytest.fixture(scope="session")
def keyed_emulator() -> Iterator[RunningEmulator]:
    """An emulator that also answers Create API Key with key material (not in the reference)."""
    with running(emulator_config(return_key_material=True)) as emu:
        yield emu


@pytest.fixture()
def emulator(session_emulator: RunningEmulator) -> Iterator[RunningEmulator]:
    """The shared emulator, with its request log and faults cleared for each test."""
    session_emulator.ctx.requests.clear()
    session_emulator.ctx.faults.replace([])
    yield session_emulator
    session_emulator.ctx.faults.replace([])


#: Under pytest-xdist, the engine phase timings the workers ran (tests/e2e/conftest.py records them).
WORKER_PHASES: list[str] = []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    WORKER_PHASES.extend(getattr(node, "workeroutput", {}).get("engine_phases", []))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if WORKER_PHASES:
        terminalreporter.section("engine phase timings (information only)")
        for line in WORKER_PHASES:
            terminalreporter.write_line(line)


def make_client(url: str, **kw: object) -> VideoKitClient:
    cfg = ClientConfig(api_key=API_KEY, tenant_id=TENANT_ID, endpoint=url, **kw)  # type: ignore[arg-type]
    return VideoKitClient(cfg)


@pytest.fixture()
def client(emulator: RunningEmulator) -> VideoKitClient:
    return make_client(emulator.url, retry_total_seconds=10, backoff_base_seconds=0.01)


def admin(emu: RunningEmulator) -> httpx.Client:
    return httpx.Client(base_url=emu.url + "/_emulator", timeout=10)
