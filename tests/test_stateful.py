"""A stateful property test at the provider level: random desired states, faults, out-of-band
edits and refreshes, against the emulator over real sockets.

A small stand-in for the engine drives the five providers the way Pulumi does (check, diff,
create/update/replace/delete, read).  Whenever no fault is pending and an apply has finished:
a diff reports no change, the emulator matches the desired state, nothing is duplicated, and
objects the stack does not own are untouched.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from pulumi_videokit.client import NotFoundError, VideoKitClient
from pulumi_videokit.emulator import EmulatorConfig, RunningEmulator, parse_spec, running
from pulumi_videokit.reconcile.kinds import KINDS
from pulumi_videokit.resources import RESOURCES, VideoKitProvider

from . import figures
from .conftest import API_KEY, TENANT_ID, make_client

ASSET = "12345678-1234-1234-1234-123456789abc"
SEED = Path(__file__).resolve().parents[1] / "examples" / "emulator-seed.json"
ORDER = tuple(k.spec.kind for k in KINDS)
PROVIDERS: dict[str, type[VideoKitProvider]] = {
    cls._provider_cls.kind.spec.kind: cls._provider_cls for cls in RESOURCES.values()
}


class _Config:
    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def get(self, key: str) -> str | None:
        return self.values.get(key)


class _Request:
    def __init__(self, values: dict[str, str]) -> None:
        self.config = _Config(values)


class MiniEngine:
    """Check, diff and act on each declared resource as the Pulumi engine does."""

    def __init__(self, url: str, journal: str) -> None:
        config = {
            "videokit:apiKey": API_KEY,
            "videokit:tenantId": TENANT_ID,
            "videokit:endpoint": url,
            "videokit:retryTotalSeconds": "4",
            "videokit:journalDir": journal,
        }
        self.providers = {kind: cls() for kind, cls in PROVIDERS.items()}
        for provider in self.providers.values():
            provider.configure(_Request(config))  # type: ignore[arg-type]
        self.state: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}

    def props(self, key: tuple[str, str], inputs: dict[str, Any]) -> dict[str, Any]:
        props = dict(inputs)
        if key[0] == "Event":
            props["channelId"] = self.state[("Channel", props.pop("channel"))][0]
        props["__owner"] = f"test/stateful/{key[0]}/{key[1]}"
        return props

    def apply(self, desired: dict[tuple[str, str], dict[str, Any]]) -> None:
        for kind in ORDER:
            for key in [k for k in desired if k[0] == kind]:
                provider = self.providers[kind]
                news = self.props(key, desired[key])
                assert provider.check({}, news).failures == []
                if key not in self.state:
                    created = provider.create(news)
                    self.state[key] = (created.id, dict(created.outs or {}))
                    continue
                object_id, outs = self.state[key]
                diff = provider.diff(object_id, outs, news)
                if not diff.changes:
                    continue
                if diff.replaces:
                    provider.delete(object_id, outs)
                    del self.state[key]
                    created = provider.create(news)
                    self.state[key] = (created.id, dict(created.outs or {}))
                else:
                    updated = provider.update(object_id, outs, news)
                    self.state[key] = (object_id, dict(updated.outs or {}))
        for kind in reversed(ORDER):
            for key in [k for k in self.state if k[0] == kind and k not in desired]:
                object_id, outs = self.state[key]
                self.providers[kind].delete(object_id, outs)
                del self.state[key]

    def refresh(self) -> None:
        for key, (object_id, outs) in list(self.state.items()):
            result = self.providers[key[0]].read(object_id, outs)
            if not result.id:
                del self.state[key]
            else:
                self.state[key] = (result.id, {**(result.outs or {}), **(result.inputs or {})})


class VideoKitMachine(RuleBasedStateMachine):
    emulator: RunningEmulator
    journal_dir: str

    def __init__(self) -> None:
        super().__init__()
        self.emu = type(self).emulator
        self.emu.ctx.faults.replace([])
        self.api: VideoKitClient = make_client(self.emu.url)
        self.engine = MiniEngine(self.emu.url, tempfile.mkdtemp(dir=type(self).journal_dir))
        self.desired: dict[tuple[str, str], dict[str, Any]] = {}
        self.fault_pending = False
        self.settled = True
        self.foreign = self._foreign()
        self.settings_before = self.api.streaming.assets.get(ASSET).settings

    def _foreign(self) -> dict[str, Any]:
        data = self.emu.ctx.store.snapshot()
        return {
            "channels": data["channels"].get("legacy-channel-0001"),
            "domains": data["domains"].get("00000000-0000-0000-0000-00000000d001"),
            "apiKeys": data["apiKeys"].get("00000000-0000-0000-0000-00000000k001"),
        }

    def teardown(self) -> None:
        self.emu.ctx.faults.replace([])
        self.desired.clear()
        try:
            self.engine.refresh()
            self.engine.apply({})
        finally:
            assert self._foreign() == self.foreign
            assert self.api.streaming.assets.get(ASSET).settings == self.settings_before

    # ---- desired state ----

    @rule(
        name=st.sampled_from(["alpha", "beta", "gamma"]),
        loss=st.sampled_from(["COLOR", "SLATE"]),
        redundancy=st.sampled_from(["SingleInput", "DoubleInput"]),
        automation=st.booleans(),
    )
    def declare_channel(self, name: str, loss: str, redundancy: str, automation: bool) -> None:
        self.desired[("Channel", name)] = {
            "name": f"sm-{name}",
            "redundancy": redundancy,
            "input": {"type": "RTMP_PUSH", "inputLoss": {"type": loss}},
            "automationDisabled": automation,
        }
        self.settled = False

    @rule(
        channel=st.sampled_from(["alpha", "beta", "gamma"]),
        title=st.sampled_from(["Open", "Close"]),
        hour=st.integers(min_value=8, max_value=11),
    )
    def declare_event(self, channel: str, title: str, hour: int) -> None:
        if ("Channel", channel) not in self.desired:
            return
        self.desired[("Event", f"ev-{channel}")] = {
            "channel": channel,
            "title": title,
            "start": f"2031-05-01T{hour:02d}:00:00Z",
            "end": f"2031-05-01T{hour + 1:02d}:00:00+00:00",
        }
        self.settled = False

    @rule(host=st.sampled_from(["a", "b", "c"]), upper=st.booleans())
    def declare_domain(self, host: str, upper: bool) -> None:
        url = f"https://{host}.sm.example.com/"
        self.desired[("AllowedDomain", host)] = {
            "url": url.upper().replace("HTTPS", "https") if upper else url
        }
        self.settled = False

    @rule(name=st.sampled_from(["k1", "k2"]), role=st.sampled_from(["role-123", "role-456"]))
    def declare_key(self, name: str, role: str) -> None:
        self.desired[("ApiKey", name)] = {"name": f"sm-{name}", "roleId": role}
        self.settled = False

    @rule(
        analytics=st.sampled_from(["Enabled", "Disabled", None]), cap=st.sampled_from(["Enabled", "Disabled"])
    )
    def declare_settings(self, analytics: str | None, cap: str) -> None:
        spec = {"assetId": ASSET, "cap": cap}
        if analytics:
            spec["analytics"] = analytics
        self.desired[("AssetSettings", "promo")] = spec
        self.settled = False

    @rule(data=st.data())
    def undeclare(self, data: st.DataObject) -> None:
        if not self.desired:
            return
        key = data.draw(st.sampled_from(sorted(self.desired)))
        del self.desired[key]
        if key[0] == "Channel":
            self.desired.pop(("Event", f"ev-{key[1]}"), None)
        self.settled = False

    # ---- the world ----

    @rule()
    def faults_on(self) -> None:
        rules = parse_spec("429:0.2,503:0.15,drop:every3")
        for r in rules:
            r.retry_after = 0 if r.kind == "429" else None
        self.emu.ctx.faults.replace(rules)
        self.fault_pending = True

    @rule()
    def faults_off(self) -> None:
        self.emu.ctx.faults.replace([])
        self.fault_pending = False

    @rule()
    def apply(self) -> None:
        """`pulumi up --refresh`: out-of-band changes are seen, then undone."""
        try:
            self.engine.refresh()
            self.engine.apply(self.desired)
        except Exception:
            if not self.fault_pending:
                raise
            self.settled = False
            figures.add("stateful: applies failed under faults")
            return
        self.settled = not self.fault_pending
        if self.settled:
            figures.add("runs converged")

    @rule()
    def refresh(self) -> None:
        try:
            self.engine.refresh()
        except Exception:
            if not self.fault_pending:
                raise

    @precondition(lambda self: any(k[0] == "Channel" for k in self.engine.state))
    @rule(data=st.data())
    def rename_channel_by_hand(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(k for k in self.engine.state if k[0] == "Channel")))
        self.api.live.channels.update(self.engine.state[key][0], {"name": "renamed-by-hand"})
        self.settled = False

    @precondition(lambda self: any(k[0] == "AllowedDomain" for k in self.engine.state))
    @rule(data=st.data())
    def delete_domain_by_hand(self, data: st.DataObject) -> None:
        key = data.draw(st.sampled_from(sorted(k for k in self.engine.state if k[0] == "AllowedDomain")))
        object_id, outs = self.engine.state[key]
        with contextlib.suppress(NotFoundError):  # already deleted by hand, not yet refreshed
            self.api.streaming.domains.delete(
                player_domain_id=object_id, analytics_domain_id=outs.get("analyticsDomainId")
            )
        self.settled = False

    # ---- invariants ----

    @invariant()
    def converged_state_holds(self) -> None:
        if self.fault_pending or not self.settled:
            return
        assert set(self.engine.state) == set(self.desired)
        for key, inputs in self.desired.items():
            object_id, outs = self.engine.state[key]
            diff = self.engine.providers[key[0]].diff(object_id, outs, self.engine.props(key, inputs))
            assert not diff.changes, (key, outs, inputs)
        names = [c.name for c in self.api.live.channels.list() if (c.name or "").startswith("sm-")]
        assert sorted(names) == sorted(v["name"] for k, v in self.desired.items() if k[0] == "Channel")
        urls = [
            d.url.lower().rstrip("/")
            for d in self.api.streaming.domains.list()
            if ".sm." in (d.url or "").lower()
        ]
        assert sorted(urls) == sorted(
            v["url"].lower().rstrip("/") for k, v in self.desired.items() if k[0] == "AllowedDomain"
        )
        keys = sorted(
            (k.name, k.role_id) for k in self.api.core.api_keys.list() if (k.name or "").startswith("sm-")
        )
        assert keys == sorted((v["name"], v["roleId"]) for k, v in self.desired.items() if k[0] == "ApiKey")
        events = [e.title for e in self.api.live.events.list() if e.start and e.start.year == 2031]
        assert sorted(events) == sorted(v["title"] for k, v in self.desired.items() if k[0] == "Event")
        assert self._foreign() == self.foreign
        settings_spec = self.desired.get(("AssetSettings", "promo"))
        live = self.api.streaming.assets.get(ASSET).settings
        assert live is not None
        if settings_spec:
            assert live.cap.asset == settings_spec["cap"]  # type: ignore[union-attr]
        else:
            assert live == self.settings_before


@pytest.fixture(scope="module")
def machine_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    data = tmp_path_factory.mktemp("stateful") / "emulator.json"
    data.write_text(SEED.read_text())
    with running(
        EmulatorConfig(api_key=API_KEY, tenant_id=TENANT_ID, transition_seconds=0.2), data=data, seed=7
    ) as emu:
        yield emu


def test_stateful_convergence(machine_emulator: RunningEmulator, tmp_path: Path) -> None:
    VideoKitMachine.emulator = machine_emulator
    VideoKitMachine.journal_dir = str(tmp_path)
    VideoKitMachine.TestCase.settings = settings(
        max_examples=30,
        stateful_step_count=20,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    try:
        VideoKitMachine.TestCase().runTest()
    finally:
        figures.add_faults(dict(machine_emulator.ctx.faults.injected))
