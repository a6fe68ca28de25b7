"""ApiKey, at the path existing stacks' state names its provider by (``ApiKeyProvider``)."""

from ..reconcile.kinds.api_key import ApiKeyKind
from ._resource import VideoKitResource


class ApiKey(VideoKitResource, kind=ApiKeyKind):
    pass
