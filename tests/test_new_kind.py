"""A kind added to a copy of the package with only its model, its module and its `KINDS` line is
picked up by every door and tool: the YAML loader and its schema, the native plugin's schema and
protocol, the dynamic door's classes, the package's names, export and the CI reports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "provider" / "pulumi_videokit"

MODEL = '''

class RelaySpec(Adoptable):
    """A relay of a stream to another origin."""

    origin: Annotated[str, CREATE_ONLY] = Field(min_length=1, description="Where the relay pulls from.")
    label: str | None = Field(default=None, description="A name for people.")


class RelayOutputs(APIModel):
    relay_id: str = Field("", description="The relay's id.")
    token: Annotated[str, SECRET] = Field("", description="The relay's token.")
'''

MODULE = '''"""Relay: a kind that lives only in this test's copy of the package."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...models.desired import RelayOutputs, RelaySpec
from ...specs import ResourceSpec
from ..diff import Plan
from ._base import Exported, Kind, Observed, OnCreated, Scope

HELD: dict[str, dict[str, Any]] = {}


class RelayKind(Kind):
    spec = ResourceSpec(
        kind="Relay",
        section="relays",
        model=RelaySpec,
        outputs_model=RelayOutputs,
        natural_key=("origin",),
    )

    def observe(self, object_id: str, last: Mapping[str, Any]) -> Observed | None:
        held = HELD.get(object_id)
        return None if held is None else Observed(dict(held), {"relayId": object_id, "token": "t0ken"})

    def create(self, inputs: Mapping[str, Any], created: OnCreated) -> tuple[str, dict[str, Any]]:
        object_id = f"relay-{len(HELD) + 1}"
        HELD[object_id] = self.body(inputs)
        created(object_id)
        return object_id, {"relayId": object_id, "token": "t0ken"}

    def update(
        self, object_id: str, olds: Mapping[str, Any], news: Mapping[str, Any], plan: Plan
    ) -> dict[str, Any]:
        HELD[object_id] = self.body(news)
        return {"relayId": object_id, "token": "t0ken"}

    def delete(self, object_id: str, state: Mapping[str, Any]) -> None:
        HELD.pop(object_id, None)

    def find(self, inputs: Mapping[str, Any], since: Any = None) -> list[str]:
        return [i for i, held in HELD.items() if held.get("origin") == inputs.get("origin")]

    def exported(self, scope: Scope) -> list[Exported]:
        return [Exported("edge", "relay-9", {"origin": "rtmp://edge.example.com/live", "label": "edge"})]
'''

CHECKS = r"""
import json, sys
from pathlib import Path

work = Path(sys.argv[1])
out = {}

# The YAML loader: the section is known, its entries are validated against the model.
from pulumi_videokit.gitops import load
from pulumi_videokit.gitops.schema import render
doc = load(work / "good.yaml")
out["loaded"] = [(e.section, e.name, e.props) for e in doc.entries]
try:
    load(work / "bad.yaml")
except Exception as exc:
    out["bad"] = str(exc)
out["yaml_schema"] = sorted(json.loads(render())["properties"])

# The native plugin: its schema, and one create through the protocol's servicer.
from pulumi_videokit.native.schema import schema
relay = schema()["resources"]["videokit:index:Relay"]
out["native"] = {
    "inputs": sorted(relay["inputProperties"]),
    "required": relay["requiredInputs"],
    "secret": relay["properties"]["token"].get("secret", False),
}
from pulumi_videokit.reconcile.kinds import kind_named
from pulumi_videokit.reconcile.service import Service
service = Service(kind_named("Relay"), {"api_key": "k", "tenant_id": "t", "endpoint": "http://127.0.0.1:9"})
object_id, outputs = service.create({"origin": "rtmp://a.example.com/live"}, None)
plan = service.diff(object_id, outputs, {"origin": "rtmp://b.example.com/live"}).plan
out["service"] = {"id": object_id, "outputs": outputs, "replaces": plan.replaces,
                  "preview": service.preview_create({"origin": "x"})}

# The dynamic door and the package's names.
import pulumi_videokit
from pulumi_videokit import resources
cls = pulumi_videokit.Relay
out["dynamic"] = {
    "class": cls.__qualname__,
    "section": resources.RESOURCES["relays"] is cls,
    "provider": f"{cls._provider_cls.__module__}.{cls._provider_cls.__qualname__}",
    "outputs": cls._output_names,
}

# Export: --kinds names it, and it is written from the kind's own exported().
from pulumi_videokit import export
from pulumi_videokit.client import ClientConfig, VideoKitClient
client = VideoKitClient(ClientConfig(api_key="k", tenant_id="t", endpoint="http://127.0.0.1:9"))
filters = export.Filters(sections=export.sections_of("relay"))
out["export"] = export.render_yaml(export.collect(client, filters), filters)

# The CI reports read the kind's facts.
from pulumi_videokit.reports._values import _kind_facts
facts = _kind_facts()["videokit:index:Relay"]
out["reports"] = {"secret": facts.secret_outputs, "outputs": facts.outputs}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package with a new kind: its model, its module and its `KINDS` line."""
    base = tmp_path_factory.mktemp("newkind")
    package = base / "pulumi_videokit"
    shutil.copytree(PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    desired = package / "models" / "desired.py"
    text = desired.read_text()
    assert "RelaySpec" not in text
    desired.write_text(text + MODEL)
    (package / "reconcile" / "kinds" / "relay.py").write_text(MODULE)
    table = package / "reconcile" / "kinds" / "__init__.py"
    text = table.read_text()
    start = text.index("KINDS: tuple[type[Kind], ...] = (")
    end = text.index(")\n", start)  # the table's last kind, on one line or one per line
    text = text[:end] + ("    RelayKind,\n" if text[end - 1] == "\n" else ", RelayKind") + text[end:]
    text = text.replace(
        "from .event import EventKind\n", "from .event import EventKind\nfrom .relay import RelayKind\n"
    )
    table.write_text(text)
    changed = subprocess.run(
        ["diff", "-rq", "-x", "__pycache__", str(PACKAGE), str(package)], capture_output=True, text=True
    ).stdout.splitlines()
    assert len(changed) == 3, changed  # the model's file, the kind's module, the table
    (base / "good.yaml").write_text(
        "relays:\n  edge:\n    origin: rtmp://edge.example.com/live\n    label: edge\n"
    )
    (base / "bad.yaml").write_text("relays:\n  edge:\n    label: edge\n    colour: red\n")
    return base


@pytest.fixture(scope="module")
def seen(copy: Path) -> dict:  # type: ignore[type-arg]
    env = {**os.environ, "PYTHONPATH": str(copy), "VIDEOKIT_JOURNAL_DIR": str(copy / "journal")}
    done = subprocess.run(
        [sys.executable, "-c", CHECKS, str(copy)],
        capture_output=True,
        text=True,
        env=env,
        cwd=copy,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_the_copy_runs_its_own_package(copy: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(copy)}
    where = subprocess.run(
        [sys.executable, "-c", "import pulumi_videokit; print(pulumi_videokit.__file__)"],
        capture_output=True,
        text=True,
        env=env,
        cwd=copy,
    ).stdout
    assert where.startswith(str(copy)), where


def test_the_yaml_loader_and_its_schema_know_the_new_section(seen: dict) -> None:  # type: ignore[type-arg]
    assert seen["loaded"] == [["relays", "edge", {"origin": "rtmp://edge.example.com/live", "label": "edge"}]]
    assert "relays" in seen["yaml_schema"]
    assert "bad.yaml:4" in seen["bad"] and "colour" in seen["bad"]
    assert "origin" in seen["bad"]  # the required field, by the model


def test_the_native_plugin_and_the_core_serve_it(seen: dict) -> None:  # type: ignore[type-arg]
    assert seen["native"] == {"inputs": ["adopt", "label", "origin"], "required": ["origin"], "secret": True}
    service = seen["service"]
    assert service["id"] == "relay-1"
    assert service["outputs"] == {
        "origin": "rtmp://a.example.com/live",
        "relayId": "relay-1",
        "token": "t0ken",
    }
    assert service["replaces"] == ["origin"]  # create-only, from the model's marker
    assert service["preview"]["relayId"] == "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def test_the_dynamic_door_and_the_package_name_it(seen: dict) -> None:  # type: ignore[type-arg]
    assert seen["dynamic"] == {
        "class": "Relay",
        "section": True,
        "provider": "pulumi_videokit.resources.RelayProvider",
        "outputs": {"relayId": "relay_id", "token": "token"},
    }


def test_export_and_the_reports_read_it_from_the_table(seen: dict) -> None:  # type: ignore[type-arg]
    assert '\nrelays:\n  edge:\n    origin: "rtmp://edge.example.com/live"\n' in seen["export"]
    assert 'adopt: "relay-9"' in seen["export"]
    assert seen["reports"] == {"secret": ["token"], "outputs": ["relayId", "token"]}
