"""The `jeevanrekha` console script.

Every sub-command is a Django management command (`jeevanrekha serve`, `demo`, `migrate`,
`ingest`, `createuser`, `source`, `audit verify`, ...), so `python manage.py X` and
`jeevanrekha X` are the same thing.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command with the project's settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["jeevanrekha", *(sys.argv[1:] if argv is None else argv)])
