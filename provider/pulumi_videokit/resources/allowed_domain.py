"""AllowedDomain, at the path existing stacks' state names its provider by (``AllowedDomainProvider``)."""

from ..reconcile.kinds.allowed_domain import AllowedDomainKind
from ._resource import VideoKitResource


class AllowedDomain(VideoKitResource, kind=AllowedDomainKind):
    pass
