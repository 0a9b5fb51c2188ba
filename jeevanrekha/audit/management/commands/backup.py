"""`jeevanrekha backup FILE` and `jeevanrekha restore FILE`: a consistent copy of the database.

- SQLite: the online backup API (readers and the writer go on while it copies); restore
  copies the file back while nothing else runs.
- PostgreSQL: `pg_dump --format=custom` (a consistent snapshot while the desk runs);
  restore with `pg_restore` into an EMPTY database named by DATABASE_URL.

After a restore the command walks the audit chain, so a damaged or tampered copy is found
at once. docs/operations.md says when and how (tested in tests/integration/test_backup.py).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from jeevanrekha.audit import chain


def _pg_env() -> tuple[list[str], dict[str, str]]:
    """libpq options and environment for the configured PostgreSQL database."""
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = ["--dbname", str(db["NAME"])]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return args, env


def backup(target: Path) -> None:
    """Write a consistent copy of the database to `target`."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        return
    args, env = _pg_env()
    done = subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise CommandError(f"pg_dump failed: {done.stderr.strip()}")


def restore(source: Path) -> None:
    """Put a backup in place of the (empty, or SQLite: stopped) database."""
    if not source.exists():
        raise CommandError(f"no backup at {source}")
    if connection.vendor == "sqlite":
        name = Path(str(connection.settings_dict["NAME"]))
        connection.close()
        for suffix in ("-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, name)
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        (tables,) = cursor.fetchone()
    if tables:
        raise CommandError("restore needs an empty database (create one, point DATABASE_URL)")
    connection.close()
    args, env = _pg_env()
    done = subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", *args, str(source)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise CommandError(f"pg_restore failed: {done.stderr.strip()}")


class Command(BaseCommand):
    help = "Back up the database to FILE (restore: see the `restore` command)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        backup(options["file"])
        size = options["file"].stat().st_size
        self.stdout.write(f"backed up {connection.vendor} to {options['file']} ({size:,} bytes)")


def verify_after_restore() -> str:
    checked, broken = chain.verify()
    if broken is not None:
        raise CommandError(
            f"restored, but the audit chain breaks at row {broken.seq}: {broken.reason}"
        )
    return f"audit chain OK: {checked} rows verified"
