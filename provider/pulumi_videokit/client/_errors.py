"""Errors raised by the Cloud Video Kit client.

The whole tree::

    VideoKitError
    ├── APIConnectionError          the request never got an HTTP answer
    │   ├── APITimeoutError         ... because it timed out
    │   └── OutcomeUnknownError     a POST was sent but its answer was lost: the object
    │                               may or may not exist, so look it up before retrying
    ├── RetryBudgetExceededError    the operation's retry budget ran out; ``last`` is the last error
    ├── PaginationError             a listing answered a page it had already answered
    └── APIStatusError              the API answered with a 4xx/5xx status
        ├── BadRequestError         400 (also 415 and 422)
        ├── AuthenticationError     401
        ├── PermissionDeniedError   403
        ├── NotFoundError           404
        ├── ConflictError           409
        ├── RateLimitError          429
        └── ServerError             5xx

Every error carries ``method`` and ``path``; status errors also carry ``status_code``
and the server's ServiceResponse ``message``.  No error ever carries the API key.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RetryBudgetExceededError",
    "ServerError",
    "VideoKitError",
    "status_error",
]


class VideoKitError(Exception):
    """Base of every error the client raises."""

    def __init__(self, message: str, *, method: str = "", path: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (type(self), self.__dict__))


def _rebuild(cls: type[VideoKitError], state: dict[str, object]) -> VideoKitError:
    err = cls.__new__(cls)
    Exception.__init__(err, state.get("message", ""))
    err.__dict__.update(state)
    return err


class APIConnectionError(VideoKitError):
    """The request got no HTTP answer (connection refused, reset, DNS, ...)."""


class APITimeoutError(APIConnectionError):
    """The request timed out."""


class OutcomeUnknownError(APIConnectionError):
    """A non-idempotent request was sent but its answer was lost.

    The server may have carried it out.  Look the object up by its natural key
    before sending it again.
    """


class RetryBudgetExceededError(VideoKitError):
    """The operation's retry budget (``retry_total_seconds``) ran out before the call succeeded."""

    def __init__(self, message: str, *, method: str, path: str, last: VideoKitError) -> None:
        super().__init__(message, method=method, path=path)
        self.last = last


class PaginationError(VideoKitError):
    """A list endpoint answered a page with items of an earlier page."""


class APIStatusError(VideoKitError):
    """The API answered with an error status."""

    status_code: ClassVar[int] = 0

    def __init__(
        self,
        message: str,
        *,
        method: str,
        path: str,
        status: int,
        server_message: str = "",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, method=method, path=path)
        self.status = status
        self.server_message = server_message
        self.retry_after = retry_after


class BadRequestError(APIStatusError):
    """400: the request was malformed or failed validation."""

    status_code = 400


class AuthenticationError(APIStatusError):
    """401: the API key or tenant id was not accepted."""

    status_code = 401


class PermissionDeniedError(APIStatusError):
    """403: the API key's role does not allow this call."""

    status_code = 403


class NotFoundError(APIStatusError):
    """404: the object does not exist."""

    status_code = 404


class ConflictError(APIStatusError):
    """409: the request conflicts with the object's state."""

    status_code = 409


class RateLimitError(APIStatusError):
    """429: too many requests."""

    status_code = 429


class ServerError(APIStatusError):
    """5xx: the API failed."""

    status_code = 500


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    415: BadRequestError,
    422: BadRequestError,
    429: RateLimitError,
}

_HINTS = {
    401: " (check videokit:apiKey / VIDEOKIT_API_KEY and videokit:tenantId / VIDEOKIT_TENANT_ID)",
    403: " (the API key in videokit:apiKey lacks a role for this call, or videokit:tenantId "
    "names another tenant)",
}


def status_error(
    *,
    method: str,
    path: str,
    status: int,
    server_message: str,
    retry_after: float | None = None,
) -> APIStatusError:
    """Build the error class pinned to ``status``."""
    cls = _BY_STATUS.get(status) or (ServerError if status >= 500 else APIStatusError)
    detail = f": {server_message}" if server_message else ""
    message = f"{method} {path} failed with HTTP {status}{detail}{_HINTS.get(status, '')}"
    return cls(
        message,
        method=method,
        path=path,
        status=status,
        server_message=server_message,
        retry_after=retry_after,
    )
