"""Capture the engine JSON that the plan-summary and drift-report golden tests read.

Runs the real Pulumi CLI on examples/gitops-repo against a local emulator and writes, under
tests/data/review/:

  preview-create.json           a fresh stack: everything is created
  preview-nochange.json         right after `up`
  preview-update.json           one field changed (an event's title)
  preview-update.ndjson         the same, as streamed engine events (PULUMI_ENABLE_STREAMING_JSON_PREVIEW)
  preview-replace.json          a create-only field of a channel: replaced, deleted first
  preview-delete.json           a declaration removed
  preview-interrupt.json        the channel is On and allowInterrupt: true: it will be replaced
  preview-onair-refused.json    the same change without allowInterrupt: the provider refuses
  refresh-clean.ndjson          `refresh --preview-only`, nothing changed outside
  refresh-drift.ndjson          after a rename, a title change and a delete made through the API
  refresh-drift.json            the same as the engine's --json digest (which drops refreshed states)

`stackTrace` and `sourcePosition` entries are dropped: they only hold paths of this machine.
Run it with `.venv/bin/python scripts/capture_review_data.py`, then update the golden files with
`VIDEOKIT_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_review_golden.py`.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine import ROOT, Stack, cli_bin

from pulumi_videokit.client import ClientConfig, VideoKitClient
from pulumi_videokit.emulator import EmulatorConfig, running

OUT = ROOT / "tests" / "data" / "review"
API_KEY = "capture-api-key-5d1e"
TENANT_ID = "00000000-0000-0000-0000-0000000000cc"
NOISE = {"stackTrace", "sourcePosition"}


def scrub(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: scrub(v) for k, v in value.items() if k not in NOISE}
    if isinstance(value, list):
        return [scrub(v) for v in value]
    return value


def save(name: str, stdout: str) -> None:
    if name.endswith(".ndjson"):
        lines = [json.dumps(scrub(json.loads(line)), sort_keys=True) for line in stdout.splitlines() if line]
        text = "\n".join(lines) + "\n"
    else:
        text = json.dumps(scrub(json.loads(stdout)), indent=2, sort_keys=True) + "\n"
    assert API_KEY not in text, name
    (OUT / name).write_text(text)
    print(f"wrote tests/data/review/{name} ({len(text)} bytes)")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    bin_dir = cli_bin()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data = tmp / "emulator.json"
        shutil.copy(ROOT / "examples" / "emulator-seed.json", data)
        config = EmulatorConfig(api_key=API_KEY, tenant_id=TENANT_ID, transition_seconds=0.3)
        with running(config, data=data) as emu:
            project = tmp / "gitops-repo"
            skip = shutil.ignore_patterns(".github")
            shutil.copytree(ROOT / "examples" / "gitops-repo", project, ignore=skip)
            channels_file = project / "base" / "channels.yaml"
            yaml_file = project / "base" / "player.yaml"
            stack = Stack(project=project, state=tmp / "state", name="staging", bin_dir=bin_dir)
            stack.init(
                {
                    "videokit:endpoint": emu.url,
                    "videokit:tenantId": TENANT_ID,
                    "videokit:pollSeconds": "0.1",
                    "videokit:waitTimeoutSeconds": "30",
                },
                {"videokit:apiKey": API_KEY},
            )
            # The seeded tenant's streaming asset (assets.yaml takes it from the stack's config).
            stack.run("config", "set", "promoAssetId", "12345678-1234-1234-1234-123456789abc")
            api = VideoKitClient(ClientConfig(api_key=API_KEY, tenant_id=TENANT_ID, endpoint=emu.url))

            def preview(name: str, *, ok: bool = True) -> None:
                done = stack.preview("--json", check=False)
                assert (done.returncode == 0) == ok, (name, done.returncode, done.stderr)
                save(name, done.stdout)

            preview("preview-create.json")
            stack.up()
            preview("preview-nochange.json")

            edit(yaml_file, "title: Keynote", "title: Opening keynote")
            preview("preview-update.json")
            stack.extra_env["PULUMI_ENABLE_STREAMING_JSON_PREVIEW"] = "true"
            preview("preview-update.ndjson")
            stack.extra_env.clear()
            stack.up()

            edit(channels_file, "latency: NormalLatency", "latency: ReducedLatency")
            preview("preview-replace.json")
            stack.up()

            declared = yaml_file.read_text()
            edit(yaml_file, 'domains:\n  site: {url: "https://${stack}.example.com"}\n', "")
            preview("preview-delete.json")
            yaml_file.write_text(declared)

            edit(channels_file, "running: false", "running: true")
            stack.up()
            edit(channels_file, "latency: ReducedLatency", "latency: NormalLatency")
            preview("preview-onair-refused.json", ok=False)
            edit(channels_file, "running: true", "running: true\n    allowInterrupt: true")
            preview("preview-interrupt.json")

            stack.extra_env["PULUMI_ENABLE_STREAMING_JSON_PREVIEW"] = "true"
            save("refresh-clean.ndjson", stack.run("refresh", "--preview-only", "--json").stdout)
            channel = next(c for c in api.live.channels.list() if c.name == "main-stage-staging")
            api.live.channels.update(channel.id, {"name": "main-stage-renamed"})
            event = next(e for e in api.live.events.list() if e.title == "Opening keynote")
            api.live.events.update(event.id, {"title": "Keynote (edited in the console)"})
            domain = next(d for d in api.streaming.domains.list() if d.url == "https://staging.example.com")
            api.streaming.domains.delete(
                player_domain_id=domain.player_domain_id, analytics_domain_id=domain.analytics_domain_id
            )
            save("refresh-drift.ndjson", stack.run("refresh", "--preview-only", "--json").stdout)
            stack.extra_env.clear()
            save("refresh-drift.json", stack.run("refresh", "--preview-only", "--json").stdout)
            stack.run("destroy", "--yes", "--skip-preview", label="destroy")


if __name__ == "__main__":
    main()
