"""AssetSettings: the player settings of one existing streaming asset."""

from __future__ import annotations

import pulumi

from ..reconcile.kinds.asset_settings import AssetSettingsKind
from ._provider import VideoKitProvider
from ._resource import VideoKitResource


class AssetSettingsProvider(VideoKitProvider):
    kind = AssetSettingsKind


class AssetSettings(VideoKitResource, provider=AssetSettingsProvider):
    """Player settings of an existing streaming asset; destroy restores the values found before."""

    previous: pulumi.Output[dict[str, str]]

    def __init__(
        self,
        resource_name: str,
        *,
        asset_id: pulumi.Input[str],
        token_required: pulumi.Input[str] | None = None,
        dev_tools_access: pulumi.Input[str] | None = None,
        cap: pulumi.Input[str] | None = None,
        analytics: pulumi.Input[str] | None = None,
        code_obfuscation: pulumi.Input[str] | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__(resource_name, self.props_from_kwargs(locals()), opts)
