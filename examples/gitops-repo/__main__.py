"""The whole program of a GitOps repo: every file under base/ declares this stack's objects, and
base/NAME.<stack>.yaml overlays NAME.yaml for the stack being run (staging or prod)."""

import pulumi

from pulumi_videokit import from_yaml

resources = from_yaml("base")

stage = resources["main-stage"]
pulumi.export("ingestUrls", stage.ingest_urls)  # type: ignore[attr-defined]
pulumi.export("playbackUrls", stage.playback_urls)  # type: ignore[attr-defined]
pulumi.export("ciKey", resources["ci"].key)  # type: ignore[attr-defined]
