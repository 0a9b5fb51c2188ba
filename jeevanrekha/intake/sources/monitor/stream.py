"""The watch fed from a NATS JetStream subject: a durable pull consumer.

Posts are acknowledged only after the alerts they raised are stored (at-least-once: a post
delivered twice is one alert, by its id). If no stream holds the subject yet, one is made,
named after the subject (`JR_WATCH_<SUBJECT>`). The NATS client runs its own event loop in
a background thread; the database work stays on the calling thread (Django's is sync).
"""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import nats
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import StreamConfig
from nats.js.errors import NotFoundError

if TYPE_CHECKING:
    from jeevanrekha.intake.management.commands.monitor import Watch

T = TypeVar("T")


def stream_name(subject: str) -> str:
    """The stream made for a subject no stream holds yet."""
    return "JR_WATCH_" + re.sub(r"[^A-Za-z0-9]+", "_", subject).strip("_").upper()


def durable_name(subject: str) -> str:
    """The monitor's durable consumer on that subject (several monitors share it)."""
    return "jr-monitor-" + re.sub(r"[^A-Za-z0-9]+", "-", subject).strip("-").lower()


class JetStreamPosts:
    """Fetch batches of posts from a subject and acknowledge them, from sync code."""

    def __init__(self, url: str, subject: str) -> None:
        self.url, self.subject = url, subject
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._connection: Any = None
        self._pull: Any = None

    def _run(self, coroutine: Coroutine[Any, Any, T], timeout: float = 30.0) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def open(self) -> None:
        self._run(self._open())

    async def _open(self) -> None:
        self._connection = await nats.connect(self.url, connect_timeout=5)
        js = self._connection.jetstream()
        try:
            stream = await js.find_stream_name_by_subject(self.subject)
        except NotFoundError:
            stream = stream_name(self.subject)
            await js.add_stream(StreamConfig(name=stream, subjects=[self.subject]))
        durable = durable_name(self.subject)
        self._pull = await js.pull_subscribe(self.subject, durable=durable, stream=stream)

    def fetch(self, batch: int, wait: float = 1.0) -> list[Any]:
        """Up to `batch` messages; [] if none came within `wait` seconds."""
        return self._run(self._fetch(batch, wait), timeout=wait + 30)

    async def _fetch(self, batch: int, wait: float) -> list[Any]:
        try:
            return list(await self._pull.fetch(batch, timeout=wait))
        except NatsTimeout:
            return []

    def ack(self, messages: list[Any]) -> None:
        self._run(self._ack(messages))

    async def _ack(self, messages: list[Any]) -> None:
        for message in messages:
            await message.ack()

    def close(self) -> None:
        if self._connection is not None:
            self._run(self._connection.drain())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


def consume(url: str, subject: str, watch: Watch, *, batch: int, max_posts: int) -> None:
    """Score and store posts from `subject` until `max_posts` (0: for ever)."""
    posts = JetStreamPosts(url, subject)
    try:
        posts.open()
        done = 0
        while not max_posts or done < max_posts:
            messages = posts.fetch(batch)
            if not messages:
                continue
            watch.process(watch.lines([(done + i + 1, m.data) for i, m in enumerate(messages)]))
            posts.ack(messages)  # only now: what they raised is stored
            done += len(messages)
    finally:
        posts.close()
