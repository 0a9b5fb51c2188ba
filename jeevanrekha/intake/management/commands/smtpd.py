"""`jeevanrekha smtpd`: receive platform alert emails over SMTP (docs/email-intake.md)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from jeevanrekha.intake.sources.email import smtpd


class Command(BaseCommand):
    help = "Receive platform alert emails over SMTP; each message is stored as a raw alert."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--bind", default=None, help="HOST:PORT (default INTAKE_SMTP_BIND, 127.0.0.1:2525)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        bind = options["bind"] or settings.INTAKE_SMTP_BIND
        if not settings.INTAKE_EMAIL_SENDER_DOMAINS:
            self.stderr.write(
                "warning: INTAKE_EMAIL_SENDER_DOMAINS is empty: every sender will be refused"
            )
        done = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: done.set())
        controller = smtpd.start(bind)
        self.stdout.write(f"smtpd: listening on {bind}")
        self.stdout.flush()
        try:
            done.wait()
        finally:
            smtpd.stop(controller)
            self.stdout.write("smtpd: stopped")
