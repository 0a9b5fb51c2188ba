"""`jeevanrekha audit verify`: walk the hash chain and name the first broken row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jeevanrekha.audit import chain


class Command(BaseCommand):
    help = "Audit trail tools. `audit verify` checks the hash chain from the first row."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = chain.verify()
        if broken is not None:
            raise CommandError(
                f"audit chain BROKEN at row seq={broken.seq}: {broken.reason} "
                f"({checked} rows before it verified)"
            )
        self.stdout.write(f"audit chain OK: {checked} rows verified")
