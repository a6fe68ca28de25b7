"""A typed, thread-safe client for the Cloud Video Kit API.

>>> client = VideoKitClient(ClientConfig(api_key=..., tenant_id=..., tenant_name="acme"))
>>> for channel in client.live.channels.list():
...     print(channel.name, channel.status)
"""

from __future__ import annotations

import time

import httpx

from ._base import DEFAULT_MAX_REQUESTS_PER_SECOND, ClientConfig, Page, RateLimiter, Sleep, Transport, redact
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
from .core import Core
from .live import Live
from .recorder import Recorder
from .streaming import Streaming
from .vod import Transcoder, Vod


class VideoKitClient:
    """Entry point: one attribute per API group."""

    def __init__(
        self,
        config: ClientConfig,
        *,
        http: httpx.Client | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self.config = config
        self.transport = Transport(config, http=http, sleep=sleep)
        self.live = Live(self.transport)
        self.streaming = Streaming(self.transport)
        self.core = Core(self.transport)
        self.recorder = Recorder(self.transport)
        self.vod = Vod(self.transport)
        self.transcoder = Transcoder(self.transport)


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
    "redact",
]
