"""`jeevanrekha serve`: a production application server, not Django's development server.

granian (a Rust HTTP server running the WSGI application in threads) by default; gunicorn
(gthread workers) with WEB_SERVER=gunicorn. Measured in bench/intake.py: granian took the
same alerts with ~30% less server CPU per alert.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

SERVERS = ("granian", "gunicorn")


def default_workers() -> int:
    """SQLite takes one writer at a time, so one process (with many threads) serves it best;
    PostgreSQL gains from two (bench/README.md)."""
    return 1 if connection.vendor == "sqlite" else 2


def gunicorn_argv(bind: str, workers: int, threads: int) -> list[str]:
    """The gunicorn command line for the desk's WSGI application."""
    return [
        sys.executable, "-m", "gunicorn", "config.wsgi:application",
        "--bind", bind,
        "--workers", str(workers),
        "--worker-class", "gthread",
        "--threads", str(threads),
        "--keep-alive", "5",
        "--graceful-timeout", "20",
        "--access-logfile", os.environ.get("ACCESS_LOG", "-"),
        "--access-logformat", '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
    ]  # fmt: skip


def granian_argv(bind: str, workers: int, threads: int) -> list[str]:
    """The granian command line (a Rust HTTP server) for the same WSGI application."""
    host, _, port = bind.rpartition(":")
    return [
        sys.executable, "-m", "granian", "--interface", "wsgi",
        "--host", host or "127.0.0.1", "--port", port,
        "--workers", str(workers), "--blocking-threads", str(threads),
        "--no-ws", "config.wsgi:application",
    ]  # fmt: skip


def server_argv(server: str, bind: str, workers: int, threads: int) -> list[str]:
    """The command line of the chosen application server."""
    if server not in SERVERS:
        raise CommandError(f"WEB_SERVER must be one of {', '.join(SERVERS)}, not {server!r}")
    build = gunicorn_argv if server == "gunicorn" else granian_argv
    return build(bind, workers, threads)


class Command(BaseCommand):
    help = (
        "Run the desk under a production server "
        "(WEB_SERVER, WEB_BIND, WEB_WORKERS, WEB_THREADS from the environment)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--server", default=os.environ.get("WEB_SERVER", "granian"))
        parser.add_argument("--bind", default=os.environ.get("WEB_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", 0)))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", 8)))

    def handle(self, *args: Any, **options: Any) -> None:
        workers = options["workers"] or default_workers()
        argv = server_argv(options["server"], options["bind"], workers, options["threads"])
        os.execv(sys.executable, argv)  # replace this process: signals reach the server directly
