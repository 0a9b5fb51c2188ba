"""`jeevanrekha worker --stage NAME`: run a pipeline stage (see jeevanrekha/bus/consumers.py).

    jeevanrekha worker --stage locate           # for ever
    jeevanrekha worker --stage locate --once    # what waits now, then exit (in-process)

With NATS_URL it is a durable JetStream consumer (run several); without, it reads the
outbox table (run one per stage).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jeevanrekha.bus.consumers import Stage, event_from_message, handle_events, run_in_process
from jeevanrekha.bus.jetstream import PullConsumer
from jeevanrekha.bus.relay import STREAM, SUBJECT_PREFIX, namespace, subject_for
from jeevanrekha.db.outage import Backoff, riding_out
from jeevanrekha.stages import stages

log = logging.getLogger(__name__)


def consume_jetstream(stage: Stage, url: str, *, batch: int, max_events: int) -> int:
    """Handle the stage's events from JetStream until `max_events` (0: for ever)."""
    space = namespace()  # this deployment's events only (a stream may be shared)
    consumer = PullConsumer(
        url,
        stream=STREAM,
        subject=f"{SUBJECT_PREFIX}{space}.>",
        durable=f"jr-stage-{stage.name}-{space}",
    )
    consumer.open()
    # The consumer sees every event (NATS 2.9: one filter subject); the subject names the
    # topic, so the others are passed over (and acknowledged) without being parsed.
    subjects = {subject_for(topic, space) for topic in stage.topics}
    seen = 0
    try:
        while not max_events or seen < max_events:
            messages = consumer.fetch(batch)
            events = [event_from_message(m.data) for m in messages if m.subject in subjects]
            wanted = [e for e in events if e.ns == space and e.topic in stage.topics]
            handle_events(stage, wanted)  # raises: not acked, JetStream redelivers later
            consumer.ack(messages)
            seen += len(messages)
    finally:
        consumer.close()
    return seen


class Command(BaseCommand):
    help = "Run a pipeline stage (locate, ...) on the events the desk's actions publish."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--stage", required=True)
        parser.add_argument("--once", action="store_true", help="in-process: what waits, then exit")
        parser.add_argument("--batch", type=int, default=100)
        parser.add_argument("--max-events", type=int, default=0, help="NATS: stop after N")
        parser.add_argument("--idle", type=float, default=0.5, help="seconds between polls")

    def handle(self, *args: Any, **options: Any) -> None:
        known = stages()
        if options["stage"] not in known:
            raise CommandError(f"unknown stage {options['stage']!r}; known: {', '.join(known)}")
        stage = known[options["stage"]]
        backoff, what = Backoff(), f"worker {stage.name}"
        if settings.NATS_URL:
            seen = 0
            while True:  # after a database outage: a new consumer; unacked events come again
                with riding_out(what, backoff):
                    seen += consume_jetstream(
                        stage,
                        settings.NATS_URL,
                        batch=options["batch"],
                        max_events=options["max_events"],
                    )
                    break
            self.stdout.write(f"{stage.name}: {seen} events")
            return
        total = 0
        while True:
            handled = 0
            with riding_out(what, backoff):
                handled = run_in_process(stage, limit=options["batch"])
            total += handled
            if handled:
                continue
            if options["once"]:
                break
            time.sleep(options["idle"])
        self.stdout.write(f"{stage.name}: handled {total} events")
