"""A local emulator of the Cloud Video Kit API, for tests, demos and CI."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import uvicorn

from ._app import create_app
from ._faults import FaultPlan, FaultRule, parse_spec
from ._http import EmulatorConfig
from ._store import Store

__all__ = [
    "EmulatorConfig",
    "FaultPlan",
    "FaultRule",
    "RunningEmulator",
    "Store",
    "create_app",
    "free_port",
    "parse_spec",
    "running",
]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class RunningEmulator:
    """An emulator serving on a real socket in a background thread."""

    def __init__(self, server: uvicorn.Server, thread: threading.Thread, url: str, app: object) -> None:
        self.server, self.thread, self.url, self.app = server, thread, url, app

    @property
    def ctx(self):  # type: ignore[no-untyped-def]
        return self.app.state.ctx  # type: ignore[attr-defined]

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@contextlib.contextmanager
def running(
    config: EmulatorConfig | None = None,
    *,
    data: Path | None = None,
    faults: str = "",
    seed: int | None = 0,
    host: str = "127.0.0.1",
) -> Iterator[RunningEmulator]:
    """Serve an emulator on a free port for the length of the block."""
    # The socket stays bound from choosing the port to serving it: no other process can take it.
    # (IPPROTO_TCP named, so asyncio sets TCP_NODELAY on its connections: no 40 ms delayed ACKs.)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    port = int(sock.getsockname()[1])
    config = config or EmulatorConfig()
    config.public_url = f"http://{host}:{port}"
    app = create_app(config, store=Store(data), faults=FaultPlan(parse_spec(faults), seed=seed))
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("emulator did not start")
        time.sleep(0.01)
    emulator = RunningEmulator(server, thread, config.public_url, app)
    try:
        yield emulator
    finally:
        emulator.stop()
        sock.close()
