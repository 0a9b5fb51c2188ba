"""`jeevanrekha timers`: the timer worker (escalations, reminders, sending and retries).

Run one or several (processes or machines): each deadline is claimed by one worker with a
conditional UPDATE (jeevanrekha/dispatch/timers.py).
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jeevanrekha.dispatch import timers


class Command(BaseCommand):
    help = "Run the timer worker: fire task deadlines, send and retry notifications."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between idle sweeps"
        )
        parser.add_argument(
            "--until-idle", type=float, default=None, help="stop after this many idle seconds"
        )
        parser.add_argument("--once", action="store_true", help="one sweep, then stop")
        parser.add_argument("--name", default="", help="worker name (default host:pid)")

    def handle(self, *args: Any, **options: Any) -> None:
        def stop(signum: int, frame: FrameType | None) -> None:
            raise SystemExit(0)

        signal.signal(signal.SIGTERM, stop)
        worker = options["name"] or timers.worker_name()
        loops = timers.run(
            worker=worker,
            interval=options["interval"],
            until_idle=options["until_idle"],
            max_loops=1 if options["once"] else 0,
        )
        self.stdout.write(f"timers {worker}: {loops} sweeps")
