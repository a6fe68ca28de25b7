"""The whole program of a GitOps repo: everything is declared in videokit.yaml."""

import pulumi

from pulumi_videokit import from_yaml

resources = from_yaml("videokit.yaml")

stage = resources["main-stage"]
pulumi.export("ingestUrls", stage.ingest_urls)  # type: ignore[attr-defined]
pulumi.export("playbackUrls", stage.playback_urls)  # type: ignore[attr-defined]
pulumi.export("ciKey", resources["ci"].key)  # type: ignore[attr-defined]
