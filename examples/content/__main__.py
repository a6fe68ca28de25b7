"""Content as code: a promo video from a file in the repo, its chapters, and a recording."""

import pulumi

from pulumi_videokit import from_yaml

resources = from_yaml("videokit.yaml")

promo = resources["promo"]
pulumi.export("promoAssetId", promo.asset_id)  # type: ignore[attr-defined]
pulumi.export("promoStatus", promo.status)  # type: ignore[attr-defined]
pulumi.export("keynoteStatus", resources["keynote"].status)  # type: ignore[attr-defined]
