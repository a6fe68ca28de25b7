"""The GitOps template's two stacks through the real engine on one emulator tenant: staging and
prod of one base/ create separate objects, each with its overlay, and each previews clean after up."""

from __future__ import annotations

import shutil
from pathlib import Path

from pulumi_videokit.emulator import RunningEmulator

from ..conftest import API_KEY, TENANT_ID, make_client
from .conftest import Stack, record

ROOT = Path(__file__).resolve().parents[2]
ASSET = "12345678-1234-1234-1234-123456789abc"  # the seeded tenant's streaming asset


def test_staging_and_prod_of_the_template(pulumi_bin: str, seeded: RunningEmulator, tmp_path: Path) -> None:
    project = tmp_path / "gitops-repo"
    shutil.copytree(ROOT / "examples" / "gitops-repo", project, ignore=shutil.ignore_patterns(".github"))
    stacks = {}
    for name in ("staging", "prod"):
        stack = Stack(project=project, state=tmp_path / "state", name=name, bin_dir=pulumi_bin)
        stack.init(
            {
                "videokit:endpoint": seeded.url,
                "videokit:tenantId": TENANT_ID,
                "videokit:pollSeconds": "0.1",
                "videokit:waitTimeoutSeconds": "30",
                "promoAssetId": ASSET,  # both stacks on the emulator's one tenant
            },
            {"videokit:apiKey": API_KEY},
        )
        stack.up()
        stacks[name] = stack
    for stack in stacks.values():
        stack.preview("--expect-no-changes")
        record(stack, f"template {stack.name}")

    api = make_client(seeded.url)
    channels = {c.name: c for c in api.live.channels.list()}
    assert {"main-stage-staging", "main-stage-prod"} <= set(channels)
    assert channels["main-stage-staging"].id != channels["main-stage-prod"].id
    urls = {d.url for d in api.streaming.domains.list()}
    assert {
        "https://staging.example.com",
        "https://preview.staging.example.com",
        "https://www.example.com",
    } <= urls
    assert "https://prod.example.com" not in urls  # player.prod.yaml replaced it
    assert {"ci-bot-staging", "ci-bot-prod"} <= {k.name for k in api.core.api_keys.list()}

    # channels.prod.yaml: protect stops a destroy of prod; staging goes.
    refused = stacks["prod"].run("destroy", "--yes", "--skip-preview", check=False)
    assert refused.returncode != 0 and "protect" in (refused.stdout + refused.stderr)
    assert "main-stage-prod" in {c.name for c in api.live.channels.list()}
    stacks["staging"].run("destroy", "--yes", "--skip-preview")
    assert "main-stage-staging" not in {c.name for c in api.live.channels.list()}
