"""`jeevanrekha monitor`: the watch over public posts.

    jeevanrekha monitor --jsonl posts.jsonl      # a file (or - for stdin), then exit
    jeevanrekha monitor --nats-subject watch.posts   # a JetStream subject (needs NATS_URL)

Each post is scored by the risk model; posts at or above the review level (setting
MONITOR_REVIEW_LEVEL, default 2: ideation) become alerts on the `monitor` channel, stored
verbatim, de-duplicated by the post's id, and their cases wait for a person's confirmation.
A line that is not a post is counted and reported on stderr. Prints what it read and raised.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jeevanrekha.intake.actions import Arrival, do_intake
from jeevanrekha.intake.checks import Checks
from jeevanrekha.intake.sources.monitor.watch import (
    BadPost,
    Scorer,
    WatchedPost,
    alert_document,
    post_from_line,
    raised,
)

MONITOR_CHECKS = Checks(authenticate=False, check_window=False)
SOURCE = "watch"


class Watch:
    """Scores batches of posts and stores the alerts they raise; keeps the counts."""

    def __init__(self, scorer: Scorer, level: int, err: Any) -> None:
        self.scorer, self.level, self.err = scorer, level, err
        self.counts: Counter[str] = Counter()

    def lines(self, lines: Iterable[tuple[int, bytes]]) -> list[WatchedPost]:
        posts = []
        for number, line in lines:
            if not line.strip():
                continue
            self.counts["read"] += 1
            try:
                posts.append(post_from_line(line))
            except BadPost as exc:
                self.counts["malformed"] += 1
                self.err.write(f"line {number}: {exc}\n")
        return posts

    def process(self, posts: list[WatchedPost]) -> None:
        hits = raised(posts, self.scorer, self.level)
        self.counts["raised"] += len(hits)
        if not hits:
            return
        now = timezone.now()
        arrivals = []
        for post, view in hits:
            body = json.dumps(alert_document(post, view, source=SOURCE), ensure_ascii=False)
            encoded = body.encode()
            arrivals.append(
                Arrival(
                    channel="monitor",
                    source_name=SOURCE,
                    headers={},
                    body=encoded,
                    body_size=len(encoded),
                    remote_addr=None,
                    request_id="",
                    received_at=now,
                )
            )
        for outcome in do_intake(arrivals, MONITOR_CHECKS):
            self.counts[str(outcome.status)] += 1

    def summary(self, seconds: float) -> str:
        c = self.counts
        rate = c["read"] / seconds if seconds > 0 else 0.0
        return (
            f"read {c['read']} posts ({c['malformed']} malformed) in {seconds:.1f} s "
            f"({rate:,.0f} posts/s); raised {c['raised']} for review: "
            f"{c['accepted']} new, {c['duplicate']} seen before, {c['quarantined']} refused"
        )


def numbered(stream: Iterable[bytes]) -> Iterator[tuple[int, bytes]]:
    for number, line in enumerate(stream, start=1):
        yield number, line.rstrip(b"\r\n")


def chunks(items: Iterator[tuple[int, bytes]], size: int) -> Iterator[list[tuple[int, bytes]]]:
    chunk: list[tuple[int, bytes]] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Command(BaseCommand):
    help = "Watch a stream of public posts; raise alerts for review from the risky ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jsonl", help="a JSONL file of posts, or - for stdin")
        parser.add_argument("--nats-subject", help="consume this JetStream subject (NATS_URL)")
        parser.add_argument("--level", type=int, default=None, help="review level (0-4)")
        parser.add_argument("--batch", type=int, default=512, help="posts scored together")
        parser.add_argument("--max-posts", type=int, default=0, help="NATS: stop after N")

    def handle(self, *args: Any, **options: Any) -> None:
        from jeevanrekha.intake.sources.monitor.scoring import risk_scorer

        level = options["level"]
        level = settings.MONITOR_REVIEW_LEVEL if level is None else level
        watch = Watch(risk_scorer, int(level), self.stderr)
        started = time.perf_counter()
        if options["jsonl"]:
            path = options["jsonl"]
            stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
            with stream:
                for chunk in chunks(numbered(stream), max(1, options["batch"])):
                    watch.process(watch.lines(chunk))
        elif options["nats_subject"]:
            if not settings.NATS_URL:
                raise CommandError("--nats-subject needs NATS_URL")
            from jeevanrekha.intake.sources.monitor.stream import consume

            consume(
                settings.NATS_URL,
                options["nats_subject"],
                watch,
                batch=max(1, options["batch"]),
                max_posts=options["max_posts"],
            )
        else:
            raise CommandError("give --jsonl FILE (or -) or --nats-subject SUBJECT")
        self.stdout.write(watch.summary(time.perf_counter() - started))
