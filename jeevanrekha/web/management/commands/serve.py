"""`jeevanrekha serve`: the production web server (gunicorn), not Django's dev server."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def gunicorn_argv(bind: str, workers: int, threads: int) -> list[str]:
    """The gunicorn command line for the desk's WSGI application."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "5",
        "--graceful-timeout",
        "20",
        "--access-logfile",
        os.environ.get("ACCESS_LOG", "-"),
        "--access-logformat",
        '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
    ]


class Command(BaseCommand):
    help = "Run the desk under gunicorn (WEB_BIND, WEB_WORKERS, WEB_THREADS from the environment)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("WEB_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "4")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "2")))

    def handle(self, *args: Any, **options: Any) -> None:
        argv = gunicorn_argv(options["bind"], options["workers"], options["threads"])
        os.execv(sys.executable, argv)  # replace this process: signals reach gunicorn directly
