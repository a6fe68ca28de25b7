"""``videokit export``'s filters, run as the real command against a real emulator over a socket.

The tenant is an emulator of this module's own (the session's shared one holds other tests'
objects), seeded through the client in two batches a moment apart, so ``--since`` has a boundary
to cut at. Config comes from the VIDEOKIT_* environment variables, as in CI.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from ruamel.yaml import YAML

from pulumi_videokit.cli import main
from pulumi_videokit.emulator import RunningEmulator, running
from pulumi_videokit.models._base import format_time

from .conftest import API_KEY, TENANT_ID, emulator_config, make_client

INPUT = {"type": "RTMP_PUSH", "inputLoss": {"type": "SLATE"}}


@dataclass
class Tenant:
    emu: RunningEmulator
    ids: dict[str, str]  # readable label → object id
    cut: str  # the create date of the first object of the second batch


@pytest.fixture(scope="module")
def tenant() -> Iterator[Tenant]:
    with running(emulator_config()) as emu:
        api = make_client(emu.url)
        ids: dict[str, str] = {}
        ids["arena"] = api.live.channels.create({"name": "arena-1", "input": INPUT})
        ids["studio"] = api.live.channels.create({"name": "studio-b", "input": INPUT})
        for label, channel, title, day in (
            ("final", "arena", "Final", "12"),
            ("semi", "arena", "Semi final", "11"),
            ("talk", "studio", "Talk", "10"),
            ("arena-opening", "studio", "arena opening", "09"),
        ):
            ids[label] = api.live.events.create(
                {
                    "channelId": ids[channel],
                    "start": f"2030-06-{day}T18:00:00Z",
                    "end": f"2030-06-{day}T20:00:00Z",
                    "title": title,
                }
            )
        ids["arena-domain"] = api.streaming.domains.create("https://arena.example.com").player_domain_id or ""
        ids["other-domain"] = api.streaming.domains.create("https://other.example.com").player_domain_id or ""
        ids["arena-key"] = api.core.api_keys.create({"name": "arena-encoder", "roleId": "role-456"}).id
        ids["ci-key"] = api.core.api_keys.create({"name": "ci-bot", "roleId": "role-123"}).id
        time.sleep(0.05)
        # The second batch: created after the cut.
        ids["late"] = api.live.channels.create({"name": "arena-late", "input": INPUT})
        ids["late-event"] = api.live.events.create(
            {
                "channelId": ids["studio"],
                "start": "2030-07-01T18:00:00Z",
                "end": "2030-07-01T19:00:00Z",
                "title": "Late show",
            }
        )
        ids["late-key"] = api.core.api_keys.create({"name": "late-key", "roleId": "role-123"}).id
        late = api.live.channels.get(ids["late"])
        assert late.create_date is not None
        yield Tenant(emu, ids, format_time(late.create_date))
        assert emu.ctx.undocumented == [], sorted(set(emu.ctx.undocumented))


def export(tenant: Tenant, *args: str) -> Result:
    env = {"VIDEOKIT_ENDPOINT": tenant.emu.url, "VIDEOKIT_TENANT_ID": TENANT_ID, "VIDEOKIT_API_KEY": API_KEY}
    return CliRunner().invoke(main, ["export", *args], env=env)


def adopted(result: Result) -> dict[str, dict[str, dict[str, Any]]]:
    """section → {adopted id → entry}, read back from the exported YAML."""
    assert result.exit_code == 0, result.output
    assert API_KEY not in result.output
    doc = YAML(typ="safe").load(result.stdout) or {}
    return {section: {e["adopt"]: e for e in entries.values()} for section, entries in doc.items()}


def ids(tenant: Tenant, *labels: str) -> set[str]:
    return {tenant.ids[label] for label in labels}


ALL_CHANNELS = ("arena", "studio", "late")
ALL_EVENTS = ("final", "semi", "talk", "arena-opening", "late-event")
ALL_KEYS = ("arena-key", "ci-key", "late-key")


def test_without_filters_everything_is_exported(tenant: Tenant) -> None:
    out = adopted(export(tenant))
    assert set(out) == {"channels", "events", "domains", "apiKeys"}
    assert set(out["channels"]) == ids(tenant, *ALL_CHANNELS)
    assert set(out["events"]) == ids(tenant, *ALL_EVENTS)
    assert set(out["domains"]) == ids(tenant, "arena-domain", "other-domain")
    assert set(out["apiKeys"]) == ids(tenant, *ALL_KEYS)
    # An exported channel is named by the events on it.
    assert out["events"][tenant.ids["final"]]["channel"] == "arena-1"


def test_kinds_keeps_only_those_sections(tenant: Tenant) -> None:
    result = export(tenant, "--kinds", "events,domains")
    out = adopted(result)
    assert set(out) == {"events", "domains"}
    assert set(out["events"]) == ids(tenant, *ALL_EVENTS)
    assert set(out["domains"]) == ids(tenant, "arena-domain", "other-domain")
    # Without the channels in the file, an event names its channel by id.
    final = out["events"][tenant.ids["final"]]
    assert final["channelId"] == tenant.ids["arena"] and "channel" not in final
    assert result.stderr.strip().endswith("5 events, 2 domains")
    # Kind names and singulars are accepted too; the order of the file stays the sections' own.
    assert set(adopted(export(tenant, "--kinds", "ApiKey, channel"))) == {"channels", "apiKeys"}


def test_an_unknown_kind_is_an_error(tenant: Tenant) -> None:
    result = export(tenant, "--kinds", "events,widgets")
    assert result.exit_code == 1
    assert "'widgets' is not a kind" in result.stderr and result.stdout == ""


def test_name_prefix_matches_names_titles_and_hosts(tenant: Tenant) -> None:
    out = adopted(export(tenant, "--name-prefix", "arena"))
    assert set(out["channels"]) == ids(tenant, "arena", "late")  # not studio-b
    assert set(out["events"]) == ids(tenant, "arena-opening")  # by title, whatever the channel
    assert set(out["domains"]) == ids(tenant, "arena-domain")  # by host, without the scheme
    assert set(out["apiKeys"]) == ids(tenant, "arena-key")
    # A prefix is case-sensitive, as names are.
    assert "events" not in adopted(export(tenant, "--name-prefix", "Final-", "--kinds", "events"))


def test_channel_keeps_that_channel_and_its_events_only(tenant: Tenant) -> None:
    by_name = adopted(export(tenant, "--channel", "arena-1", "--kinds", "channels,events"))
    assert set(by_name["channels"]) == ids(tenant, "arena")
    assert set(by_name["events"]) == ids(tenant, "final", "semi")
    assert {e["channel"] for e in by_name["events"].values()} == {"arena-1"}

    by_id = adopted(export(tenant, "--channel", tenant.ids["studio"], "--kinds", "events"))
    assert set(by_id) == {"events"}
    assert set(by_id["events"]) == ids(tenant, "talk", "arena-opening", "late-event")
    assert {e["channelId"] for e in by_id["events"].values()} == {tenant.ids["studio"]}

    both = adopted(
        export(tenant, "--channel", "arena-1", "--channel", "studio-b", "--kinds", "channels,events")
    )
    assert set(both["channels"]) == ids(tenant, "arena", "studio")
    assert set(both["events"]) == ids(tenant, "final", "semi", "talk", "arena-opening", "late-event")

    # Kinds that belong to no channel are not narrowed by it.
    whole = adopted(export(tenant, "--channel", "arena-1"))
    assert set(whole["domains"]) == ids(tenant, "arena-domain", "other-domain")
    assert set(whole["apiKeys"]) == ids(tenant, *ALL_KEYS)


def test_a_channel_that_does_not_exist_is_an_error(tenant: Tenant) -> None:
    # A typo must not export an empty tenant: committed, that file would declare nothing.
    result = export(tenant, "--channel", "arena-2", "--kinds", "channels,events")
    assert result.exit_code == 1, result.output
    assert "arena-2" in result.stderr and result.stdout == ""


def test_since_cuts_by_create_date(tenant: Tenant) -> None:
    result = export(tenant, "--since", tenant.cut)
    out = adopted(result)
    assert set(out["channels"]) == ids(tenant, "late")  # at the cut itself: included
    assert set(out["events"]) == ids(tenant, "late-event")
    assert set(out["apiKeys"]) == ids(tenant, "late-key")
    # Domains carry no create date: --since keeps them all.
    assert set(out["domains"]) == ids(tenant, "arena-domain", "other-domain")
    # The late event's channel was created before the cut: it is named by id.
    assert out["events"][tenant.ids["late-event"]]["channelId"] == tenant.ids["studio"]

    # A time without an offset is UTC; one far in the past keeps everything, the future nothing.
    assert set(adopted(export(tenant, "--since", "2000-01-01T00:00:00"))["channels"]) == ids(
        tenant, *ALL_CHANNELS
    )
    future = adopted(
        export(tenant, "--since", "2999-01-01T00:00:00+02:00", "--kinds", "channels,events,apiKeys")
    )
    assert future == {}


def test_a_bad_since_is_an_error(tenant: Tenant) -> None:
    result = export(tenant, "--since", "last tuesday")
    assert result.exit_code == 1 and "not an ISO 8601 time" in result.stderr


def test_filters_combine(tenant: Tenant) -> None:
    out = adopted(
        export(tenant, "--channel", "studio-b", "--since", tenant.cut, "--kinds", "channels,events")
    )
    assert set(out) == {"events"}  # studio-b itself is older than the cut
    assert set(out["events"]) == ids(tenant, "late-event")


def test_missing_config_is_an_error_naming_it(tenant: Tenant) -> None:
    result = CliRunner().invoke(
        main,
        ["export"],
        env={"VIDEOKIT_ENDPOINT": tenant.emu.url, "VIDEOKIT_TENANT_ID": TENANT_ID, "VIDEOKIT_API_KEY": ""},
    )
    assert result.exit_code == 1 and "videokit:apiKey" in result.stderr


def test_out_and_output_write_what_stdout_shows(tenant: Tenant, tmp_path: Path) -> None:
    shown = export(tenant, "--kinds", "channels,events")
    assert shown.exit_code == 0, shown.output
    one = tmp_path / "tenant.yaml"
    assert export(tenant, "--kinds", "channels,events", "-o", str(one)).stdout == ""
    assert one.read_text() == shown.stdout
    per_kind = tmp_path / "new" / "dir"  # made with its parents
    written = export(tenant, "--kinds", "channels,events,domains", "--out", str(per_kind))
    assert written.exit_code == 0 and written.stdout == ""
    assert sorted(p.name for p in per_kind.iterdir()) == ["channels.yaml", "domains.yaml", "events.yaml"]
    imported = export(tenant, "--format", "pulumi-import", "--out", str(tmp_path / "import"))
    assert imported.exit_code == 0
    assert '"resources"' in (tmp_path / "import" / "import.json").read_text()


@pytest.mark.slow
def test_a_tenant_of_1200_events_exports_to_files_that_load(tmp_path: Path) -> None:
    """More events than one file may hold: --out writes them in as many files as they need, and
    those files load as one set; one file (stdout or -o) is refused, saying to use --out."""
    from pulumi_videokit.gitops import load
    from pulumi_videokit.gitops.loader import MAX_ENTRIES

    count = 1200
    with running(emulator_config()) as emu:  # one event made by the API, copied into a tenant's data
        api = make_client(emu.url)
        channel = api.live.channels.create({"name": "marathon", "input": INPUT})
        api.live.events.create(
            {
                "channelId": channel,
                "start": "2030-06-01T18:00:00Z",
                "end": "2030-06-01T19:00:00Z",
                "title": "Heat",
            }
        )
        data = emu.ctx.store.snapshot()
    (event,) = data["events"].values()
    data["events"] = {
        f"{event['id']}-{n:04d}": {**event, "id": f"{event['id']}-{n:04d}", "title": f"Heat {n:04d}"}
        for n in range(count)
    }
    seed = tmp_path / "tenant.json"
    seed.write_text(json.dumps(data))
    with running(emulator_config(), data=seed) as emu:
        assert len(list(make_client(emu.url).live.events.list())) == count  # the tenant holds them all
        env = {"VIDEOKIT_ENDPOINT": emu.url, "VIDEOKIT_TENANT_ID": TENANT_ID, "VIDEOKIT_API_KEY": API_KEY}
        out = tmp_path / "tenant"
        done = CliRunner().invoke(main, ["export", "--kinds", "channels,events", "--out", str(out)], env=env)
        assert done.exit_code == 0, done.output
        assert sorted(p.name for p in out.iterdir()) == ["channels.yaml", "events-2.yaml", "events.yaml"]
        doc = load(out)
        events = [e for e in doc.entries if e.section == "events"]
        assert len(events) == count and len({e.props["adopt"] for e in events}) == count
        assert max(sum(e.file == str(f) for e in doc.entries) for f in out.iterdir()) == MAX_ENTRIES
        assert {e.refs["channelId"] for e in events} == {"marathon"}  # by name, across files
        one = CliRunner().invoke(main, ["export", "--kinds", "channels,events"], env=env)
        assert one.exit_code == 1 and one.stdout == ""
        assert one.stderr.strip() == (
            f"videokit export: {count + 1} objects are more than one declarations file may hold "
            f"({MAX_ENTRIES}); export them with --out DIR, which writes as many files as they need"
        )
