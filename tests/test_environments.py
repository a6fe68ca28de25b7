"""Many files, overlays per stack, ${...} values, resource options: what the loader accepts, and
every new way to get it wrong, each at its file, line and column (part of the bad-input corpus)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pulumi_videokit.export import Filters, Item, _name, render_import, render_yaml
from pulumi_videokit.gitops import ConfigValue, Context, DeclarationError, load

from . import figures

INPUT = "input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}"
CH = f"channels:\n  main:\n    name: main-${{stack}}\n    {INPUT}\n"


def ctx(stack: str = "staging", env: dict[str, str] | None = None, **config: ConfigValue) -> Context:
    values = {f"venue:{k}": v for k, v in config.items()}
    return Context(stack=stack, project="venue", config=values.get, environ=env or {})


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


# ---- what works ----


def test_directory_files_overlay_and_references_across_files(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "a/channels.yaml": CH,
            "a/channels.prod.yaml": "channels:\n  main:\n    qualities: [{resolution: 1080p}]\n",
            "b/events.yaml": "events:\n  e:\n    channel: main\n    start: '2030-01-01T10:00:00Z'\n"
            "    end: '2030-01-01T11:00:00Z'\n    title: T\n",
            "b/events.staging.yaml": "events:\n  e:\n    title: null\n"
            "domains:\n  extra: {url: 'https://${stack}.example.com'}\n",
            "Pulumi.yaml": "name: venue\n",
        },
    )
    staging = load(tmp_path, context=ctx("staging"))
    entries = {e.name: e for e in staging.entries}
    assert entries["main"].props["name"] == "main-staging"
    assert "qualities" not in entries["main"].props  # prod's overlay is not staging's
    assert "title" not in entries["e"].props  # null removes a field
    assert entries["extra"].props == {"url": "https://staging.example.com"}  # an overlay adds an entry
    assert entries["e"].refs == {"channelId": "main"}
    assert [e.name for e in staging.entries].index("main") < [e.name for e in staging.entries].index("e")
    prod = {e.name: e for e in load(tmp_path, context=ctx("prod")).entries}
    assert prod["main"].props["qualities"] == [{"resolution": "1080p"}] and "extra" not in prod
    # An overlay is never a base file, with or without a stack.
    assert {e.name for e in load(tmp_path).entries} == {"main", "e"}


def test_config_secret_and_env_values(tmp_path: Path) -> None:
    path = (
        write(
            tmp_path,
            {
                "v.yaml": "allowEnv: [BUILD]\nchannels:\n  main:\n    name: c-${env:BUILD}-${config:region}\n"
                f"    {INPUT}\n    restreams: [{{rtmpDestinations: [{{url: 'rtmp://x/y', streamKey: '${{config:key}}'}}]}}]\n",
            },
        )
        / "v.yaml"
    )
    doc = load(
        path,
        context=ctx(env={"BUILD": "42"}, region=ConfigValue("eu"), key=ConfigValue("s3cr3t", secret=True)),
    )
    (main,) = doc.entries
    assert main.props["name"] == "c-42-eu"
    assert main.props["restreams"][0]["rtmpDestinations"][0]["streamKey"] == "s3cr3t"
    assert main.secrets == frozenset({"restreams"})  # declared as a Pulumi secret


def test_literal_dollar_brace_and_offline_secret(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {"v.yaml": "domains:\n  d: {url: '${config:site}'}\napiKeys:\n  k: {name: 'a$${b}', roleId: r}\n"},
    )
    doc = load(path / "v.yaml", context=ctx(site=ConfigValue(None, secret=True)))
    assert {e.name: e.props for e in doc.entries}["k"] == {"name": "a${b}", "roleId": "r"}


def test_resource_options_are_taken_out_of_the_inputs(tmp_path: Path) -> None:
    text = (
        CH.replace("main-${stack}", "main")
        + "    protect: true\n    ignoreChanges: [qualities, input.whitelistCidr]\n    dependsOn: [site]\n"
        "    deleteBeforeReplace: true\n    retainOnDelete: false\ndomains:\n  site: {url: 'https://a.example.com'}\n"
    )
    doc = load(write(tmp_path, {"v.yaml": text}) / "v.yaml")
    main = next(e for e in doc.entries if e.name == "main")
    assert main.options == {
        "protect": True,
        "ignoreChanges": ["qualities", "input.whitelistCidr"],
        "dependsOn": ["site"],
        "deleteBeforeReplace": True,
        "retainOnDelete": False,
    }
    assert set(main.props) == {"name", "input"}
    assert [e.name for e in doc.entries] == ["site", "main"]  # dependsOn orders the declarations


def test_an_exported_channel_may_leave_out_its_input(tmp_path: Path) -> None:
    path = write(tmp_path, {"v.yaml": "channels:\n  c: {name: c, adopt: ch-1}\n"}) / "v.yaml"
    assert load(path).entries[0].props == {"name": "c", "adopt": "ch-1"}
    path.write_text("channels:\n  c: {name: c, adopt: true}\n")
    with pytest.raises(DeclarationError, match=r"channels\.c\.input: is required"):
        load(path)


# ---- the corpus: every new failure at its place ----

BAD: dict[str, tuple[dict[str, str], str, str]] = {
    "duplicate name across files (second)": (
        {
            "a.yaml": CH,
            "b.yaml": "domains:\n  x: {url: 'https://x.example.com'}\n  main: {url: 'https://a.b'}\n",
        },
        "b.yaml:3:3: domains.main",
        "duplicates the name already used in channels at",
    ),
    "duplicate name across files (first)": (
        {"a.yaml": CH, "b.yaml": "domains:\n  main: {url: 'https://a.example.com'}\n"},
        "a.yaml:2:3: channels.main",
        "the same name is declared again in domains at",
    ),
    "overlay map over list": (
        {
            "v.yaml": CH + "    qualities: [{resolution: 720p}]\n",
            "v.staging.yaml": "channels:\n  main:\n    qualities: {resolution: 1080p}\n",
        },
        "v.staging.yaml:3:5: channels.main.qualities",
        "gives a mapping where",
    ),
    "overlay scalar over map": (
        {"v.yaml": CH, "v.staging.yaml": "channels:\n  main:\n    input: RTMP_PUSH\n"},
        "v.staging.yaml:3:5: channels.main.input",
        "gives a single value where",
    ),
    "overlay list over entry": (
        {"v.yaml": CH, "v.staging.yaml": "channels:\n  main: [a]\n"},
        "v.staging.yaml:2:3: channels.main",
        "gives a list where",
    ),
    "overlay null removes nothing": (
        {"v.yaml": CH, "v.staging.yaml": "channels:\n  main:\n    qualitites: null\n"},
        "v.staging.yaml:3:5: channels.main.qualitites",
        "null removes nothing",
    ),
    "overlay value fails the model": (
        {"v.yaml": CH, "v.staging.yaml": "channels:\n  main:\n    latency: Low\n"},
        "v.staging.yaml:3:5: channels.main.latency",
        "allowed: 'NormalLatency', 'ReducedLatency'",
    ),
    "overlay removes a required field": (
        {"v.yaml": CH, "v.staging.yaml": "channels:\n  main:\n    input: null\n"},
        "v.yaml:2:3: channels.main.input",
        "is required",
    ),
    "unknown interpolation": (
        {"v.yaml": CH.replace("${stack}", "${stak}")},
        "v.yaml:3:5: channels.main.name",
        "${stak} is not a known interpolation",
    ),
    "unknown interpolation kind": (
        {"v.yaml": CH.replace("${stack}", "${secret:x}")},
        "v.yaml:3:5: channels.main.name",
        "is not a known interpolation",
    ),
    "unclosed interpolation": (
        {"v.yaml": CH.replace("${stack}", "${stack")},
        "v.yaml:3:5: channels.main.name",
        "not closed",
    ),
    "missing config": (
        {"v.yaml": CH.replace("${stack}", "${config:nope}")},
        "v.yaml:3:5: channels.main.name",
        "has no config value venue:nope",
    ),
    "env not allowed": (
        {"v.yaml": CH.replace("${stack}", "${env:HOME}")},
        "v.yaml:3:5: channels.main.name",
        "HOME is not in this file's allowEnv",
    ),
    "env allowed but unset": (
        {"v.yaml": "allowEnv: [NOT_SET_ANYWHERE]\n" + CH.replace("${stack}", "${env:NOT_SET_ANYWHERE}")},
        "v.yaml:4:5: channels.main.name",
        "is not set",
    ),
    "allowEnv not a list": (
        {"v.yaml": "allowEnv: HOME\n" + CH},
        "v.yaml:1:1: allowEnv",
        "must be a list",
    ),
    "interpolated value fails the model": (
        {"v.yaml": "domains:\n  d: {url: 'https://${stack}.example.com/path'}\n"},
        "v.yaml:2:7: domains.d.url",
        "is not an origin",
    ),
    "cyclic dependsOn": (
        {
            "v.yaml": CH
            + "    dependsOn: [site]\ndomains:\n  site: {url: 'https://a.example.com', dependsOn: [main]}\n"
        },
        "v.yaml:5:17: channels.main.dependsOn.0",
        "makes a cycle: main → site → main",
    ),
    "dependsOn itself": (
        {"v.yaml": CH + "    dependsOn: [main]\n"},
        "v.yaml:5:17: channels.main.dependsOn.0",
        "makes a cycle: main → main",
    ),
    "cycle through a reference": (
        {
            "v.yaml": CH + "    dependsOn: [e]\nevents:\n  e: {channel: main, start: '2030-01-01T10:00:00Z', "
            "end: '2030-01-01T11:00:00Z'}\n"
        },
        "v.yaml:5:17: channels.main.dependsOn.0",
        "makes a cycle: main → e → main",
    ),
    "dependsOn unknown name": (
        {"v.yaml": CH + "    dependsOn: [ghost]\n"},
        "v.yaml:5:17: channels.main.dependsOn.0",
        "names no entry of these files: 'ghost'",
    ),
    "dependsOn not a list": (
        {"v.yaml": CH + "    dependsOn: site\n"},
        "v.yaml:5:5: channels.main.dependsOn",
        "valid list",
    ),
    "protect not a bool": (
        {"v.yaml": CH + "    protect: sometimes\n"},
        "v.yaml:5:5: channels.main.protect",
        "must be true or false",
    ),
    "ignoreChanges unknown input": (
        {"v.yaml": CH + "    ignoreChanges: [latency, nmae]\n"},
        "v.yaml:5:30: channels.main.ignoreChanges.1",
        "'nmae' is not an input of Channel",
    ),
    "retain_on_delete snake case": (
        {"v.yaml": CH + "    retain_on_delete: true\n"},
        "v.yaml:5:5: channels.main.retain_on_delete",
        "the API spells it retainOnDelete",
    ),
    "reference across files to nothing": (
        {
            "a.yaml": CH,
            "b.yaml": "events:\n  e: {channel: mian, start: '2030-01-01T10:00:00Z', end: '2030-01-01T11:00:00Z'}\n",
        },
        "b.yaml:2:7: events.e.channel",
        "names no channel of these files (channels: main)",
    ),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_new_failure_modes_name_their_place(tmp_path: Path, case: str) -> None:
    figures.add("bad inputs tried")
    files, where, message = BAD[case]
    write(tmp_path, files)
    with pytest.raises(DeclarationError) as err:
        load(tmp_path, context=ctx("staging"))
    found = [p for p in err.value.problems if str(p).startswith(f"{tmp_path}/{where}:")]
    assert found, str(err.value)
    assert message in found[0].message, str(err.value)
    figures.add("bad inputs rejected cleanly")


# ---- the command line ----


def videokit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pulumi_videokit.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
    )


def test_validate_with_stack_reads_its_config_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "Pulumi.yaml": "name: venue\nruntime: python\n",
            "Pulumi.prod.yaml": "config:\n  venue:region: eu\n  venue:key:\n    secure: v1:AAAA\n",
            "base/c.yaml": CH.replace("main-${stack}", "main-${stack}-${config:region}")
            + "    restreams: [{rtmpDestinations: [{url: 'rtmp://x/y', streamKey: '${config:key}'}]}]\n",
            "base/c.prod.yaml": "channels:\n  main:\n    latency: Low\n",
        },
    )
    out = videokit("validate", "--stack", "prod", "base", cwd=tmp_path)
    assert out.returncode == 1
    assert out.stdout.strip().startswith("base/c.prod.yaml:3:5: channels.main.latency:")
    (tmp_path / "base/c.prod.yaml").write_text("channels:\n  main:\n    latency: ReducedLatency\n")
    out = videokit("validate", "--stack", "prod", "base", cwd=tmp_path)
    assert out.returncode == 0, out.stdout
    assert "ok (1 declarations) from 2 files, stack prod" in out.stderr
    missing = videokit("validate", "--stack", "dev", "--config", "Pulumi.prod.yaml", "base", cwd=tmp_path)
    assert missing.returncode == 0  # the config file given is read whatever the stack's name
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    none = videokit("validate", "--stack", "dev", "base", cwd=tmp_path)
    assert none.returncode == 1 and "stack dev has no config value venue:region" in none.stdout
    (tmp_path / "Pulumi.dev.yaml").unlink()
    typo = videokit("validate", "--stack", "dve", "base", cwd=tmp_path)
    assert typo.returncode == 1 and "Traceback" not in typo.stdout + typo.stderr
    assert typo.stdout.strip() == (
        f"{tmp_path / 'Pulumi.dve.yaml'}:1:1: (stack): stack dve has no config file here "
        "(stacks with one: prod); check the name, or give the config file with --config"
    )


# ---- export's output ----


def test_export_names_are_readable_unique_and_stable() -> None:
    items = [
        Item("channels", "main", "id-2", {"name": "Main"}),
        Item("channels", "main", "id-1", {"name": "main"}),
        Item("apiKeys", "main", "k-1", {"name": "main", "roleId": "r"}, ["note"]),
        Item("events", "final-20300612-1600", "e-1", {"start": "a", "end": "b"}, refs={"channel": "id-1"}),
        Item("events", "x-20300612-1600", "e-2", {"start": "a", "end": "b"}, refs={"channel": "gone"}),
        Item("domains", "a.example.com", "d-1", {"url": "https://a.example.com ${x}"}),
    ]
    _name(items)
    assert [i.name for i in items] == [
        "main-2",
        "main",
        "main-3",
        "final-20300612-1600",
        "x-20300612-1600",
        "a.example.com",
    ]
    text = render_yaml(items, Filters(retain=True))
    assert '    channel: "main"\n' in text and '    channelId: "gone"\n' in text
    assert '"https://a.example.com $${x}"' in text  # read back literally
    assert text.count("retainOnDelete: true") == 6
    imports = json.loads(render_import(items))
    assert imports["resources"][0] == {"type": "videokit:index:Channel", "name": "main", "id": "id-1"}
