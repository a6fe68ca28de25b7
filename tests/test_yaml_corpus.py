"""Malformed declarations: each names its exact place, and nothing reaches the API."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pulumi_videokit.gitops import DeclarationError, load

from . import figures

GOOD_CH = """\
channels:
  main:
    name: main
    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}
"""

# name: (yaml text, expected "line:col: field" of the first problem, text in its message)
CORPUS: dict[str, tuple[str, str, str]] = {
    "tab indentation": ("channels:\n\tmain: {}\n", "2:1: (yaml)", "cannot start any token"),
    "unclosed flow mapping": ("channels:\n  main: {name: a\n", "3:1: (yaml)", "expected ',' or '}'"),
    "unclosed quote": ('channels:\n  main:\n    name: "abc\n', "4:1: (yaml)", "quoted scalar"),
    "duplicate key": ("channels:\n  main:\n    name: a\n    name: b\n", "4:5: (yaml)", "duplicate key"),
    "duplicate entry": (GOOD_CH + "  main:\n    name: x\n", "5:3: (yaml)", "duplicate key"),
    "top level list": ("- a\n- b\n", "1:1: (file)", "mapping of sections"),
    "unknown section": ("chanels:\n  main: {}\n", "1:1: chanels", "allowed: channels, events"),
    "section is a list": ("channels:\n  - name: a\n", "1:1: channels", "must map resource names"),
    "entry is a scalar": ("channels:\n  main: 5\n", "2:3: channels.main", "mapping of fields"),
    "bad resource name": (
        "domains:\n  'bad name': {url: 'https://a.com'}\n",
        "2:3: domains.bad name",
        "resource name",
    ),
    "same name two sections": (
        GOOD_CH + "domains:\n  main: {url: 'https://a.com'}\n",
        "6:3: domains.main",
        "already used in channels",
    ),
    "missing name": (
        "channels:\n  main:\n    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}\n",
        "2:3: channels.main.name",
        "is required",
    ),
    "missing input": ("channels:\n  main:\n    name: a\n", "2:3: channels.main.input", "is required"),
    "name wrong type": (
        "channels:\n  main:\n    name: [a]\n    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}\n",
        "3:5: channels.main.name",
        "must be a string",
    ),
    "name too long": (
        "channels:\n  main:\n    name: "
        + "x" * 129
        + "\n    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}\n",
        "3:5: channels.main.name",
        "at most 128",
    ),
    "bad redundancy": (
        GOOD_CH + "    redundancy: Triple\n",
        "5:5: channels.main.redundancy",
        "allowed: 'SingleInput', 'DoubleInput'",
    ),
    "bad latency": (
        GOOD_CH + "    latency: Fast\n",
        "5:5: channels.main.latency",
        "allowed: 'NormalLatency', 'ReducedLatency'",
    ),
    "bad activation": (
        GOOD_CH + "    activationMode: Auto\n",
        "5:5: channels.main.activationMode",
        "'EventBased', 'Manual'",
    ),
    "bad transmission": (
        GOOD_CH + "    transmissionType: Radio\n",
        "5:5: channels.main.transmissionType",
        "'Video', 'Audio'",
    ),
    "bad environment": (
        GOOD_CH + "    environment: Cloud\n",
        "5:5: channels.main.environment",
        "'MediaLive', 'MediaLiveAnywhere'",
    ),
    "bad package version": (
        GOOD_CH + "    mediaPackageVersion: V3\n",
        "5:5: channels.main.mediaPackageVersion",
        "'V1', 'V2'",
    ),
    "bad input loss": (
        "channels:\n  main:\n    name: a\n    input:\n      type: RTMP_PUSH\n      inputLoss:\n        type: BLUE\n",
        "7:9: channels.main.input.inputLoss.type",
        "allowed: 'COLOR', 'SLATE'",
    ),
    "bad colour": (
        "channels:\n  main:\n    name: a\n    input:\n      type: RTMP_PUSH\n      inputLoss: {type: COLOR, color: red}\n",
        "6:32: channels.main.input.inputLoss.color",
        "pattern",
    ),
    "bad cidr": (
        "channels:\n  main:\n    name: a\n    input:\n      type: RTMP_PUSH\n      whitelistCidr: 10.0.0.0/33\n      inputLoss: {type: COLOR}\n",
        "6:7: channels.main.input.whitelistCidr",
        "CIDR",
    ),
    "cidr not an address": (
        "channels:\n  main:\n    name: a\n    input:\n      type: RTMP_PUSH\n      whitelistCidr: anywhere\n      inputLoss: {type: COLOR}\n",
        "6:7: channels.main.input.whitelistCidr",
        "CIDR",
    ),
    "lowercase input type": (
        "channels:\n  main:\n    name: a\n    input:\n      type: rtmp_push\n      inputLoss: {type: COLOR}\n",
        "5:7: channels.main.input.type",
        "pattern",
    ),
    "unknown channel field": (
        GOOD_CH + "    colour: red\n",
        "5:5: channels.main.colour",
        "not a known field",
    ),
    "unknown nested field": (
        "channels:\n  main:\n    name: a\n    input:\n      type: RTMP_PUSH\n      inputLoss: {type: COLOR}\n      port: 1935\n",
        "7:7: channels.main.input.port",
        "not a known field",
    ),
    "quality resolution": (
        GOOD_CH + "    qualities:\n      - resolution: HD\n",
        "6:9: channels.main.qualities.0.resolution",
        "pattern",
    ),
    "quality second item": (
        GOOD_CH
        + "    qualities:\n      - resolution: 720p\n      - resolution: 1080p\n        frameRate: 500\n",
        "8:9: channels.main.qualities.1.frameRate",
        "less than or equal to 120",
    ),
    "frame rate not int": (
        GOOD_CH + "    qualities: [{resolution: 720p, frameRate: fast}]\n",
        "5:36: channels.main.qualities.0.frameRate",
        "must be an integer",
    ),
    "endpoints not list": (GOOD_CH + "    endpoints: HlsDrm\n", "5:5: channels.main.endpoints", "valid list"),
    "restream bad url": (
        GOOD_CH + "    restreams:\n      - rtmpDestinations:\n          - url: http://x\n",
        "7:13: channels.main.restreams.0.rtmpDestinations.0.url",
        "pattern",
    ),
    "too many restreams": (
        GOOD_CH + "    restreams: [" + ", ".join(["{}"] * 11) + "]\n",
        "5:5: channels.main.restreams",
        "at most 10",
    ),
    "running not bool": (GOOD_CH + "    running: maybe\n", "5:5: channels.main.running", "must be true or false"),
    "adopt wrong type": (
        GOOD_CH + "    adopt: [1]\n",
        "5:5: channels.main.adopt",
        "must be true or false or a string, not a list",
    ),
    "event start after end": (
        GOOD_CH
        + "events:\n  e:\n    channel: main\n    start: '2030-01-01T11:00:00Z'\n    end: '2030-01-01T10:00:00Z'\n",
        "6:3: events.e",
        "start must be before end",
    ),
    "event start equals end": (
        GOOD_CH
        + "events:\n  e:\n    channel: main\n    start: '2030-01-01T10:00:00Z'\n    end: '2030-01-01T10:00:00Z'\n",
        "6:3: events.e",
        "start must be before end",
    ),
    "event bad time": (
        GOOD_CH + "events:\n  e:\n    channel: main\n    start: tomorrow\n    end: '2030-01-01T10:00:00Z'\n",
        "8:5: events.e.start",
        "datetime",
    ),
    "event dangling channel": (
        GOOD_CH
        + "events:\n  e:\n    channel: mian\n    start: '2030-01-01T10:00:00Z'\n    end: '2030-01-01T11:00:00Z'\n",
        "7:5: events.e.channel",
        "names no channel of these files (channels: main)",
    ),
    "event both channel refs": (
        GOOD_CH
        + "events:\n  e:\n    channel: main\n    channelId: abc\n    start: '2030-01-01T10:00:00Z'\n    end: '2030-01-01T11:00:00Z'\n",
        "6:3: events.e",
        "exactly one of channel",
    ),
    "event no channel": (
        "events:\n  e:\n    start: '2030-01-01T10:00:00Z'\n    end: '2030-01-01T11:00:00Z'\n",
        "2:3: events.e",
        "exactly one of channel",
    ),
    "event bad channel id": (
        "events:\n  e:\n    channelId: 'a b'\n    start: '2030-01-01T10:00:00Z'\n    end: '2030-01-01T11:00:00Z'\n",
        "3:5: events.e.channelId",
        "pattern",
    ),
    "event attribute form": (
        GOOD_CH
        + "events:\n  e:\n    channel: main\n    start: '2030-01-01T10:00:00Z'\n    end: '2030-01-01T11:00:00Z'\n    attributes: [genre]\n",
        "10:5: events.e.attributes",
        "key=value",
    ),
    "event metadata not map": (
        GOOD_CH
        + "events:\n  e:\n    channel: main\n    start: '2030-01-01T10:00:00Z'\n    end: '2030-01-01T11:00:00Z'\n    metadata: [a]\n",
        "10:5: events.e.metadata",
        "valid dictionary",
    ),
    "domain bad scheme": ("domains:\n  d: {url: 'ftp://a.com'}\n", "2:7: domains.d.url", "http(s) URL"),
    "domain no host": ("domains:\n  d: {url: 'https://'}\n", "2:7: domains.d.url", "http(s) URL"),
    "domain missing url": ("domains:\n  d: {}\n", "2:3: domains.d.url", "is required"),
    "domain url number": ("domains:\n  d: {url: 42}\n", "2:7: domains.d.url", "must be a string"),
    "api key missing role": ("apiKeys:\n  k: {name: ci}\n", "2:3: apiKeys.k.roleId", "is required"),
    "api key empty name": (
        "apiKeys:\n  k: {name: '', roleId: r}\n",
        "2:7: apiKeys.k.name",
        "at least 1 character",
    ),
    "settings bad value": (
        "assetSettings:\n  s: {assetId: a1, cap: On}\n",
        "2:20: assetSettings.s.cap",
        "allowed: 'Enabled', 'Disabled'",
    ),
    "settings nothing declared": (
        "assetSettings:\n  s: {assetId: a1}\n",
        "2:3: assetSettings.s",
        "declare at least one",
    ),
    "settings bad asset id": (
        "assetSettings:\n  s: {assetId: 'a/b', cap: Enabled}\n",
        "2:7: assetSettings.s.assetId",
        "pattern",
    ),
    "settings unknown setting": (
        "assetSettings:\n  s: {assetId: a, drm: Enabled}\n",
        "2:19: assetSettings.s.drm",
        "not a known field",
    ),
    "one domain twice, case and slash": (
        "domains:\n  a: {url: 'https://Site.example.com/'}\n  b: {url: 'https://site.EXAMPLE.com'}\n",
        "3:7: domains.b.url",
        "same url as domains.a at",
    ),
    "alias still declared": (
        GOOD_CH + "  backup:\n    name: b\n    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}\n"
        "    aliases: [main]\n",
        "8:15: channels.backup.aliases.0",
        "'main' is still declared in channels at",
    ),
    "alias not a name": (
        "domains:\n  site:\n    url: 'https://a.com'\n    aliases: ['old site']\n",
        "4:15: domains.site.aliases.0",
        "is not a resource name",
    ),
    "alias a URN of another kind": (
        "domains:\n  site:\n    url: 'https://a.com'\n"
        "    aliases: ['urn:pulumi:dev::p::pulumi-python:dynamic/videokit:Channel::old']\n",
        "4:15: domains.site.aliases.0",
        "is not a URN of an AllowedDomain",
    ),
    "alias its own name": (
        "domains:\n  site:\n    url: 'https://a.com'\n    aliases: [site]\n",
        "4:15: domains.site.aliases.0",
        "own name",
    ),
    "alias claimed twice": (
        "domains:\n  a: {url: 'https://a.com', aliases: [old]}\n  b: {url: 'https://b.com', aliases: [old]}\n",
        "3:39: domains.b.aliases.0",
        "already an alias of domains.a",
    ),
    "one asset's settings twice": (
        "assetSettings:\n  a: {assetId: x1, cap: Enabled}\n  b: {assetId: x1, analytics: Disabled}\n",
        "3:7: assetSettings.b.assetId",
        "same assetId as assetSettings.a at",
    ),
    "aliases not a list": (
        "domains:\n  site:\n    url: 'https://a.com'\n    aliases: old\n",
        "4:5: domains.site.aliases",
        "valid list",
    ),
}


@pytest.mark.parametrize("case", list(CORPUS), ids=list(CORPUS))
def test_malformed_yaml_names_its_place(tmp_path: Path, case: str) -> None:
    figures.add("bad inputs tried")
    text, where, message = CORPUS[case]
    path = tmp_path / "videokit.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DeclarationError) as err:
        load(path)
    first = err.value.problems[0]
    assert f"{first.line}:{first.col}: {first.field}" == where, str(err.value)
    assert message in first.message, str(err.value)
    assert str(first).startswith(f"{path}:{where}")
    figures.add("bad inputs rejected cleanly")


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    path = tmp_path / "v.yaml"
    path.write_text(
        textwrap.dedent("""\
        channels:
          a: {name: a, redundancy: X, input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}}
          b: {name: b, latency: Y, input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}}
        domains:
          d: {url: nope}
        """)
    )
    with pytest.raises(DeclarationError) as err:
        load(path)
    assert [p.field for p in err.value.problems] == [
        "channels.a.redundancy",
        "channels.b.latency",
        "domains.d.url",
    ]


def test_non_utf8_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("channels:\n  main:\n    name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(DeclarationError, match=r"latin1.yaml:3:14: \(file\): is not UTF-8: byte 0xe9"):
        load(path)


def test_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_text(
        "domains:\n" + "".join(f"  d{n}: {{url: 'https://d{n}.example.com'}}\n" for n in range(40000))
    )
    with pytest.raises(DeclarationError, match="limit is 1048576"):
        load(path)


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "deep.yaml"
    path.write_text("channels:\n  main:\n    name: a\n    input: " + "[" * 40 + "]" * 40 + "\n")
    with pytest.raises(DeclarationError, match="nests deeper than 16"):
        load(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DeclarationError, match="cannot be read"):
        load(tmp_path / "absent.yaml")


def test_unquoted_timestamps_become_iso_strings(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        GOOD_CH
        + "events:\n  e:\n    channel: main\n    start: 2030-01-01T10:00:00Z\n    end: 2030-01-01 13:00:00+02:00\n"
    )
    doc = load(path)
    event = next(e for e in doc.entries if e.section == "events")
    assert event.props == {"start": "2030-01-01T10:00:00Z", "end": "2030-01-01T13:00:00+02:00"}
    assert event.refs == {"channelId": "main"}


@pytest.mark.parametrize("value", ["2030-01-01 11:00:00", "2030-01-01T11:00:00", '"2030-01-01T11:00:00"'])
def test_a_time_without_an_offset_is_an_error_at_its_line(tmp_path: Path, value: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        GOOD_CH + f"events:\n  e:\n    channel: main\n    start: 2030-01-01T10:00:00Z\n    end: {value}\n"
    )
    with pytest.raises(DeclarationError) as err:
        load(path)
    (problem,) = err.value.problems
    assert (problem.field, problem.col) == ("events.e.end", 5)
    assert problem.line == GOOD_CH.count("\n") + 5
    assert "no UTC offset" in problem.message


@pytest.mark.parametrize(
    ("key", "camel"),
    [("activation_mode: Manual", "activationMode"), ("media_package_version: V1", "mediaPackageVersion")],
)
def test_a_snake_case_key_names_the_api_spelling(tmp_path: Path, key: str, camel: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(GOOD_CH.rstrip("\n") + f"\n    {key}\n")
    with pytest.raises(DeclarationError) as err:
        load(path)
    (problem,) = err.value.problems
    assert problem.line == GOOD_CH.count("\n") + 1 and problem.col == 5
    assert problem.message == f"is not a known field; the API spells it {camel}"


def test_nested_snake_case_keys_are_errors_too(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(
        "channels:\n  main:\n    name: main\n    input:\n      type: RTMP_PUSH\n"
        "      input_loss: {type: COLOR}\n    qualities:\n      - {resolution: 720p, frame_rate: 50}\n"
    )
    with pytest.raises(DeclarationError) as err:
        load(path)
    fields = {p.field: (p.line, p.message) for p in err.value.problems}
    assert fields["channels.main.input.input_loss"] == (
        6,
        "is not a known field; the API spells it inputLoss",
    )
    assert fields["channels.main.qualities.0.frame_rate"][1].endswith("frameRate")


@pytest.mark.parametrize(
    "url",
    [
        "https://x.example/player?a=1",
        "https://x.example/player",
        "https://x.example/#top",
        "https://u@x.example",
    ],
)
def test_a_domain_that_is_not_an_origin_is_an_error(tmp_path: Path, url: str) -> None:
    path = tmp_path / "t.yaml"
    path.write_text(f"domains:\n  d:\n    url: {url}\n")
    with pytest.raises(DeclarationError) as err:
        load(path)
    (problem,) = err.value.problems
    assert (problem.line, problem.field) == (3, "domains.d.url") and "is not an origin" in problem.message


def test_empty_file_declares_nothing(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text("# nothing yet\n")
    assert load(path).entries == []


def _thousand(path: Path) -> None:
    """1,000 declarations: 250 channels, an event on each (unquoted times), 250 domains and keys."""
    lines = ["channels:"]
    for i in range(250):
        lines += [f"  ch{i}:", f"    name: c-{i}", "    input: {type: RTMP_PUSH, inputLoss: {type: SLATE}}"]
    lines.append("events:")
    for i in range(250):
        lines += [
            f"  ev{i}:",
            f"    channel: ch{i}",
            "    start: 2030-02-01T18:00:00Z",
            "    end: 2030-02-01 19:30:00+00:00",
            "    tags: [a, 'yes', on]",
        ]
    lines += ["domains:", *(f"  d{i}: {{url: 'https://d{i}.example.com'}}" for i in range(250))]
    lines += ["apiKeys:", *(f"  k{i}: {{name: key-{i}, roleId: r}}" for i in range(250))]
    path.write_text("\n".join(lines) + "\n")


def test_validate_of_a_thousand_declarations_in_a_new_process(tmp_path: Path) -> None:
    """`videokit validate` as CI runs it: a new process, 1,000 entries, and no Pulumi import."""
    import subprocess
    import sys

    path = tmp_path / "big.yaml"
    _thousand(path)
    probe = (
        "import sys\nfrom pulumi_videokit.cli import main\n"
        f"try:\n    main(['validate', {str(path)!r}])\nexcept SystemExit as exc:\n    code = exc.code\n"
        "print('exit', code, 'pulumi', 'pulumi' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "exit 0 pulumi False"
    assert "ok (1000 declarations)" in done.stderr
    doc = load(path)
    event = next(e for e in doc.entries if e.name == "ev7")
    assert event.props["start"] == "2030-02-01T18:00:00Z"
    assert event.props["end"] == "2030-02-01T19:30:00Z"
    assert event.props["tags"] == ["a", "yes", "on"]
    assert (event.file, event.line, event.col) == (str(path), 1 + 250 * 3 + 1 + 7 * 5 + 1, 3)


def test_from_yaml_raises_a_pulumi_run_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """At the Pulumi boundary a DeclarationError is also a RunError (no traceback in the engine)."""
    import pulumi

    from pulumi_videokit.gitops import Context, DeclarationRunError, _program

    path = tmp_path / "bad.yaml"
    path.write_text("chanels: {}\n")
    monkeypatch.setattr(_program, "stack_context", Context)
    with pytest.raises(DeclarationRunError, match=r"bad\.yaml:1:1: chanels") as caught:
        _program.from_yaml(path)
    assert isinstance(caught.value, DeclarationError)
    assert isinstance(caught.value, pulumi.RunError)
    assert caught.value.problems[0].field == "chanels"


def test_an_alias_may_name_an_entry_of_another_kind(tmp_path: Path) -> None:
    """Aliases name earlier names of the same kind: a domain named `site` is another resource."""
    path = tmp_path / "videokit.yaml"
    path.write_text(
        GOOD_CH + "  backup:\n    name: b\n    input: {type: RTMP_PUSH, inputLoss: {type: COLOR}}\n"
        "    aliases: [site]\ndomains:\n  site: {url: 'https://a.com'}\n"
    )
    doc = load(path)
    assert doc.entries[[e.name for e in doc.entries].index("backup")].options["aliases"] == ["site"]
