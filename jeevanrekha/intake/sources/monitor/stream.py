"""The watch fed from a NATS JetStream subject: a durable pull consumer.

Posts are acknowledged only after the alerts they raised are stored (at-least-once: a post
delivered twice is one alert, by its id). If no stream holds the subject yet, one is made,
named after the subject (`JR_WATCH_<SUBJECT>`).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from jeevanrekha.bus.jetstream import PullConsumer

if TYPE_CHECKING:
    from jeevanrekha.intake.management.commands.monitor import Watch


def stream_name(subject: str) -> str:
    """The stream made for a subject no stream holds yet."""
    return "JR_WATCH_" + re.sub(r"[^A-Za-z0-9]+", "_", subject).strip("_").upper()


def durable_name(subject: str) -> str:
    """The monitor's durable consumer on that subject (several monitors share it)."""
    return "jr-monitor-" + re.sub(r"[^A-Za-z0-9]+", "-", subject).strip("-").lower()


def consume(url: str, subject: str, watch: Watch, *, batch: int, max_posts: int) -> None:
    """Score and store posts from `subject` until `max_posts` (0: for ever)."""
    posts = PullConsumer(
        url, stream=stream_name(subject), subject=subject, durable=durable_name(subject)
    )
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
