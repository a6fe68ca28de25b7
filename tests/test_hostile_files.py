"""Hostile and careless declaration files, through ``videokit validate`` as a user runs it: one
line naming the place, exit code 1 (or a warning and 0), no traceback, and never a hang.

Validation sends no request at all; the engine door (``from_yaml``) raises the same problems
before it declares anything (see test_bad_input_corpus.py).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from pulumi_videokit.emulator import RunningEmulator
from pulumi_videokit.gitops import ConfigValue, Context, DeclarationError, load
from pulumi_videokit.gitops import loader as loader_module
from pulumi_videokit.models import AllowedDomainCreate

from . import figures
from .conftest import API_KEY, TENANT_ID

CHANNEL = (
    "    redundancy: SingleInput\n"
    "    latency: NormalLatency\n"
    '    input: {type: RTMP_PUSH, whitelistCidr: 0.0.0.0/0, inputLoss: {type: COLOR, color: "000000"}}\n'
    "    endpoints: [{type: HlsDrm}]\n"
)


def validate(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``videokit validate`` in a new process; a hang fails the test instead of the suite."""
    return subprocess.run(
        [sys.executable, "-m", "pulumi_videokit.cli", "validate", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=60,
    )


def refused(out: subprocess.CompletedProcess[str]) -> list[str]:
    """The problem lines of a refused file, after checking it was refused cleanly."""
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Traceback" not in out.stdout + out.stderr
    return out.stdout.strip().splitlines()


def project(root: Path, stacks: tuple[str, ...] = ("dev", "prod")) -> Path:
    (root / "Pulumi.yaml").write_text("name: venue\nruntime: python\n")
    for stack in stacks:
        (root / f"Pulumi.{stack}.yaml").write_text("config: {}\n")
    return root


def bomb(levels: int, refs: int) -> str:
    """Anchors nested ``levels`` deep, each level ``refs`` aliases of the one below: a few
    hundred bytes that expand to ``refs ** levels`` values."""
    lines = ["      a0: &a0 [" + ", ".join(["x"] * refs) + "]"]
    lines += [f"      a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * refs) + "]" for i in range(1, levels + 1)]
    return "channels:\n  c:\n    name: c\n" + CHANNEL + "    metadata:\n" + "\n".join(lines) + "\n"


# ---- size and aliases ----


@pytest.mark.parametrize("levels", [5, 6, 9])
def test_alias_bomb_is_refused_at_the_alias_that_reaches_too_deep(tmp_path: Path, levels: int) -> None:
    figures.add("bad inputs tried")
    text = bomb(levels, 10)
    assert len(text.encode()) < 1024  # a small file: the harm is all in the expansion
    (tmp_path / "v.yaml").write_text(text)
    lines = refused(validate("v.yaml", cwd=tmp_path))
    depth = loader_module.MAX_ALIAS_DEPTH
    # a{depth+1} is the first anchor whose aliases reach through more levels than allowed
    line = text.splitlines().index(next(x for x in text.splitlines() if f"&a{depth + 1} " in x)) + 1
    assert lines == [
        f"v.yaml:{line}:16: (yaml): alias *a{depth} reaches through more than {depth} levels of aliases; "
        "write the values out"
    ]
    figures.add("bad inputs rejected cleanly")


def test_wide_aliases_are_refused_once_they_copy_too_much(tmp_path: Path) -> None:
    figures.add("bad inputs tried")
    anchor = "      a0: &a0 [" + ", ".join(["x"] * 1000) + "]\n"
    uses = "      a1: [" + ", ".join(["*a0"] * 200) + "]\n"
    text = "channels:\n  c:\n    name: c\n" + CHANNEL + "    metadata:\n" + anchor + uses
    (tmp_path / "v.yaml").write_text(text)
    (line,) = refused(validate("v.yaml", cwd=tmp_path))
    limit = loader_module.MAX_ALIAS_NODES
    assert line.startswith("v.yaml:10:")
    assert line.endswith(
        f"(yaml): alias *a0 brings the file past {limit} values copied by aliases; write the values out"
    )
    figures.add("bad inputs rejected cleanly")


def test_too_many_aliases_are_refused(tmp_path: Path) -> None:
    figures.add("bad inputs tried")
    uses = "      a1: [" + ", ".join(["*a0"] * (loader_module.MAX_ALIASES + 1)) + "]\n"
    text = "channels:\n  c:\n    name: c\n" + CHANNEL + "    metadata:\n      a0: &a0 x\n" + uses
    (tmp_path / "v.yaml").write_text(text)
    (line,) = refused(validate("v.yaml", cwd=tmp_path))
    assert line.startswith("v.yaml:10:") and f"more than {loader_module.MAX_ALIASES} aliases" in line
    figures.add("bad inputs rejected cleanly")


def test_shared_settings_through_aliases_still_load(tmp_path: Path) -> None:
    text = (
        "channels:\n"
        "  a:\n    name: a\n" + CHANNEL + "    qualities: &q [{resolution: 720p, frameRate: 30}]\n"
        "  b:\n    name: b\n" + CHANNEL + "    qualities: *q\n"
    )
    (tmp_path / "v.yaml").write_text(text)
    doc = load(tmp_path / "v.yaml")
    assert [e.props["qualities"] for e in doc.entries] == [[{"resolution": "720p", "frameRate": 30}]] * 2


def test_a_huge_string_and_a_huge_file_are_refused(tmp_path: Path) -> None:
    figures.add("bad inputs tried")
    long = "x" * (loader_module.MAX_STRING + 1)
    (tmp_path / "v.yaml").write_text(f"channels:\n  c:\n    name: {long}\n" + CHANNEL)
    assert refused(validate("v.yaml", cwd=tmp_path)) == [
        f"v.yaml:3:5: (file): holds a string longer than {loader_module.MAX_STRING} characters"
    ]
    (tmp_path / "v.yaml").write_text("# " + "x" * loader_module.MAX_BYTES + "\n")
    assert refused(validate("v.yaml", cwd=tmp_path)) == [
        f"v.yaml:1:1: (file): is {loader_module.MAX_BYTES + 3} bytes; the limit is {loader_module.MAX_BYTES}"
    ]
    figures.add("bad inputs rejected cleanly")


# ---- types: as strict as the JSON Schema ----

STRICT = {
    "frameRate: true": (
        "    qualities: [{resolution: 720p, frameRate: true}]\n",
        "must be an integer, not true",
    ),
    'frameRate: "30"': (
        '    qualities: [{resolution: 720p, frameRate: "30"}]\n',
        "must be an integer, not the string '30' (write it without quotes)",
    ),
    'running: "yes"': ('    running: "yes"\n', "must be true or false, not the string 'yes'"),
    "running: 1": ("    running: 1\n", "must be true or false, not the number 1"),
    'protect: "true"': (
        '    protect: "true"\n',
        "must be true or false, not the string 'true' (write it without quotes)",
    ),
    "name: 2024": ("    title: 2024\n", "must be a string, not the number 2024 (quote it: '2024')"),
}


@pytest.mark.parametrize("case", list(STRICT), ids=list(STRICT))
def test_a_value_of_the_wrong_type_is_refused_at_its_line(tmp_path: Path, case: str) -> None:
    figures.add("bad inputs tried")
    line, message = STRICT[case]
    section = "events" if "title" in line else "channels"
    if section == "events":
        body = (
            "channels:\n  c:\n    name: c\n" + CHANNEL + "events:\n  e:\n    channel: c\n"
            "    start: 2030-01-10T10:00:00Z\n    end: 2030-01-10T11:00:00Z\n" + line
        )
        where = "events.e.title"
    else:
        body = "channels:\n  c:\n    name: c\n" + CHANNEL + line
        where = "channels.c." + (
            "qualities.0.frameRate" if "frameRate" in line else line.split(":")[0].strip()
        )
    (tmp_path / "v.yaml").write_text(body)
    (found,) = refused(validate("v.yaml", cwd=tmp_path))
    assert found.startswith(f"v.yaml:{body.count(chr(10))}:")
    assert found.endswith(f"{where}: {message}")
    figures.add("bad inputs rejected cleanly")


def test_automation_disabled_zero_is_refused(tmp_path: Path) -> None:
    figures.add("bad inputs tried")
    (tmp_path / "v.yaml").write_text(
        "channels:\n  c:\n    name: c\n" + CHANNEL + "    automationDisabled: 0\n"
    )
    assert refused(validate("v.yaml", cwd=tmp_path)) == [
        "v.yaml:8:5: channels.c.automationDisabled: must be true or false, not the number 0"
    ]
    figures.add("bad inputs rejected cleanly")


def test_a_whole_config_value_stands_for_the_type_it_spells(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / "Pulumi.dev.yaml").write_text('config:\n  venue:fps: "30"\n  venue:run: "false"\n')
    (tmp_path / "Pulumi.prod.yaml").write_text('config:\n  venue:fps: "thirty"\n  venue:run: "false"\n')
    body = (
        "channels:\n  c:\n    name: c\n"
        + CHANNEL
        + '    qualities: [{resolution: 720p, frameRate: "${config:fps}"}]\n'
        "    running: ${config:run}\n"
    )
    (tmp_path / "v.yaml").write_text(body)
    ok = validate("--stack", "dev", "v.yaml", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout
    (bad,) = refused(validate("--stack", "prod", "v.yaml", cwd=tmp_path))
    assert bad.startswith("v.yaml:8:") and "channels.c.qualities.0.frameRate: must be a valid integer" in bad
    # Text around a value is text: "${config:fps}0" is a string, and frameRate takes no string.
    (tmp_path / "v.yaml").write_text(body.replace('"${config:fps}"', '"${config:fps}0"'))
    (mixed,) = refused(validate("--stack", "dev", "v.yaml", cwd=tmp_path))
    assert "must be an integer, not the string '300' (write it without quotes)" in mixed


# ---- hints ----


def test_a_bare_date_is_told_the_full_instant_to_write(tmp_path: Path) -> None:
    figures.add("bad inputs tried")
    body = (
        "channels:\n  c:\n    name: c\n" + CHANNEL + "events:\n  e:\n    channel: c\n"
        "    start: 2030-01-10\n    end: 2030-01-10T11:00:00Z\n"
    )
    (tmp_path / "v.yaml").write_text(body)
    (line,) = refused(validate("v.yaml", cwd=tmp_path))
    assert line == (
        "v.yaml:11:5: events.e.start: '2030-01-10' is a date, not an instant; write a time with its UTC "
        "offset, such as 2030-01-10T00:00:00Z"
    )
    suggested = line.rsplit(" ", 1)[1]
    (tmp_path / "v.yaml").write_text(body.replace("2030-01-10\n", f"{suggested}\n"))
    assert validate("v.yaml", cwd=tmp_path).returncode == 0  # the hint is itself valid
    figures.add("bad inputs rejected cleanly")


# ---- overlays and stacks ----


def test_an_overlay_without_its_base_file_is_an_error_naming_it(tmp_path: Path) -> None:
    figures.add("bad inputs tried")
    project(tmp_path)
    (tmp_path / "player.prod.yaml").write_text("domains:\n  d: {url: https://prod.example.com}\n")
    for args in (("--stack", "prod", "."), ("--stack", "dev", "."), (".",)):
        assert refused(validate(*args, cwd=tmp_path)) == [
            "player.prod.yaml:1:1: (file): is an overlay for stack 'prod', but its base file player.yaml is "
            "missing; an overlay only changes a base file's entries (create player.yaml, or rename this "
            "file to declare its entries on every stack)"
        ], args
    with pytest.raises(DeclarationError):
        load(tmp_path)
    figures.add("bad inputs rejected cleanly")


def test_an_overlay_for_a_stack_without_config_is_a_warning(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / "channels.yaml").write_text("domains:\n  d: {url: https://www.example.com}\n")
    (tmp_path / "channels.prdo.yaml").write_text("domains:\n  d: {url: https://prod.example.com}\n")
    out = validate("--stack", "prod", ".", cwd=tmp_path)
    assert out.returncode == 0 and "Traceback" not in out.stderr
    assert (
        "warning: channels.prdo.yaml:1:1: (file): is an overlay for stack 'prdo', which has no "
        "Pulumi.prdo.yaml (stacks: dev, prod); it changes nothing on any of them"
    ) in out.stderr.splitlines()
    github = validate("--format", "github", ".", cwd=tmp_path)
    assert (
        "::warning file=channels.prdo.yaml,line=1,col=1::(file): is an overlay for stack 'prdo'"
        in github.stderr
    )
    (tmp_path / "channels.prod.yaml").write_text("domains:\n  d: {url: https://prod.example.com}\n")
    clean = validate("--stack", "prod", "channels.yaml", "channels.prod.yaml", cwd=tmp_path)
    assert "warning" not in clean.stderr  # an overlay for a stack the project has


def test_an_empty_file_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("domains:\n  d: {url: https://www.example.com}\n")
    (tmp_path / "b.yaml").write_text("# everything moved to a.yaml\n")
    out = validate(".", cwd=tmp_path)
    assert out.returncode == 0, out.stdout
    assert out.stderr.splitlines()[0] == (
        "warning: b.yaml:1:1: (file): declares nothing: on a stack that holds objects from it, "
        "`pulumi up` deletes them all"
    )
    assert "warning" not in validate("a.yaml", cwd=tmp_path).stderr


def test_validate_for_a_stack_without_config_file_is_an_error(tmp_path: Path) -> None:
    figures.add("bad inputs tried")
    project(tmp_path, ("dev", "prod"))
    (tmp_path / "v.yaml").write_text("domains:\n  d: {url: https://www.example.com}\n")
    assert refused(validate("--stack", "prdo", "v.yaml", cwd=tmp_path)) == [
        f"{tmp_path.resolve() / 'Pulumi.prdo.yaml'}:1:1: (stack): stack prdo has no config file here "
        "(stacks with one: dev, prod); check the name, or give the config file with --config"
    ]
    (tmp_path / "Pulumi.yaml").unlink()
    (line,) = refused(validate("--stack", "prod", "v.yaml", cwd=tmp_path))
    assert "stack prod: no Pulumi.yaml at or above v.yaml; give its config file with --config" in line
    figures.add("bad inputs rejected cleanly")


# ---- one mistake, one error ----


def test_an_invalid_channel_is_one_error_not_one_more_at_its_event(tmp_path: Path) -> None:
    figures.add("bad inputs tried")
    body = (
        "channels:\n  c:\n    name: c\n" + CHANNEL.replace("NormalLatency", "LowLatency") + "events:\n  e:\n"
        "    channel: c\n    start: 2030-01-10T10:00:00Z\n    end: 2030-01-10T11:00:00Z\n"
    )
    (tmp_path / "v.yaml").write_text(body)
    assert refused(validate("v.yaml", cwd=tmp_path)) == [
        "v.yaml:5:5: channels.c.latency: 'LowLatency' is not allowed (allowed: 'NormalLatency', 'ReducedLatency')"
    ]
    figures.add("bad inputs rejected cleanly")


def test_an_overlay_removing_a_referenced_entry_names_the_overlay(tmp_path: Path) -> None:
    figures.add("bad inputs tried")
    project(tmp_path)
    body = (
        "channels:\n  stage-b:\n    name: b\n" + CHANNEL + "events:\n  eb:\n"
        "    channel: stage-b\n    start: 2030-01-10T10:00:00Z\n    end: 2030-01-10T11:00:00Z\n"
    )
    (tmp_path / "live.yaml").write_text(body)
    (tmp_path / "live.prod.yaml").write_text("channels:\n  stage-b: null\n")
    assert refused(validate("--stack", "prod", ".", cwd=tmp_path)) == [
        "live.yaml:10:5: events.eb.channel: names channels.stage-b, which the overlay at live.prod.yaml:2:3 "
        "removes on stack prod; remove eb there too (events: {eb: null}) or keep stage-b"
    ]
    assert validate("--stack", "dev", ".", cwd=tmp_path).returncode == 0
    figures.add("bad inputs rejected cleanly")


# ---- one judge of allowed-domain URLs ----

URLS = [
    "https://www.example.com",
    "https://WWW.Example.COM/",
    "http://localhost:8080",
    "https://xn--bcher-kva.example.com",
    "https://BÜCHER.example.com/",
    "https://ex*ample.com",
    "https://under_score.example.com",
    "https://-lead.example.com",
    "https://a..example.com",
    "https://x.example.com:0",
    "https://x.example.com/path",
    "https://exa\tmple.com",
    " https://www.example.com",
    "https://x.example.com:",
]


def test_the_model_and_the_emulator_judge_domain_urls_alike(emulator: RunningEmulator) -> None:
    """The client's model and the contract-judged emulator agree on every URL: what validate
    passes, the API takes, and what validate refuses, the API would refuse."""
    verdicts: dict[str, tuple[bool, bool]] = {}
    with httpx.Client(
        base_url=emulator.url, headers={"X-Api-Key": API_KEY, "X-Tenant-Id": TENANT_ID}
    ) as http:
        for url in URLS:
            try:
                AllowedDomainCreate(url=url)
                model_ok = True
            except ValueError:
                model_ok = False
            answer = http.post("/streaming/v1/domains", json={"url": url})
            assert answer.status_code in (200, 201, 400, 422), answer.text
            api_ok = answer.status_code < 300
            if api_ok:
                http.delete(
                    "/streaming/v1/domains", params={"playerDomainId": answer.json()["playerDomainId"]}
                )
            verdicts[url] = (model_ok, api_ok)
    assert {u: v for u, v in verdicts.items() if v[0] != v[1]} == {}
    assert sum(ok for ok, _ in verdicts.values()) == 4  # both verdicts occur: the check can fail


def test_an_internationalized_host_is_told_its_idna_form(tmp_path: Path) -> None:
    figures.add("bad inputs tried")
    (tmp_path / "v.yaml").write_text('domains:\n  d: {url: "https://BÜCHER.example.com/"}\n')
    assert refused(validate("v.yaml", cwd=tmp_path)) == [
        "v.yaml:2:7: domains.d.url: 'https://BÜCHER.example.com/' has a host that is not ASCII; write it in "
        "its IDNA form, https://xn--bcher-kva.example.com"
    ]
    figures.add("bad inputs rejected cleanly")


# ---- found by trying to break it ----


@pytest.mark.parametrize("closed", [True, False], ids=["closed", "never closed"])
def test_deep_flow_nesting_is_refused_at_once(tmp_path: Path, closed: bool) -> None:
    figures.add("bad inputs tried")
    depth = 10_000 if closed else 100_000
    text = "channels:\n  c1: " + "[" * depth + ("]" * depth if closed else "") + "\n"
    (tmp_path / "v.yaml").write_text(text)
    (line,) = refused(validate("v.yaml", cwd=tmp_path))  # within the 60 s guard: it took minutes
    assert line.startswith("v.yaml:2:") and line.endswith(
        f"(file): nests deeper than {loader_module.MAX_DEPTH} levels"
    )
    figures.add("bad inputs rejected cleanly")


def test_what_is_not_a_regular_file_is_refused_unread(tmp_path: Path) -> None:
    import os

    figures.add("bad inputs tried")
    os.mkfifo(tmp_path / "pipe.yaml")
    assert refused(validate("pipe.yaml", cwd=tmp_path)) == ["pipe.yaml:1:1: (file): is not a regular file"]
    assert refused(validate("/dev/zero", cwd=tmp_path)) == ["/dev/zero:1:1: (file): is not a regular file"]
    figures.add("bad inputs rejected cleanly")


def test_scalars_their_type_cannot_hold_are_judged_at_their_line(tmp_path: Path) -> None:
    figures.add("bad inputs tried")
    body = (
        "channels:\n  c:\n    name: !!float abc\n" + CHANNEL + "events:\n  e:\n    channel: c\n"
        "    start: 2030-02-30T10:00:00Z\n    end: !!bool maybe\n    title: !!int ''\n"
    )
    (tmp_path / "v.yaml").write_text(body)
    lines = refused(validate("v.yaml", cwd=tmp_path))
    assert [line.split(": ", 2)[:2] for line in lines] == [
        ["v.yaml:11:5", "events.e.start"],
        ["v.yaml:12:5", "events.e.end"],
    ], lines  # a name of 'abc' and a title of '' are strings, and fine
    assert all("must be a valid datetime" in line for line in lines)
    figures.add("bad inputs rejected cleanly")


def test_an_alias_inside_the_value_it_names_is_refused(tmp_path: Path) -> None:
    figures.add("bad inputs tried")
    (tmp_path / "v.yaml").write_text("channels:\n  c: &c\n    name: x\n    <<: [*c]\n")
    assert refused(validate("v.yaml", cwd=tmp_path)) == [
        "v.yaml:4:10: (yaml): alias *c is inside the value it names, which would never end"
    ]
    figures.add("bad inputs rejected cleanly")


def test_a_qualified_stack_name_reads_the_files_of_its_last_part(tmp_path: Path) -> None:
    project(tmp_path)
    (tmp_path / "v.yaml").write_text("domains:\n  d: {url: https://www.example.com}\n")
    (tmp_path / "v.prod.yaml").write_text("domains:\n  d: {url: https://prod.example.com}\n")
    out = validate("--stack", "acme/venue/prod", "--config", "Pulumi.prod.yaml", ".", cwd=tmp_path)
    assert out.returncode == 0 and out.stderr.strip().endswith("stack prod"), out.stdout + out.stderr
    bad = validate("--stack", "", ".", cwd=tmp_path)
    assert bad.returncode == 2 and "is not a stack name" in bad.stderr and "Traceback" not in bad.stderr


def test_an_environment_or_secret_value_never_shows_in_a_message(tmp_path: Path) -> None:
    figures.add("bad inputs tried")
    project(tmp_path)
    token = "vk_live_7Hq2LxT9pWm4"
    body = (
        "allowEnv: [TOKEN]\ndomains:\n  d1: {url: '${env:TOKEN}'}\nchannels:\n  c:\n    name: c\n"
        + CHANNEL.replace("whitelistCidr: 0.0.0.0/0", "whitelistCidr: 'x${env:TOKEN}'")
    )
    (tmp_path / "v.yaml").write_text(body)
    out = subprocess.run(
        [sys.executable, "-m", "pulumi_videokit.cli", "validate", "--stack", "dev", "v.yaml"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
        timeout=60,
        env={**__import__("os").environ, "TOKEN": token},
    )
    lines = refused(out)
    assert token not in out.stdout + out.stderr
    assert lines == [
        "v.yaml:3:8: domains.d1.url: '${env:TOKEN}' is not an http(s) URL such as https://www.example.com",
        "v.yaml:9:30: channels.c.input.whitelistCidr: 'x${env:TOKEN}' is not a CIDR block such as 0.0.0.0/0",
    ]
    # A secret config value, as the engine's program resolves it, is masked the same way.
    secret = ConfigValue(token, secret=True)
    context = Context(stack="dev", project="venue", config=lambda key: secret)
    (tmp_path / "v.yaml").write_text("domains:\n  d1: {url: '${config:siteUrl}'}\n")
    with pytest.raises(DeclarationError) as err:
        load(tmp_path / "v.yaml", context=context)
    assert token not in str(err.value) and "'${config:siteUrl}' is not an http(s) URL" in str(err.value)
    figures.add("bad inputs rejected cleanly")


def test_a_file_name_cannot_forge_github_annotations(tmp_path: Path) -> None:
    name = "x\n::add-mask::ci-bot\n::warning file=README.md,line=1::Looks good.yaml"
    (tmp_path / name).write_text("domains:\n  d: {url: 'not a url'}\n")
    out = validate("--format", "github", ".", cwd=tmp_path)
    assert out.returncode == 1
    assert out.stdout.count("\n") == 1 and out.stdout.startswith("::error file=x%0A%3A%3Aadd-mask%3A%3A")
