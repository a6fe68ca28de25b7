"""A stack written with the classes directly."""

import pulumi

from pulumi_videokit import AllowedDomain, ApiKey, Channel, Event

stage = Channel(
    "studio",
    name="studio",
    redundancy="SingleInput",
    input={"type": "RTMP_PUSH", "whitelist_cidr": "0.0.0.0/0", "input_loss": {"type": "SLATE"}},
    endpoints=[{"type": "HlsDrm"}],
    qualities=[{"resolution": "1080p", "frame_rate": 30}],
)
Event(
    "launch",
    channel_id=stage.id,
    start="2030-02-01T18:00:00Z",
    end="2030-02-01T19:30:00Z",
    title="Launch",
    tags=["launch"],
)
AllowedDomain("player", url="https://player.example.com")
ApiKey("deployer", name="deployer", role_id="role-456")

pulumi.export("studioIngest", stage.ingest_urls)
pulumi.export("studioPlayback", stage.playback_urls)
