"""`jeevanrekha restore FILE`: see backup.py. Verifies the audit chain afterwards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jeevanrekha.audit.management.commands.backup import restore, verify_after_restore


class Command(BaseCommand):
    help = "Restore a backup made by `jeevanrekha backup` (PostgreSQL: into an empty database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        restore(options["file"])
        self.stdout.write(f"restored {options['file']}; {verify_after_restore()}")
