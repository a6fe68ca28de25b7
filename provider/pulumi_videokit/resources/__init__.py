"""Door 1: one Pulumi dynamic provider and one Python class per kind, read from the kinds' table.

Each class takes the kind's fields as keyword arguments in Python style and is typed by
``__init__.pyi`` (written by `make generate`).  The first kinds keep a module of their own
(``resources/channel.py``), where existing stacks' state names their providers; a kind added
later gets its class and provider here, in this module.
"""

from importlib import import_module

from ..reconcile.kinds import KINDS, Kind
from ._provider import ConfigurationError, InterruptRefused, VideoKitProvider
from ._resource import REGISTERED, InvalidDeclarationError, VideoKitResource, generated


def _public(kind: type[Kind]) -> type[VideoKitResource]:
    """The kind's class: from its own module where it has one, else made here."""
    module = f"{__name__}.{kind.__module__.rsplit('.', 1)[-1]}"
    try:
        import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
    return REGISTERED.get(kind.spec.kind) or generated(kind, __name__)


#: The public class of each YAML section, in declaration order.
RESOURCES: dict[str, type[VideoKitResource]] = {k.spec.section: _public(k) for k in KINDS}
globals().update({cls.__name__: cls for cls in RESOURCES.values()})
globals().update({cls._provider_cls.__name__: cls._provider_cls for cls in RESOURCES.values()})

__all__ = [
    "KINDS",
    "RESOURCES",
    "ConfigurationError",
    "InterruptRefused",
    "InvalidDeclarationError",
    "Kind",
    "VideoKitProvider",
    "VideoKitResource",
    *(cls.__name__ for cls in RESOURCES.values()),
]
