"""AllowedDomain: a domain the player may be embedded on (`/streaming/v1/allowed-domains`).

Generated from the kind's models by `make generate`; edit the models, not this file.
"""

from __future__ import annotations

import pulumi

from ..reconcile.kinds.allowed_domain import AllowedDomainKind
from ._provider import VideoKitProvider
from ._resource import VideoKitResource


class AllowedDomainProvider(VideoKitProvider):
    kind = AllowedDomainKind


class AllowedDomain(VideoKitResource, provider=AllowedDomainProvider):
    """A domain the player may be embedded on (`/streaming/v1/allowed-domains`)."""

    player_domain_id: pulumi.Output[str]
    analytics_domain_id: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        url: pulumi.Input[str],
        adopt: bool | str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, self.props_from_kwargs(locals()), opts)
