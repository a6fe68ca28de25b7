"""The kinds' table is the one registry: every door, the loader and the schemas read it."""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dill  # type: ignore[import-untyped]
import pytest
from pulumi.dynamic.dynamic import serialize_provider

from pulumi_videokit import resources
from pulumi_videokit.gitops import load
from pulumi_videokit.gitops._entries import entry_model
from pulumi_videokit.models import APIModel
from pulumi_videokit.models.desired import AllowedDomainSpec
from pulumi_videokit.native.schema import schema, schema_of
from pulumi_videokit.reconcile.kinds import (
    KINDS,
    SECTIONS,
    SPECS,
    Kind,
    Observed,
    kind_named,
    kind_of_section,
)
from pulumi_videokit.specs import ResourceSpec

ROOT = Path(__file__).resolve().parent.parent


def test_every_door_lists_the_kinds_of_the_table_in_its_order() -> None:
    sections = [k.spec.section for k in KINDS]
    assert list(SECTIONS) == sections == list(SPECS) == list(resources.RESOURCES)
    assert set(schema()["resources"]) == {k.spec.native_token for k in KINDS}
    yaml_schema = json.loads((ROOT / "schemas" / "videokit.schema.json").read_text())
    assert set(sections) <= set(yaml_schema["properties"])
    for kind in KINDS:
        assert kind_named(kind.spec.kind) is kind is kind_of_section(kind.spec.section)
        assert resources.RESOURCES[kind.spec.section]._provider_cls.kind is kind
        assert set(kind.spec.patchable) | set(kind.spec.create_only) <= set(kind.spec.input_names())
        assert set(kind.spec.natural_key) <= set(kind.spec.input_names())


def test_references_are_declared_in_the_spec_and_resolved_by_the_loader(tmp_path: Path) -> None:
    event = kind_named("Event").spec
    assert event.references == {"channel": ("channelId", "channels")}
    path = tmp_path / "v.yaml"
    path.write_text(
        "channels:\n  main:\n    name: main\n    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}\n"
        "events:\n  e:\n    channel: main\n    start: 2030-01-01T10:00:00Z\n    end: 2030-01-01T11:00:00Z\n"
    )
    (entry,) = [e for e in load(path).entries if e.section == "events"]
    assert entry.refs == {"channelId": "main"}


class MirrorOutputs(APIModel):
    mirror_id: str = ""


class MirrorKind(Kind):
    """A kind that exists only in this test: its model and this class are all it has."""

    spec = ResourceSpec(
        kind="Mirror",
        section="mirrors",
        model=AllowedDomainSpec,
        outputs_model=MirrorOutputs,
        natural_key=("url",),
    )

    def observe(self, object_id: str, last: Mapping[str, Any]) -> Observed | None:
        return Observed({"url": last.get("url")}, {"mirrorId": object_id})


def test_a_new_kind_needs_only_its_model_and_module() -> None:
    cls = resources.generated(MirrorKind, resources.__name__)
    provider = cls._provider_cls
    assert provider.kind is MirrorKind and cls.__name__ == "Mirror"
    # State pickles the provider by reference, at a path that imports again.
    assert dill.loads(__import__("base64").b64decode(serialize_provider(provider()))).__class__ is provider
    assert resources.MirrorProvider is provider
    assert cls._output_names == {"mirrorId": "mirror_id"}
    model = entry_model(MirrorKind.spec)
    assert issubclass(model, AllowedDomainSpec) and "url" in model.model_fields
    native = schema_of([MirrorKind])["resources"]["videokit:index:Mirror"]
    assert native["requiredInputs"] == ["url"] and "mirrorId" in native["properties"]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.spec.kind)
def test_each_spec_documents_itself(kind: type[Kind]) -> None:
    assert kind.spec.doc and kind.spec.natural_key_text
    assert kind.spec.type_token == f"pulumi-python:dynamic/videokit:{kind.spec.kind}"


FACTS = {
    "Channel": (
        {"redundancy", "latency", "activationMode", "transmissionType", "environment", "mediaPackageVersion"},
        {"name", "input", "endpoints", "qualities", "restreams", "automationDisabled"},
        {
            "redundancy",
            "latency",
            "input",
            "endpoints",
            "qualities",
            "restreams",
            "activationMode",
            "transmissionType",
            "environment",
            "mediaPackageVersion",
        },
        ("status", "ingestUrls", "playbackUrls"),
        (),
    ),
    "Event": (
        {"channelId"},
        {"start", "end", "title", "ensureChannel", "metadata", "tags", "attributes"},
        set(),
        ("status",),
        (),
    ),
    "AllowedDomain": ({"url"}, set(), set(), ("playerDomainId", "analyticsDomainId"), ()),
    "ApiKey": (set(), {"name", "roleId"}, set(), ("key", "roleName"), ("key",)),
    "AssetSettings": (
        {"assetId"},
        {"tokenRequired", "devToolsAccess", "cap", "analytics", "codeObfuscation"},
        set(),
        ("previous",),
        (),
    ),
    "AssetDetails": (
        {"assetId"},
        {"description", "tags", "attributes", "chapters", "tokenRequiredPolicy"},
        {"attributes"},
        (
            "previousDescription",
            "previousTags",
            "previousAttributes",
            "previousChapters",
            "previousTokenRequiredPolicy",
        ),
        (),
    ),
    "VodAsset": (
        {"contentHash", "preset", "transcodingTracks", "fileTypesFlag"},
        {"file", "title", "metadata", "tags", "attributes"},  # a new path alone is no change (compared by hash)
        {"file", "tags", "attributes"},
        ("status", "fileId", "assetId", "outputUrls", "errorMessage"),
        (),
    ),
    "Recording": (
        set(),  # the window patches while Pending; once started its change replaces (Kind.replanned)
        {"channelId", "start", "end", "catchup", "archive", "public", "outputs", "metadata"},
        set(),
        ("status", "catchupUrls", "archiveUrls", "outputUrls", "durationMilliseconds"),
        (),
    ),
}


def test_the_pinned_facts_name_registered_kinds() -> None:
    """``FACTS`` pins the first kinds' facts as their models give them; a kind added later needs
    no row here (a new kind is its model, its module and its ``KINDS`` line)."""
    assert set(FACTS) <= {k.spec.kind for k in KINDS}
    assert len(FACTS) >= 8


@pytest.mark.parametrize("kind", [k for k in KINDS if k.spec.kind in FACTS], ids=lambda k: k.spec.kind)
def test_each_fields_facts_are_read_from_its_model(kind: type[Kind]) -> None:
    create_only, patchable, never_returned, outputs, secret = FACTS[kind.spec.kind]
    spec = kind.spec
    assert (spec.create_only, spec.patchable, spec.never_returned) == (create_only, patchable, never_returned)
    assert (spec.outputs, spec.secret_outputs) == (outputs, secret)
    assert set(spec.output_types) == set(outputs)


def test_what_is_generated_from_the_kinds_is_up_to_date() -> None:
    """The typed classes, the schemas and the README table are written by `make generate`."""
    generate = _generator()
    stale = [
        str(path.relative_to(ROOT))
        for path, make in generate.targets().items()
        if make(path.read_text()) != path.read_text()
    ]
    assert not stale, f"run `make generate`: {stale}"
    assert len(generate.targets()) == 6


def _generator() -> Any:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import generate
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return generate


def test_the_package_names_each_lookup_from_the_lookups_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """``pulumi_videokit.get_*`` and the README's table of lookups are written from
    ``lookups.FUNCTIONS``: a function added there is typed, imported on first use, exported and
    listed, with no other edit."""
    import pulumi_videokit
    from pulumi_videokit import lookups

    for function in lookups.FUNCTIONS.values():
        assert function.python_name in pulumi_videokit.__all__
        assert getattr(pulumi_videokit, function.python_name) is getattr(lookups, function.python_name)
    init = ROOT / "provider" / "pulumi_videokit" / "__init__.py"
    assert "get_zz_test_only" not in init.read_text()
    added = dataclasses.replace(lookups.FUNCTIONS["getLanguages"], name="getZzTestOnly")
    monkeypatch.setitem(lookups.FUNCTIONS, "getZzTestOnly", added)
    generate = _generator()
    assert "`getZzTestOnly`" in generate._readme((ROOT / "README.md").read_text())
    written = generate._package_init(init.read_text())
    assert "from .lookups import get_zz_test_only as get_zz_test_only" in written
    assert '"get_zz_test_only": ".lookups",' in written
    assert written.count('"get_zz_test_only",') == 1


def test_state_written_before_names_the_providers_where_they_still_are() -> None:
    """Existing stacks pickled each provider by reference to `resources.<kind module>`; those
    paths are kept (and only those), and what is pickled now names them too."""
    captured = json.loads((ROOT / "tests" / "data" / "review" / "preview-update.json").read_text())
    old = next(
        s["oldState"]["inputs"]["__provider"]
        for s in captured["steps"]
        if s["urn"].endswith("Event::keynote")
    )
    assert (
        dill.loads(__import__("base64").b64decode(old)).__class__
        is resources.RESOURCES["events"]._provider_cls
    )
    for kind in KINDS:
        provider = resources.RESOURCES[kind.spec.section]._provider_cls
        module = f"pulumi_videokit.resources.{kind.__module__.rsplit('.', 1)[-1]}"
        if not (ROOT / "provider" / Path(*module.split("."))).with_suffix(".py").exists():
            module = "pulumi_videokit.resources"  # a kind added later lives in the package itself
        assert (provider.__module__, provider.__name__) == (module, f"{kind.spec.kind}Provider")
        raw = __import__("base64").b64decode(serialize_provider(provider()))
        assert module.encode() in raw and dill.loads(raw).__class__ is provider


def test_the_reliability_page_holds_the_adoption_rule_its_script_writes() -> None:
    """`make reliability` rewrites docs/reliability.md: the rule it writes is the one the page shows."""
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import reliability_report
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    rule = "\n".join(reliability_report.ADOPTION_RULE)
    assert rule.startswith("## The adoption rule") and "renamed without `aliases`" in rule
    assert rule in (ROOT / "docs" / "reliability.md").read_text()
