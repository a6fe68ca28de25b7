"""The client's entry point: one attribute per API group."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Unpack

from ._base import ClientConfig, Operation, Transport, TransportOptions
from .core import Core
from .live import Live
from .recorder import Recorder
from .streaming import Streaming
from .vod import Transcoder, Vod


class VideoKitClient:
    """Entry point: one attribute per API group; ``http``, ``sleep`` and ``clock`` go to its
    :class:`Transport`."""

    def __init__(self, config: ClientConfig, **transport: Unpack[TransportOptions]) -> None:
        self.config = config
        self.transport = Transport(config, **transport)
        self.live = Live(self.transport)
        self.streaming = Streaming(self.transport)
        self.core = Core(self.transport)
        self.recorder = Recorder(self.transport)
        self.vod = Vod(self.transport)
        self.transcoder = Transcoder(self.transport)

    @contextmanager
    def operation(self) -> Iterator[Operation]:
        """One retry budget (``retry_total_seconds``) for every call made in the block."""
        with self.transport.operation() as op:
            yield op
