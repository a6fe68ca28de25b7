"""Channel, at the path existing stacks' state names its provider by (``ChannelProvider``)."""

from ..reconcile.kinds.channel import ChannelKind
from ._resource import VideoKitResource


class Channel(VideoKitResource, kind=ChannelKind):
    pass
