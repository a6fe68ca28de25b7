"""AssetSettings: player settings of one existing streaming asset; destroy restores the values found before.

Generated from the kind's models by `make generate`; edit the models, not this file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import pulumi

from ..reconcile.kinds.asset_settings import AssetSettingsKind
from ._provider import VideoKitProvider
from ._resource import VideoKitResource


class AssetSettingsProvider(VideoKitProvider):
    kind = AssetSettingsKind


class AssetSettings(VideoKitResource, provider=AssetSettingsProvider):
    """Player settings of one existing streaming asset; destroy restores the values found before."""

    previous: pulumi.Output[Mapping[str, str]]

    def __init__(
        self,
        resource_name: str,
        *,
        asset_id: pulumi.Input[str],
        token_required: pulumi.Input[Literal["Enabled", "Disabled", "Inherit"]] | None = None,
        dev_tools_access: pulumi.Input[Literal["Enabled", "Disabled", "Inherit"]] | None = None,
        cap: pulumi.Input[Literal["Enabled", "Disabled", "Inherit"]] | None = None,
        analytics: pulumi.Input[Literal["Enabled", "Disabled", "Inherit"]] | None = None,
        code_obfuscation: pulumi.Input[Literal["Enabled", "Disabled", "Inherit"]] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, self.props_from_kwargs(locals()), opts)
