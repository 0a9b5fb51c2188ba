"""`jeevanrekha retention run|status`: anonymise personal data past its retention period."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from jeevanrekha.retention import actions


class Command(BaseCommand):
    help = "Retention: `run` anonymises what is due now; `status` shows what is due."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["run", "status"])

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["operation"] == "run":
            done, _ = actions.run(actor="system:retention-run", now=now)
            self.stdout.write(
                "retention: anonymised " + ", ".join(f"{k} {n} cases" for k, n in done.items())
            )
            return
        for kind in actions.KINDS:
            due = len(actions.due_cases(kind, now, limit=1_000_000))
            days = actions.period(kind).days
            self.stdout.write(f"{kind}: kept {days} days after a case ends; {due} cases due")
