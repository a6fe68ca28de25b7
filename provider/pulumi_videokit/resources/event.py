"""Event, at the path existing stacks' state names its provider by (``EventProvider``)."""

from ..reconcile.kinds.event import EventKind
from ._resource import VideoKitResource


class Event(VideoKitResource, kind=EventKind):
    pass
