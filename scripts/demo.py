"""`make demo`: a real `pulumi up` of examples/gitops against a local emulator; `--down` cleans up."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine import ROOT, Stack, cli_bin

DEMO = ROOT / ".demo"
PROJECT = ROOT / "examples" / "gitops"
API_KEY = "demo-api-key"
TENANT_ID = "00000000-0000-0000-0000-0000000000d0"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_emulator() -> str:
    info = DEMO / "emulator.json"
    if info.exists():
        known = json.loads(info.read_text())
        try:
            os.kill(known["pid"], 0)
            return str(known["url"])
        except OSError:
            pass
    DEMO.mkdir(exist_ok=True)
    data = DEMO / "emulator-data.json"
    if not data.exists():
        shutil.copy(ROOT / "examples" / "emulator-seed.json", data)
    port = free_port()
    log = open(DEMO / "emulator.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(
        [
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
            "--transition-seconds",
            "1",
        ],
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit(f"the emulator did not start; see {DEMO / 'emulator.log'}") from None
            time.sleep(0.1)
    info.write_text(json.dumps({"pid": proc.pid, "url": url}))
    return url


def stack(bin_dir: str) -> Stack:
    return Stack(project=PROJECT, state=DEMO / "state", name="demo", bin_dir=bin_dir)


def up() -> None:
    print("==> Pulumi CLI", flush=True)
    bin_dir = cli_bin()
    print("==> emulator", flush=True)
    url = start_emulator()
    print(f"    serving {url} with data in {DEMO / 'emulator-data.json'}")
    s = stack(bin_dir)
    if s.run("stack", "select", "demo", check=False, label="stack select").returncode != 0:
        s.init(
            {"videokit:endpoint": url, "videokit:tenantId": TENANT_ID, "videokit:pollSeconds": "0.2"},
            {"videokit:apiKey": API_KEY},
        )
    else:
        s.run("config", "set", "videokit:endpoint", url)
    print("==> pulumi up", flush=True)
    result = s.run("up", "--yes", label="up")
    print(result.stdout)
    print("==> stack outputs", flush=True)
    print(json.dumps(s.outputs(), indent=2))
    print("==> second preview (expects no changes)", flush=True)
    again = s.preview("--expect-no-changes")
    print(again.stdout.strip().splitlines()[-1] if again.stdout.strip() else "no changes")
    print()
    print("The emulator and the stack are still running. To look around:")
    print(
        f"  export PATH={bin_dir}:$PATH PULUMI_BACKEND_URL=file://{DEMO / 'state'} "
        f"PULUMI_CONFIG_PASSPHRASE={s.passphrase} PULUMI_HOME={DEMO / 'state' / 'home'} "
        f"PULUMI_PYTHON_CMD={sys.executable}"
    )
    print(f"  cd {PROJECT} && pulumi stack --stack demo")
    print("Stop everything with: make demo-down")


def down() -> None:
    info = DEMO / "emulator.json"
    if (DEMO / "state").exists() and info.exists():
        s = stack(cli_bin())
        if s.run("stack", "select", "demo", check=False, label="stack select").returncode == 0:
            s.run("destroy", "--yes", "--skip-preview", label="destroy")
            s.run("stack", "rm", "--yes", label="stack rm")
    if info.exists():
        with contextlib.suppress(OSError):
            os.killpg(json.loads(info.read_text())["pid"], signal.SIGTERM)
    shutil.rmtree(DEMO, ignore_errors=True)
    print("demo stopped and cleaned up")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--down", action="store_true", help="destroy the stack and stop the emulator")
    (down if parser.parse_args().down else up)()
