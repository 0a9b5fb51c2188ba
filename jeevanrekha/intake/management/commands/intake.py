"""`jeevanrekha intake retry`: process raw alerts that a crash or an outage left behind."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q
from django.utils import timezone

from jeevanrekha.intake import pipeline
from jeevanrekha.intake.models import RawAlert, RawAlertStatus


def retry_stranded(older_than: timedelta) -> int:
    """Re-run failed raw alerts, and received ones that nobody finished; return how many."""
    now = timezone.now()
    stranded = RawAlert.objects.filter(
        Q(status=RawAlertStatus.FAILED)
        | Q(status=RawAlertStatus.RECEIVED, received_at__lt=now - older_than)
    ).order_by("pk")
    return len(pipeline.retry(list(stranded[:10_000])))


class Command(BaseCommand):
    help = "Intake maintenance. `intake retry` re-processes stranded raw alerts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["retry"])
        parser.add_argument("--older-than", type=int, default=60, help="seconds")

    def handle(self, *args: Any, **options: Any) -> None:
        done = retry_stranded(timedelta(seconds=options["older_than"]))
        self.stdout.write(f"re-processed {done} raw alerts")
