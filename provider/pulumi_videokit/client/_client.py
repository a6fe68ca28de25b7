"""The client's entry point: one attribute per API group."""

from __future__ import annotations

import time

import httpx

from ._base import ClientConfig, Sleep, Transport
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
