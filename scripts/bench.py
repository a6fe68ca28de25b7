"""`make bench`: requests and wall time of up, no-op preview, refresh and destroy under the real
engine, on the emulator at 0 ms and 50 ms of added latency, written to docs/performance.md.

Not a test: nothing here asserts a time.  Usage: scripts/bench.py [--sizes 10,100,300]
[--latencies 0,50] [--out docs/performance.md]
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

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


def stack_on(project: Path, state: Path, bin_dir: str, emu: RunningEmulator | None, n: int) -> Stack:
    stack = Stack(project=project, state=state, name="bench", bin_dir=bin_dir)
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


@dataclass
class Row:
    n: int
    latency_ms: int
    op: str
    requests: int
    seconds: float
    by_endpoint: dict[str, int] = field(default_factory=dict)


def endpoint_counts(requests: list[dict[str, object]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in requests:
        parts = str(r["path"]).split("/")
        path = "/".join("{id}" if len(p) > 20 or p[:3] in ("ch-", "ev-") else p for p in parts)
        key = f"{r['method']} {path}"
        out[key] = out.get(key, 0) + 1
    return out


def run_videokit(n: int, latency_ms: int, bin_dir: str, work: Path) -> list[Row]:
    rows: list[Row] = []
    config = EmulatorConfig(api_key=API_KEY, tenant_id=TENANT_ID, latency_ms=latency_ms)
    with running(config) as emu:
        project = write_project(work / f"vk-{n}-{latency_ms}", "videokit-bench", PROGRAM)
        stack = stack_on(project, work / f"state-{n}-{latency_ms}", bin_dir, emu, n)
        for op in OPS:
            emu.ctx.requests.clear()
            started = time.monotonic()
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
            rows.append(Row(n, latency_ms, op, len(seen), seconds, endpoint_counts(seen)))
            print(f"N={n} {latency_ms}ms {op}: {len(seen)} requests, {seconds:.1f}s", flush=True)
    return rows


def run_tiny(n: int, latency_ms: int, bin_dir: str, work: Path) -> float:
    project = write_project(work / f"tiny-{n}-{latency_ms}", "tiny-bench", TINY)
    (project / "tiny_provider.py").write_text(TINY_PROVIDER.format(delay=latency_ms / 1000))
    stack = stack_on(project, work / f"tiny-state-{n}-{latency_ms}", bin_dir, None, n)
    # The program's directory is on the program's path; the provider host needs it too.
    stack.extra_env["PYTHONPATH"] = str(project)
    started = time.monotonic()
    stack.up()
    seconds = time.monotonic() - started
    print(f"N={n} {latency_ms}ms tiny up: {seconds:.1f}s", flush=True)
    return seconds


def declarations(n: int) -> str:
    """A file of ``n`` declarations: channels, an event on each, allowed domains and API keys."""
    per = n // 4
    lines = ["channels:"]
    for i in range(n - 3 * per):
        lines += [
            f"  ch{i}:",
            f"    name: bench-{i:04d}",
            "    input: {type: RTMP_PUSH, inputLoss: {type: SLATE}}",
            "    qualities: [{resolution: 720p, frameRate: 30}]",
        ]
    lines.append("events:")
    for i in range(per):
        lines += [
            f"  ev{i}:",
            f"    channel: ch{i}",
            "    start: 2030-02-01T18:00:00Z",
            "    end: 2030-02-01T19:30:00Z",
            f"    title: event {i}",
            "    tags: [bench]",
        ]
    lines.append("domains:")
    lines += [f"  d{i}: {{url: 'https://d{i:04d}.bench.example.com'}}" for i in range(per)]
    lines.append("apiKeys:")
    lines += [f"  k{i}: {{name: key-{i}, roleId: role-123}}" for i in range(per)]
    return "\n".join(lines) + "\n"


@dataclass
class Validate:
    entries: int
    seconds: list[float]
    imports_pulumi: bool


def time_validate(work: Path, entries: int = 1000, runs: int = 7) -> Validate:
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
    probe = (
        "import sys\nfrom pulumi_videokit.cli import main\n"
        f"try:\n    main(['validate', {str(path)!r}])\nexcept SystemExit:\n    pass\n"
        "print('pulumi' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], check=True, capture_output=True, text=True)
    result = Validate(entries, seconds, out.stdout.strip().endswith("True"))
    print(
        f"validate {entries}: min {min(seconds):.3f}s, median {statistics.median(seconds):.3f}s, "
        f"pulumi imported: {result.imports_pulumi}",
        flush=True,
    )
    return result


def render(
    rows: list[Row],
    tiny: dict[tuple[int, int], float],
    sizes: list[int],
    skipped: str,
    validate: Validate | None = None,
) -> str:
    by = {(r.n, r.latency_ms, r.op): r for r in rows}
    lines = [
        "# Performance",
        "",
        "Written by `make bench` (`scripts/bench.py`); not a test, and `make test` does not run it.",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, Pulumi CLI from "
        "`scripts/install-pulumi`, the emulator in the benchmark's process. Each stack declares N "
        "channels, N events (one per channel) and N allowed domains (3N resources) in an empty "
        "tenant; one run each, so a wall time is good to about ±10 %.",
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
        "- **tiny up**: the same up with the smallest possible dynamic provider (create sleeps the "
        "added latency once and returns an id, nothing else): what the engine alone costs.",
        "",
        "| N | latency | op | requests | floor | ratio | wall s | added s | floor s | added / floor |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n in sizes:
        for latency in sorted({r.latency_ms for r in rows}):
            for op in OPS:
                row = by.get((n, latency, op))
                if row is None:
                    continue
                floor = floors(op, n)
                ratio = "—" if floor == 0 else f"{row.requests / floor:.2f}"
                base = by.get((n, 0, op))
                added = row.seconds - base.seconds if base and latency else None
                fsec = floor_seconds(op, n, latency)
                lines.append(
                    f"| {n} | {latency} ms | {op} | {row.requests} | {floor} | {ratio} | "
                    f"{row.seconds:.1f} | {'' if added is None else f'{added:.1f}'} | "
                    f"{fsec:.2f} | {'' if added is None or not fsec else f'{added / fsec:.2f}'} |"
                )
    lines += ["", "## Engine overhead: up with the smallest dynamic provider", ""]
    lines += ["| N | latency | videokit up s | tiny up s | ours / engine |", "|---|---|---|---|---|"]
    for (n, latency), seconds in sorted(tiny.items()):
        row = by.get((n, latency, "up"))
        if row:
            lines.append(
                f"| {n} | {latency} ms | {row.seconds:.1f} | {seconds:.1f} | {row.seconds / seconds:.2f} |"
            )
    if validate is not None:
        times = sorted(validate.seconds)
        lines += [
            "",
            "## `videokit validate`",
            "",
            f"A file of {validate.entries} declarations (channels, an event on each, domains, API keys), "
            f"checked by `videokit validate` in a new process each time, {len(times)} runs: the wall "
            "time includes the interpreter's start and every import. "
            f"Pulumi imported: {'yes' if validate.imports_pulumi else 'no'}.",
            "",
            "| entries | min s | median s | max s |",
            "|---|---|---|---|",
            f"| {validate.entries} | {times[0]:.3f} | {statistics.median(times):.3f} | {times[-1]:.3f} |",
        ]
    lines += ["", "## Requests by endpoint", ""]
    for row in rows:
        if row.latency_ms == max(r.latency_ms for r in rows) and row.requests:
            calls = ", ".join(f"`{k}` {v}" for k, v in sorted(row.by_endpoint.items()))
            lines.append(f"- N={row.n} {row.op}: {calls}")
    lines += ["", "## Reading the figures", "", *NOTES]
    if skipped:
        lines += ["", skipped]
    return "\n".join(lines) + "\n"


NOTES = [
    "- **refresh** costs listing pages: List Channels and List Events 100 a page, one List "
    "Allowed Domains. Its time floor (a few round trips) is below the noise of the engine's own "
    "work, so its ratio says little.",
    "- **up** sends one create per object and one GET per channel: Create Channel answers the id "
    "only, and the URLs are read back right after the write (a listing is never reused after a "
    "write, and the other creates keep writing). Those reads are the gap to the request floor; "
    "they also make a channel two round trips, and events wait for their channel, which is most "
    "of the gap between the added time and the time floor.",
    "- **destroy** sends one delete per object. The floor counts Delete Multiple Events; the "
    "engine deletes each event in its own call, and batching them across calls is not done.",
    "- **tiny up** is the engine's own cost: at 0 ms our up is within the run-to-run noise of "
    "it, so the time of an up on a fast API is the engine's.",
    "- Wall times come from a 2-core machine that was running other test suites at the same time.",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10,100,300")
    parser.add_argument("--latencies", default="0,50")
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument("--note", default="", help="A paragraph appended to the document.")
    args = parser.parse_args()
    sizes = [int(x) for x in args.sizes.split(",") if x]
    latencies = [int(x) for x in args.latencies.split(",")]
    bin_dir = cli_bin()
    rows: list[Row] = []
    tiny: dict[tuple[int, int], float] = {}
    work = Path(tempfile.mkdtemp(prefix="videokit-bench-"))
    try:
        for n in sizes:
            for latency in latencies:
                rows += run_videokit(n, latency, bin_dir, work)
                tiny[(n, latency)] = run_tiny(n, latency, bin_dir, work)
                Path(args.out).write_text(render(rows, tiny, sizes, args.note))
        validate = time_validate(work)
        Path(args.out).write_text(render(rows, tiny, sizes, args.note, validate))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
