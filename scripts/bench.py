"""`make bench`: requests, wall time and CPU of up, no-op preview, refresh and destroy under the
real engine, on both doors (the dynamic providers of a Python program, and the native plugin
`pulumi-resource-videokit` under a Pulumi YAML program), beside the smallest dynamic provider;
on the emulator at 0 ms and 50 ms of added latency, and at N = 100 and 1,000 per kind at 0 ms
with the engine's checkpoints off (with them, the engine's own work grows as N²). Before those:
`videokit validate` on a 999-entry file, and the engine floor (our dynamic `up` against the
smallest dynamic provider's, alternating, with the CPU of each process and the import cost of
each Python process). Written to docs/performance.md as each run ends.

Not a test: nothing here asserts a time.  Usage: scripts/bench.py [--sizes 10,100,300]
[--latencies 0,50] [--large 100,1000] [--floor-n 100] [--floor-rounds 3] [--save FILE]
[--render FILE[,FILE]] [--out docs/performance.md]
"""

from __future__ import annotations

import argparse
import compileall
import math
import os
import pickle
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from engine import Stack, cli_bin  # noqa: E402

from pulumi_videokit.emulator import EmulatorConfig, RunningEmulator, running  # noqa: E402

API_KEY = "bench-api-key"
TENANT_ID = "00000000-0000-0000-0000-0000000000be"
#: The dynamic-provider host answers the engine with four worker threads (pulumi.dynamic's
#: ThreadPoolExecutor(max_workers=4)); the engine's own --parallel default is 8 on this machine.
CONCURRENCY = 4
OPS = ("up", "preview", "refresh", "destroy")
#: The two doors onto the one core: the Python program's dynamic providers, and the native plugin.
DOORS = ("dynamic", "native")

PROGRAM = '''"""Benchmark stack: N channels, N events (one on each channel) and N allowed domains."""

import pulumi

from pulumi_videokit import AllowedDomain, Channel, Event

n = int(pulumi.Config("bench").require("n"))
for i in range(n):
    channel = Channel(
        f"ch{i}",
        name=f"bench-{i:04d}",
        input={"type": "RTMP_PUSH", "input_loss": {"type": "SLATE"}},
        qualities=[{"resolution": "720p", "frame_rate": 30}],
    )
    Event(
        f"ev{i}",
        channel_id=channel.id,
        start="2030-02-01T18:00:00Z",
        end="2030-02-01T19:30:00Z",
        title=f"event {i}",
        tags=["bench"],
    )
    AllowedDomain(f"d{i}", url=f"https://d{i:04d}.bench.example.com")
'''


def native_program(n: int) -> str:
    """The same stack as :data:`PROGRAM`, as a Pulumi YAML program on the native plugin (Pulumi
    YAML has no loop: the N entries of each kind are written out)."""
    lines = ["name: videokit-bench-native", "runtime: yaml", "resources:"]
    for i in range(n):
        lines += [
            f"  ch{i}:",
            "    type: videokit:index:Channel",
            "    properties:",
            f"      name: bench-{i:04d}",
            "      input: {type: RTMP_PUSH, inputLoss: {type: SLATE}}",
            "      qualities: [{resolution: 720p, frameRate: 30}]",
            f"  ev{i}:",
            "    type: videokit:index:Event",
            "    properties:",
            f"      channelId: ${{ch{i}.id}}",
            '      start: "2030-02-01T18:00:00Z"',
            '      end: "2030-02-01T19:30:00Z"',
            f"      title: event {i}",
            "      tags: [bench]",
            f"  d{i}:",
            "    type: videokit:index:AllowedDomain",
            "    properties:",
            f"      url: https://d{i:04d}.bench.example.com",
        ]
    return "\n".join(lines) + "\n"


#: The smallest dynamic provider, in a module of its own beside the program: the engine's
#: dynamic-provider host imports it by name. (Defined in the program file, the provider class is
#: pickled by value for every resource, and the Pulumi SDK's sorting pickler, which wraps itself
#: once per serialized resource, passes the recursion limit after a few hundred resources.)
TINY_PROVIDER = '''"""The smallest dynamic provider: create sleeps one round trip, returns an id."""

import time
import uuid

from pulumi.dynamic import CreateResult, Resource, ResourceProvider

DELAY = {delay}


class Tiny(ResourceProvider):
    def create(self, props):
        time.sleep(DELAY)
        return CreateResult(uuid.uuid4().hex, {{}})


class Thing(Resource):
    def __init__(self, resource_name, **props):
        super().__init__(Tiny(), resource_name, props)
'''

TINY = '''"""N things per kind on the smallest dynamic provider."""

import pulumi

from tiny_provider import Thing

n = int(pulumi.Config("bench").require("n"))
for i in range(n):
    channel = Thing(f"ch{i}", name=f"bench-{i}")
    Thing(f"ev{i}", channel_id=channel.id)
    Thing(f"d{i}", url=f"https://d{i}.bench.example.com")
'''


def write_project(where: Path, name: str, program: str) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    (where / "Pulumi.yaml").write_text(f"name: {name}\nruntime: python\n")
    (where / "__main__.py").write_text(program)
    return where


def write_native_project(where: Path, n: int) -> Path:
    where.mkdir(parents=True, exist_ok=True)
    (where / "Pulumi.yaml").write_text(native_program(n))
    return where


def stack_on(project: Path, state: Path, bin_dir: str, emu: RunningEmulator | None, n: int) -> Stack:
    stack = Stack(project=project, state=state, name="bench", bin_dir=bin_dir, timeout=3 * 3600)
    config = {"bench:n": str(n)}
    secrets: dict[str, str] = {}
    if emu is not None:
        config.update({"videokit:endpoint": emu.url, "videokit:tenantId": TENANT_ID})
        secrets["videokit:apiKey"] = API_KEY
    stack.init(config, secrets)
    return stack


def api_requests(emu: RunningEmulator) -> list[dict[str, object]]:
    return [r for r in emu.ctx.requests if not str(r["path"]).startswith("/_emulator")]


def floors(op: str, n: int) -> int:
    """The fewest requests the API allows for ``op`` on N of each kind (an empty tenant otherwise).

    up: one create per object, and the channels' URLs (not in Create Channel's answer) read back
    in ids= batches of 100.  preview: none.  refresh: the channel and event listings, 100 a page,
    and the one domain listing.  destroy: one delete per channel and domain, events by Delete
    Multiple Events, 100 at a time.
    """
    pages = math.ceil(n / 100)
    return {"up": 3 * n + pages, "preview": 0, "refresh": 2 * pages + 1, "destroy": 2 * n + pages}[op]


def floor_seconds(op: str, n: int, latency_ms: int) -> float:
    """For up, the time floor: writes x latency / the engine's concurrency; for the others, the
    fewest requests x latency / the same concurrency."""
    count = 3 * n if op == "up" else floors(op, n)
    return count * latency_ms / 1000 / CONCURRENCY


# ---- CPU of each process of an operation ----

#: What each process of a run is, from its command line (first match wins).
ROLES = (
    ("pulumi-language-python-exec", "program (Python)"),
    ("-m pulumi.dynamic", "dynamic-provider host (Python)"),
    ("-m pulumi_videokit", "native plugin (Python)"),
    ("pulumi-language-", "language host (Go)"),
    ("pulumi", "engine (pulumi CLI, Go)"),
)
SELF = "emulator (the bench's process)"
TICK = os.sysconf("SC_CLK_TCK")


def _role(cmdline: str) -> str:
    return next((role for needle, role in ROLES if needle in cmdline), "other")


def _processes() -> dict[int, tuple[int, float]]:
    """Every process: its parent and its CPU seconds so far (user + system)."""
    out: dict[int, tuple[int, float]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        out[int(entry)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK)
    return out


@dataclass
class Cpu:
    """CPU seconds by role; ``total`` counts every finished descendant exactly (the roles are
    sampled every 0.2 s, so they may miss a process's last fraction of a second)."""

    by_role: dict[str, float] = field(default_factory=dict)
    total: float = 0.0
    #: The machine's 1-minute load average when the operation ended (the bench's own processes
    #: included): above about 2, other work shared the cores.
    load: float = 0.0


@contextmanager
def cpu_watch() -> Iterator[Cpu]:
    """Samples the CPU of this process's descendants by role while the block runs."""
    result = Cpu()
    seen: dict[int, tuple[str, float]] = {}
    done = threading.Event()
    me = os.getpid()

    def sample() -> None:
        procs = _processes()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _) in procs.items():
            children.setdefault(ppid, []).append(pid)
        todo = list(children.get(me, []))
        while todo:
            pid = todo.pop()
            todo += children.get(pid, [])
            role = seen[pid][0] if pid in seen else None
            if role is None:
                try:
                    with open(f"/proc/{pid}/cmdline", "rb") as fh:
                        role = _role(fh.read().replace(b"\0", b" ").decode(errors="replace"))
                except OSError:
                    continue
            seen[pid] = (role, procs[pid][1])

    def loop() -> None:
        while not done.wait(0.2):
            sample()

    before_self = time.process_time()
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield result
    finally:
        done.set()
        thread.join()
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        for role, seconds in seen.values():
            result.by_role[role] = result.by_role.get(role, 0.0) + seconds
        result.by_role[SELF] = time.process_time() - before_self
        result.load = os.getloadavg()[0]
        result.total = (
            after.ru_utime - before_children.ru_utime + after.ru_stime - before_children.ru_stime
        ) + result.by_role[SELF]


# ---- the runs ----


@dataclass
class Row:
    door: str
    n: int
    latency_ms: int
    op: str
    requests: int
    seconds: float
    by_endpoint: dict[str, int] = field(default_factory=dict)
    cpu: Cpu = field(default_factory=Cpu)
    #: False when the engine ran with PULUMI_SKIP_CHECKPOINTS (the large sizes).
    checkpoints: bool = True

    @property
    def series(self) -> tuple[int, int, bool]:
        return (self.n, self.latency_ms, self.checkpoints)


def endpoint_counts(requests: list[dict[str, object]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in requests:
        parts = str(r["path"]).split("/")
        path = "/".join("{id}" if len(p) > 20 or p[:3] in ("ch-", "ev-") else p for p in parts)
        key = f"{r['method']} {path}"
        out[key] = out.get(key, 0) + 1
    return out


def _checkpoints(env: dict[str, str] | None) -> bool:
    return (env or {}).get("PULUMI_SKIP_CHECKPOINTS") != "true"


def door_project(door: str, n: int, where: Path) -> Path:
    if door == "native":
        return write_native_project(where, n)
    return write_project(where, "videokit-bench", PROGRAM)


def run_door(
    door: str,
    n: int,
    latency_ms: int,
    bin_dir: str,
    work: Path,
    ops: tuple[str, ...] = OPS,
    env: dict[str, str] | None = None,
) -> list[Row]:
    rows: list[Row] = []
    config = EmulatorConfig(api_key=API_KEY, tenant_id=TENANT_ID, latency_ms=latency_ms)
    with running(config) as emu:
        tag = f"{door}-{n}-{latency_ms}"
        project = door_project(door, n, work / tag)
        stack = stack_on(project, work / f"state-{tag}", bin_dir, emu, n)
        stack.extra_env.update(env or {})
        for op in ops:
            emu.ctx.requests.clear()
            started = time.monotonic()
            with cpu_watch() as cpu:
                if op == "up":
                    stack.up()
                elif op == "preview":
                    done = stack.preview("--expect-no-changes")
                    assert done.returncode == 0
                elif op == "refresh":
                    stack.refresh()
                else:
                    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
            seconds = time.monotonic() - started
            seen = api_requests(emu)
            rows.append(
                Row(
                    door, n, latency_ms, op, len(seen), seconds, endpoint_counts(seen), cpu, _checkpoints(env)
                )
            )
            print(
                f"{door} N={n} {latency_ms}ms {op}: {len(seen)} requests, {seconds:.1f}s, "
                f"CPU {cpu.total:.1f}s",
                flush=True,
            )
    return rows


def run_tiny(
    n: int, latency_ms: int, bin_dir: str, work: Path, tag: str = "", env: dict[str, str] | None = None
) -> Row:
    name = f"tiny-{n}-{latency_ms}{tag}"
    project = write_project(work / name, "tiny-bench", TINY)
    (project / "tiny_provider.py").write_text(TINY_PROVIDER.format(delay=latency_ms / 1000))
    stack = stack_on(project, work / f"state-{name}", bin_dir, None, n)
    # The program's directory is on the program's path; the provider host needs it too.
    stack.extra_env["PYTHONPATH"] = str(project)
    stack.extra_env.update(env or {})
    started = time.monotonic()
    with cpu_watch() as cpu:
        stack.up()
    seconds = time.monotonic() - started
    print(f"tiny N={n} {latency_ms}ms up: {seconds:.1f}s, CPU {cpu.total:.1f}s", flush=True)
    return Row("tiny", n, latency_ms, "up", 0, seconds, cpu=cpu, checkpoints=_checkpoints(env))


# ---- the engine floor: our dynamic up against the smallest dynamic provider's ----

HOST_IMPORTS = (
    "import dill, grpc, pulumi.runtime, pulumi.dynamic\nfrom pulumi.runtime.proto import provider_pb2_grpc"
)
#: What each Python process of an up imports, timed in a new process (``-c``): the smallest
#: provider's program and host against ours. The host imports our provider when it unpickles
#: the first ``__provider`` of each kind.
IMPORTS = {
    "python alone": "pass",
    "tiny program: pulumi, pulumi.dynamic": "import pulumi, pulumi.dynamic",
    "our program: + Channel, Event, AllowedDomain": (
        "import pulumi, pulumi.dynamic\nfrom pulumi_videokit import AllowedDomain, Channel, Event"
    ),
    "tiny host: pulumi.dynamic's host imports": HOST_IMPORTS,
    "our host: + the three providers and a client": (
        HOST_IMPORTS + "\nimport pulumi_videokit.resources.channel, pulumi_videokit.resources.event\n"
        "import pulumi_videokit.resources.allowed_domain\nfrom pulumi_videokit.reconcile import service\n"
        "service.connect(service.kind_of_section('channels'), "
        "{'api_key': 'k', 'tenant_id': 't', 'endpoint': 'http://127.0.0.1:9'})"
    ),
}


@dataclass
class ImportCost:
    label: str
    seconds: float
    top: list[tuple[str, float]]


def import_costs(runs: int = 5) -> list[ImportCost]:
    """The wall time of each :data:`IMPORTS` line in a new process (the fastest of ``runs``), and
    for ours, the packages with the most import time of their own (``-X importtime``)."""
    out: list[ImportCost] = []
    for label, code in IMPORTS.items():
        best = math.inf
        for _ in range(runs):
            started = time.monotonic()
            subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
            best = min(best, time.monotonic() - started)
        top: list[tuple[str, float]] = []
        if label.startswith("our"):
            done = subprocess.run(
                [sys.executable, "-X", "importtime", "-c", code], check=True, capture_output=True, text=True
            )
            own: dict[str, float] = {}
            for line in done.stderr.splitlines():
                found = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
                if found:
                    package = found.group(2).split(".")[0]
                    own[package] = own.get(package, 0.0) + int(found.group(1)) / 1e6
            top = sorted(own.items(), key=lambda kv: -kv[1])[:8]
        out.append(ImportCost(label, best, top))
        print(f"import {label}: {best:.3f}s", flush=True)
    return out


#: The engine writes the whole checkpoint after every step (the file backend here); with this set,
#: it does not, which shows what is left when that serial work is gone.
NO_CHECKPOINTS = {"PULUMI_SKIP_CHECKPOINTS": "true"}


@dataclass
class Floor:
    n: int
    dynamic: list[Row]
    tiny: list[Row]
    imports: list[ImportCost]
    #: One up of each with the engine's checkpoints off.
    unchecked: tuple[Row, Row] | None = None


def engine_floor(n: int, rounds: int, bin_dir: str, work: Path) -> Floor:
    """``rounds`` ups of each at 0 ms, alternating (and swapping which goes first each round), so
    a slow minute on a shared machine falls on both."""
    dynamic: list[Row] = []
    tiny: list[Row] = []
    for r in range(rounds):
        order = ("dynamic", "tiny") if r % 2 == 0 else ("tiny", "dynamic")
        for what in order:
            if what == "tiny":
                tiny.append(run_tiny(n, 0, bin_dir, work, tag=f"-floor{r}"))
            else:
                dynamic += run_door("dynamic", n, 0, bin_dir, work / f"floor{r}", ops=("up",))
    unchecked = (
        run_door("dynamic", n, 0, bin_dir, work / "unchecked", ops=("up",), env=NO_CHECKPOINTS)[0],
        run_tiny(n, 0, bin_dir, work, tag="-unchecked", env=NO_CHECKPOINTS),
    )
    return Floor(n, dynamic, tiny, import_costs(), unchecked)


# ---- videokit validate ----


def declarations(n: int = 999) -> str:
    """A file of ``n`` declarations, a third of each: channels whose properties nest three levels
    deep (input, endpoints, qualities, restreams with their destinations), events that name their
    channel, and allowed domains. Block style, as people write it."""
    per = n // 3
    lines = ["channels:"]
    for i in range(n - 2 * per):
        lines += [
            f"  ch{i}:",
            f"    name: bench-{i:04d}",
            "    redundancy: SingleInput",
            "    latency: NormalLatency",
            "    input:",
            "      type: RTMP_PUSH",
            "      whitelistCidr: 0.0.0.0/0",
            "      inputLoss:",
            "        type: COLOR",
            '        color: "000000"',
            "    endpoints:",
            "      - type: HlsDrm",
            "    qualities:",
            "      - resolution: 1080p",
            "        frameRate: 30",
            "      - resolution: 720p",
            "        frameRate: 30",
            "    restreams:",
            "      - protocol: RTMP",
            "        rtmpDestinations:",
            f"          - url: rtmp://live.example.com/app/{i}",
            f"            streamKey: key-{i}",
            "    running: false",
        ]
    lines.append("events:")
    for i in range(per):
        lines += [
            f"  ev{i}:",
            f"    channel: ch{i}",
            f'    start: "2030-02-01T18:{i % 60:02d}:00Z"' if i % 2 else "    start: 2030-02-01T18:00:00Z",
            "    end: 2030-02-01T21:30:00+01:00",
            f"    title: event {i}",
            "    tags: [bench, live]",
        ]
    lines.append("domains:")
    lines += [f"  d{i}:\n    url: https://d{i:04d}.bench.example.com" for i in range(per)]
    return "\n".join(lines) + "\n"


@dataclass
class Validate:
    entries: int
    seconds: list[float]
    imports_pulumi: bool
    bytes: int = 0
    python_alone: float = 0.0


def time_validate(work: Path, entries: int = 999, runs: int = 7) -> Validate:
    """Wall time of `videokit validate` on a file of ``entries`` declarations, each run a new
    process (interpreter start and imports included), as CI runs it."""
    path = work / "validate.yaml"
    path.write_text(declarations(entries))
    command = [str(Path(sys.executable).parent / "videokit"), "validate", str(path)]
    seconds = []
    for _ in range(runs):
        started = time.monotonic()
        subprocess.run(command, check=True, capture_output=True)
        seconds.append(time.monotonic() - started)
    alone = math.inf
    for _ in range(runs):
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", "pass"], check=True, capture_output=True)
        alone = min(alone, time.monotonic() - started)
    probe = (
        "import sys\nfrom pulumi_videokit.cli import main\n"
        f"try:\n    main(['validate', {str(path)!r}])\nexcept SystemExit:\n    pass\n"
        "print('pulumi' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    result = Validate(entries, seconds, out.stdout.strip().endswith("True"), path.stat().st_size, alone)
    print(
        f"validate {entries}: min {min(seconds):.3f}s, median {statistics.median(seconds):.3f}s, "
        f"pulumi imported: {result.imports_pulumi}",
        flush=True,
    )
    return result


# ---- the document ----


def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}" if a is not None and b else ""


def _s(x: float | None) -> str:
    return "" if x is None else f"{x:.1f}"


def render(
    rows: list[Row],
    tiny: list[Row],
    sizes: list[int],
    note: str,
    validate: Validate | None = None,
    floor: Floor | None = None,
) -> str:
    by = {(r.door, *r.series, r.op): r for r in rows}
    tiny_by = {r.series: r for r in tiny}
    latencies = sorted({r.latency_ms for r in rows})
    # Sizes with the engine's checkpoints first, in order, then those without.
    series = sorted({r.series for r in [*rows, *tiny]}, key=lambda k: (not k[2], k[0], k[1]))
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`scripts/bench.py`); not a test, and `make test` does not run it.",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, Pulumi CLI from "
        "`scripts/install-pulumi`, the emulator in the benchmark's process. Each stack declares N "
        "channels, N events (one per channel) and N allowed domains (3N resources) in an empty "
        "tenant, through either door: **dynamic** is the Python program of dynamic providers "
        "(`from pulumi_videokit import Channel, …`), **native** the same stack as a Pulumi YAML "
        "program on the native plugin `pulumi-resource-videokit`. One run each, so a wall time is "
        "good to about ±10 % on an idle machine (see the load at the end).",
        "",
        "## Both doors side by side",
        "",
        "Wall seconds of each operation; **tiny up** is the same up on the smallest possible dynamic "
        "provider (create sleeps the added latency once and returns an id, nothing else, no API): "
        "what the engine and a Python program alone cost. Rows marked *no checkpoints* ran with "
        "`PULUMI_SKIP_CHECKPOINTS=true` (see *How cost grows*).",
        "",
        "| N | latency | op | dynamic s | native s | tiny up s | dynamic / tiny | native / tiny | "
        "native / dynamic |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n, latency, checkpoints in series:
        for op in OPS:
            dyn = by.get(("dynamic", n, latency, checkpoints, op))
            nat = by.get(("native", n, latency, checkpoints, op))
            if dyn is None and nat is None:
                continue
            t = tiny_by.get((n, latency, checkpoints)) if op == "up" else None
            d_s, n_s, t_s = (
                dyn.seconds if dyn else None,
                nat.seconds if nat else None,
                t.seconds if t else None,
            )
            label = f"{n}" if checkpoints else f"{n}, *no checkpoints*"
            lines.append(
                f"| {label} | {latency} ms | {op} | {_s(d_s)} | {_s(n_s)} | {_s(t_s)} | "
                f"{_ratio(d_s, t_s)} | {_ratio(n_s, t_s)} | {_ratio(n_s, d_s)} |"
            )
    lines += [
        "",
        "### How cost grows",
        "",
        "Milliseconds per resource (wall s / 3N) of each operation at 0 ms. The engine writes the "
        "whole state after every step (here to the file backend), one write at a time, so with "
        "its checkpoints the engine's own work grows as N²" + _engine_growth(tiny) + ", and at "
        "N = 1,000 an up or a destroy would take tens of minutes per door. N = 1,000 therefore "
        "runs with `PULUMI_SKIP_CHECKPOINTS=true` (the engine saves the state once, at the end), "
        "beside N = 100 the same way, which shows how our own cost grows.",
    ]
    for checkpoints in (True, False):
        ns = sorted({n for n, latency, c in series if latency == 0 and c == checkpoints})
        if not ns:
            continue
        lines += [
            "",
            "With the engine's checkpoints:" if checkpoints else "Without them:",
            "",
            "| door | op | " + " | ".join(f"N={n}" for n in ns) + " |",
            "|---|---|" + "---|" * len(ns),
        ]
        for door in (*DOORS, "tiny"):
            for op in OPS:
                cells = []
                for n in ns:
                    if door == "tiny":
                        row = tiny_by.get((n, 0, checkpoints)) if op == "up" else None
                    else:
                        row = by.get((door, n, 0, checkpoints, op))
                    cells.append("" if row is None else f"{row.seconds / (3 * n) * 1000:.0f}")
                if any(cells):
                    lines.append(f"| {door} | {op} | " + " | ".join(cells) + " |")
    lines += _cpu_at_largest(rows, tiny)
    lines += [
        "",
        "## Requests against the floor",
        "",
        "- **requests**: what the emulator's request log counted during the operation.",
        "- **floor**: the fewest requests the API allows (up: 3N creates + the channels' URLs read "
        "back 100 at a time; preview: 0; refresh: the channel and event listings, 100 a page, and "
        "the one domain listing; destroy: a delete per channel and domain, events 100 at a time "
        "with Delete Multiple Events).",
        f"- **floor s**: for up, writes x latency / the engine's concurrency ({CONCURRENCY}: the "
        "dynamic-provider host serves four calls at a time); for the others, floor requests x "
        f"latency / {CONCURRENCY}.",
        "- **added s**: wall time at 50 ms less the same operation at 0 ms: the part latency adds.",
        "- **CPU s**: CPU seconds of every process of the operation (engine, language host, "
        "program, provider, and the emulator in the bench's process).",
        "",
        "| door | N | latency | op | requests | floor | ratio | wall s | CPU s | added s | floor s | "
        "added / floor |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for door in DOORS:
        for n, latency, checkpoints in series:
            for op in OPS:
                row = by.get((door, n, latency, checkpoints, op))
                if row is None:
                    continue
                fl = floors(op, n)
                ratio = "—" if fl == 0 else f"{row.requests / fl:.2f}"
                base = by.get((door, n, 0, checkpoints, op))
                added = row.seconds - base.seconds if base and latency else None
                fsec = floor_seconds(op, n, latency)
                label = f"{n}" if checkpoints else f"{n}, *no checkpoints*"
                lines.append(
                    f"| {door} | {label} | {latency} ms | {op} | {row.requests} | {fl} | {ratio} | "
                    f"{row.seconds:.1f} | {row.cpu.total:.1f} | {_s(added)} | {fsec:.2f} | "
                    f"{'' if added is None or not fsec else f'{added / fsec:.2f}'} |"
                )
    if floor is not None:
        lines += render_floor(floor)
    if validate is not None:
        times = sorted(validate.seconds)
        lines += [
            "",
            "## `videokit validate`",
            "",
            f"A file of {validate.entries} entries ({validate.bytes // 1024} KiB, block style): a third "
            "channels whose properties nest three levels deep (input and its inputLoss, endpoints, "
            "qualities, restreams with their RTMP destinations), a third events that name their "
            "channel (times quoted and unquoted, with `Z` and with an offset), a third allowed "
            "domains; checked by `videokit validate` in a new process each time, "
            f"{len(times)} runs. The wall time includes the interpreter's start "
            f"({validate.python_alone:.3f} s for `python -c pass`) and every import. Pulumi "
            f"imported: {'yes' if validate.imports_pulumi else 'no'}.",
            "",
            "| entries | min s | median s | max s |",
            "|---|---|---|---|",
            f"| {validate.entries} | {times[0]:.3f} | {statistics.median(times):.3f} | {times[-1]:.3f} |",
        ]
    lines += ["", "## Requests by endpoint", ""]
    top = max(latencies, default=0)
    for row in rows:
        if (row.latency_ms == top or not row.checkpoints) and row.requests and row.door == "dynamic":
            calls = ", ".join(f"`{k}` {v}" for k, v in sorted(row.by_endpoint.items()))
            native = by.get(("native", *row.series, row.op))
            same = " (the native door: the same)" if native and native.by_endpoint == row.by_endpoint else ""
            label = f"N={row.n}" + ("" if row.checkpoints else " (no checkpoints, 0 ms)")
            lines.append(f"- {label} {row.op}: {calls}{same}")
    for row in rows:
        if (row.latency_ms == top or not row.checkpoints) and row.requests and row.door == "native":
            dyn = by.get(("dynamic", *row.series, row.op))
            if dyn is None or dyn.by_endpoint != row.by_endpoint:
                calls = ", ".join(f"`{k}` {v}" for k, v in sorted(row.by_endpoint.items()))
                label = f"N={row.n}" + ("" if row.checkpoints else " (no checkpoints, 0 ms)")
                lines.append(f"- native {label} {row.op}: {calls}")
    loads = [r.cpu.load for r in [*rows, *tiny]]
    if floor is not None:
        loads += [r.cpu.load for r in [*floor.dynamic, *floor.tiny]]
    lines += ["", "## Reading the figures", "", *NOTES]
    if loads:
        lines.append(
            f"- The machine's 1-minute load average at the end of each operation ranged from "
            f"{min(loads):.1f} to {max(loads):.1f} (median {statistics.median(loads):.1f}); the "
            f"bench's own processes make about 1 to 2 of it on these {os.cpu_count()} cores, so a "
            "higher figure means other work shared them, and wall times are then long against CPU."
        )
    if note:
        lines += ["", note]
    return "\n".join(lines) + "\n"


def _engine_growth(tiny: list[Row]) -> str:
    """The engine's CPU for the smallest provider's up, from the smallest to the largest N run
    with checkpoints at 0 ms."""
    checked = sorted((r for r in tiny if r.checkpoints and r.latency_ms == 0), key=lambda r: r.n)
    if len(checked) < 2:
        return ""
    engine = ROLES[-1][1]
    a, b = checked[-2], checked[-1]
    return (
        f": its CPU for the smallest provider's up is {a.cpu.by_role.get(engine, 0.0):.0f} s at "
        f"N = {a.n} and {b.cpu.by_role.get(engine, 0.0):.0f} s at N = {b.n}"
    )


def _cpu_at_largest(rows: list[Row], tiny: list[Row]) -> list[str]:
    """CPU seconds by process of the up at the largest N run without checkpoints."""
    unchecked = [r for r in [*rows, *tiny] if not r.checkpoints and r.op == "up" and r.latency_ms == 0]
    if not unchecked:
        return []
    n = max(r.n for r in unchecked)
    ups = {r.door: r for r in unchecked if r.n == n}
    roles = sorted(
        {k for r in ups.values() for k in r.cpu.by_role},
        key=lambda k: -max(r.cpu.by_role.get(k, 0.0) for r in ups.values()),
    )
    doors = [d for d in (*DOORS, "tiny") if d in ups]
    lines = [
        "",
        f"Where the CPU of the up goes at N = {n} (no checkpoints, CPU seconds by process):",
        "",
        "| process | " + " | ".join(doors) + " |",
        "|---|" + "---|" * len(doors),
    ]
    for role in roles:
        lines.append(
            f"| {role} | " + " | ".join(f"{ups[d].cpu.by_role.get(role, 0.0):.1f}" for d in doors) + " |"
        )
    lines.append("| all | " + " | ".join(f"{ups[d].cpu.total:.1f}" for d in doors) + " |")
    lines.append("| wall s | " + " | ".join(f"{ups[d].seconds:.1f}" for d in doors) + " |")
    return lines


def render_floor(floor: Floor) -> list[str]:
    dyn = statistics.median(r.seconds for r in floor.dynamic)
    tiny = statistics.median(r.seconds for r in floor.tiny)
    roles = sorted(
        {k for r in [*floor.dynamic, *floor.tiny] for k in r.cpu.by_role},
        key=lambda k: -statistics.median(r.cpu.by_role.get(k, 0.0) for r in floor.dynamic),
    )

    def cpu(rows: list[Row], role: str | None = None) -> float:
        return statistics.median((r.cpu.by_role.get(role, 0.0) if role else r.cpu.total) for r in rows)

    lines = [
        "",
        f"## Engine floor: our dynamic up against the smallest dynamic provider's (N = {floor.n}, 0 ms)",
        "",
        f"{len(floor.dynamic)} ups of each in one run, alternating. The goal is a ratio under 1.15.",
        "",
        "| | runs (wall s) | median wall s | median CPU s |",
        "|---|---|---|---|",
        f"| videokit (dynamic) | {', '.join(f'{r.seconds:.1f}' for r in floor.dynamic)} | {dyn:.1f} | "
        f"{cpu(floor.dynamic):.1f} |",
        f"| tiny | {', '.join(f'{r.seconds:.1f}' for r in floor.tiny)} | {tiny:.1f} | "
        f"{cpu(floor.tiny):.1f} |",
        f"| **ratio** | | **{dyn / tiny:.2f}** | {cpu(floor.dynamic) / cpu(floor.tiny):.2f} |",
        "",
        f"Requests of each videokit up: {', '.join(str(r.requests) for r in floor.dynamic)} "
        f"(the floor is {floors('up', floor.n)}).",
        "",
        "CPU seconds by process (median of the runs): where the extra time goes. The machine has "
        f"{os.cpu_count()} cores, so at 0 ms the wall time follows the CPU.",
        "",
        "| process | videokit s | tiny s | extra s |",
        "|---|---|---|---|",
    ]
    for role in roles:
        a, b = cpu(floor.dynamic, role), cpu(floor.tiny, role)
        lines.append(f"| {role} | {a:.2f} | {b:.2f} | {a - b:+.2f} |")
    lines += [
        f"| all (exact) | {cpu(floor.dynamic):.2f} | {cpu(floor.tiny):.2f} | "
        f"{cpu(floor.dynamic) - cpu(floor.tiny):+.2f} |",
    ]
    if floor.unchecked:
        ours, small = floor.unchecked
        engine = ROLES[-1][1]
        lines += [
            "",
            "The same up once more with the engine's checkpoints off (`PULUMI_SKIP_CHECKPOINTS=true`: "
            "the engine then skips writing the whole state after every step, which it does one "
            "write at a time): what is left of each up without that serial work.",
            "",
            "| | wall s | CPU s | engine CPU s |",
            "|---|---|---|---|",
            f"| videokit (dynamic) | {ours.seconds:.1f} | {ours.cpu.total:.1f} | "
            f"{ours.cpu.by_role.get(engine, 0.0):.1f} |",
            f"| tiny | {small.seconds:.1f} | {small.cpu.total:.1f} | "
            f"{small.cpu.by_role.get(engine, 0.0):.1f} |",
            f"| ratio | {ours.seconds / small.seconds:.2f} | {ours.cpu.total / small.cpu.total:.2f} | |",
        ]
    lines += [
        "",
        "Imports of each Python process, timed in a new process (`python -c`, fastest of 5):",
        "",
        "| what | wall s |",
        "|---|---|",
    ]
    for cost in floor.imports:
        lines.append(f"| {cost.label} | {cost.seconds:.3f} |")
    for cost in floor.imports:
        if cost.top:
            tops = ", ".join(f"{name} {seconds * 1000:.0f} ms" for name, seconds in cost.top)
            lines.append(f"\n{cost.label}: own import time by top-level package (`-X importtime`): {tops}.")
    return lines


NOTES = [
    "- **refresh** costs listing pages: List Channels and List Events 100 a page, one List "
    "Allowed Domains. Its time floor (a few round trips) is below the noise of the engine's own "
    "work, so its ratio says little.",
    "- **up** sends, for each object, the create; and one GET per channel: Create Channel "
    "answers the id only, and the URLs are read back right after the write (a listing is never "
    "reused after a write, and the other creates keep writing). What already carries each "
    "natural key (for the create journal) is read by the first 16 channels and events, one "
    "read each, and then comes from one listing per kind at most 10 s old (for domains always). "
    "Those reads and listings are the gap to the request floor (about 4N + 32 requests, against "
    "3N + N/100).",
    "- Every request of a provider process spends one budget of 50 requests a second "
    "(`videokit:maxRequestsPerSecond`), except against an endpoint on this machine, such as the "
    "emulator here, which has none unless one is set: against a remote tenant answering at 0 ms "
    "an up of about 4N requests could not take less than 4N / 50 seconds (8 s at N = 100).",
    "- **destroy** sends one delete per object. The floor counts Delete Multiple Events; the "
    "engine deletes each event in its own call, and batching them across calls is not done.",
    "- **How cost grows without checkpoints**: the listings that tell creates what already "
    "carries their key read the whole kind every 10 s, so they grow with N times the length of "
    "the up. The dynamic door's program grows faster than N too: the Pulumi "
    "SDK waits on every outstanding output each time one resolves (`wait_for_rpcs`), so its "
    "work grows with N times the properties per resource: for ours, each input declared and "
    "each declared output (three to six here); for the smallest provider's, one (both besides "
    "`__provider`).",
    "- **destroy** at N = 1,000 is mostly the emulator's CPU: its CPU per delete grows with the "
    "number of objects it holds (about tenfold from N = 100 to N = 1,000), a cost of the bench "
    "rather than of either door.",
    "- **native** runs the same core behind the native plugin (64 worker threads, no pickled "
    "provider, no Python program: the YAML language host is Go); **tiny up** is a Python program "
    "on a dynamic provider, so it is the floor of the dynamic door, not of the native one.",
    "- At 0 ms an up is bound by CPU: the engine writes the whole state after every step, one "
    "write at a time (most of the smallest provider's up), and everything else (program, "
    "provider, the emulator in the bench's process) shares the other core. The engine floor's "
    "CPU table says whose the extra seconds are.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,100,300")
    parser.add_argument("--latencies", default="0,50")
    parser.add_argument(
        "--large",
        default="100,1000",
        help="Sizes run at 0 ms with the engine's checkpoints off (empty: none).",
    )
    parser.add_argument("--floor-n", type=int, default=100, help="N of the engine floor (0: skip).")
    parser.add_argument("--floor-rounds", type=int, default=3)
    parser.add_argument("--doors", default=",".join(DOORS))
    parser.add_argument("--no-tiny", action="store_true", help="Skip the tiny ups beside each size.")
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument("--note", default="", help="A paragraph appended to the document.")
    parser.add_argument("--save", default="", help="Keep the measurements in this pickle file.")
    parser.add_argument("--render", default="", help="Only write the document from a --save file.")
    args = parser.parse_args()
    if args.render:
        # One --save file, or several (comma-separated) whose measurements are put together.
        saved: dict[str, Any] = {"rows": [], "tiny": [], "sizes": [], "validate": None, "floor": None}
        for name in args.render.split(","):
            with open(name, "rb") as fh:
                part = pickle.load(fh)
            saved["rows"] += part["rows"]
            saved["tiny"] += part["tiny"]
            saved["sizes"] = saved["sizes"] or part["sizes"]
            saved["validate"] = saved["validate"] or part["validate"]
            saved["floor"] = saved["floor"] or part["floor"]
        Path(args.out).write_text(render(note=args.note, **saved))
        print(f"wrote {args.out}")
        return
    sizes = [int(x) for x in args.sizes.split(",") if x]
    large = [int(x) for x in args.large.split(",") if x]
    latencies = [int(x) for x in args.latencies.split(",") if x]
    doors = [d for d in args.doors.split(",") if d]
    # Every Python process of a run imports from cached bytecode, as on a user's machine (a
    # session may set PYTHONDONTWRITEBYTECODE, and then each process would compile the package).
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    import pulumi_videokit

    compileall.compile_dir(Path(pulumi_videokit.__file__).parent, quiet=2)
    bin_dir = cli_bin()
    rows: list[Row] = []
    tiny: list[Row] = []
    floor: Floor | None = None
    validate: Validate | None = None
    work = Path(tempfile.mkdtemp(prefix="videokit-bench-"))

    def write() -> None:
        saved = {"rows": rows, "tiny": tiny, "sizes": sizes, "validate": validate, "floor": floor}
        Path(args.out).write_text(render(note=args.note, **saved))
        if args.save:
            with open(args.save, "wb") as fh:
                pickle.dump(saved, fh)

    try:
        validate = time_validate(work)
        if args.floor_n:
            floor = engine_floor(args.floor_n, args.floor_rounds, bin_dir, work / "floor")
            write()
        runs = [
            *((n, latency, None) for n in sizes for latency in latencies),
            *((n, 0, NO_CHECKPOINTS) for n in large),
        ]
        for n, latency, env in runs:
            where = work / ("unchecked" if env else "checked")
            for door in doors:
                rows += run_door(door, n, latency, bin_dir, where, env=env)
                write()
            if not args.no_tiny:
                tiny.append(run_tiny(n, latency, bin_dir, where, env=env))
                write()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
