"""Settings come from the environment; production refuses the development secret."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection


def load_settings(**env: str) -> subprocess.CompletedProcess[str]:
    unset = {"SECRET_KEY", "DEBUG", "DATABASE_URL", "FIELD_KEYS", "FIELD_KEY_FILE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import config.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'])",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_the_default_secret() -> None:
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "DEBUG=0 needs a real secret" in result.stderr


def test_debug_may_use_the_development_secret() -> None:
    result = load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_short_secret_is_refused() -> None:
    assert load_settings(SECRET_KEY="too-short").returncode != 0


def test_database_url_selects_postgresql() -> None:
    result = load_settings(
        SECRET_KEY="x" * 40,
        FIELD_KEY_FILE="/nonexistent/keys.json",  # read on first use, not at start
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/anything",
    )
    assert result.stdout.split() == ["False", "django.db.backends.postgresql"]


def test_sqlite_uses_the_queued_writer_backend() -> None:
    result = load_settings(SECRET_KEY="x" * 40, FIELD_KEY_FILE="/nonexistent/keys.json")
    assert result.stdout.split() == ["False", "jeevanrekha.db.sqlite"]


@pytest.mark.django_db
def test_the_database_is_set_up_for_its_engine() -> None:
    """SQLite: WAL, FULL sync, busy timeout, IMMEDIATE; PostgreSQL: persistent connections."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert cursor.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
            assert cursor.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
            assert connection.settings_dict["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        else:
            assert connection.vendor == "postgresql"
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"
            assert connection.settings_dict["CONN_MAX_AGE"] > 0
