"""Failures that are the user's to fix, reported as one sentence; anything else is a bug.

The whole tree::

    UserError                   the declaration, the configuration or the tenant is not as needed
    ├── ConfigurationError      a provider setting is missing
    ├── InterruptRefused        a change would stop or replace something on air, not allowed
    ├── AdoptionError           the object to adopt is missing, or not unique
    ├── AlreadyExistsError      a create met an object with the same natural key (409)
    ├── MissingObjectError      an object the declaration manages or names does not exist
    └── UnexpectedStateError    the API left an object in a state it was not asked for

API failures are the client's ``VideoKitError`` tree.  The doors answer both with the message
alone; every other exception is a bug and reaches the engine with its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """Base of the failures a user can act on."""


class ConfigurationError(UserError):
    """A required provider setting is missing."""


class InterruptRefused(UserError):
    """A change would stop or replace something on air, and the user did not allow it."""


class AdoptionError(UserError):
    """The object to adopt could not be found, or was not unique."""


class AlreadyExistsError(UserError):
    """A create met an existing object with the same natural key, which the API allows once."""


class MissingObjectError(UserError):
    """An object the declaration manages or names does not exist."""


class UnexpectedStateError(UserError):
    """The API left an object in a state it was not asked for (a channel that will not start)."""


__all__ = [
    "AdoptionError",
    "AlreadyExistsError",
    "ConfigurationError",
    "InterruptRefused",
    "MissingObjectError",
    "UnexpectedStateError",
    "UserError",
]
