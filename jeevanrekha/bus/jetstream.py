"""NATS JetStream from sync code: the client's event loop runs in a background thread.

Django's database work stays on the calling thread; `Client._run` hands coroutines to the
loop and waits. `PullConsumer` is a durable pull consumer (fetch a batch, ack after the work
is stored), used by the watch (`monitor --nats-subject`) and the pipeline stages.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

import nats
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import StreamConfig
from nats.js.errors import NotFoundError

T = TypeVar("T")


class Client:
    """A connection to NATS with JetStream, usable from sync code."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.connection: Any = None
        self.js: Any = None

    def _run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        future = asyncio.run_coroutine_threadsafe(coroutine, self._loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()  # not left running on the loop
            raise

    def open(self) -> None:
        self._run(self._connect())
        self._run(self.setup())

    async def _connect(self) -> None:
        self.connection = await nats.connect(self.url, connect_timeout=5)
        self.js = self.connection.jetstream()

    async def setup(self) -> None:
        """What to do once connected (streams, consumers)."""

    async def ensure_stream(self, name: str, subjects: list[str]) -> str:
        """The stream that holds `subjects[0]`, made as `name` if none does."""
        try:
            return str(await self.js.find_stream_name_by_subject(subjects[0]))
        except NotFoundError:
            await self.js.add_stream(StreamConfig(name=name, subjects=subjects))
            return name

    def close(self) -> None:
        if self.connection is not None:
            try:
                self._run(self.connection.drain())
            except Exception:  # a connection that cannot drain is closed all the same
                with contextlib.suppress(Exception):
                    self._run(self.connection.close(), timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


class PullConsumer(Client):
    """Fetch batches from a subject through a durable consumer; acknowledge them later."""

    def __init__(self, url: str, *, stream: str, subject: str, durable: str) -> None:
        super().__init__(url)
        self.stream, self.subject, self.durable = stream, subject, durable
        self._pull: Any = None

    async def setup(self) -> None:
        stream = await self.ensure_stream(self.stream, [self.subject])
        self._pull = await self.js.pull_subscribe(self.subject, durable=self.durable, stream=stream)

    def fetch(self, batch: int, wait: float = 1.0) -> list[Any]:
        """Up to `batch` messages; [] if none came within `wait` seconds."""
        return self._run(self._fetch(batch, wait), timeout=wait + 30)

    async def _fetch(self, batch: int, wait: float) -> list[Any]:
        try:
            return list(await self._pull.fetch(batch, timeout=wait))
        except (TimeoutError, NatsTimeout):  # nats-py raises either when none came
            return []

    def ack(self, messages: list[Any]) -> None:
        self._run(self._ack(messages))

    async def _ack(self, messages: list[Any]) -> None:
        for message in messages:
            await message.ack()
