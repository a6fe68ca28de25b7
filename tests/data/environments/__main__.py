"""Every file under base/ declares this stack's objects; base/*.<stack>.yaml overlay them."""

import pulumi

from pulumi_videokit import from_yaml

resources = from_yaml("base")
pulumi.export("channel", resources["main"].id)
