"""Infrastructure as code for Cloud Video Kit."""

from ._version import __version__

__all__ = ["__version__"]
