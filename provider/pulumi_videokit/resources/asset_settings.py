"""AssetSettings, at the path existing stacks' state names its provider by (``AssetSettingsProvider``)."""

from ..reconcile.kinds.asset_settings import AssetSettingsKind
from ._resource import VideoKitResource


class AssetSettings(VideoKitResource, kind=AssetSettingsKind):
    pass
