"""A model-based test of the door-neutral core in sequence, against the emulator over real sockets.

Three stacks share one tenant and one machine's journal: ``dev`` and ``prod`` of one project on
one backend, and a second ``dev`` of the same project on another backend (the same URNs).  A
small stand-in for the engine drives each stack's :class:`Service` with Pulumi's semantics:
check, diff, create, update, replace create-before-delete (deletes after every create) and
delete-before-replace, delete, ``retainOnDelete``, ``aliases``, ``adopt``, a new resource
reusing a removed one's name, out-of-band edits and deletes, lost answers, 429/503, and a kill
between a create's POST and the engine's state write (the process dies: no state, no cleanup).

After every step, a reference model of what the tenant must hold is checked: no stack ever holds
another's object, a retained, hand-made or foreign one; nothing in any state is lost; retained
and foreign objects are untouched.  After a stack's run finishes cleanly, its declarations are
exactly what the tenant holds; when every stack is clean, the tenant holds nothing more.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from pulumi_videokit.client import NotFoundError, VideoKitClient, VideoKitError
from pulumi_videokit.emulator import EmulatorConfig, RunningEmulator, parse_spec, running
from pulumi_videokit.models import normalize_url
from pulumi_videokit.models.streaming import SETTING_NAMES
from pulumi_videokit.protocol import owner as _owner
from pulumi_videokit.reconcile.errors import AdoptionError, HalfCreated, UserError
from pulumi_videokit.reconcile.kinds import KINDS
from pulumi_videokit.reconcile.service import Service, new_run

from . import figures
from .conftest import API_KEY, TENANT_ID, make_client

ASSETS = ("12345678-1234-1234-1234-123456789abc", "12345678-1234-1234-1234-123456789abd")
SEED = Path(__file__).resolve().parents[1] / "examples" / "emulator-seed.json"
ORDER = tuple(k.spec.kind for k in KINDS)
KIND = {k.spec.kind: k for k in KINDS}
#: (label, backend, stack): two stacks of one project on one backend, and the same stack name
#: on a second backend.
STACKS = (
    ("dev", "file:///backend-one", "dev"),
    ("prod", "file:///backend-one", "prod"),
    ("dev2", "file:///backend-two", "dev"),
)


#: What the examples exercised: the test fails if a kind of step never happened.
SEEN: Counter[str] = Counter()


class CheckFailed(Exception):
    """The engine stops an up whose check finds problems (a preview shows them)."""


class Killed(BaseException):
    """The provider process died (kill -9): nothing after this point runs, no cleanup either."""


class RetryClock:
    """The providers' retry clock: it moves only when they back off, so how many retries a
    budget allows (and so which faults a search meets) never depends on the machine's load."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Decl:
    kind: str
    inputs: dict[str, Any]
    retain: bool = False
    delete_first: bool = False
    aliases: tuple[str, ...] = ()


@dataclass
class Held:
    """One object in a stack's state."""

    kind: str
    object_id: str
    outs: dict[str, Any]
    retain: bool = False


@contextlib.contextmanager
def backend(url: str) -> Iterator[None]:
    before = os.environ.get("PULUMI_BACKEND_URL")
    os.environ["PULUMI_BACKEND_URL"] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PULUMI_BACKEND_URL", None)
        else:
            os.environ["PULUMI_BACKEND_URL"] = before


class MiniEngine:
    """One stack: check, diff and act on each declared resource as the Pulumi engine does."""

    def __init__(self, label: str, url: str, journal: str, backend_url: str, stack: str) -> None:
        self.label, self.backend, self.stack = label, backend_url, stack
        config = {
            "api_key": API_KEY,
            "tenant_id": TENANT_ID,
            "endpoint": url,
            "retry_total_seconds": "3",
            "journal_dir": journal,
            "poll_seconds": "0.05",
            "max_requests_per_second": "0",
        }
        self.services = {kind: Service(cls, config) for kind, cls in KIND.items()}
        retries = RetryClock()
        for service in self.services.values():
            transport = service.kind.client.transport
            transport._clock, transport._sleep = retries.clock, retries.sleep
        self.state: dict[str, Held] = {}
        #: Old objects of finished replaces whose delete has not run yet.
        self.pending_deletes: list[tuple[str, Held]] = []
        #: Whether the stack's last run ended cleanly (not killed, not failed under faults).
        self.clean = True
        #: Whether its last run converged (clean, and nothing refused).
        self.converged = True
        self.kill: str | None = None
        #: The resource whose create is running, and those whose create a kill or a fault cut off:
        #: the user runs `up` again before removing them, as Pulumi's pending creates ask.
        self.creating: str | None = None
        self.interrupted: set[str] = set()
        #: Objects a run let go of under retainOnDelete, whether or not the run then failed.
        self.let_go: list[tuple[str, Held]] = []

    def owner(self, kind: str, name: str) -> str:
        with backend(self.backend):
            return _owner(f"urn:pulumi:{self.stack}::videokit-sm::videokit:index:{kind}::{name}")

    def props(self, decl: Decl) -> dict[str, Any]:
        props = dict(decl.inputs)
        if decl.kind == "Event":
            props["channelId"] = self.state[props.pop("channel")].object_id
        return props

    def _create(self, name: str, decl: Decl, inputs: dict[str, Any]) -> Held:
        service = self.services[decl.kind]
        if self.kill is not None:
            self._arm_kill(service)
        self.creating = name
        try:
            object_id, outs = service.create(inputs, self.owner(decl.kind, name))
        except HalfCreated as half:
            vars(service.kind).pop("create", None)  # an armed kill covers this create only
            self.state[name] = Held(decl.kind, half.object_id, dict(half.outputs), decl.retain)
            self.creating = None
            raise
        self.creating = None
        vars(service.kind).pop("create", None)  # an adoption or a resumed create sends no POST
        SEEN[f"{decl.kind} created"] += 1
        return Held(decl.kind, object_id, outs, decl.retain)

    def _arm_kill(self, service: Service) -> None:
        """The next create dies once its POST is answered: after (or before) the provider noted
        the new id, and always before the engine writes state."""
        after, self.kill = self.kill == "after", None
        kind = service.kind
        original = type(kind).create

        def create(inputs: Mapping[str, Any], created: Any) -> Any:
            def dying(object_id: str, memo: Mapping[str, Any] | None = None) -> None:
                if after:
                    created(object_id, memo)
                raise Killed

            try:
                return original(kind, inputs, dying)
            finally:
                del kind.create  # an armed kill covers one create only

        kind.create = create  # type: ignore[method-assign]

    def disarm(self) -> None:
        """No kill is left armed past the run it was meant for."""
        self.kill = None
        for service in self.services.values():
            if service._kind is not None:
                vars(service._kind).pop("create", None)

    def _delete(self, name: str, held: Held) -> None:
        if not held.retain:
            self.services[held.kind].delete(held.object_id, held.outs, self.owner(held.kind, name))

    def apply(self, desired: dict[str, Decl]) -> None:
        """`pulumi up`; what it lets go of under retainOnDelete is added to ``let_go``."""
        new_run()  # the engine starts its plugins anew for each operation
        let_go = self.let_go
        for name, held in list(self.pending_deletes):
            self._delete(name, held)
            self.pending_deletes.remove((name, held))
        for name, decl in desired.items():
            for old in decl.aliases:
                if old in self.state and name not in self.state:
                    self.state[name] = self.state.pop(old)
                    SEEN["rename with aliases"] += 1
        replaced: list[tuple[str, Held]] = []
        for kind in ORDER:
            for name, decl in [(n, d) for n, d in desired.items() if d.kind == kind]:
                service = self.services[kind]
                held = self.state.get(name)
                inputs, failures = service.check(self.props(decl), held.outs if held else {})
                if failures:
                    raise CheckFailed(failures)
                if held is None:
                    self.state[name] = self._create(name, decl, inputs)
                    continue
                held.retain = decl.retain
                decided = service.diff(held.object_id, held.outs, inputs).plan
                if not decided.has_changes:
                    continue
                if not decided.replaces:
                    outs = service.update(held.object_id, held.outs, inputs, owner=self.owner(kind, name))
                    self.state[name] = Held(kind, held.object_id, outs, decl.retain)
                elif decided.delete_before_replace or decl.delete_first:
                    SEEN[f"{kind} replace, delete first"] += 1
                    self._delete(name, held)
                    if held.retain:
                        let_go.append((name, held))
                    del self.state[name]
                    self.state[name] = self._create(name, decl, inputs)
                else:
                    SEEN[f"{kind} replace, create first"] += 1
                    new = self._create(name, decl, inputs)
                    self.pending_deletes.append((name, held))
                    replaced.append((name, held))
                    self.state[name] = new
        for name, held in replaced:
            self._delete(name, held)
            self.pending_deletes.remove((name, held))
            if held.retain:
                let_go.append((name, held))
        for kind in reversed(ORDER):
            for name in [n for n, h in self.state.items() if h.kind == kind and n not in desired]:
                held = self.state.pop(name)
                self._delete(name, held)
                if held.retain:
                    let_go.append((name, held))

    def refresh(self) -> None:
        for name, held in list(self.state.items()):
            found, outs, inputs = self.services[held.kind].read(held.object_id, held.outs)
            if found is None:
                del self.state[name]
            else:
                held.outs = {**outs, **inputs}


def _id(kind: str, obj: Any) -> str:
    return str(obj.player_domain_id if kind == "AllowedDomain" else obj.id)


class VideoKitMachine(RuleBasedStateMachine):
    emulator: RunningEmulator
    journal_dir: str

    def __init__(self) -> None:
        super().__init__()
        self.emu = type(self).emulator
        self.emu.ctx.faults.replace([])
        self.emu.ctx.faults.reseed(7)  # each example meets the same faults when it is replayed
        self.api: VideoKitClient = make_client(self.emu.url, backoff_base_seconds=0.01)
        journal = tempfile.mkdtemp(dir=type(self).journal_dir)  # one machine's journal for all
        self.engines = {label: MiniEngine(label, self.emu.url, journal, b, s) for label, b, s in STACKS}
        self.desired: dict[str, dict[str, Decl]] = {label: {} for label, _, _ in STACKS}
        self.fault_pending = False
        #: Whether anything may have changed in the tenant since the invariants last looked.
        self.dirty = True
        #: Objects left in the tenant by retainOnDelete, made by hand, or there from the start,
        #: with what they looked like: no stack may ever hold, change or delete them.
        self.retained: dict[str, Any] = {}
        self.hand: dict[str, Any] = {}
        self.foreign = self._tenant(lambda name: not name.startswith("sm-"))
        self.deleted_by_hand: set[str] = set()
        #: Orphans of interrupted creates the provider would not guess between (``_unresolved``).
        self.unresolved: set[str] = set()
        self.settings_before = {a: self.api.streaming.assets.get(a).settings for a in ASSETS}

    # ---- the tenant as the model sees it ----

    @contextlib.contextmanager
    def _no_faults(self) -> Iterator[None]:
        """The model's own reads are not the system under test: no faults for them."""
        rules = self.emu.ctx.faults.rules
        self.emu.ctx.faults.replace([])
        try:
            yield
        finally:
            self.emu.ctx.faults.replace(rules)

    def _tenant(self, keep: Any = lambda name: name.startswith("sm-")) -> dict[str, Any]:
        """Every object (by id) whose name the filter keeps, as a comparable tuple."""
        with self._no_faults():
            return self._listed(keep)

    def _listed(self, keep: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for c in self.api.live.channels.list():
            if keep(c.name or ""):
                out[c.id] = ("Channel", c.name, c.automation_disabled)
        for d in self.api.streaming.domains.list():
            host = (d.url or "").lower()
            if keep("sm-" if ".sm." in host else host):
                out[_id("AllowedDomain", d)] = ("AllowedDomain", d.url)
        for k in self.api.core.api_keys.list():
            if keep(k.name or ""):
                out[k.id] = ("ApiKey", k.name, k.role_id)
        for e in self.api.live.events.list():
            if keep("sm-" if (e.title or "").startswith("sm-") else "x"):
                out[e.id] = ("Event", e.channel_id, e.title, e.start)
        return out

    def _held(self) -> dict[str, tuple[str, str]]:
        """Every id in any stack's state: id → (stack, resource name)."""
        held: dict[str, tuple[str, str]] = {}
        for label, engine in self.engines.items():
            # Old objects of a replace waiting for their delete are in state too, as in Pulumi's.
            for name, h in [*engine.state.items(), *engine.pending_deletes]:
                if h.kind != "AssetSettings":
                    assert h.object_id not in held, (
                        f"{label}.{name} and {held[h.object_id]} hold {h.object_id}"
                    )
                    held[h.object_id] = (label, name)
        return held

    # ---- declarations ----

    # Most steps go to dev; prod and the second backend's dev come in often enough to collide.
    engine_label = st.sampled_from(["dev", "dev", "dev", "prod", "dev2"])

    def _declare(self, label: str, name: str, decl: Decl) -> None:
        self.desired[label][name] = decl
        self.engines[label].converged = False

    @rule(
        label=engine_label,
        key=st.sampled_from(["alpha", "beta"]),
        name=st.sampled_from(["sm-a", "sm-b", "sm-c"]),
        redundancy=st.sampled_from(["SingleInput", "DoubleInput"]),
        automation=st.booleans(),
        retain=st.booleans(),
    )
    def declare_channel(
        self, label: str, key: str, name: str, redundancy: str, automation: bool, retain: bool
    ) -> None:
        inputs = {
            "name": name,
            "redundancy": redundancy,
            "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}},
            "automationDisabled": automation,
        }
        self._declare(label, key, Decl("Channel", inputs, retain=retain))

    @rule(
        label=engine_label,
        channel=st.sampled_from(["alpha", "beta"]),
        title=st.sampled_from(["sm-open", "sm-close"]),
        hour=st.integers(min_value=8, max_value=10),
    )
    def declare_event(self, label: str, channel: str, title: str, hour: int) -> None:
        if channel not in self.desired[label]:
            return
        inputs = {
            "channel": channel,
            "title": title,
            "start": f"2031-05-01T{hour:02d}:00:00Z",
            "end": f"2031-05-01T{hour + 1:02d}:00:00+00:00",
        }
        self._declare(label, "ev", Decl("Event", inputs))

    @rule(
        label=engine_label,
        key=st.sampled_from(["d1", "d2"]),
        host=st.sampled_from(["a", "b", "c"]),
        spelling=st.sampled_from(["plain", "upper", "slash"]),
        retain=st.booleans(),
        delete_first=st.booleans(),
    )
    def declare_domain(
        self, label: str, key: str, host: str, spelling: str, retain: bool, delete_first: bool
    ) -> None:
        url = {
            "plain": f"https://{host}.sm.example.com",
            "upper": f"https://{host.upper()}.SM.example.com",
            "slash": f"https://{host}.sm.example.com/",
        }[spelling]
        others = [d for n, d in self.desired[label].items() if d.kind == "AllowedDomain" and n != key]
        if any(normalize_url(d.inputs["url"]) == normalize_url(url) for d in others):
            return  # `videokit validate` refuses one URL twice in one stack
        decl = Decl("AllowedDomain", {"url": url}, retain=retain, delete_first=delete_first)
        self._declare(label, key, decl)

    @rule(
        label=engine_label,
        name=st.sampled_from(["sm-k1", "sm-k2"]),
        role=st.sampled_from(["role-123", "role-456"]),
    )
    def declare_key(self, label: str, name: str, role: str) -> None:
        self._declare(label, "key", Decl("ApiKey", {"name": name, "roleId": role}))

    @rule(asset=st.sampled_from(ASSETS), cap=st.sampled_from(["Enabled", "Disabled"]))
    def declare_settings(self, asset: str, cap: str) -> None:
        # One stack manages asset settings: two stacks declaring one asset's settings fight by design.
        self._declare("dev", "promo", Decl("AssetSettings", {"assetId": asset, "cap": cap}))

    # Choices among objects are drawn as an index up front, so what is drawn never depends on
    # what the API did (ids, faults), and a failing sequence replays as it ran.
    pick = st.integers(min_value=0, max_value=11)

    #: How an up goes: mostly well; now and then under faults (lost answers, 429, 503), or
    #: killed in its first create, after or before the provider noted the new id.
    trouble = st.sampled_from(["none"] * 6 + ["faults", "kill-after", "kill-before"])

    @rule(label=engine_label, which=pick)
    def undeclare(self, label: str, which: int) -> None:
        desired = self.desired[label]
        if not desired:
            return
        key = sorted(desired)[which % len(desired)]
        interrupted = self.engines[label].interrupted
        ev = desired.get("ev")
        if key in interrupted or (ev is not None and ev.inputs["channel"] == key and "ev" in interrupted):
            return
        del desired[key]
        if ev is not None and ev.inputs["channel"] == key:
            del desired["ev"]
        self.engines[label].converged = False

    @rule(label=engine_label, which=pick)
    def change_what_replaces(self, label: str, which: int) -> None:
        """Change a create-only field of something the stack holds: a replace on the next up
        (one in three with deleteBeforeReplace)."""
        delete_first = which % 3 == 2
        desired, engine = self.desired[label], self.engines[label]
        names = sorted(n for n in desired if n in engine.state)
        if not names:
            return
        name = names[which % len(names)]
        decl = desired[name]
        inputs = dict(decl.inputs)
        if decl.kind == "Channel":
            if "redundancy" not in inputs:
                return  # an adopted channel declares only what it needs
            inputs["redundancy"] = "DoubleInput" if inputs["redundancy"] == "SingleInput" else "SingleInput"
        elif decl.kind == "Event":
            others = sorted(n for n, d in desired.items() if d.kind == "Channel" and n != inputs["channel"])
            if not others:
                return
            inputs["channel"] = others[0]
        elif decl.kind == "AllowedDomain":
            taken = {normalize_url(d.inputs["url"]) for d in desired.values() if d.kind == "AllowedDomain"}
            free = [
                u for u in (f"https://{h}.sm.example.com" for h in "abc") if normalize_url(u) not in taken
            ]
            if not free:
                return
            inputs["url"] = free[which % len(free)]
        elif decl.kind == "AssetSettings":
            inputs["assetId"] = ASSETS[1] if inputs["assetId"] == ASSETS[0] else ASSETS[0]
        else:
            return
        self._declare(label, name, Decl(decl.kind, inputs, decl.retain, delete_first, decl.aliases))

    @rule(label=engine_label, which=pick)
    def change_what_replaces_again(self, label: str, which: int) -> None:
        """Replaces are where objects were lost: twice as likely as other steps."""
        self.change_what_replaces(label, which)

    @rule(label=engine_label, trouble=trouble)
    def up_again(self, label: str, trouble: str) -> None:
        """`pulumi up` is the most common step of all."""
        self.up(label, trouble)

    @rule(label=engine_label, which=pick)
    def rename_with_alias(self, label: str, which: int) -> None:
        """A resource renamed with `aliases`: the same object, nothing sent."""
        desired = self.desired[label]
        engine = self.engines[label]
        names = sorted(
            n for n in desired if n in engine.state and desired[n].kind in ("AllowedDomain", "ApiKey")
        )
        if not names or not engine.converged:
            return
        old = names[which % len(names)]
        new = old + "-renamed" if not old.endswith("-renamed") else old.removesuffix("-renamed")
        if new in desired:
            return
        decl = desired.pop(old)
        desired[new] = Decl(decl.kind, decl.inputs, decl.retain, decl.delete_first, (old,))
        engine.converged = False

    @rule(label=engine_label, which=pick)
    def rename_with_alias_again(self, label: str, which: int) -> None:
        """Renames only apply to a converged stack: twice as likely, so the first search has one."""
        self.rename_with_alias(label, which)

    # ---- the world ----

    @rule(label=engine_label, trouble=trouble)
    def up(self, label: str, trouble: str) -> None:
        """`pulumi up --refresh`: out-of-band changes are seen, then undone."""
        faults = trouble == "faults"
        if trouble.startswith("kill-"):
            self.engines[label].kill = trouble.removeprefix("kill-")
        engine = self.engines[label]
        desired = self.desired[label]
        self.dirty = True
        self.fault_pending = faults
        if faults:
            rules = parse_spec("429:0.2,503:0.15,drop:every3")
            for r in rules:
                r.retry_after = 0 if r.kind == "429" else None
            self.emu.ctx.faults.replace(rules)
        try:
            engine.refresh()
            engine.apply(desired)
        except Killed:
            SEEN["killed mid-create"] += 1
            engine.interrupted.add(str(engine.creating))
            engine.clean = engine.converged = False
            figures.add("stateful: runs killed mid-create")
            return
        except AdoptionError as exc:
            self._unresolved(exc)
            engine.clean = engine.converged = False
            return
        except UserError as exc:
            # The one other refusal this model expects: a domain another object holds (a 409).
            assert "already exists" in str(exc) and "AllowedDomain" in str(exc), exc
            SEEN["create refused with 409"] += 1
            engine.clean = engine.clean and not engine.interrupted and not self.fault_pending
            engine.converged = False
            figures.add("stateful: creates refused with 409")
            return
        except (VideoKitError, HalfCreated):
            if not self.fault_pending:
                raise
            if engine.creating is not None:
                engine.interrupted.add(engine.creating)
            engine.clean = engine.converged = False
            figures.add("stateful: applies failed under faults")
            return
        finally:
            self.emu.ctx.faults.replace([])
            engine.disarm()
            self._adopted_hand()
            self._retain_let_go()
        self.deleted_by_hand -= {h.object_id for h in engine.state.values()}
        if not engine.clean and not self.fault_pending:
            SEEN["clean run after a kill or a fault"] += 1
        engine.clean = engine.converged = not self.fault_pending
        if engine.clean:
            engine.interrupted.clear()
        if engine.converged:
            figures.add("runs converged")

    def _unresolved(self, exc: AdoptionError) -> None:
        """An interrupted create whose natural key more than one new object now has (another
        stack's object renamed into it, say): the provider refuses to guess, and the ids it names
        that no stack holds are the user's to sort out, never a stack's leftovers."""
        assert "of an interrupted create" in str(exc), exc
        SEEN["interrupted create refused as ambiguous"] += 1
        self.unresolved |= set(exc.ids) - set(self._held())

    def _retain_let_go(self) -> None:
        for engine in self.engines.values():
            while engine.let_go:
                self._retain(engine.let_go.pop()[1])

    def _retain(self, held: Held) -> None:
        current = self._tenant()
        if held.object_id in current:
            SEEN[f"{held.kind} retained"] += 1
            self.retained[held.object_id] = current[held.object_id]

    @rule(label=engine_label)
    def refresh(self, label: str) -> None:
        self.dirty = True
        self.engines[label].refresh()

    @rule(name=st.sampled_from(["sm-hand-1", "sm-hand-2"]))
    def channel_made_by_hand(self, name: str) -> None:
        self.dirty = True
        with self._no_faults():
            if any(c.name == name for c in self.api.live.channels.list()):
                return
            object_id = self.api.live.channels.create(
                {"name": name, "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}}
            )
        self.hand[object_id] = self._tenant()[object_id]

    @rule(label=engine_label, name=st.sampled_from(["sm-hand-1", "sm-hand-2"]))
    def adopt_by_name(self, label: str, name: str) -> None:
        if not any(v[:2] == ("Channel", name) for v in self.hand.values()):
            return
        if any(d.get("adopted") for d in self.desired.values()):
            return  # one stack adopts: two that both say `adopt` for one object both get it
        inputs = {"name": name, "input": {"type": "RTMP_PUSH", "inputLoss": {"type": "COLOR"}}, "adopt": True}
        self._declare(label, "adopted", Decl("Channel", inputs))

    def _adopted_hand(self) -> None:
        held = self._held()
        for object_id in [i for i in self.hand if i in held]:
            label, name = held[object_id]
            decl = self.desired[label].get(name)
            assert decl is not None and decl.inputs.get("adopt"), f"{label}.{name} took {object_id} unasked"
            SEEN["adopted"] += 1
            del self.hand[object_id]

    @rule(which=pick)
    def rename_channel_by_hand(self, which: int) -> None:
        self.dirty = True
        # Ordered by stack and entry, never by id: the API's ids differ from run to run.
        held = [
            h.object_id
            for _, e in sorted(self.engines.items())
            for _, h in sorted(e.state.items())
            if h.kind == "Channel"
        ]
        if not held:
            return
        object_id = held[which % len(held)]
        with contextlib.suppress(NotFoundError), self._no_faults():
            self.api.live.channels.update(object_id, {"name": "sm-renamed-by-hand"})
            for engine in self.engines.values():
                engine.converged = False

    @rule(which=pick)
    def delete_domain_by_hand(self, which: int) -> None:
        self.dirty = True
        held = [
            (h.object_id, h.outs.get("analyticsDomainId"))
            for _, e in sorted(self.engines.items())
            for _, h in sorted(e.state.items())
            if h.kind == "AllowedDomain"
        ]
        if not held:
            return
        object_id, analytics = held[which % len(held)]
        with contextlib.suppress(NotFoundError), self._no_faults():  # already deleted, not refreshed
            self.api.streaming.domains.delete(player_domain_id=object_id, analytics_domain_id=analytics)
        self.deleted_by_hand.add(object_id)
        for engine in self.engines.values():
            engine.converged = False

    # ---- invariants ----

    @invariant()
    def the_tenant_is_as_the_model_says(self) -> None:
        if not self.dirty:
            return  # only declarations changed since the last check
        self.dirty = False
        self.nobody_else_is_touched()
        self.converged_stacks_hold_exactly_their_declarations()
        self.a_clean_tenant_holds_nothing_more()

    def nobody_else_is_touched(self) -> None:
        """Always: no stack holds another's object, a retained, hand-made or foreign one; those
        are unchanged; nothing a stack holds is gone unless deleted by hand."""
        held = self._held()
        tenant = self._tenant()
        for object_id, before in self.retained.items():
            assert object_id not in held, f"retained {before} taken over by {held[object_id]}"
            assert tenant.get(object_id) == before, f"retained {before} changed: {tenant.get(object_id)}"
        for object_id, before in self.hand.items():
            assert object_id not in held, f"hand-made {before} taken over by {held[object_id]}"
            assert tenant.get(object_id) == before
        assert self._tenant(lambda name: not name.startswith("sm-")) == self.foreign
        for object_id in self._cascaded(held, tenant):
            del held[object_id]
        for object_id, (label, name) in held.items():
            if object_id not in self.deleted_by_hand:
                assert object_id in tenant, f"{label}.{name} ({object_id}) is gone from the tenant"

    def _cascaded(self, held: dict[str, tuple[str, str]], tenant: dict[str, Any]) -> list[str]:
        """Events in some state that the platform deleted with their channel (a delete-first
        replace of the channel, before the event's own replace ran)."""
        gone = []
        for _label, engine in self.engines.items():
            for _, h in [*engine.state.items(), *engine.pending_deletes]:
                if h.kind == "Event" and h.object_id not in tenant and h.outs.get("channelId") not in tenant:
                    gone.append(h.object_id)
        return [i for i in gone if i in held]

    def converged_stacks_hold_exactly_their_declarations(self) -> None:
        tenant = self._tenant()
        for label, engine in self.engines.items():
            if not engine.converged:
                continue
            desired = self.desired[label]
            assert set(engine.state) == set(desired), (label, sorted(engine.state), sorted(desired))
            for name, decl in desired.items():
                held = engine.state[name]
                service = engine.services[decl.kind]
                inputs, _ = service.check(engine.props(decl))
                plan = service.diff(held.object_id, held.outs, inputs).plan
                assert not plan.has_changes, (label, name, plan)
                if decl.kind == "Channel":
                    assert tenant[held.object_id][1] == decl.inputs["name"]
                elif decl.kind == "AllowedDomain":
                    assert normalize_url(tenant[held.object_id][1]) == normalize_url(decl.inputs["url"])
                elif decl.kind == "ApiKey":
                    assert tenant[held.object_id][1:] == (decl.inputs["name"], decl.inputs["roleId"])
                elif decl.kind == "Event":
                    assert tenant[held.object_id][1:3] == (
                        engine.state[decl.inputs["channel"]].object_id,
                        decl.inputs["title"],
                    )

    def a_clean_tenant_holds_nothing_more(self) -> None:
        if not all(e.clean for e in self.engines.values()):
            return
        held = self._held()
        tenant = self._tenant()
        expected = (set(held) - set(self._cascaded(held, tenant))) | set(self.retained) | set(self.hand)
        expected -= self.deleted_by_hand
        expected |= self.unresolved & set(tenant)
        actual = set(tenant)
        assert actual == expected, {
            "orphans": [self._tenant()[i] for i in actual - expected],
            "missing": sorted(expected - actual),
        }
        dev = self.engines["dev"]
        # Settings the stack holds (the last applied declaration), not the ones it now declares.
        held_on = {h.object_id: n for n, h in dev.state.items() if h.kind == "AssetSettings"}
        for asset in ASSETS:
            with self._no_faults():
                live = self.api.streaming.assets.get(asset).settings
            assert live is not None
            if dev.pending_deletes:
                continue  # the replaced settings' restore has not run yet
            if asset not in held_on:
                assert live == self.settings_before[asset], (asset, live)
            elif dev.converged:
                decl = self.desired["dev"][held_on[asset]]
                assert live.cap.asset == decl.inputs["cap"], (asset, live, decl)  # type: ignore[union-attr]

    def teardown(self) -> None:
        self.emu.ctx.faults.replace([])
        try:
            for label, engine in self.engines.items():
                engine.disarm()
                engine.refresh()
                if not engine.clean:
                    # A killed or failed run is finished by the next up, as a user would, and only
                    # then destroyed: its own interrupted creates are taken over, not orphaned.
                    try:
                        engine.apply(self.desired[label])
                    except AdoptionError as exc:
                        self._unresolved(exc)
                    except UserError:
                        pass  # a 409 the destroy below leaves nothing of
                    self._adopted_hand()
                    self._retain_let_go()
                engine.apply({})
                self._retain_let_go()
            self.nobody_else_is_touched()
            for asset in ASSETS:
                assert self.api.streaming.assets.get(asset).settings == self.settings_before[asset], asset
            kept = {*self.retained, *self.hand, *self.unresolved}
            leftovers = {i: v for i, v in self._tenant().items() if i not in kept}
            assert not leftovers, leftovers
        finally:
            self._wipe()

    def _wipe(self) -> None:
        """Leave the tenant as it was for the next example, whatever this one did."""
        with self._no_faults():
            for e in self.api.live.events.list():
                if (e.title or "").startswith("sm-"):
                    self.api.live.events.delete(e.id)
            for c in self.api.live.channels.list():
                if (c.name or "").startswith("sm-"):
                    self.api.live.channels.delete(c.id)
            for d in self.api.streaming.domains.list():
                if ".sm." in (d.url or "").lower():
                    self.api.streaming.domains.delete(
                        player_domain_id=d.player_domain_id, analytics_domain_id=d.analytics_domain_id
                    )
            for k in self.api.core.api_keys.list():
                if (k.name or "").startswith("sm-"):
                    self.api.core.api_keys.delete(k.id)
            for asset in ASSETS:
                self.api.streaming.assets.update_settings(
                    asset, {name: value or "Inherit" for name, value in self._settings(asset).items()}
                )

    def _settings(self, asset: str) -> dict[str, str | None]:
        before = self.settings_before[asset]
        dumped = before.model_dump(by_alias=True) if before is not None else {}
        return {name: (dumped.get(name) or {}).get("asset") for name in SETTING_NAMES}


@pytest.fixture(scope="module")
def machine_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    data = tmp_path_factory.mktemp("stateful") / "emulator.json"
    seed = json.loads(SEED.read_text())
    second = dict(seed["assets"][ASSETS[0]], id=ASSETS[1], title="Trailer")
    seed["assets"][ASSETS[1]] = second
    data.write_text(json.dumps(seed))
    with running(
        EmulatorConfig(api_key=API_KEY, tenant_id=TENANT_ID, transition_seconds=0.1), data=data, seed=7
    ) as emu:
        yield emu


@pytest.mark.slow
def test_stateful_convergence(machine_emulator: RunningEmulator, tmp_path: Path) -> None:
    VideoKitMachine.emulator = machine_emulator
    VideoKitMachine.journal_dir = str(tmp_path)
    SEEN.clear()
    missing: list[str] = []
    # When the first search has not reached every kind of step, further searches go on, up to six
    # (every step of every search is judged all the same). Every search is seeded (the first
    # derandomized, the others by their number), so CI meets the sequences a developer's run meets.
    # VIDEOKIT_STATEFUL_SEED=K starts from seed K instead, to explore other sequences in a loop.
    first = int(os.environ.get("VIDEOKIT_STATEFUL_SEED", "0"))
    for search in range(6):
        seed(first + search)(VideoKitMachine)
        VideoKitMachine.TestCase.settings = settings(
            max_examples=int(os.environ.get("VIDEOKIT_STATEFUL_EXAMPLES", "25")),
            stateful_step_count=60,
            deadline=None,
            derandomize=search == 0 and first == 0,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            # Shrinking replays long sequences many times; a failure is reported as found.
            phases=[Phase.explicit, Phase.reuse, Phase.generate],
        )
        try:
            VideoKitMachine.TestCase().runTest()
        finally:
            figures.add_faults(dict(machine_emulator.ctx.faults.injected))
        # The model judged each kind of step at least once; otherwise it tested nothing of them.
        # (tests/test_sequences.py pins each case down; this is the search around them.)
        needed = {
            "a replace, delete first": sum(n for k, n in SEEN.items() if k.endswith("replace, delete first")),
            "a replace, create first": sum(n for k, n in SEEN.items() if k.endswith("replace, create first")),
            "an object retained": sum(n for k, n in SEEN.items() if k.endswith(" retained")),
            "a rename with aliases": SEEN["rename with aliases"],
            "an adoption": SEEN["adopted"],
            "a kill mid-create": SEEN["killed mid-create"],
            "a clean run after a kill or a fault": SEEN["clean run after a kill or a fault"],
            "a create refused with 409": SEEN["create refused with 409"],
            "a create's answer lost": machine_emulator.ctx.faults.injected.get("drop", 0),
        }
        missing = [what for what, count in needed.items() if not count]
        if not missing:
            break
    assert missing == [], f"never exercised: {missing}; seen: {dict(SEEN)}"
    assert machine_emulator.ctx.faults.injected.get("drop", 0) >= 1
