"""The per-process listing cache and the request budget: unit tests, then the kinds on the emulator."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pulumi_videokit.client import (
    ClientConfig,
    NotFoundError,
    RateLimiter,
    RetryBudgetExceededError,
    VideoKitClient,
)
from pulumi_videokit.client._base import Tenant, Transport
from pulumi_videokit.emulator import RunningEmulator, running
from pulumi_videokit.emulator._faults import FaultRule
from pulumi_videokit.reconcile.kinds import AllowedDomainKind, ChannelKind, EventKind, Settings
from pulumi_videokit.reconcile.kinds._listing import Fetched, Listing

from .conftest import API_KEY, TENANT_ID, emulator_config, make_client


@pytest.fixture()
def fresh() -> Iterator[RunningEmulator]:
    """An emulator of this test's own: the request budget and write count are per process and
    endpoint, and the listings see only this test's objects."""
    with running(emulator_config()) as emu:
        yield emu

# ---- the cache alone ----


class Kind:
    """A fake kind of ``total`` objects named o000...: counts what the listing asks for."""

    def __init__(self, total: int, page_size: int = 100) -> None:
        self.objects = {f"o{i:03d}": {"id": f"o{i:03d}", "v": 0} for i in range(total)}
        self.page_size = page_size
        self.writes = 0
        self.pages: list[int] = []
        self.batches: list[list[str]] = []
        self.lock = threading.Lock()
        self.gate: threading.Event | None = None

    def page(self, number: int) -> Fetched[dict[str, object]]:
        if self.gate is not None:
            self.gate.wait(5)
        with self.lock:
            self.pages.append(number)
            rows = sorted(self.objects.values(), key=lambda o: str(o["id"]))
        size = self.page_size
        chunk = [dict(o) for o in rows[(number - 1) * size : number * size]]
        count = max(1, -(-len(rows) // size))
        return Fetched(chunk, count, number < count)

    def by_ids(self, ids: list[str]) -> Iterable[dict[str, object]]:
        if self.gate is not None:
            self.gate.wait(5)
        with self.lock:
            self.batches.append(list(ids))
            return [dict(self.objects[i]) for i in ids if i in self.objects]

    def listing(self) -> Listing[dict[str, object]]:
        return Listing(
            page=self.page, by_ids=self.by_ids, ident=lambda o: str(o["id"]), writes=lambda: self.writes
        )


def test_one_page_answers_every_read_of_a_small_kind() -> None:
    kind = Kind(80)
    listing = kind.listing()
    assert all(listing.get(i) == kind.objects[i] for i in kind.objects)
    assert kind.pages == [1] and kind.batches == []


def test_a_read_missing_from_a_complete_listing_is_not_answered() -> None:
    kind = Kind(5)
    listing = kind.listing()
    assert listing.get("o001") is not None
    # "None" means: no listing holds it, read it by itself (the kind's own GET confirms it gone).
    assert listing.get("gone") is None
    assert kind.pages == [1]


def test_a_write_drops_what_was_listed() -> None:
    kind = Kind(3)
    listing = kind.listing()
    assert listing.get("o001") == {"id": "o001", "v": 0}
    kind.objects["o001"]["v"] = 1
    assert listing.get("o001") == {"id": "o001", "v": 0}  # no write counted: the listing stands
    kind.writes += 1
    assert listing.get("o001") == {"id": "o001", "v": 1}
    assert kind.pages == [1, 1]


def test_a_listing_a_write_overlapped_answers_its_reader_and_is_not_kept() -> None:
    kind = Kind(3)
    original = kind.page

    def page_during_a_write(number: int) -> Fetched[dict[str, object]]:
        fetched = original(number)
        kind.writes += 1  # a write of another thread finishes while this page is read
        return fetched

    kind.page = page_during_a_write  # type: ignore[method-assign]
    listing = kind.listing()
    assert listing.get("o000") is not None
    assert listing.get("o001") is not None
    assert kind.pages == [1, 1]


def test_ids_batches_until_they_cost_as_much_as_the_remaining_pages() -> None:
    kind = Kind(1000)  # ten pages
    listing = kind.listing()
    assert listing.get("o000") is not None  # page 1
    for i in range(150, 159):
        assert listing.get(f"o{i:03d}") is not None
    # page 1, then one ids batch per sequential miss until the batches match the nine pages left,
    # then the rest of the kind page by page: never more than twice the cheaper plan.
    assert kind.pages[0] == 1
    assert len(kind.batches) == 8
    assert kind.pages[1:] == [2]
    assert len(kind.pages) + len(kind.batches) <= 2 * 10


def test_a_big_refresh_of_a_small_kind_pages_through_it() -> None:
    kind = Kind(250)
    listing = kind.listing()
    for object_id in kind.objects:
        assert listing.get(object_id) is not None
    assert kind.pages == [1, 2, 3] or len(kind.pages) + len(kind.batches) <= 4


def test_parallel_reads_share_fetches_and_each_gets_its_own_object() -> None:
    kind = Kind(1000)
    listing = kind.listing()
    wrong: list[str] = []

    def read(object_id: str) -> None:
        got = listing.get(object_id)
        if got is None or got["id"] != object_id:
            wrong.append(object_id)

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(read, sorted(kind.objects, reverse=True)))
    assert wrong == []
    assert len(kind.pages) + len(kind.batches) <= 20
    assert max(len(b) for b in kind.batches or [[]]) <= 100


def test_reads_waiting_on_a_fetch_are_batched_together() -> None:
    kind = Kind(1000)
    listing = kind.listing()
    assert listing.get("o000") is not None
    kind.gate = threading.Event()
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(listing.get, f"o{i:03d}") for i in (500, 600, 700, 800)]
        while len(listing._pending) < 3:  # one leads, three wait behind it
            threading.Event().wait(0.01)
        kind.gate.set()
        assert all(f.result() is not None for f in futures)
    assert [len(b) for b in kind.batches] == [1, 3]


def test_a_failed_fetch_does_not_wedge_the_others() -> None:
    kind = Kind(3)
    original = kind.page
    calls = {"n": 0}

    def flaky(number: int) -> Fetched[dict[str, object]]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("boom")
        return original(number)

    kind.page = flaky  # type: ignore[method-assign]
    listing = kind.listing()
    with pytest.raises(RuntimeError):
        listing.get("o000")
    assert listing.get("o000") is not None


# ---- the request budget ----


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_the_limiter_allows_a_burst_then_spaces_requests() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, burst=2, clock=clock, sleep=clock.sleep)
    for _ in range(7):
        limiter.acquire()
    assert len(clock.slept) == 5
    assert abs(clock.now - 0.5) < 1e-9  # 7 requests, 2 at once, then 10 a second


def test_the_limiter_refills_while_idle_and_never_beyond_its_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(10, burst=3, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        limiter.acquire()
    clock.now += 100.0
    for _ in range(3):
        assert limiter.acquire() == 0.0
    assert limiter.acquire() > 0.0


def test_the_limiter_is_off_at_zero() -> None:
    clock = FakeClock()
    limiter = RateLimiter(0, clock=clock, sleep=clock.sleep)
    for _ in range(1000):
        limiter.acquire()
    assert clock.slept == []


def test_parallel_callers_are_spaced_not_woken_together() -> None:
    clock = FakeClock()
    lock = threading.Lock()
    waits: list[float] = []
    limiter = RateLimiter(5, burst=1, clock=clock, sleep=lambda s: None)

    def go() -> None:
        w = limiter.acquire()
        with lock:
            waits.append(w)

    threads = [threading.Thread(target=go) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(round(w, 6) for w in waits) == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_retries_spend_the_same_budget(fresh: RunningEmulator) -> None:
    fresh.ctx.faults.replace([FaultRule(kind="429", rate=1.0, method="GET", path="/live/v1/channels/limit")])
    acquired: list[int] = []
    limiter = RateLimiter(1000)
    original = limiter.acquire

    def counting() -> float:
        acquired.append(1)
        return original()

    limiter.acquire = counting  # type: ignore[method-assign]
    transport = Transport(
        ClientConfig(
            api_key=API_KEY,
            tenant_id=TENANT_ID,
            endpoint=fresh.url,
            retry_total_seconds=0.5,
            backoff_base_seconds=0.01,
            backoff_max_seconds=0.02,
        ),
        tenant=Tenant(limiter),
    )
    with pytest.raises(RetryBudgetExceededError):
        transport.request("GET", "/live/v1/channels/limit")
    sent = [r for r in fresh.ctx.requests if r["path"] == "/live/v1/channels/limit"]
    assert len(sent) >= 2 and len(acquired) == len(sent)


def test_the_provider_budget_is_shared_by_every_kind_of_a_process(fresh: RunningEmulator) -> None:
    from pulumi_videokit.reconcile.service import connect, read_config

    config = {"api_key": API_KEY, "tenant_id": TENANT_ID, "endpoint": fresh.url + "/"}
    channels = connect(ChannelKind, config)
    assert channels.client.transport.tenant.limiter.rate == 0  # the default on this machine: none
    domains = connect(AllowedDomainKind, {**config, "max_requests_per_second": "7"})
    assert channels.client.transport.tenant is domains.client.transport.tenant
    assert channels.client.transport.tenant.limiter.rate == 7  # the strictest one configured
    assert read_config({"videokit:maxRequestsPerSecond": "3"})["max_requests_per_second"] == "3"


@pytest.mark.parametrize(
    ("endpoint", "rate"),
    [
        ("https://acme.api.videokit.cloud", 50),
        ("", 50),  # the tenant's name makes the URL
        ("http://10.0.0.7:8080", 50),
        ("http://127.0.0.1:8080", 0),
        ("http://127.8.0.1:8080/", 0),
        ("http://localhost:8080", 0),
        ("http://[::1]:8080", 0),
    ],
)
def test_the_default_budget_is_none_only_for_an_api_on_this_machine(endpoint: str, rate: float) -> None:
    from pulumi_videokit.client import default_rate

    assert default_rate(endpoint) == rate


# ---- the kinds on the emulator ----


def _client(emu: RunningEmulator) -> VideoKitClient:
    return make_client(emu.url, retry_total_seconds=10, backoff_base_seconds=0.01)


def _channel(client: VideoKitClient, name: str) -> str:
    return client.live.channels.create(
        {"name": name, "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "SLATE"}}, "qualities": []}
    )


def _reads(emu: RunningEmulator, before: int) -> list[dict[str, object]]:
    return [r for r in emu.ctx.requests[before:] if not str(r["path"]).startswith("/_emulator")]


def test_channels_are_read_from_one_listing_and_a_deleted_one_by_its_own_404(
    fresh: RunningEmulator,
) -> None:
    setup = _client(fresh)
    ids = [_channel(setup, f"listed-{i}") for i in range(30)]
    setup.live.channels.delete(ids[-1])
    kind = ChannelKind(_client(fresh), Settings())
    before = len(fresh.ctx.requests)
    with ThreadPoolExecutor(max_workers=4) as pool:
        seen = list(pool.map(lambda i: kind.observe(i, {"name": "x"}), ids))
    assert [s.inputs["name"] if s else None for s in seen] == [f"listed-{i}" for i in range(29)] + [None]
    assert all(s.outputs["ingestUrls"] for s in seen if s)
    sent = _reads(fresh, before)
    gets = [r for r in sent if r["path"] == f"/live/v1/channels/{ids[-1]}"]
    assert len(gets) == 1 and gets[0]["status"] == 404  # confirmed gone by its own read
    assert len(sent) == 2  # one page of List Channels, and the GET


def test_a_write_through_any_kind_makes_the_next_read_list_again(fresh: RunningEmulator) -> None:
    setup = _client(fresh)
    setup.transport._tenant = Tenant(RateLimiter(0))  # as if another process: its writes not counted here
    channel_id = _channel(setup, "before")
    client = _client(fresh)
    kind = ChannelKind(client, Settings())
    assert kind.observe(channel_id, {}).inputs["name"] == "before"  # type: ignore[union-attr]
    setup.live.channels.update(channel_id, {"name": "after"})  # another process: not seen
    assert kind.observe(channel_id, {}).inputs["name"] == "before"  # type: ignore[union-attr]
    events = EventKind(client, Settings())  # same client, another kind: one write count
    events.client.live.channels.update(channel_id, {"name": "after"})
    assert kind.observe(channel_id, {}).inputs["name"] == "after"  # type: ignore[union-attr]


def test_domains_are_listed_once_for_many_reads(fresh: RunningEmulator) -> None:
    setup = _client(fresh)
    made = [setup.streaming.domains.create(f"https://listed{i}.example.com") for i in range(20)]
    kind = AllowedDomainKind(_client(fresh), Settings())
    before = len(fresh.ctx.requests)
    with ThreadPoolExecutor(max_workers=4) as pool:
        seen = list(pool.map(lambda d: kind.observe(d.player_domain_id or "", {}), made))
    assert all(s is not None for s in seen)
    assert len(_reads(fresh, before)) == 1


def test_events_are_read_with_their_tags_from_listings(fresh: RunningEmulator) -> None:
    setup = _client(fresh)
    channel_id = _channel(setup, "with-events")
    ids = [
        setup.live.events.create(
            {
                "channelId": channel_id,
                "start": f"2031-03-01T{10 + i:02d}:00:00+00:00",
                "end": f"2031-03-01T{10 + i:02d}:30:00+00:00",
                "title": f"e{i}",
                "tags": [f"t{i}"],
            }
        )
        for i in range(10)
    ]
    setup.live.events.delete(ids[0])
    kind = EventKind(_client(fresh), Settings())
    before = len(fresh.ctx.requests)
    with ThreadPoolExecutor(max_workers=4) as pool:
        seen = list(pool.map(lambda i: kind.observe(i, {"title": "x"}), ids))
    assert seen[0] is None
    assert [s.inputs["tags"] for s in seen[1:] if s] == [[f"t{i}"] for i in range(1, 10)]
    assert all(s.outputs["status"] == "Scheduled" for s in seen[1:] if s)
    sent = _reads(fresh, before)
    assert [r["status"] for r in sent if r["path"] == f"/live/v1/events/{ids[0]}"] == [404]
    assert len(sent) == 2  # one page of List Events, and the GET


def test_transport_counts_writes_even_when_they_fail(fresh: RunningEmulator) -> None:
    client = _client(fresh)
    before = client.transport.writes
    with pytest.raises(NotFoundError):
        client.live.channels.delete("no-such-channel")
    assert client.transport.writes == before + 2


# ---- the validate path ----

VALIDATE_PATH = """
import sys
from pulumi_videokit import cli
{extra}
print("pulumi" in sys.modules)
"""


def _imports_pulumi(extra: str = "") -> bool:
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", VALIDATE_PATH.format(extra=extra)], capture_output=True, text=True, check=True
    )
    return out.stdout.strip() == "True"


def test_the_package_and_the_cli_do_not_import_pulumi() -> None:
    assert not _imports_pulumi()


def test_the_validate_path_does_not_import_pulumi() -> None:
    assert not _imports_pulumi("from pulumi_videokit.gitops.loader import load")


def test_a_program_declaring_resources_does_not_import_the_http_client() -> None:
    """The program only declares: the HTTP client is the provider's, and costs its import time
    in the provider's process alone."""
    import subprocess
    import sys

    script = "import sys\nfrom pulumi_videokit import Channel, Event, AllowedDomain, VodAsset\nprint('httpx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_validate_builds_the_lookups_models_only_for_a_file_that_uses_a_lookup(tmp_path: Path) -> None:
    import subprocess
    import sys

    plain = tmp_path / "plain.yaml"
    plain.write_text("domains:\n  d:\n    url: https://d.example.com\n")
    looked = tmp_path / "looked.yaml"
    looked.write_text("domains:\n  d:\n    url: https://${lookup:getChannel(name=main).name}.example.com\n")
    script = (
        "import sys\nfrom pathlib import Path\nfrom pulumi_videokit.gitops.loader import load\n"
        "try:\n    load(Path(sys.argv[1]))\nexcept Exception as exc:\n    print(type(exc).__name__)\n"
        "print('pulumi_videokit.lookups' in sys.modules)"
    )
    seen = {
        path.name: subprocess.run(
            [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
        ).stdout.split()
        for path in (plain, looked)
    }
    assert seen["plain.yaml"] == ["False"]
    assert seen["looked.yaml"][-1] == "True"
