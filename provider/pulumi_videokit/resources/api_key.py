"""ApiKey: an API key (`/core/v1/api-key`); `key` is secret and known only from its creation.

Generated from the kind's models by `make generate`; edit the models, not this file.
"""

from __future__ import annotations

import pulumi

from ..reconcile.kinds.api_key import ApiKeyKind
from ._provider import VideoKitProvider
from ._resource import VideoKitResource


class ApiKeyProvider(VideoKitProvider):
    kind = ApiKeyKind


class ApiKey(VideoKitResource, provider=ApiKeyProvider):
    """An API key (`/core/v1/api-key`); `key` is secret and known only from its creation."""

    key: pulumi.Output[str]
    role_name: pulumi.Output[str]

    def __init__(
        self,
        resource_name: str,
        *,
        name: pulumi.Input[str],
        role_id: pulumi.Input[str],
        adopt: bool | str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, self.props_from_kwargs(locals()), opts)
