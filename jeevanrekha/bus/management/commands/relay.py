"""`jeevanrekha relay`: publish the outbox to NATS JetStream (needs NATS_URL).

    jeevanrekha relay            # for ever: publish, then wait for more
    jeevanrekha relay --once     # publish what is waiting, then exit

Run one or several (they share the work). A broker that is down is retried with backoff;
nothing is marked published before the broker acknowledged it.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections, connection

from jeevanrekha.bus.relay import Broker, note_failure, relay_once

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Publish outbox events to NATS JetStream."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="publish what waits, then exit")
        parser.add_argument("--batch", type=int, default=500)
        parser.add_argument("--idle", type=float, default=0.2, help="seconds between polls")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.NATS_URL:
            raise CommandError("NATS_URL is not set: events are handled in-process")
        total, backoff = 0, 0.5
        broker: Broker | None = None
        while True:
            try:
                if broker is None:
                    broker = Broker(settings.NATS_URL)
                    broker.open()
                if not connection.in_atomic_block:  # (a test's transaction)
                    close_old_connections()  # drop a connection the database has closed
                published = relay_once(broker, limit=options["batch"])
                total += published
                backoff = 0.5
                if published:
                    continue
                if options["once"]:
                    break
                time.sleep(options["idle"])
            except KeyboardInterrupt:
                break
            except Exception as exc:
                log.warning("relay: %r; retrying in %.1f s", exc, backoff)
                note_failure(repr(exc))
                if broker is not None:
                    broker.close()
                    broker = None
                if options["once"]:
                    raise CommandError(f"could not publish: {exc!r}") from exc
                time.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
        if broker is not None:
            broker.close()
        self.stdout.write(f"published {total} events")
