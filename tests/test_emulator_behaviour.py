"""The emulator behaves like a tenant: auth, validation, limits, and durable writes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from pulumi_videokit.emulator import EmulatorConfig, RunningEmulator, free_port, running

from . import figures
from .conftest import API_KEY, TENANT_ID

H = {"X-Api-Key": API_KEY, "X-Tenant-Id": TENANT_ID}
CH = {"name": "c", "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}}


def test_missing_or_wrong_credentials_get_401(emulator: RunningEmulator) -> None:
    for headers in ({}, {"X-Api-Key": API_KEY}, {"X-Api-Key": "no", "X-Tenant-Id": TENANT_ID}):
        r = httpx.get(emulator.url + "/live/v1/channels", headers=headers)
        assert r.status_code == 401
        assert r.json()["success"] is False and r.json()["status"]["message"]


def test_validation_answers_are_service_responses(emulator: RunningEmulator) -> None:
    url = emulator.url
    r = httpx.post(url + "/live/v1/channels", headers=H, json={"input": CH["input"]})
    assert r.status_code == 400 and "name" in r.json()["status"]["message"]
    r = httpx.post(url + "/live/v1/channels", headers={**H, "Content-Type": "text/plain"}, content=b"x")
    assert r.status_code == 415
    r = httpx.post(url + "/live/v1/channels", headers=H, json={**CH, "redundancy": "Triple"})
    assert r.status_code == 400 and "SingleInput" in r.json()["status"]["message"]
    assert httpx.get(url + "/live/v1/events/bad!id", headers=H).status_code == 400
    assert httpx.get(url + "/live/v1/channels?limit=101", headers=H).status_code == 400
    r = httpx.post(
        url + "/live/v1/events",
        headers=H,
        json={"channelId": "x", "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T09:00:00Z"},
    )
    assert r.status_code == 400 and "before" in r.json()["status"]["message"]


def test_ids_filter(emulator: RunningEmulator) -> None:
    ids = [httpx.post(emulator.url + "/live/v1/channels", headers=H, json=CH).json()["id"] for _ in range(3)]
    r = httpx.get(emulator.url + "/live/v1/channels", headers=H, params={"ids": ids[:2]})
    assert {c["id"] for c in r.json()["items"]} == set(ids[:2])
    # Only Get Channels Status documents a comma-separated list; elsewhere a comma is part of the id.
    r = httpx.get(emulator.url + "/live/v1/channels", headers=H, params={"ids": ",".join(ids[:2])})
    assert r.json()["items"] == []
    r = httpx.get(emulator.url + "/live/v1/channelsstatus", headers=H, params={"ids": ",".join(ids[:2])})
    assert {c["id"] for c in r.json()} == set(ids[:2])


def test_transitions_take_the_configured_time() -> None:
    with running(EmulatorConfig(api_key=API_KEY, tenant_id=TENANT_ID, transition_seconds=1.5)) as emu:
        cid = httpx.post(emu.url + "/live/v1/channels", headers=H, json=CH).json()["id"]
        started = time.monotonic()
        httpx.post(emu.url + f"/live/v1/channels/{cid}/start", headers=H)
        answered = time.monotonic()  # the transition began between `started` and now
        status = httpx.get(emu.url + f"/live/v1/channels/{cid}/status", headers=H).json()["status"]
        if time.monotonic() - started < 1.4:  # a very slow machine may already be past it
            assert status == "Starting"
        time.sleep(max(0.0, 1.6 - (time.monotonic() - answered)))
        assert httpx.get(emu.url + f"/live/v1/channels/{cid}/status", headers=H).json()["status"] == "On"
        assert httpx.delete(emu.url + f"/live/v1/channels/{cid}", headers=H).status_code == 409


def test_data_file_survives_restart(tmp_path: Path) -> None:
    data = tmp_path / "state.json"
    with running(EmulatorConfig(api_key=API_KEY, tenant_id=TENANT_ID), data=data) as emu:
        cid = httpx.post(emu.url + "/live/v1/channels", headers=H, json=CH).json()["id"]
    assert cid in json.loads(data.read_text())["channels"]
    with running(EmulatorConfig(api_key=API_KEY, tenant_id=TENANT_ID), data=data) as emu:
        assert httpx.get(emu.url + f"/live/v1/channels/{cid}", headers=H).json()["name"] == "c"


def test_cli_emulator_killed_mid_write_keeps_acknowledged_writes(tmp_path: Path) -> None:
    data = tmp_path / "state.json"
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "pulumi_videokit.cli",
        "emulator",
        "--port",
        str(port),
        "--data",
        str(data),
        "--api-key",
        API_KEY,
        "--tenant-id",
        TENANT_ID,
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    acked: list[str] = []
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(url + "/openapi.json")
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        with httpx.Client(base_url=url, headers=H) as http:
            for n in range(40):
                r = http.post("/streaming/v1/domains", json={"url": f"https://d{n}.example.com"})
                acked.append(r.json()["playerDomainId"])
                if n == 30:
                    os.kill(proc.pid, signal.SIGKILL)
                    break
    finally:
        proc.kill()
        proc.wait()
    state = json.loads(data.read_text())
    figures.add("faults injected: emulator kill -9 mid-write")
    figures.add("acknowledged emulator writes lost", len(set(acked) - set(state["domains"])))
    assert set(acked) <= set(state["domains"])
    assert not list(tmp_path.glob(".videokit-*"))


def test_fault_spec_rejects_unknown_kinds() -> None:
    from pulumi_videokit.emulator import parse_spec

    with pytest.raises(ValueError, match="allowed"):
        parse_spec("418:0.5")
    rules = parse_spec("429:0.2,drop:every3")
    assert rules[0].rate == 0.2 and rules[1].every == 3 and rules[1].method == "POST"


def test_a_write_that_raises_changes_nothing_and_a_read_saves_only_what_moved(tmp_path: Path) -> None:
    from pulumi_videokit.emulator import Store

    data = tmp_path / "state.json"
    store = Store(data)
    with store.write() as d:
        d["channels"]["c1"] = {"id": "c1", "status": "Starting", "nested": {"n": 1}}
    with pytest.raises(RuntimeError), store.write() as d:
        d["channels"]["c1"]["nested"]["n"] = 2
        d["channels"]["c2"] = {"id": "c2"}
        raise RuntimeError("refused half way")
    assert store.data["channels"] == {"c1": {"id": "c1", "status": "Starting", "nested": {"n": 1}}}
    saved = data.read_text()
    data.write_text("untouched")
    with store.advancing() as d:
        assert d["channels"]["c1"]["status"] == "Starting"  # a read that moves nothing
    assert data.read_text() == "untouched"
    with store.advancing() as d:
        d["channels"]["c1"]["status"] = "On"  # a status that moved on with time
    assert json.loads(data.read_text())["channels"]["c1"]["status"] == "On" and saved != data.read_text()
