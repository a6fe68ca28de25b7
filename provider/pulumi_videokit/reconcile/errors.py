"""Failures that are the user's to fix, reported as one sentence; anything else is a bug.

The whole tree::

    UserError                   the declaration, the configuration or the tenant is not as needed
    ├── ConfigurationError      a provider setting is missing
    ├── InterruptRefused        a change would stop or replace something on air, not allowed
    ├── AdoptionError           the object to adopt is missing, or not unique
    ├── AlreadyExistsError      a create met an object with the same natural key (409)
    ├── MissingObjectError      an object the declaration manages or names does not exist
    └── UnexpectedStateError    the API left an object in a state it was not asked for

    HalfCreated                 a create made the object, then a later step failed: not a
                                user's mistake, and the object belongs in state

API failures are the client's ``VideoKitError`` tree.  The doors answer both with the message
alone; every other exception is a bug and reaches the engine with its traceback.
"""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """Base of the failures a user can act on."""


class ConfigurationError(UserError):
    """A required provider setting is missing."""


class InterruptRefused(UserError):
    """A change would stop or replace something on air, and the user did not allow it."""


class AdoptionError(UserError):
    """The object to adopt could not be found, or was not unique (``ids``: the candidates)."""

    def __init__(self, message: str, ids: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.ids = ids


class AlreadyExistsError(UserError):
    """A create met an existing object with the same natural key, which the API allows once."""


class MissingObjectError(UserError):
    """An object the declaration manages or names does not exist."""


class UnexpectedStateError(UserError):
    """The API left an object in a state it was not asked for (a channel that will not start)."""


class HalfCreated(Exception):
    """A create made ``object_id``, then ``cause`` failed; the object belongs in state.

    Raised by the create with the cause alone; the service raises it again with the ``outputs``
    and ``inputs`` found, and the ``reason`` a user reads.
    """

    def __init__(
        self,
        object_id: str,
        cause: BaseException,
        outputs: dict[str, Any] | None = None,
        inputs: dict[str, Any] | None = None,
        reason: str = "",
    ) -> None:
        super().__init__(reason or f"created {object_id}, then: {cause}")
        self.object_id = object_id
        self.cause = cause
        self.outputs = outputs or {}
        self.inputs = inputs or {}
        self.reason = str(self)


__all__ = [
    "AdoptionError",
    "AlreadyExistsError",
    "ConfigurationError",
    "HalfCreated",
    "InterruptRefused",
    "MissingObjectError",
    "UnexpectedStateError",
    "UserError",
]
