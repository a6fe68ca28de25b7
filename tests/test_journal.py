"""The journal of creates in flight, at the provider level against the emulator."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from pulumi_videokit.client import VideoKitClient, VideoKitError
from pulumi_videokit.emulator import FaultRule, RunningEmulator
from pulumi_videokit.reconcile import apply
from pulumi_videokit.reconcile.errors import AlreadyExistsError
from pulumi_videokit.reconcile.journal import (
    MAX_AGE_SECONDS,
    Attempt,
    Journal,
    _configured_backend,
    backend_url,
    resource_owner,
    scoped,
)
from pulumi_videokit.reconcile.kinds import (
    AllowedDomainKind,
    ApiKeyKind,
    AssetSettingsKind,
    ChannelKind,
    Settings,
)
from pulumi_videokit.reconcile.kinds._index import KeyIndex

CH = {"name": "journaled", "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}}
OWNER = scoped("tenant@test", resource_owner("file:///backend", "urn:pulumi:s::p::videokit:index:Channel::j"))


class Killed(BaseException):
    """The provider process died (kill -9): nothing after this point runs."""


class KilledJournal(Journal):
    """A journal whose process dies right after (or right before) the API names the new object."""

    def __init__(self, directory: Path, *, before_record: bool = False) -> None:
        super().__init__(directory)
        self.before_record = before_record

    def made(self, attempt: Attempt, object_id: str, memo: Mapping[str, Any] | None = None) -> None:
        if not self.before_record:
            super().made(attempt, object_id, memo)
        raise Killed


def posts(emulator: RunningEmulator, path: str) -> list[int | None]:
    return [r["status"] for r in emulator.ctx.requests if r["method"] == "POST" and r["path"] == path]


def named(client: VideoKitClient, name: str) -> list[str]:
    return [c.id for c in client.live.channels.list() if c.name == name]


def test_a_finished_create_leaves_nothing_so_a_replacement_makes_a_new_object(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    journal = Journal(tmp_path)
    kind = ChannelKind(client, Settings(poll_seconds=0.05))
    first, _ = apply.create(kind, {**CH, "name": "replaced"}, journal=journal, owner=OWNER)
    assert journal.attempts() == []
    # A create-before-delete replace: the engine creates the same URN again while state holds `first`.
    second, _ = apply.create(kind, {**CH, "name": "replaced"}, journal=journal, owner=OWNER)
    assert second != first
    assert sorted(named(client, "replaced")) == sorted([first, second])
    assert posts(emulator, "/live/v1/channels") == [200, 200]
    assert journal.attempts() == []


def test_a_run_killed_after_the_answer_is_finished_by_the_same_resource_only(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    kind = ChannelKind(client, Settings(poll_seconds=0.05))
    with pytest.raises(Killed):
        apply.create(kind, CH, journal=KilledJournal(tmp_path), owner=OWNER)
    journal = Journal(tmp_path)
    [left] = journal.attempts()
    assert left.object_id is not None and named(client, "journaled") == [left.object_id]
    # Another stack (or backend, or tenant) declaring the same resource never sees the attempt.
    other = scoped(
        "tenant@test", resource_owner("file:///elsewhere", "urn:pulumi:s::p::videokit:index:Channel::j")
    )
    assert journal.pending(other) is None
    emulator.ctx.requests.clear()
    second, outputs = apply.create(kind, CH, journal=journal, owner=OWNER)
    assert second == left.object_id and outputs["status"] == "Off"
    assert posts(emulator, "/live/v1/channels") == []
    assert named(client, "journaled") == [second]
    assert journal.attempts() == []


def test_an_attempt_without_an_id_takes_only_an_object_made_after_it_began(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    kind = ApiKeyKind(client, Settings())
    spec = {"name": "journal-key", "roleId": "role-123"}
    foreign = client.core.api_keys.create(spec)  # someone else's key with the same name
    with pytest.raises(Killed):
        apply.create(kind, spec, journal=KilledJournal(tmp_path, before_record=True), owner=OWNER)
    journal = Journal(tmp_path)
    [left] = journal.attempts()
    assert left.object_id is None and left.existing == [foreign.id]
    ours = [k.id for k in client.core.api_keys.list() if k.name == "journal-key" and k.id != foreign.id]
    assert len(ours) == 1
    emulator.ctx.requests.clear()
    key_id, outputs = apply.create(kind, spec, journal=journal, owner=OWNER)
    # The key the lost run made is kept, never deleted and made again; the foreign one is untouched.
    assert key_id == ours[0] and "key" not in outputs and outputs["roleName"] == "Admin"
    assert not [r for r in emulator.ctx.requests if r["method"] in ("DELETE", "POST", "PATCH", "PUT")]
    assert journal.attempts() == []


@pytest.mark.parametrize("first", ["dev", "prod"])
def test_two_stacks_cut_off_creating_one_name_each_resume_their_own(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path, first: str
) -> None:
    """dev and prod both declare channel `twins`; each up is killed before the provider notes the
    new id. Whichever resumes first takes its own object, not the other stack's. (Each stack's
    runs are provider processes of their own, so each has its own kind and key index.)"""
    kinds = {label: ChannelKind(client, Settings(poll_seconds=0.05)) for label in ("dev", "prod")}
    spec = {**CH, "name": f"twins-{first}"}
    owners = {
        label: scoped(
            "tenant@test", resource_owner("file:///b", f"urn:pulumi:{label}::p::videokit:index:Channel::t")
        )
        for label in ("dev", "prod")
    }
    made: dict[str, str] = {}
    for label in ("dev", "prod"):
        before = set(named(client, spec["name"]))
        with pytest.raises(Killed):
            apply.create(
                kinds[label], spec, journal=KilledJournal(tmp_path, before_record=True), owner=owners[label]
            )
        [made[label]] = set(named(client, spec["name"])) - before
    journal = Journal(tmp_path)
    assert {a.object_id for a in journal.attempts()} == {None}
    assert len(journal.attempts()) == 2
    second = "prod" if first == "dev" else "dev"
    emulator.ctx.requests.clear()
    for label in (first, second):
        resumed = ChannelKind(client, Settings(poll_seconds=0.05))  # the next run: a new process
        object_id, _ = apply.create(resumed, spec, journal=journal, owner=owners[label])
        assert object_id == made[label], label
    assert posts(emulator, "/live/v1/channels") == []
    assert sorted(named(client, spec["name"])) == sorted(made.values())
    assert journal.attempts() == []


def test_an_object_renamed_into_the_key_is_claimed_so_the_interrupted_create_takes_its_own(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    """dev2's create of key `renamed-into` is cut off before the id is noted; then dev renames its
    own key to that name (an update). dev2's next run takes its orphan, not dev's key."""
    from pulumi_videokit.reconcile.service import Service

    from .conftest import API_KEY, TENANT_ID

    config = {
        "api_key": API_KEY,
        "tenant_id": TENANT_ID,
        "endpoint": emulator.url,
        "journal_dir": str(tmp_path),
    }
    service = Service(ApiKeyKind, config)
    dev = "file:///b|urn:pulumi:dev::p::videokit:index:ApiKey::key"
    dev2 = service.scoped("file:///c|urn:pulumi:dev::p::videokit:index:ApiKey::key")
    kind = ApiKeyKind(client, Settings())
    spec = {"name": "renamed-into", "roleId": "role-123"}
    devs_key, state = service.create({"name": "was-elsewhere", "roleId": "role-123"}, dev)
    with pytest.raises(Killed):
        apply.create(kind, spec, journal=KilledJournal(tmp_path, before_record=True), owner=dev2)
    [orphan] = [k.id for k in client.core.api_keys.list() if k.name == "renamed-into"]
    service.update(devs_key, state, spec, owner=dev)
    assert sorted(k.id for k in client.core.api_keys.list() if k.name == "renamed-into") == sorted(
        [orphan, devs_key]
    )
    object_id, _ = apply.create(kind, spec, journal=Journal(tmp_path), owner=dev2)
    assert object_id == orphan


def test_an_object_no_rival_explains_is_still_refused_when_two_remain(
    client: VideoKitClient, tmp_path: Path
) -> None:
    """A third object of the name made by hand after the create began: no guess is made."""
    kind = ChannelKind(client, Settings(poll_seconds=0.05))
    spec = {**CH, "name": "crowded"}
    with pytest.raises(Killed):
        apply.create(kind, spec, journal=KilledJournal(tmp_path, before_record=True), owner=OWNER)
    by_hand = client.live.channels.create(spec)
    assert len(named(client, "crowded")) == 2 and by_hand in named(client, "crowded")
    with pytest.raises(apply.AdoptionError, match="2 existing Channel objects share the name"):
        apply.create(kind, spec, journal=Journal(tmp_path), owner=OWNER)
    assert len(named(client, "crowded")) == 2


def test_a_409_is_an_error_every_time_and_names_the_way_out(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    url = "https://taken.journal.example.com"
    theirs = client.streaming.domains.create(url)
    journal = Journal(tmp_path)
    kind = AllowedDomainKind(client, Settings())
    for _ in range(2):
        with pytest.raises(AlreadyExistsError) as failed:
            apply.create(kind, {"url": url + "/"}, journal=journal, owner=OWNER)
        message = str(failed.value)
        assert theirs.player_domain_id in message and "aliases" in message and "adopt: true" in message
        assert journal.attempts() == []
    assert posts(emulator, "/streaming/v1/domains") == [200, 409, 409]  # theirs, then ours twice
    assert [d.player_domain_id for d in client.streaming.domains.list() if d.url == url] == [
        theirs.player_domain_id
    ]


def test_a_lost_409_answer_never_takes_over_the_domain_that_was_there(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    url = "https://lost-answer.journal.example.com"
    theirs = client.streaming.domains.create(url)
    emulator.ctx.faults.replace(
        [FaultRule(kind="drop", every=1, method="POST", path="^/streaming/v1/domains$")]
    )
    kind = AllowedDomainKind(client, Settings())
    with pytest.raises((AlreadyExistsError, VideoKitError)):
        apply.create(kind, {"url": url}, journal=Journal(tmp_path), owner=OWNER, sleep=lambda _s: None)
    assert emulator.ctx.faults.injected["drop"] >= 1
    assert [d.player_domain_id for d in client.streaming.domains.list() if d.url == url] == [
        theirs.player_domain_id
    ]


def test_an_orphan_that_cannot_become_the_declaration_is_removed(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    kind = AllowedDomainKind(client, Settings())
    old, new = "https://before.journal.example.com", "https://after.journal.example.com"
    with pytest.raises(Killed):
        apply.create(kind, {"url": old}, journal=KilledJournal(tmp_path), owner=OWNER)
    assert [d.url for d in client.streaming.domains.list() if d.url == old] == [old]
    # The user changed the URL (create-only) before the next run: the orphan is ours, and goes.
    object_id, _ = apply.create(kind, {"url": new}, journal=Journal(tmp_path), owner=OWNER)
    urls = {d.url for d in client.streaming.domains.list()}
    assert old not in urls and new in urls
    assert [d.player_domain_id for d in client.streaming.domains.list() if d.url == new] == [object_id]


def test_an_attempt_too_old_is_not_recovered(client: VideoKitClient, tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    attempt = journal.begin(OWNER, "Channel", {"name": "ancient"})
    assert journal.sent(attempt, [])
    attempt.started -= MAX_AGE_SECONDS + 1
    journal._write(attempt)
    assert journal.pending(OWNER) is None and journal.attempts() == []


def test_asset_settings_killed_after_the_patch_still_restore_the_originals(
    client: VideoKitClient, tmp_path: Path
) -> None:
    cid = client.live.channels.create(CH)
    asset = client.live.events.create(
        {"channelId": cid, "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"}
    )
    original = client.streaming.assets.get(asset).settings
    kind = AssetSettingsKind(client, Settings())
    spec = {"assetId": asset, "analytics": "Disabled", "cap": "Disabled"}

    class KilledAfterPatch(Journal):
        def made(self, attempt: Attempt, object_id: str, memo: Mapping[str, Any] | None = None) -> None:
            super().made(attempt, object_id, memo)
            client.streaming.assets.update_settings(asset, {"analytics": "Disabled", "cap": "Disabled"})
            raise Killed

    with pytest.raises(Killed):
        apply.create(kind, spec, journal=KilledAfterPatch(tmp_path), owner=OWNER)
    assert client.streaming.assets.get(asset).settings != original
    _, outputs = apply.create(kind, spec, journal=Journal(tmp_path), owner=OWNER)
    # The asset inherited the tenant's values: destroy hands them back to the tenant.
    assert outputs["previous"] == {"analytics": "Inherit", "cap": "Inherit"}
    apply.delete(kind, asset, {**spec, **outputs}, journal=Journal(tmp_path), owner=OWNER)
    assert client.streaming.assets.get(asset).settings == original


def test_a_5xx_create_is_looked_up_then_sent_again(client: VideoKitClient, emulator: RunningEmulator) -> None:
    emulator.ctx.faults.replace([FaultRule(kind="503", every=1, method="POST", path="^/live/v1/channels$")])
    kind = ChannelKind(client, Settings())
    calls: list[float] = []

    def sleep(seconds: float) -> None:
        calls.append(seconds)
        emulator.ctx.faults.replace([])

    cid, _ = apply.create(kind, {**CH, "name": "after-503"}, sleep=sleep)
    methods = [
        (r["method"], r["path"], r["status"])
        for r in emulator.ctx.requests
        if r["path"].startswith("/live/v1/channels")
    ]
    # What has the name before the POST is never this create's own; then the POST, then a lookup.
    assert methods[:3] == [
        ("GET", "/live/v1/channels", 200),
        ("POST", "/live/v1/channels", 503),
        ("GET", "/live/v1/channels", 200),
    ]
    assert [c.id for c in client.live.channels.list() if c.name == "after-503"] == [cid]
    assert len(calls) == 1


def test_a_malformed_journal_file_is_ignored_not_a_crash(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    (tmp_path / "0000.json").write_text('{"owner": "x", "kind": "Channel", "token": "t", "started": null}')
    (tmp_path / "0001.json").write_text("not json")
    (tmp_path / "0002.json").write_text('{"owner": "o/p/s/Channel/j", "kind": "Channel", "started": 1.0}')
    journal = Journal(tmp_path)
    assert journal.attempts() == [] and journal.pending(OWNER) is None
    kind = ChannelKind(client, Settings(poll_seconds=0.05))
    object_id, _ = apply.create(kind, {**CH, "name": "after-garbage"}, journal=journal, owner=OWNER)
    assert named(client, "after-garbage") == [object_id]
    # A file no attempt can be read from may be a newer version's: it goes only once as old as
    # an attempt too old to recover.
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["0000.json", "0001.json", "0002.json"]
    for name in ("0000.json", "0001.json"):
        os.utime(tmp_path / name, (1, 1))
    journal.prune()
    assert sorted(p.name for p in tmp_path.glob("*.json")) == ["0002.json"]


def test_an_object_another_resource_adopted_is_never_resumed(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    kind = AllowedDomainKind(client, Settings())
    url = "https://adopted-orphan.journal.example.com"
    with pytest.raises(Killed):
        apply.create(kind, {"url": url}, journal=KilledJournal(tmp_path), owner=OWNER)
    [left] = Journal(tmp_path).attempts()
    assert left.object_id is not None
    # Another stack adopts the object the killed create made ...
    other = scoped(
        "tenant@test", resource_owner("file:///other", "urn:pulumi:s::p::videokit:index:AllowedDomain::x")
    )
    taken, _ = apply.create(kind, {"url": url, "adopt": True}, journal=Journal(tmp_path), owner=other)
    assert taken == left.object_id
    # ... so the killed resource's next create neither takes it nor deletes it: it is refused.
    with pytest.raises(AlreadyExistsError):
        apply.create(kind, {"url": url}, journal=Journal(tmp_path), owner=OWNER)
    # Declared with another URL now, it makes its own domain and leaves the adopted one alone.
    moved = url.replace("adopted", "moved")
    mine, _ = apply.create(kind, {"url": moved}, journal=Journal(tmp_path), owner=OWNER)
    assert mine != taken
    assert [d.player_domain_id for d in client.streaming.domains.list() if d.url == url] == [taken]
    assert [d.player_domain_id for d in client.streaming.domains.list() if d.url == moved] == [mine]


def test_an_answer_the_engine_never_got_stays_journaled(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    kind = ChannelKind(client, Settings(poll_seconds=0.05))
    journal = Journal(tmp_path)
    # The engine was killed while the plugin finished the create: nobody took the answer.
    made, _ = apply.create(
        kind, {**CH, "name": "undelivered"}, journal=journal, owner=OWNER, delivered=lambda: False
    )
    [left] = journal.attempts()
    assert left.object_id == made
    emulator.ctx.requests.clear()
    again, _ = apply.create(kind, {**CH, "name": "undelivered"}, journal=journal, owner=OWNER)
    assert again == made and posts(emulator, "/live/v1/channels") == []
    assert journal.attempts() == [] and named(client, "undelivered") == [made]


def test_a_retried_create_never_takes_what_another_stack_made_meanwhile(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    """Stack B's create of the same name lands while A's POST is in flight, and A's POST then
    fails with 503 (never carried out): A's lookup must not take B's channel."""
    spec = {**CH, "name": "raced"}
    other = scoped(
        "tenant@test", resource_owner("file:///other", "urn:pulumi:s::p::videokit:index:Channel::j")
    )
    theirs: list[str] = []

    class Racing(ChannelKind):
        def create(self, inputs: Mapping[str, Any], created: Any) -> Any:
            if not theirs:
                theirs.append(
                    apply.create(
                        ChannelKind(client, Settings()), spec, journal=Journal(tmp_path), owner=other
                    )[0]
                )
                emulator.ctx.faults.replace(
                    [FaultRule(kind="503", every=1, method="POST", path="^/live/v1/channels$")]
                )
            return super().create(inputs, created)

    with pytest.raises(VideoKitError):
        apply.create(
            Racing(client, Settings()), spec, journal=Journal(tmp_path), owner=OWNER, sleep=lambda _s: None
        )
    assert emulator.ctx.faults.injected["503"] >= 1
    assert named(client, "raced") == theirs  # B's, untouched; A made nothing and took nothing
    # The outcome of A's create is unknown to it: its attempt stays, with B's id claimed.
    [left] = Journal(tmp_path).attempts()
    assert left.owner == OWNER and theirs[0] in left.existing


def test_a_key_recovered_after_a_kill_is_brought_to_its_declaration(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    kind = ApiKeyKind(client, Settings())
    with pytest.raises(Killed):
        apply.create(
            kind, {"name": "killed-key", "roleId": "role-123"}, journal=KilledJournal(tmp_path), owner=OWNER
        )
    [left] = Journal(tmp_path).attempts()
    emulator.ctx.requests.clear()
    # The declaration changed before the next run.
    key_id, _ = apply.create(
        kind, {"name": "killed-key-2", "roleId": "role-456"}, journal=Journal(tmp_path), owner=OWNER
    )
    assert key_id == left.object_id
    assert not [r for r in emulator.ctx.requests if r["method"] == "POST"]
    assert [(k.name, k.role_id) for k in client.core.api_keys.list() if k.id == key_id] == [
        ("killed-key-2", "role-456")
    ]


def test_attempts_are_scoped_to_a_tenant_and_stale_temp_files_go(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    urn = resource_owner("file:///backend", "urn:pulumi:s::p::videokit:index:Channel::j")
    assert journal.sent(journal.begin(scoped("tenant-a@x", urn), "Channel", {"name": "n"}), [])
    assert journal.pending(scoped("tenant-b@x", urn)) is None
    assert journal.pending(scoped("tenant-a@x", urn)) is not None
    stale = tmp_path / ".attempt-dead"
    stale.write_text("{")
    os.utime(stale, (1, 1))
    journal.prune()
    assert not stale.exists() and len(journal.attempts()) == 1


def test_the_backend_is_read_as_the_cli_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home, project = tmp_path / "home", tmp_path / "project"
    home.mkdir()
    project.mkdir()
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    monkeypatch.setenv("PULUMI_HOME", str(home))
    assert backend_url(project) == ""
    _configured_backend.cache_clear()  # read once per process: a run's files do not change under it
    (home / "credentials.json").write_text(json.dumps({"current": "https://api.pulumi.com"}))
    assert backend_url(project) == "https://api.pulumi.com"
    _configured_backend.cache_clear()
    (project / "Pulumi.yaml").write_text("name: p\nruntime: yaml\nbackend:\n  url: file:///state\n")
    assert backend_url(project) == "file:///state"
    monkeypatch.setenv("PULUMI_BACKEND_URL", "s3://bucket")
    assert backend_url(project) == "s3://bucket"


def test_a_resumed_create_whose_recovery_fails_is_half_created_with_the_resumed_id(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    """A create journaled with its memo (AssetSettings: what it found) and killed before its PATCH;
    the next run resumes it, and its PATCH fails: the object is half created, named by its id."""
    from pulumi_videokit.reconcile.errors import HalfCreated

    from .conftest import make_client

    client = make_client(emulator.url, retry_total_seconds=0.5, backoff_base_seconds=0.01)
    cid = client.live.channels.create(CH)
    asset = client.live.events.create(
        {"channelId": cid, "start": "2030-01-01T10:00:00Z", "end": "2030-01-01T11:00:00Z"}
    )
    original = client.streaming.assets.get(asset).settings
    kind = AssetSettingsKind(client, Settings())
    spec = {"assetId": asset, "analytics": "Disabled"}
    with pytest.raises(Killed):
        apply.create(kind, spec, journal=KilledJournal(tmp_path), owner=OWNER)
    prior = Journal(tmp_path).pending(OWNER)
    assert (
        prior is not None
        and prior.object_id == asset
        and prior.memo == {"previous": {"analytics": "Inherit"}}
    )
    settings = f"^/streaming/v1/assets/{asset}/settings$"
    emulator.ctx.faults.replace([FaultRule(kind="500", every=1, method="PATCH", path=settings)])
    emulator.ctx.requests.clear()
    with pytest.raises(HalfCreated) as err:
        apply.create(kind, spec, journal=Journal(tmp_path), owner=OWNER)
    assert err.value.object_id == asset and isinstance(err.value.cause, VideoKitError)
    patches = [r["status"] for r in emulator.ctx.requests if r["method"] == "PATCH"]
    assert patches and set(patches) == {500}
    assert client.streaming.assets.get(asset).settings == original
    # The service keeps the half-made object in state; the attempt is over.
    assert Journal(tmp_path).pending(OWNER) is None


class ReadMidCreate(Journal):
    """Another resource's claim reads the directory while this create's POST is answered."""

    stale: list[Attempt]

    def made(self, attempt: Attempt, object_id: str, memo: Mapping[str, Any] | None = None) -> None:
        self.stale = Journal(self.directory).attempts()
        super().made(attempt, object_id, memo)


def test_a_claim_read_before_a_create_finished_never_brings_its_attempt_back(
    client: VideoKitClient, tmp_path: Path
) -> None:
    """The retained-channel sequence: a channel is created while another resource's claim holds a
    copy of its attempt; the claim lands after the create finished; the channel is retained and
    its entry reused with a new name. The new entry makes a new channel, never takes the old one."""
    kind = ChannelKind(client, Settings(poll_seconds=0.05))
    journal = ReadMidCreate(tmp_path)
    keeper, _ = apply.create(kind, {**CH, "name": "keeper"}, journal=journal, owner=OWNER)
    [copy] = journal.stale
    assert copy.owner == OWNER and copy.object_id is None  # read while the POST was in flight
    assert journal.attempts() == []
    other = client.live.channels.create({**CH, "name": "another"})
    journal.claimed(copy, other)  # what `claim` does with the copy it read
    assert journal.attempts() == []
    reused, _ = apply.create(kind, {**CH, "name": "keeper-2"}, journal=Journal(tmp_path), owner=OWNER)
    assert reused != keeper
    assert named(client, "keeper") == [keeper] and named(client, "keeper-2") == [reused]


def test_concurrent_creates_and_claims_leave_no_attempt_behind(
    client: VideoKitClient, tmp_path: Path
) -> None:
    """Twenty creates on four threads, each claiming what it made against the others' attempts."""
    from concurrent.futures import ThreadPoolExecutor

    kind = ChannelKind(client, Settings(poll_seconds=0.05))
    journal = Journal(tmp_path)

    def one(n: int) -> str:
        owner = scoped(
            "tenant@test", resource_owner("file:///b", f"urn:pulumi:s::p::videokit:index:Channel::c{n}")
        )
        return apply.create(kind, {**CH, "name": f"crowd-{n}"}, journal=journal, owner=owner)[0]

    with ThreadPoolExecutor(4) as pool:
        made = list(pool.map(one, range(20)))
    assert len(set(made)) == 20
    assert journal.attempts() == []


def test_creates_learn_what_exists_from_one_listing_per_kind(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    """Forty domains: one List Allowed Domains answers every create's question of what already
    carries its URL (a question about one domain would cost the same listing), and each create
    then sends its POST alone."""
    kind = AllowedDomainKind(client, Settings())
    journal = Journal(tmp_path)
    emulator.ctx.requests.clear()
    for n in range(40):
        apply.create(kind, {"url": f"https://d{n}.index.example.com"}, journal=journal, owner=f"{OWNER}-{n}")
    sent = [(r["method"], r["path"]) for r in emulator.ctx.requests]
    assert sent == [("GET", "/streaming/v1/domains")] + [("POST", "/streaming/v1/domains")] * 40
    assert kind._index.listings == 1 and journal.attempts() == []


def test_the_key_index_lists_again_once_old_or_after_a_lost_answer() -> None:
    now = [0.0]
    listed: list[tuple[str, str]] = [("a", "one")]
    asked: list[str] = []

    def ask() -> list[str]:
        asked.append("one")
        return [i for i, k in listed if k == "one"]

    index = KeyIndex(lambda: list(listed), clock=lambda: now[0], max_age=10, asks=1)
    assert index.ids("one", ask) == ["a"] and asked == ["one"] and index.listings == 0
    assert index.ids("one", ask) == ["a"] and index.listings == 1
    listed.append(("b", "one"))  # made elsewhere after the listing
    index.add("two", "c")  # made by this process
    now[0] = 9.0
    assert index.ids("one", ask) == ["a"] and index.ids("two", ask) == ["c"] and index.listings == 1
    # Old: the next window asks once (the last listing took one page), then lists.
    now[0] = 10.5
    assert index.ids("one", ask) == ["a", "b"] and asked == ["one", "one"] and index.listings == 1
    listed.append(("d", "one"))
    assert index.ids("one", ask) == ["a", "b", "d"] and index.listings == 2
    listed.append(("e", "one"))
    index.stale()
    assert index.ids("one", ask) == ["a", "b", "d", "e"] and len(asked) == 3


def test_a_small_up_asks_and_never_lists() -> None:
    listings: list[int] = []
    index = KeyIndex(lambda: listings.append(1) or [], asks=3)
    for _ in range(3):
        assert index.ids("k", lambda: ["x"]) == ["x"]
    assert listings == [] and index.listings == 0
    assert index.ids("k", lambda: ["x"]) == [] and index.listings == 1


def test_a_create_cut_off_before_its_post_made_nothing_and_takes_nothing(
    client: VideoKitClient, tmp_path: Path
) -> None:
    """The attempt is written before the lookup, so a kill between the two leaves an attempt that
    was never sent: the next run creates, and never takes the channel made meanwhile by hand."""
    journal = Journal(tmp_path)
    left = journal.begin(OWNER, "Channel", {"name": "unsent"})
    assert not left.sent and journal.pending(OWNER) is None
    assert [a.token for a in journal.attempts()] == [left.token]
    by_hand = client.live.channels.create({**CH, "name": "unsent"})
    kind = ChannelKind(client, Settings(poll_seconds=0.05))
    object_id, _ = apply.create(kind, {**CH, "name": "unsent"}, journal=journal, owner=OWNER)
    assert object_id != by_hand and sorted(named(client, "unsent")) == sorted([by_hand, object_id])
    assert journal.attempts() == []


def test_a_claim_between_begin_and_the_lookup_is_kept(client: VideoKitClient, tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    attempt = journal.begin(OWNER, "Channel", {"name": "claimed-early"})
    [copy] = journal.attempts()
    journal.claimed(copy, "someone-elses")
    journal.sent(attempt, ["there-before"])
    [now] = journal.attempts()
    assert now.sent and sorted(now.existing) == ["someone-elses", "there-before"]


def test_a_retried_create_never_takes_what_another_resource_was_answered_with(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    """Another resource's create of the name is answered (its id journaled) and then cut off
    before it claims; this create's POST fails with 503 meanwhile. The retry's lookup finds the
    other's channel, which its journaled answer names as the other's: this create sends again."""
    spec = {**CH, "name": "answered-elsewhere"}
    other = scoped(
        "tenant@test", resource_owner("file:///other", "urn:pulumi:s::p::videokit:index:Channel::o")
    )
    theirs: list[str] = []

    class Racing(ChannelKind):
        def create(self, inputs: Mapping[str, Any], created: Any) -> Any:
            if not theirs:
                with pytest.raises(Killed):
                    apply.create(
                        ChannelKind(client, Settings()), spec, journal=KilledJournal(tmp_path), owner=other
                    )
                theirs.extend(named(client, "answered-elsewhere"))
                emulator.ctx.faults.replace(
                    [FaultRule(kind="503", every=1, method="POST", path="^/live/v1/channels$")]
                )
            return super().create(inputs, created)

    ours, _ = apply.create(
        Racing(client, Settings()),
        spec,
        journal=Journal(tmp_path),
        owner=OWNER,
        sleep=lambda _s: emulator.ctx.faults.replace([]),  # the POST after the lookup goes through
    )
    assert emulator.ctx.faults.injected["503"] >= 1 and len(theirs) == 1
    assert ours != theirs[0] and sorted(named(client, "answered-elsewhere")) == sorted([ours, theirs[0]])
    [left] = Journal(tmp_path).attempts()
    assert left.owner == other and left.object_id == theirs[0]


def test_a_half_created_channel_is_held_so_a_lost_answer_of_the_same_name_never_takes_it(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    """One provider process: A's channel is made but its start fails (it stays in A's state);
    B declares the same name and its first POST fails with 503. B makes its own channel."""
    from pulumi_videokit.reconcile.errors import HalfCreated

    from .conftest import make_client

    quick = make_client(emulator.url, retry_total_seconds=0.5, backoff_base_seconds=0.01)
    kind = ChannelKind(quick, Settings(poll_seconds=0.05))
    kind.index_asks = 0  # a process far into a large up: creates answer from the listing
    journal = Journal(tmp_path)
    spec = {**CH, "name": "half-and-lost"}
    kind.existing(spec)  # the process has listed channels before either create
    assert kind._index.listings == 1
    emulator.ctx.faults.replace([FaultRule(kind="500", rate=1.0, method="POST", path=r"/start$")])
    with pytest.raises(HalfCreated) as half:
        apply.create(kind, {**spec, "running": True}, journal=journal, owner=f"{OWNER}-a")
    assert emulator.ctx.faults.injected["500"] >= 1 and named(client, "half-and-lost") == [
        half.value.object_id
    ]
    # B's first POST fails with 503 (never carried out); the retry's lookup finds A's channel.
    emulator.ctx.faults.replace([FaultRule(kind="503", every=1, method="POST", path="^/live/v1/channels$")])
    b_id, _ = apply.create(
        kind, spec, journal=journal, owner=f"{OWNER}-b", sleep=lambda _s: emulator.ctx.faults.replace([])
    )
    assert emulator.ctx.faults.injected["503"] >= 1
    assert b_id != half.value.object_id
    assert sorted(named(client, "half-and-lost")) == sorted([half.value.object_id, b_id])


def test_an_add_never_waits_for_a_listing_and_survives_the_next() -> None:
    """A create's answer is noted while another create lists the kind; the next listing, which
    does not show it yet, keeps it."""
    release, listing_started = threading.Event(), threading.Event()
    rows: list[tuple[str, str]] = []

    def listing() -> list[tuple[str, str]]:
        listing_started.set()
        assert release.wait(10)
        return list(rows)

    index = KeyIndex(listing, asks=0)
    asking = threading.Thread(target=index.ids, args=("k", list))
    asking.start()
    assert listing_started.wait(10)
    index.add("k", "made-here")  # returns while the listing is still held
    release.set()
    asking.join(10)
    assert not asking.is_alive()
    index.stale()
    assert index.ids("k", list) == ["made-here"] and index.listings == 2


def test_a_rival_that_never_sent_does_not_stop_a_resume(
    client: VideoKitClient, emulator: RunningEmulator, tmp_path: Path
) -> None:
    """dev and prod are cut off after their POSTs; a third stack's create of the name is cut off
    while it looked up what exists (it sent nothing). dev still resumes its own channel."""
    spec = {**CH, "name": "three-ways"}
    owners = {
        label: scoped(
            "tenant@test", resource_owner("file:///b", f"urn:pulumi:{label}::p::videokit:index:Channel::t")
        )
        for label in ("dev", "prod", "test")
    }
    made: dict[str, str] = {}
    for label in ("dev", "prod"):
        before = set(named(client, spec["name"]))
        with pytest.raises(Killed):
            apply.create(
                ChannelKind(client, Settings(poll_seconds=0.05)),
                spec,
                journal=KilledJournal(tmp_path, before_record=True),
                owner=owners[label],
            )
        [made[label]] = set(named(client, spec["name"])) - before
    Journal(tmp_path).begin(owners["test"], "Channel", {"name": spec["name"]})
    assert sorted(a.sent for a in Journal(tmp_path).attempts()) == [False, True, True]
    object_id, _ = apply.create(
        ChannelKind(client, Settings(poll_seconds=0.05)), spec, journal=Journal(tmp_path), owner=owners["dev"]
    )
    assert object_id == made["dev"]


def test_attempt_files_keep_the_shape_earlier_versions_read(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    attempt = journal.begin(OWNER, "Channel", {"name": "shape"})
    assert [p.suffix for p in tmp_path.iterdir() if not p.name.startswith(".")] == [".unsent"]
    journal.sent(attempt, ["x"])
    [path] = [p for p in tmp_path.iterdir() if p.suffix == ".json"]
    assert set(json.loads(path.read_text())) == {
        "owner",
        "kind",
        "token",
        "started",
        "key",
        "existing",
        "object_id",
        "memo",
    }
    assert [p.suffix for p in tmp_path.iterdir() if not p.name.startswith(".")] == [".json"]


def test_a_claim_reaches_an_attempt_sent_after_the_claimer_read_it(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    attempt = journal.begin(OWNER, "Channel", {"name": "promoted"})
    [copy] = journal.attempts()
    assert not copy.sent
    assert journal.sent(attempt, [])  # promoted to its .json after the claimer's read
    journal.claimed(copy, "someone-elses")
    [now] = journal.attempts()
    assert now.sent and now.existing == ["someone-elses"]


def test_a_run_never_replaces_an_attempt_whose_answer_came_after_it_was_judged(tmp_path: Path) -> None:
    """A provider left over from a killed run hears its create answered while the next run,
    which found nothing to resume, looks up what exists: the next run sends nothing, and the
    run after it resumes by the id."""
    journal = Journal(tmp_path)
    zombie = journal.begin(OWNER, "Channel", {"name": "z"})
    assert journal.sent(zombie, [])
    judged = journal.pending(OWNER)
    assert judged is not None and judged.object_id is None
    fresh = journal.begin(OWNER, "Channel", {"name": "z"})
    journal.made(zombie, "answered-late")
    assert not journal.sent(fresh, [], judged)
    left = journal.pending(OWNER)
    assert left is not None and left.object_id == "answered-late"
    # Judged as it still is, it may be replaced.
    again = journal.begin(OWNER, "Channel", {"name": "z"})
    assert journal.sent(again, [], left)


def test_attempt_files_with_fields_of_other_versions_are_read(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    attempt = journal.begin(OWNER, "Channel", {"name": "v"})
    assert journal.sent(attempt, [])
    [path] = tmp_path.glob("*.json")
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "sent": True, "added_later": 1}))
    left = journal.pending(OWNER)
    assert left is not None and left.token == attempt.token


def test_a_resumed_create_ends_the_lookup_a_killed_run_left_unsent(
    client: VideoKitClient, tmp_path: Path
) -> None:
    kind = ChannelKind(client, Settings(poll_seconds=0.05))
    with pytest.raises(Killed):
        apply.create(kind, {**CH, "name": "resumed-later"}, journal=KilledJournal(tmp_path), owner=OWNER)
    Journal(tmp_path).begin(OWNER, "Channel", {"name": "resumed-later"})  # the next run, killed mid-lookup
    assert sorted(a.sent for a in Journal(tmp_path).attempts()) == [False, True]
    object_id, _ = apply.create(kind, {**CH, "name": "resumed-later"}, journal=Journal(tmp_path), owner=OWNER)
    assert named(client, "resumed-later") == [object_id]
    assert Journal(tmp_path).attempts() == []


def test_a_listing_begun_before_a_lost_answer_is_not_trusted_after_it() -> None:
    during: list[KeyIndex] = []

    def listing() -> list[tuple[str, str]]:
        during[0].stale()  # a create's answer is lost while this listing runs
        return []

    index = KeyIndex(listing, asks=0)
    during.append(index)
    assert index.ids("k", list) == [] and index.listings == 1
    assert index.ids("k", list) == [] and index.listings == 2  # the listing was not trusted


LOCK_HOLDER = """
import sys
from pathlib import Path
from pulumi_videokit.reconcile.journal import Journal
with Journal(Path(sys.argv[1]))._lock():
    print("locked", flush=True)
    sys.stdin.readline()
"""


def test_another_process_holding_the_journal_lock_makes_a_claim_wait(tmp_path: Path) -> None:
    """Two plugins (two stacks' runs) share the directory: a claim waits for the other's lock."""
    import subprocess
    import sys

    journal = Journal(tmp_path)
    attempt = journal.begin(OWNER, "Channel", {"name": "across-processes"})
    assert journal.sent(attempt, [])
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(tmp_path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        claiming = threading.Thread(target=journal.claimed, args=(attempt, "theirs"))
        claiming.start()
        claiming.join(1.0)
        assert claiming.is_alive()  # held by the other process
        assert journal.attempts()[0].existing == []
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(10)
    claiming.join(10)
    assert not claiming.is_alive() and journal.attempts()[0].existing == ["theirs"]


def test_a_state_written_with_an_owner_property_diffs_clean() -> None:
    """States from before the dynamic door read the owner from the URN carry `__owner`."""
    from pulumi_videokit.reconcile.service import Service

    config = {"api_key": "k", "tenant_id": "00000000-0000-0000-0000-000000000001", "endpoint": "http://127.0.0.1:9"}
    service = Service(AllowedDomainKind, config)
    olds = {"url": "https://a.example.com", "__owner": "x|urn", "playerDomainId": "p", "analyticsDomainId": "a"}
    news = {"url": "https://a.example.com", "playerDomainId": None, "analyticsDomainId": None}
    decided = service.diff("p", olds, news)
    assert not decided.plan.has_changes and decided.detailed == {}
