"""Issue #9: a backup taken while the desk runs restores into a working database whose
audit chain verifies, with every alert and case (real processes, real databases)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from tests.e2e.conftest import Database, Server

BIN = Path(sys.executable).parent


def run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(BIN / "jeevanrekha"), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_backup_and_restore(server: Server, database: Database, tmp_path: Path) -> None:
    lines = []
    for n in range(25):
        alert = {
            "source": "e2e-platform",
            "source_alert_id": f"backup-{n}",
            "platform": "instagram",
            "post": {"text": f"alvida {n}"},
            "account": {"handle": f"backup_person_{n}"},
        }
        lines.append(json.dumps(alert))
    (tmp_path / "alerts.jsonl").write_text("\n".join(lines) + "\n")
    run(server.env, "ingest", str(tmp_path / "alerts.jsonl"))
    backup = tmp_path / "desk.backup"
    assert "backed up" in run(server.env, "backup", str(backup))

    if database.is_postgres:
        parts = urlsplit(database.url)
        name = f"jr_restore_{secrets.token_hex(4)}"
        admin = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        restored = Database(urlunsplit(parts._replace(path=f"/{name}")))
    else:
        restored = Database(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    env = {**server.env, "DATABASE_URL": restored.url}
    try:
        out = run(env, "restore", str(backup))
        assert "audit chain OK" in out
        assert restored.scalar("SELECT count(*) FROM cases_case") == 25
        assert restored.scalar("SELECT count(*) FROM intake_rawalert") == 25
        assert "audit chain OK" in run(env, "audit", "verify")
        # The restored desk works on: a new alert becomes case 26.
        (tmp_path / "one.jsonl").write_text(lines[0].replace("backup-0", "after-restore") + "\n")
        run(env, "ingest", str(tmp_path / "one.jsonl"))
        assert restored.scalar("SELECT count(*) FROM intake_alert") == 26
    finally:
        if database.is_postgres:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    assert os.path.getsize(backup) > 0
