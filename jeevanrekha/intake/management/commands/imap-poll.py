"""`jeevanrekha imap-poll`: fetch platform alert emails from a mailbox (docs/email-intake.md)."""

from __future__ import annotations

import logging
import signal
import threading
from collections import Counter
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jeevanrekha.intake.sources.email import imap

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Store every unseen message of the alert mailbox (IMAP over TLS), then mark it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--once", action="store_true", help="poll once and exit (for cron or a timer)"
        )
        parser.add_argument(
            "--every", type=int, default=None, help="seconds between polls (IMAP_POLL_SECONDS)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        config = imap.ImapConfig.from_settings()
        if options["once"]:
            if not self.poll(config):
                raise CommandError("imap-poll: the poll failed (see the log)")
            return
        every = options["every"] or settings.IMAP_POLL_SECONDS
        done = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: done.set())
        while not done.is_set():
            self.poll(config)
            done.wait(every)

    def poll(self, config: imap.ImapConfig) -> bool:
        """One poll; a failure is reported, and the next poll tries again."""
        try:
            result = imap.poll_once(config)
        except imap.POLL_ERRORS as exc:
            log.error("imap-poll: %s", exc)
            self.stderr.write(f"imap-poll: {exc}")
            return False
        counts = Counter(str(o.status) for o in result.stored)
        summary = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing new"
        errors = f"; {len(result.errors)} errors" if result.errors else ""
        self.stdout.write(f"imap-poll: {summary}{errors}")
        return not result.errors
