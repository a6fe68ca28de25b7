"""The whole lifecycle of examples/gitops through the real Pulumi engine."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from pulumi_videokit.client import VideoKitClient
from pulumi_videokit.emulator import RunningEmulator

from ..conftest import API_KEY
from .conftest import record, stack_for, state_objects, writes


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def ids(stack_export: dict, kind: str) -> dict[str, str]:  # type: ignore[type-arg]
    return {
        r["urn"].rsplit("::", 1)[1]: r["id"]
        for r in stack_export["deployment"]["resources"]
        if r["type"].endswith(f":{kind}")
    }


def test_gitops_lifecycle(
    pulumi_bin: str, seeded: RunningEmulator, api: VideoKitClient, tmp_path: Path
) -> None:
    before = state_objects(seeded)
    seeded_settings = api.streaming.assets.get("12345678-1234-1234-1234-123456789abc").settings
    stack = stack_for("gitops", tmp_path, seeded, pulumi_bin)
    yaml_file = stack.project / "videokit.yaml"

    # 1. up, then a preview that expects no changes.
    stack.up()
    stack.preview("--expect-no-changes")
    exported = stack.export()
    channel_id = ids(exported, "Channel")["main-stage"]
    event_id = ids(exported, "Event")["keynote"]
    assert api.live.channels.get(channel_id).name == "main-stage"

    # 5. refresh right after up keeps the next preview clean (fields the API never returns included).
    stack.refresh()
    stack.preview("--expect-no-changes")

    # 2. one field changed: exactly one PATCH, nothing else written.
    edit(yaml_file, "title: Keynote", "title: Opening keynote")
    seeded.ctx.requests.clear()
    stack.up()
    assert writes(seeded) == [("PATCH", f"/live/v1/events/{event_id}", {"title": "Opening keynote"})]
    stack.preview("--expect-no-changes")

    # 4. an out-of-band edit shows after refresh; up restores it.
    api.live.channels.update(channel_id, {"name": "renamed-in-console"})
    refreshed = stack.refresh("--diff")
    assert "~ 1 updated" in refreshed.stdout
    assert re.search(r'name\s*:\s*"main-stage" => "renamed-in-console"', refreshed.stdout), refreshed.stdout
    drift = stack.preview(check=False)
    assert "~ " in drift.stdout and "name" in drift.stdout
    stack.up()
    assert api.live.channels.get(channel_id).name == "main-stage"
    stack.preview("--expect-no-changes")

    # 6. an out-of-band delete: refresh drops it, up recreates it.
    domain = next(d for d in api.streaming.domains.list() if d.url == "https://www.example.com")
    api.streaming.domains.delete(
        player_domain_id=domain.player_domain_id, analytics_domain_id=domain.analytics_domain_id
    )
    stack.refresh()
    stack.up()
    urls = [d.url for d in api.streaming.domains.list()]
    assert urls.count("https://www.example.com") == 1
    stack.preview("--expect-no-changes")

    # 3. a create-only field: the channel is replaced, deleted before it is created again.
    edit(yaml_file, "latency: NormalLatency", "latency: ReducedLatency")
    preview = stack.preview()
    assert "replace" in preview.stdout and "latency" in preview.stdout
    seeded.ctx.requests.clear()
    stack.up()
    log = [(m, p) for m, p, _ in writes(seeded)]
    assert ("DELETE", f"/live/v1/channels/{channel_id}") in log
    assert log.index(("DELETE", f"/live/v1/channels/{channel_id}")) < log.index(("POST", "/live/v1/channels"))
    assert log.index(("DELETE", f"/live/v1/events/{event_id}")) < log.index(
        ("DELETE", f"/live/v1/channels/{channel_id}")
    )
    channel_id = ids(stack.export(), "Channel")["main-stage"]
    stack.preview("--expect-no-changes")

    # 7. running: true starts the channel through the engine.
    edit(yaml_file, "running: false", "running: true")
    stack.up()
    assert api.live.channels.status(channel_id).status == "On"
    stack.preview("--expect-no-changes")

    # 8. on-air protection: replacing the running channel fails in preview, naming the property.
    edit(yaml_file, "latency: ReducedLatency", "latency: NormalLatency")
    refused = stack.preview(check=False)
    assert refused.returncode != 0
    assert re.search(
        r"is On: changing latency replaces the channel.*allowInterrupt", refused.stdout + refused.stderr
    )
    edit(yaml_file, "running: true", "running: true\n    allowInterrupt: true")
    stack.up()
    channel_id = ids(stack.export(), "Channel")["main-stage"]
    assert api.live.channels.status(channel_id).status == "On"

    # 7 (cont.). running: false stops it.
    edit(yaml_file, "running: true", "running: false")
    stack.up()
    assert api.live.channels.status(channel_id).status == "Off"
    stack.preview("--expect-no-changes")

    # 9. no plaintext API key or key material in state; the pickled provider is tiny.
    # As the reference documents it, Create API Key answers no key material: there is none to keep.
    assert stack.outputs(secrets=True).get("ciKey") is None
    exported_text = json.dumps(stack.export())
    assert API_KEY not in exported_text
    for resource in stack.export()["deployment"]["resources"]:
        pickled = (resource.get("outputs") or {}).get("__provider")
        if pickled is not None:
            assert isinstance(pickled, str) and len(base64.b64decode(pickled)) <= 200

    # 10. destroy removes what the stack created and leaves what was there before untouched.
    stack.run("destroy", "--yes", "--skip-preview", label="destroy")
    assert state_objects(seeded) == before
    assert api.streaming.assets.get("12345678-1234-1234-1234-123456789abc").settings == seeded_settings
    record(stack, "gitops")
