"""`jeevanrekha report --week 2026-W47 [--district NAME] [--pdf out.pdf] [--csv out.csv]`.

Prints the figures; writes the exports when asked, watermarked "cli:<OS user>" and
audited like an export from the page.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jeevanrekha.reports import exports, periods
from jeevanrekha.reports.actions import do_record_export
from jeevanrekha.reports.figures import compute


class Command(BaseCommand):
    help = "Print a report (ISO week, month or days; state-wide or one district); export it."

    def add_arguments(self, parser: CommandParser) -> None:
        when = parser.add_mutually_exclusive_group()
        when.add_argument("--week", help="ISO week, e.g. 2026-W47 (default: this week)")
        when.add_argument("--month", help="e.g. 2026-11")
        when.add_argument("--days", help="first..last, e.g. 2026-11-01..2026-11-15")
        parser.add_argument("--district", default="", help="one district (default: state-wide)")
        parser.add_argument("--pdf", type=Path, help="write the PDF here")
        parser.add_argument("--csv", type=Path, help="write the CSV here")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        try:
            text = options["week"] or options["month"] or options["days"]
            period = periods.parse(text) if text else periods.current_week(now)
        except periods.BadPeriod as exc:
            raise CommandError(str(exc)) from exc
        district = str(options["district"]).strip()
        fig = compute(period, district, now=now)
        actor = f"cli:{_os_user()}"
        mark = exports.Watermark(actor, now)
        if options["csv"]:
            do_record_export("csv", period.key, district, actor=actor, at=now, via="cli")
            options["csv"].write_bytes(exports.to_csv(fig, mark))
            self.stdout.write(f"CSV written to {options['csv']}")
        if options["pdf"]:
            from jeevanrekha.reports.pdf import to_pdf
            from jeevanrekha.reports.views import district_outlines

            do_record_export("pdf", period.key, district, actor=actor, at=now, via="cli")
            outlines = district_outlines() if fig.by_district else None
            options["pdf"].write_bytes(to_pdf(fig, mark, outlines))
            self.stdout.write(f"PDF written to {options['pdf']}")
        for section, item, value in exports.rows(fig):
            self.stdout.write(f"{section:22} {item:34} {value}")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"
