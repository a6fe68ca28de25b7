"""A typed, thread-safe client for the Cloud Video Kit API.

>>> client = VideoKitClient(ClientConfig(api_key=..., tenant_id=..., tenant_name="acme"))
>>> for channel in client.live.channels.list():
...     print(channel.name, channel.status)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attributes

# The errors import nothing heavy; the rest (httpx among it) is imported on first use (PEP 562),
# so that code which only names the errors, such as the kinds on `videokit validate`'s path,
# does not pay for an HTTP stack.
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    OutcomeUnknownError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    RetryBudgetExceededError,
    ServerError,
    VideoKitError,
)

if TYPE_CHECKING:
    from ._base import (
        DEFAULT_MAX_REQUESTS_PER_SECOND,
        ClientConfig,
        Operation,
        Page,
        RateLimiter,
        Transport,
        default_rate,
        header_problem,
        redact,
        tenant_name_problem,
        url_problem,
        without_userinfo,
    )
    from ._client import VideoKitClient

_LAZY = {
    "DEFAULT_MAX_REQUESTS_PER_SECOND": "._base",
    "ClientConfig": "._base",
    "Operation": "._base",
    "Page": "._base",
    "RateLimiter": "._base",
    "Sleep": "._base",
    "Transport": "._base",
    "redact": "._base",
    "default_rate": "._base",
    "header_problem": "._base",
    "tenant_name_problem": "._base",
    "url_problem": "._base",
    "without_userinfo": "._base",
    "VideoKitClient": "._client",
    "Core": ".core",
    "Live": ".live",
    "Recorder": ".recorder",
    "Streaming": ".streaming",
    "Transcoder": ".vod",
    "Vod": ".vod",
}


__getattr__ = attributes(globals(), _LAZY)


__all__ = [
    "DEFAULT_MAX_REQUESTS_PER_SECOND",
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ClientConfig",
    "ConflictError",
    "NotFoundError",
    "Operation",
    "OutcomeUnknownError",
    "Page",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimiter",
    "RetryBudgetExceededError",
    "ServerError",
    "Transport",
    "VideoKitClient",
    "VideoKitError",
    "default_rate",
    "header_problem",
    "redact",
    "tenant_name_problem",
    "url_problem",
    "without_userinfo",
]
