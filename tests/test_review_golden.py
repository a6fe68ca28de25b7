"""`videokit plan-summary` and `videokit drift-report` on engine JSON captured from real runs.

The inputs under tests/data/review/ come from scripts/capture_review_data.py (the real Pulumi CLI on
examples/gitops-repo against the emulator). The expected outputs are compared byte for byte; after a
deliberate change of the output, rewrite them with VIDEOKIT_UPDATE_GOLDEN=1 and review the diff.

preview-secret.json, refresh-secret.* and refresh-unseen.ndjson come from the same setup with the
channel's name taken from a secret (`name: ${config:channelName}`, `pulumi config set --secret`):
a preview after the secret was set to another value; refresh previews after the channel was renamed
through the API; and one after its `endpoints` and `input` were changed through the API instead.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from pulumi_videokit.cli import main
from pulumi_videokit.protocol import SECRET_SIG
from pulumi_videokit.protocol import SIG as SECRET_SIG_KEY
from pulumi_videokit.reports import SECRET, changes, masked, plan_summary, show

DATA = Path(__file__).parent / "data" / "review"
GOLDEN = DATA / "golden"
UPDATE = os.environ.get("VIDEOKIT_UPDATE_GOLDEN") == "1"

CASES = [
    # (command, input, extra args, golden file, exit code)
    ("plan-summary", "preview-create.json", [], "plan-create.md", 2),
    ("plan-summary", "preview-nochange.json", [], "plan-nochange.md", 0),
    ("plan-summary", "preview-nochange.json", ["--expect-no-changes"], "plan-nochange.md", 0),
    ("plan-summary", "preview-update.json", [], "plan-update.md", 2),
    ("plan-summary", "preview-update.ndjson", [], "plan-update.md", 2),
    ("plan-summary", "preview-update.json", ["--expect-no-changes"], "plan-update-unexpected.md", 1),
    ("plan-summary", "preview-replace.json", [], "plan-replace.md", 2),
    ("plan-summary", "preview-delete.json", [], "plan-delete.md", 2),
    ("plan-summary", "preview-interrupt.json", [], "plan-interrupt.md", 2),
    ("plan-summary", "preview-onair-refused.json", [], "plan-onair-refused.md", 1),
    ("drift-report", "refresh-clean.ndjson", [], "drift-clean.md", 0),
    ("drift-report", "refresh-clean.ndjson", ["--format", "json"], "drift-clean.json", 0),
    ("drift-report", "refresh-drift.ndjson", [], "drift.md", 2),
    ("drift-report", "refresh-drift.ndjson", ["--format", "json"], "drift.json", 2),
    ("drift-report", "refresh-drift.json", [], "drift-from-document.md", 2),
    ("plan-summary", "preview-secret.json", [], "plan-secret.md", 2),
    ("drift-report", "refresh-secret.ndjson", [], "drift-secret.md", 2),
    ("drift-report", "refresh-secret.ndjson", ["--format", "json"], "drift-secret.json", 2),
    ("drift-report", "refresh-secret.json", [], "drift-secret-from-document.md", 2),
    ("drift-report", "refresh-unseen.ndjson", [], "drift-unseen.md", 2),
]


def run(command: str, source: str, extra: list[str], via_stdin: bool = False) -> tuple[str, int]:
    path = DATA / source
    if via_stdin:
        result = CliRunner().invoke(main, [command, *extra], input=path.read_text())
    else:
        result = CliRunner().invoke(main, [command, *extra, str(path)])
    return result.stdout, result.exit_code


@pytest.mark.parametrize(
    ("command", "source", "extra", "golden", "code"), CASES, ids=[f"{c[1]}{''.join(c[2])}" for c in CASES]
)
def test_golden(command: str, source: str, extra: list[str], golden: str, code: int) -> None:
    out, exit_code = run(command, source, extra)
    expected = GOLDEN / golden
    if UPDATE and exit_code == code:
        expected.write_text(out)
    assert exit_code == code, out
    assert out == expected.read_text()


def test_stdin_reads_the_same() -> None:
    assert run("plan-summary", "preview-replace.json", [], via_stdin=True) == run(
        "plan-summary", "preview-replace.json", []
    )
    assert run("drift-report", "refresh-drift.ndjson", [], via_stdin=True) == run(
        "drift-report", "refresh-drift.ndjson", []
    )


@pytest.mark.parametrize("text", ["", "not json", '{"hello": 1}', "[1, 2]"])
def test_unreadable_input_is_an_error(text: str) -> None:
    for command in ("plan-summary", "drift-report"):
        result = CliRunner().invoke(main, [command], input=text)
        assert result.exit_code == 1
        assert result.stdout == ""
        assert f"videokit {command}:" in result.stderr


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["plan-summary", str(tmp_path / "nope.json")])
    assert result.exit_code == 1 and "nope.json" in result.stderr


def test_secrets_are_masked_and_never_compared_in_clear() -> None:
    one = {SECRET_SIG_KEY: SECRET_SIG, "plaintext": '"vk_live_one"'}
    two = {SECRET_SIG_KEY: SECRET_SIG, "plaintext": '"vk_live_two"'}
    assert masked({"key": one, "list": [one]}) == {"key": SECRET, "list": [SECRET]}
    assert show(one) == SECRET
    assert changes({"key": one, "name": "a"}, {"key": two, "name": "b"})[0].path == "name"
    assert [c.path for c in changes({"key": one}, {"key": "plain"})] == ["key"]
    assert "vk_live" not in show(changes({"key": one}, {"key": "plain"})[0].old)


def test_goldens_hold_no_secret_and_the_key_only_masked() -> None:
    for golden in GOLDEN.iterdir():
        text = golden.read_text()
        assert "capture-api-key" not in text and "vk_" not in text and "ciphertext" not in text, golden.name
    # The captured inputs hold the API key's material only in masked form.
    for source in DATA.glob("*.*json"):
        text = source.read_text()
        assert "vk_" not in text, source.name
        for line in text.splitlines():
            if '"key":' in line or '"ciKey":' in line:
                assert SECRET in line or SECRET_SIG_KEY in line, (source.name, line)


def test_drift_json_is_machine_readable() -> None:
    out, code = run("drift-report", "refresh-drift.ndjson", ["--format", "json"])
    report = json.loads(out)
    assert code == 2 and report["drift"] is True
    assert {(r["name"], r["status"]) for r in report["resources"]} == {
        ("main-stage", "changed"),
        ("keynote", "changed"),
        ("site", "deleted"),
    }
    fields = {r["name"]: r["fields"] for r in report["resources"]}
    assert fields["main-stage"] == [{"field": "name", "was": "main-stage", "now": "main-stage-renamed"}]


def test_plan_summary_names_an_adoption() -> None:
    doc = json.loads((DATA / "preview-create.json").read_text())
    step = next(s for s in doc["steps"] if s["urn"].endswith("ApiKey::ci"))
    step["newState"]["inputs"]["adopt"] = True
    plan = plan_summary(json.dumps(doc))
    row = next(line for line in plan.markdown.splitlines() if "`ci`" in line and line.startswith("|"))
    assert "| adopt |" in row, row
    assert "**Adopts an existing object**: ApiKey `ci`" in plan.markdown
    # Without adopt, the same step is a plain create.
    del step["newState"]["inputs"]["adopt"]
    plain = plan_summary(json.dumps(doc))
    assert "| create |" in next(
        ln for ln in plain.markdown.splitlines() if "`ci`" in ln and ln.startswith("|")
    )
    assert "Adopts" not in plain.markdown


# ---- each kind's words for a replace and a delete come from the kind ----


def _kind_step(
    kind: str, op: str, status: str | None, replace_reasons: tuple[str, ...] = ()
) -> dict[str, object]:
    token = f"pulumi-python:dynamic/videokit:{kind}"
    urn = f"urn:pulumi:dev::p::{token}::it"
    olds = {"title": "Old", "assetId": "a1"}
    outputs = {**olds, **({"status": status} if status else {})}
    return {
        "op": op,
        "urn": urn,
        "replaceReasons": list(replace_reasons),
        "oldState": {
            "urn": urn,
            "type": token,
            "custom": True,
            "id": "x1",
            "inputs": olds,
            "outputs": outputs,
        },
        "newState": {"urn": urn, "type": token, "custom": True, "inputs": {**olds, "title": "New"}},
    }


def _warnings(kind: str, op: str, status: str | None = None, reasons: tuple[str, ...] = ()) -> list[str]:
    preview = {"steps": [_kind_step(kind, op, status, reasons)], "changeSummary": {op: 1}}
    text = plan_summary(json.dumps(preview)).markdown
    every = "> - **Deletes every object of the stack**"
    return [line[4:] for line in text.splitlines() if line.startswith("> - ") and not line.startswith(every)]


def test_a_recording_is_never_said_to_go_off_air() -> None:
    replaced = _warnings("Recording", "replace", "Processing", ("end",))
    assert replaced[0] == (
        "**Interrupts a running recording**: Recording `it` (id `x1`, title `Old`) is Processing and is replaced"
        " because `end` changed: a new recording of the window is made and this one is deleted with what it"
        " recorded, with new catchup, archive and output addresses."
    )
    deleted = _warnings("Recording", "delete", "Processing")
    assert deleted[0] == (
        "**Interrupts a running recording**: Recording `it` is Processing; it is deleted with what it recorded"
        " (catchup, archive and outputs)."
    )
    assert not any("off air" in w or "stopped" in w for w in replaced + deleted)


def test_a_finished_recording_is_never_said_to_be_running() -> None:
    """An Available recording has recorded and been archived: deleting or replacing it loses what
    it recorded, but interrupts nothing."""
    deleted = _warnings("Recording", "delete", "Available")
    assert deleted[0] == (
        "**Deletes a finished recording**: Recording `it` is Available; it is deleted with what it recorded"
        " (catchup, archive and outputs)."
    )
    replaced = _warnings("Recording", "replace", "Available", ("end",))
    assert replaced[0] == (
        "**Replaces a finished recording**: Recording `it` (id `x1`, title `Old`) is Available and is replaced"
        " because `end` changed: a new recording of the window is made and this one is deleted with what it"
        " recorded, with new catchup, archive and output addresses."
    )
    assert not any("running" in w or "Interrupts" in w for w in deleted + replaced)


def test_a_vod_asset_replace_uploads_the_file_again() -> None:
    [replaced] = _warnings("VodAsset", "replace", "Available", ("contentHash",))
    assert replaced == (
        "**Replaces** VodAsset `it` (id `x1`, title `Old`): `contentHash` cannot be made in place, so the file"
        " is uploaded again as a new asset, then the old asset and its file are deleted; its file id and"
        " output URLs change with its id."
    )
    [deleted] = _warnings("VodAsset", "delete", "Available")
    assert deleted == (
        "**Deletes a live object**: VodAsset `it` (id `x1`, title `Old`): the asset and the file it uploaded"
        " are deleted."
    )


def test_asset_details_deleted_restore_what_was_found() -> None:
    [deleted] = _warnings("AssetDetails", "delete")
    assert deleted == (
        "**Restores an asset as found**: AssetDetails `it` (id `x1`, title `Old`): its description, tags,"
        " attributes, chapters and token policy go back to what the first apply found; the asset itself stays."
    )
    [replaced] = _warnings("AssetDetails", "replace", None, ("assetId",))
    assert (
        "so they are applied to the new asset, then the old asset gets back what it had before." in replaced
    )
    [settings] = _warnings("AssetSettings", "delete")
    assert settings.startswith("**Restores an asset's settings as found**: AssetSettings `it`")


def test_a_kind_without_words_of_its_own_gets_neutral_ones() -> None:
    """A kind that declares no wording (an event) is neither off air nor stopped."""
    [deleted] = _warnings("Event", "delete", "Started")
    assert deleted == "**Deletes a live object**: Event `it` (id `x1`, title `Old`)."
    [replaced] = _warnings("Event", "replace", "Started", ("channelId",))
    assert "so it is created anew, then the old one is deleted." in replaced


@pytest.mark.parametrize("kind", ["AssetDetails", "AssetSettings"])
def test_an_asset_entry_renamed_without_aliases_is_flagged(kind: str) -> None:
    """The create of the new name runs before the delete of the old one, and that delete puts back
    what was found before the first apply: the asset loses what both declare."""
    made = _kind_step(kind, "create", None)
    made["urn"] = str(made["urn"]).replace("::it", "::new-name")
    gone = _kind_step(kind, "delete", None)
    gone["urn"] = str(gone["urn"]).replace("::it", "::old-name")
    text = plan_summary(json.dumps({"steps": [made, gone], "changeSummary": {"create": 1, "delete": 1}}))
    assert (
        f"**Renamed without `aliases`?** {kind} `new-name` is created and {kind} `old-name` deleted for"
        " the same assetId a1: the create runs first, then the delete, so they are two resources and"
        " what `new-name` records as found is what `old-name` set. If `new-name` was `old-name`, list"
        " `old-name` in its `aliases` and nothing is sent."
    ) in text.markdown
    # Another asset's create and delete are two unrelated changes.
    made["newState"]["inputs"]["assetId"] = "a2"  # type: ignore[index]
    assert "Renamed without" not in plan_summary(json.dumps({"steps": [made, gone]})).markdown
