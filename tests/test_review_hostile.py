"""`videokit plan-summary` and `videokit drift-report` on cut-off, malformed and secret-bearing input.

Every refusal is one line on stderr that names the input and the place, exit code 1, no traceback.
The inputs are the captures under tests/data/review/ (see test_review_golden.py), cut or bent here.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pty
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import pytest
from click.testing import CliRunner, Result

from pulumi_videokit.cli import main
from pulumi_videokit.models._base import NEVER_RETURNED
from pulumi_videokit.models.desired import EventSpec
from pulumi_videokit.protocol import BOOKKEEPING, SECRET_SIG
from pulumi_videokit.protocol import SIG as SECRET_SIG_KEY
from pulumi_videokit.reconcile.kinds import KINDS, EventKind
from pulumi_videokit.reports import SECRET, _read

DATA = Path(__file__).parent / "data" / "review"
VIDEOKIT = Path(sys.executable).parent / "videokit"
#: The values the secret captures were made with: the engine masked them, and so must the reports.
SECRET_VALUES = ("secret-stage-one", "secret-stage-two", "secret-stage-renamed")
WRITER = {"plan-summary": "`pulumi preview --json`", "drift-report": "`pulumi refresh --preview-only --json`"}


def invoke(command: str, *args: str, text: str | bytes | None = None) -> Result:
    return CliRunner().invoke(main, [command, *args], input=text)


def refused(result: Result, command: str) -> str:
    """The one line of a refusal, after checking it is one: exit 1, nothing on stdout, no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"videokit {command}: ")
    return lines[0]


def lines_of(name: str) -> list[str]:
    return (DATA / name).read_text().splitlines(keepends=True)


def events(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines_of(name)]


def stream(items: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(e, sort_keys=True) + "\n" for e in items)


def final_step(items: list[dict[str, Any]], name: str) -> dict[str, Any]:
    """The metadata of the last step event of resource ``name``."""
    found = [
        e[k]["metadata"]
        for e in items
        for k in ("resourcePreEvent", "resOutputsEvent")
        if k in e and e[k]["metadata"]["urn"].endswith(f"::{name}")
    ]
    return found[-1]


# ---- cut-off input ----


def before_summary(name: str) -> str:
    kept = lines_of(name)
    cut = next(i for i, line in enumerate(kept) if '"summaryEvent"' in line)
    return "".join(kept[:cut])


@pytest.mark.parametrize("name", ["refresh-clean.ndjson", "refresh-drift.ndjson"])
def test_a_refresh_stream_cut_before_its_summary_is_incomplete(name: str, tmp_path: Path) -> None:
    cut = tmp_path / name
    cut.write_text(before_summary(name))
    assert "summaryEvent" not in cut.read_text() and "resOutputsEvent" in cut.read_text()
    line = refused(invoke("drift-report", str(cut)), "drift-report")
    assert str(cut) in line
    assert "incomplete" in line and "summary event" in line and "Run it again" in line
    assert "No drift" not in line


def test_a_clean_refresh_cut_off_is_not_reported_as_clean() -> None:
    whole = invoke("drift-report", text=(DATA / "refresh-clean.ndjson").read_text())
    assert whole.exit_code == 0 and "No drift" in whole.stdout
    for keep in (1, 3, 8, 12):
        text = "".join(lines_of("refresh-clean.ndjson")[:keep])
        assert "summaryEvent" not in text
        line = refused(invoke("drift-report", text=text), "drift-report")
        assert line.startswith("videokit drift-report: stdin: the input is incomplete")


def test_a_stream_cut_in_the_middle_of_a_line() -> None:
    text = (DATA / "refresh-drift.ndjson").read_text()
    cut = text[: text.index('"op": "update"')]
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut.splitlines()[-1])
    line = refused(invoke("drift-report", text=cut), "drift-report")
    assert f"its last line (line {len(cut.splitlines())}) stops in the middle of an event" in line


def test_a_preview_stream_cut_before_its_summary_is_incomplete() -> None:
    text = before_summary("preview-update.ndjson")
    assert "summaryEvent" not in text and '"op": "update"' in text
    line = refused(invoke("plan-summary", text=text), "plan-summary")
    assert "incomplete" in line and "summary event" in line and WRITER["plan-summary"] in line


@pytest.mark.parametrize(
    ("command", "name"), [("plan-summary", "preview-update.json"), ("drift-report", "refresh-drift.json")]
)
def test_a_document_cut_off_is_incomplete(command: str, name: str) -> None:
    text = (DATA / name).read_text()
    cut = text[: len(text) // 2]
    with pytest.raises(json.JSONDecodeError):
        json.loads(cut)
    line = refused(invoke(command, text=cut), command)
    assert "incomplete" in line and "JSON ends early" in line and WRITER[command] in line


def test_a_broken_document_names_its_line() -> None:
    text = (DATA / "preview-update.json").read_text().replace('"op": "update"', '"op" "update"', 1)
    line = refused(invoke("plan-summary", text=text), "plan-summary")
    at = text.splitlines().index(next(ln for ln in text.splitlines() if '"op" "update"' in ln)) + 1
    assert f"not JSON at line {at}," in line and "Expecting ':' delimiter" in line


# ---- malformed input ----

MALFORMED = [
    ('{"steps": "x"}', "`steps` should be a list, not a string"),
    ('{"steps": [1, 2]}', "`steps[0]` should be an object, not a number"),
    ('{"steps": [{"op": "update"}]}', "`steps[0].urn` is missing"),
    (
        '{"steps": [{"urn": "u", "op": "update", "oldState": [1]}]}',
        "`steps[0].oldState` should be an object, not a list",
    ),
    ('{"steps": [], "changeSummary": [1]}', "`changeSummary` should be an object, not a list"),
    ('{"steps": [], "diagnostics": "x"}', "`diagnostics` should be a list, not a string"),
    (
        '{"resourcePreEvent": {"metadata": [1]}}',
        "line 1: `resourcePreEvent.metadata` should be an object, not a list",
    ),
    (
        '{"summaryEvent": {"resourceChanges": {"update": "2"}}}',
        "line 1: `summaryEvent.resourceChanges.update` should be a whole number, not a string",
    ),
    ('{"summaryEvent": []}', "line 1: `summaryEvent` should be an object, not a list"),
    ('[{"steps": []}]', "the input is a list"),
    ("[1, 2]", "the input is a list"),
    ('"steps"', "the input is a string"),
    ('{"hello": 1}', "no `steps` and no engine events"),
]


@pytest.mark.parametrize(("text", "expected"), MALFORMED, ids=[m[0][:40] for m in MALFORMED])
@pytest.mark.parametrize("command", ["plan-summary", "drift-report"])
def test_a_wrong_shape_says_where_and_what_was_expected(command: str, text: str, expected: str) -> None:
    json.loads(text)
    line = refused(invoke(command, text=text), command)
    assert line.startswith(f"videokit {command}: stdin: ")
    assert expected in line
    assert line.endswith(f"output of {WRITER[command]}")


def test_a_wrong_shape_deep_in_a_real_capture() -> None:
    doc = json.loads((DATA / "refresh-drift.json").read_text())
    index = next(i for i, s in enumerate(doc["steps"]) if s["urn"].endswith("::main-stage"))
    doc["steps"][index]["newState"]["outputs"] = ["name"]
    line = refused(invoke("drift-report", text=json.dumps(doc)), "drift-report")
    assert f"`steps[{index}].newState.outputs` should be an object, not a list" in line

    items = events("refresh-drift.ndjson")
    number, event = next((n, e) for n, e in enumerate(items, 1) if "resOutputsEvent" in e)
    del event["resOutputsEvent"]["metadata"]["urn"]
    line = refused(invoke("drift-report", text=stream(items)), "drift-report")
    assert f"line {number}: `resOutputsEvent.metadata.urn` is missing" in line


def test_a_line_that_is_not_an_event() -> None:
    kept = lines_of("refresh-drift.ndjson")
    kept.insert(2, "[1, 2]\n")
    assert json.loads(kept[2]) == [1, 2]
    line = refused(invoke("drift-report", text="".join(kept)), "drift-report")
    assert "line 3 is a list, not an engine event" in line


def test_a_bug_in_the_report_still_shows_as_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: Any) -> None:
        raise AttributeError("a bug")

    monkeypatch.setattr(_read, "_merge", broken)
    result = invoke("drift-report", text=(DATA / "refresh-drift.ndjson").read_text())
    assert isinstance(result.exception, AttributeError)


def test_text_that_is_not_utf8_and_a_powershell_file(tmp_path: Path) -> None:
    line = refused(invoke("plan-summary", text=b'{"steps": [\xff]}'), "plan-summary")
    assert "not text: the byte at offset 11 is not UTF-8" in line
    utf16 = tmp_path / "preview.json"
    utf16.write_bytes((DATA / "preview-update.json").read_text().encode("utf-16"))
    assert utf16.read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    as_utf16 = invoke("plan-summary", str(utf16))
    assert (as_utf16.exit_code, as_utf16.stdout) == (
        2,
        invoke("plan-summary", str(DATA / "preview-update.json")).stdout,
    )


def test_a_directory_or_a_missing_file(tmp_path: Path) -> None:
    line = refused(invoke("drift-report", str(tmp_path)), "drift-report")
    assert str(tmp_path) in line and "Is a directory" in line
    line = refused(invoke("drift-report", str(tmp_path / "refresh.json")), "drift-report")
    assert str(tmp_path / "refresh.json") in line and "No such file" in line


def test_the_installed_command_on_a_cut_stream_and_on_a_terminal() -> None:
    """Run as a user runs it: no traceback; a terminal on stdin is refused, not waited on."""
    done = subprocess.run(
        [str(VIDEOKIT), "drift-report"],
        input=before_summary("refresh-clean.ndjson"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
    assert done.stderr.startswith("videokit drift-report: stdin: the input is incomplete")
    leader, follower = pty.openpty()
    try:
        done = subprocess.run(
            [str(VIDEOKIT), "plan-summary"],
            stdin=follower,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(leader)
        os.close(follower)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert (
        done.stderr
        == "videokit plan-summary: reads the output of `pulumi preview --json` from FILE or stdin: pipe it in or name the file\n"
    )


# ---- secret fields ----


def test_drift_in_a_secret_field_is_listed_masked() -> None:
    items = events("refresh-secret.ndjson")
    step = final_step(items, "main-stage")
    assert step["op"] == "update"
    for state in ("old", "new"):
        assert step[state]["outputs"]["name"][SECRET_SIG_KEY] == SECRET_SIG
    summary = next(e["summaryEvent"] for e in items if "summaryEvent" in e)
    assert summary["resourceChanges"]["update"] == 1

    result = invoke("drift-report", text=stream(items))
    assert result.exit_code == 2, result.output
    assert "| `main-stage` | Channel | changed | `name` | [secret] | [secret] |" in result.stdout
    assert "STREAMING_JSON" not in result.stdout and "more object(s)" not in result.stdout
    report = json.loads(invoke("drift-report", "--format", "json", text=stream(items)).stdout)
    assert report["unattributed"] == 0
    assert report["resources"][0]["fields"] == [{"field": "name", "was": SECRET, "now": SECRET}]


def test_a_preview_that_changes_only_a_secret_names_the_field() -> None:
    doc = json.loads((DATA / "preview-secret.json").read_text())
    step = next(s for s in doc["steps"] if s["op"] == "update")
    old, new = step["oldState"]["inputs"], step["newState"]["inputs"]
    assert old["name"] == new["name"] == SECRET
    assert {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)} <= {"__owner"}

    result = invoke("plan-summary", str(DATA / "preview-secret.json"))
    assert result.exit_code == 2, result.output
    row = next(ln for ln in result.stdout.splitlines() if ln.startswith("| `~` | `main-stage`"))
    assert row.endswith("| update | `name`: [secret] → [secret] |"), row


def test_secret_values_are_never_shown() -> None:
    outputs = [
        invoke("plan-summary", str(DATA / "preview-secret.json")).stdout,
        invoke("drift-report", str(DATA / "refresh-secret.ndjson")).stdout,
        invoke("drift-report", "--format", "json", str(DATA / "refresh-secret.ndjson")).stdout,
        invoke("drift-report", str(DATA / "refresh-secret.json")).stdout,
    ]
    # The sentinel as `--show-secrets` writes it, with the value beside the signature.
    items = events("refresh-secret.ndjson")
    step = final_step(items, "main-stage")
    step["old"]["outputs"]["name"]["plaintext"] = '"secret-stage-one"'
    step["new"]["outputs"]["name"]["plaintext"] = '"secret-stage-renamed"'
    shown = invoke("drift-report", "--format", "json", text=stream(items))
    assert shown.exit_code == 2
    outputs += [shown.stdout, invoke("drift-report", text=stream(items)).stdout]
    for name in ("preview-secret.json", "refresh-secret.ndjson", "refresh-secret.json"):
        assert not [v for v in SECRET_VALUES if v in (DATA / name).read_text()]
    assert all(out for out in outputs)
    assert not [v for out in outputs for v in SECRET_VALUES if v in out]


def test_several_secret_fields_say_the_report_cannot_tell_which() -> None:
    items = events("refresh-secret.ndjson")
    step = final_step(items, "main-stage")
    for state in ("old", "new"):
        step[state]["outputs"]["input"] = dict(step[state]["outputs"]["name"])
    result = invoke("drift-report", text=stream(items))
    assert result.exit_code == 2
    assert "| `main-stage` | Channel | changed | `input` | [secret] | [secret] |" in result.stdout
    assert "| `main-stage` | Channel | changed | `name` | [secret] | [secret] |" in result.stdout
    assert "one or more of `input`, `name` changed" in result.stdout


# ---- what a refresh cannot see ----

CHANNEL_UNSEEN = sorted(next(k for k in KINDS if k.spec.kind == "Channel").spec.never_returned)


def test_outputs_changed_by_fields_the_api_never_returns_are_not_all_clear() -> None:
    items = events("refresh-unseen.ndjson")
    step = final_step(items, "main-stage")
    assert step["op"] == "same"
    hidden = BOOKKEEPING
    assert {k: v for k, v in step["old"]["inputs"].items() if k not in hidden} == {
        k: v for k, v in step["new"]["inputs"].items() if k not in hidden
    }
    assert step["old"]["outputs"]["playbackUrls"] != step["new"]["outputs"]["playbackUrls"]

    result = invoke("drift-report", str(DATA / "refresh-unseen.ndjson"))
    assert result.exit_code == 2, result.output
    assert "match" not in result.stdout.split("> [!NOTE]")[0]
    assert "| `main-stage` | Channel | changed | `playbackUrls[0]` |" in result.stdout
    assert "Only outputs changed for Channel `main-stage` (`playbackUrls`)" in result.stdout
    never = next(ln for ln in result.stdout.splitlines() if "never returns:" in ln)
    assert all(f"`{field}`" in never for field in CHANNEL_UNSEEN)
    assert "`pulumi up` changes none of these objects" in result.stdout


def test_a_clean_report_says_what_a_refresh_cannot_see() -> None:
    result = invoke("drift-report", str(DATA / "refresh-clean.ndjson"))
    assert result.exit_code == 0
    assert "All 5 objects match the last apply in every field the API returns." in result.stdout
    never = next(ln for ln in result.stdout.splitlines() if "never returns:" in ln)
    assert "Channel " + ", ".join(f"`{f}`" for f in CHANNEL_UNSEEN) in never
    report = json.loads(invoke("drift-report", "--format", "json", str(DATA / "refresh-clean.ndjson")).stdout)
    assert report["notReturned"] == {"Channel": CHANNEL_UNSEEN}


def test_the_fields_a_refresh_cannot_see_come_from_the_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    class Untagged(EventSpec):
        tags: Annotated[list[str] | None, NEVER_RETURNED] = None

    monkeypatch.setattr(EventKind, "spec", dataclasses.replace(EventKind.spec, model=Untagged))
    assert EventKind.spec.never_returned == {"tags"}
    result = invoke("drift-report", str(DATA / "refresh-clean.ndjson"))
    never = next(ln for ln in result.stdout.splitlines() if "never returns:" in ln)
    assert "; Event `tags`." in never


def test_a_run_state_that_changed_by_itself_is_no_drift() -> None:
    items = events("refresh-clean.ndjson")
    step = final_step(items, "main-stage")
    assert step["op"] == "same" and step["new"]["outputs"]["status"] == "On"
    step["new"]["outputs"]["status"] = "Off"
    result = invoke("drift-report", text=stream(items))
    assert result.exit_code == 0 and "No drift" in result.stdout


# ---- the exit code counts what it cannot attribute ----


def test_a_document_whose_only_drift_is_unattributed_exits_2() -> None:
    doc = json.loads((DATA / "refresh-secret.json").read_text())
    assert doc["changeSummary"].get("update") == 1
    assert {s["op"] for s in doc["steps"]} == {"refresh"}
    result = invoke("drift-report", str(DATA / "refresh-secret.json"))
    assert result.exit_code == 2, result.output
    assert "**1 changed outside the repo**" in result.stdout
    assert "1 more object(s) changed, but this JSON does not say which" in result.stdout
    report = json.loads(invoke("drift-report", "--format", "json", str(DATA / "refresh-secret.json")).stdout)
    assert (report["drift"], report["resources"], report["unattributed"]) == (True, [], 1)


def test_a_plan_that_deletes_every_object_is_a_warning_block() -> None:
    """An emptied or missing declarations file deletes the whole stack: the summary says so
    first, where a deletion among other changes is only listed."""
    doc = json.loads((DATA / "preview-delete.json").read_text())
    assert [s["op"] for s in doc["steps"]] == ["same", "delete"] and doc["changeSummary"]["same"] > 1
    partial = invoke("plan-summary", text=json.dumps(doc))
    assert "Deletes every object" not in partial.stdout
    doc["changeSummary"] = {"delete": 1, "same": 1}  # only the stack itself is left
    result = invoke("plan-summary", text=json.dumps(doc))
    assert result.exit_code == 2, result.output
    block = result.stdout.split("> **Review before merging:**\n", 1)[1]
    assert block.startswith(
        "> - **Deletes every object of the stack** (1): if a declarations file was emptied, renamed or "
        "not found, stop here.\n"
    )


# ---- input no engine writes: too deep, too long a number ----


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize("command", ["plan-summary", "drift-report"])
def test_json_nested_thousands_deep_is_refused(command: str, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 5000 + "]" * 5000 + "\n")
    line = refused(invoke(command, str(deep)), command)
    assert line.startswith(
        f"videokit {command}: {deep}: the input is nested more than {_read.MAX_DEPTH} levels"
    )
    stream_line = refused(
        invoke(command, text='{"summaryEvent": {}}\n' + "[" * 5000 + "]" * 5000 + "\n"), command
    )
    assert "nested more than" in stream_line


@pytest.mark.parametrize("depth", [120, 490, 900])
def test_a_value_nested_past_the_limit_is_refused_before_it_is_read(depth: int) -> None:
    doc = json.loads((DATA / "preview-update.json").read_text())
    step = next(s for s in doc["steps"] if s["op"] == "update")
    step["newState"]["inputs"]["title"] = nested(depth)
    text = json.dumps(doc)
    line = refused(invoke("plan-summary", text=text), "plan-summary")
    assert "the input is nested more than 100 levels deep" in line
    items = events("preview-update.ndjson")
    meta = next(e["resourcePreEvent"]["metadata"] for e in items if "resourcePreEvent" in e)
    meta["new"] = {"inputs": {"title": nested(depth)}}
    assert "nested more than" in refused(invoke("plan-summary", text=stream(items)), "plan-summary")


def test_a_value_nested_within_the_limit_is_shown() -> None:
    doc = json.loads((DATA / "preview-update.json").read_text())
    step = next(s for s in doc["steps"] if s["op"] == "update")
    step["newState"]["inputs"]["title"] = nested(20)
    result = invoke("plan-summary", text=json.dumps(doc))
    assert result.exit_code == 2, result.output
    assert '`title`: `"Keynote"` → `{"a": {"a":' in result.stdout


@pytest.mark.parametrize("command", ["plan-summary", "drift-report"])
@pytest.mark.parametrize("where", ["document", "stream"])
def test_a_number_of_thousands_of_digits_is_refused(command: str, where: str) -> None:
    name = {"plan-summary": "preview-update", "drift-report": "refresh-drift"}[command]
    huge = "9" * 5000
    if where == "document":
        text = (DATA / f"{name}.json").read_text().replace("{", '{"same": ' + huge + ", ", 1)
    else:
        kept = lines_of(f"{name}.ndjson")
        kept[1] = kept[1].replace("{", '{"same": -' + huge + ", ", 1)
        text = "".join(kept)
    line = refused(invoke(command, text=text), command)
    assert line == (
        f"videokit {command}: stdin: a number in the input has 5000 digits, more than the engine ever writes;"
        f" expected the unmodified output of {WRITER[command]}"
    )


def test_the_installed_command_on_deep_input() -> None:
    for text in ("[" * 5000 + "]" * 5000, '{"steps": [], "x": ' + "1" * 5000 + "}"):
        done = subprocess.run(
            [str(VIDEOKIT), "plan-summary"],
            input=text,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 1 and done.stdout == "" and "Traceback" not in done.stderr
        assert len(done.stderr.splitlines()) == 1 and done.stderr.startswith("videokit plan-summary: stdin: ")


# ---- every step that is not `same` is a change ----


def preview_with_op(op: str) -> dict[str, Any]:
    """The update capture with its changed step's op replaced."""
    doc = json.loads((DATA / "preview-update.json").read_text())
    step = next(s for s in doc["steps"] if s["op"] == "update")
    step["op"] = op
    return doc


CHANGE_OPS = [
    ("import", "=", "import (adopt into the stack)"),
    ("import-replacement", "=+-", "import-replacement (adopt as the replacement)"),
    ("remove-pending-replace", "-", "remove-pending-replace"),
    ("frobnicate", "?", "frobnicate"),
]


@pytest.mark.parametrize(("op", "symbol", "label"), CHANGE_OPS, ids=[c[0] for c in CHANGE_OPS])
def test_a_step_of_any_other_op_is_a_change(op: str, symbol: str, label: str) -> None:
    text = json.dumps(preview_with_op(op))
    result = invoke("plan-summary", text=text)
    assert result.exit_code == 2, result.output
    assert "No changes" not in result.stdout
    row = next(ln for ln in result.stdout.splitlines() if ln.startswith(f"| `{symbol}` | `keynote`"))
    assert f"| Event | {label} |" in row
    expected = invoke("plan-summary", "--expect-no-changes", text=text)
    assert expected.exit_code == 1
    assert "**Changes were not expected** (`--expect-no-changes`)" in expected.stdout


def test_an_import_is_summed_and_warned_about() -> None:
    result = invoke("plan-summary", text=json.dumps(preview_with_op("import")))
    assert "**= 1 to import**, 4 unchanged" in result.stdout
    assert "**Imports an existing object**: Event `keynote`" in result.stdout


def test_an_op_the_summary_does_not_know_is_warned_about() -> None:
    result = invoke("plan-summary", text=json.dumps(preview_with_op("frobnicate")))
    assert "**? 1 frobnicate**, 4 unchanged" in result.stdout
    assert "**An operation this summary does not know**: `frobnicate` on Event `keynote`" in result.stdout


def test_an_import_in_the_event_stream_is_a_change() -> None:
    items = events("preview-update.ndjson")
    for event in items:
        for key in ("resourcePreEvent", "resOutputsEvent"):
            if key in event and event[key]["metadata"]["op"] == "update":
                event[key]["metadata"]["op"] = "import"
    result = invoke("plan-summary", "--expect-no-changes", text=stream(items))
    assert result.exit_code == 1, result.output
    assert "| import (adopt into the stack) |" in result.stdout


@pytest.mark.parametrize("op", ["read", "read-replacement", "discard", "refresh"])
def test_a_read_only_step_is_listed_and_changes_nothing(op: str) -> None:
    text = json.dumps(preview_with_op(op))
    result = invoke("plan-summary", "--expect-no-changes", text=text)
    assert result.exit_code == 0, result.output
    assert "**No changes**: 4 resources unchanged, 1 read (no change)." in result.stdout
    assert any(
        ln.startswith("| `") and "`keynote`" in ln and f"| {op}" in ln for ln in result.stdout.splitlines()
    )


def test_a_read_only_step_never_hides_a_change_of_the_same_resource() -> None:
    doc = json.loads((DATA / "preview-update.json").read_text())
    index = next(i for i, s in enumerate(doc["steps"]) if s["op"] == "update")
    step = doc["steps"][index]
    doc["steps"].insert(index + 1, {**step, "op": "refresh"})  # after the change, as a read would be
    doc["steps"].insert(index + 2, {**step, "op": "read"})
    result = invoke("plan-summary", "--expect-no-changes", text=json.dumps(doc))
    assert result.exit_code == 1, result.output
    assert "| `~` | `keynote` | Event | update |" in result.stdout


def channel_stopped(status: str) -> str:
    """The update capture, its changed step turned into a channel that `running: false` stops."""
    doc = preview_with_op("update")
    step = next(s for s in doc["steps"] if s["op"] == "update")
    step["urn"] = step["urn"].replace("videokit:Event::keynote", "videokit:Channel::main-stage")
    for state, running in (("oldState", True), ("newState", False)):
        step[state]["type"] = step[state]["type"].replace("Event", "Channel")
        step[state]["inputs"] = {"name": "main", "running": running}
        step[state]["outputs"] = {"name": "main", "running": running, "status": status}
    step["diffReasons"] = ["running"]
    return json.dumps(doc)


def test_a_stop_of_a_running_channel_is_warned_about_from_the_kinds_own_rule() -> None:
    on = invoke("plan-summary", text=channel_stopped("On"))
    assert on.exit_code == 2, on.output
    assert "| `~` | `main-stage` | Channel | update |" in on.stdout
    assert (
        "**Interrupts a running channel**: Channel `main-stage` is On; running: false stops it." in on.stdout
    )
    off = invoke("plan-summary", text=channel_stopped("Off"))
    assert "| `~` | `main-stage` | Channel | update |" in off.stdout
    assert "Interrupts" not in off.stdout


def test_another_providers_resource_of_the_same_name_gets_none_of_a_kinds_facts() -> None:
    """A replace of an on-air channel is warned about for videokit's Channel, and only for it: a
    resource of another package whose type also ends in `Channel` (or one under a component) is a
    plain replace."""
    text = (DATA / "preview-interrupt.json").read_text()
    ours = invoke("plan-summary", text=text)
    assert "**Interrupts a running channel**" in ours.stdout
    token = next(t for t in ("videokit:index:Channel", "pulumi-python:dynamic/videokit:Channel") if t in text)
    foreign = invoke("plan-summary", text=text.replace(token, "aws:medialive/channel:Channel"))
    assert foreign.exit_code == 2, foreign.output
    assert "Interrupts" not in foreign.stdout and "ingest and playback URLs" not in foreign.stdout
    assert "deleted before" not in foreign.stdout
    child = invoke("plan-summary", text=text.replace(f"::{token}::", f"::my:index:Stage${token}::"))
    assert "**Interrupts a running channel**" in child.stdout
