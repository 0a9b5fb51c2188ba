"""Writers in separate processes append to the audit chain at once, on a real database.

On PostgreSQL each writer appends in one statement that takes the chain's lock, reads its
head and inserts the rows (a VOLATILE function, audit migration 0005): the head must be read
with a snapshot taken after the lock was granted, or two writers would give two rows one seq
(or fork the chain). Half the writers append as an action does (`append`, at once); the
other half as the intake does: held inside `writes_together(then_commit=True)`, so that the
append and the COMMIT go in one round trip.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

from tests.e2e.conftest import BIN, Database

WRITERS, ROWS = 4, 40

APPEND = f"""
from django.db import transaction
from django.utils import timezone
from jeevanrekha.audit import chain
for i in range({ROWS}):
    with transaction.atomic():
        chain.append(at=timezone.now(), actor="test:writer", action="note_added", object_id=i)
"""
APPEND_WITH_COMMIT = f"""
from django.db import transaction
from django.utils import timezone
from jeevanrekha.audit import chain
from jeevanrekha.db.rows import writes_together
for i in range(0, {ROWS}, 2):
    with transaction.atomic(), writes_together(then_commit=True):
        entry = chain.Entry(timezone.now(), "test:intake", "raw_alert_duplicate", "", i)
        chain.append_many([entry, entry])
"""
# Inside an outermost atomic block the held writes carry the COMMIT (PostgreSQL), so another
# connection sees them before the block ends; inside a savepoint, or after a failed write,
# nothing is committed early.
EARLY_COMMIT = """
import psycopg
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from jeevanrekha.audit import chain
from jeevanrekha.db.rows import write, writes_together

def seen(action):
    if connection.vendor != "postgresql":
        return None
    db = settings.DATABASES["default"]
    url = f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    with psycopg.connect(url) as other:
        sql = "SELECT count(*) FROM audit_auditevent WHERE action = %s"
        return other.execute(sql, [action]).fetchone()[0]

def append(action):
    chain.append_many([chain.Entry(timezone.now(), "test:early", action)])

with transaction.atomic():
    with writes_together(then_commit=True):
        append("outermost")
    print("outermost", seen("outermost"))
print("outermost after", seen("outermost"))
with transaction.atomic(), transaction.atomic():
    with writes_together(then_commit=True):
        append("savepoint")
    print("savepoint", seen("savepoint"))
try:
    with transaction.atomic(), writes_together(then_commit=True):
        append("failed")
        write("INSERT INTO no_such_table VALUES (1)")
except DatabaseError:
    print("failed raised")
print("failed", seen("failed") or 0)
"""


CLI = str(BIN / "jeevanrekha")


def migrated(database: Database, tmp_path: Path) -> dict[str, str]:
    """The environment of processes on `database`, migrated."""
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DATA_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    subprocess.run([CLI, "migrate", "-v0"], env=env, check=True, timeout=300)
    return env


def test_writers_in_parallel_each_append_after_the_head_the_last_one_committed(
    database: Database, tmp_path: Path
) -> None:
    env = migrated(database, tmp_path)
    writers = [
        subprocess.Popen([CLI, "shell", "-c", script], env=env, stderr=subprocess.PIPE)
        for script in [APPEND, APPEND_WITH_COMMIT] * (WRITERS // 2)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err.decode(errors="replace")[-2000:]
    total = WRITERS * ROWS
    assert database.scalar("SELECT count(*) FROM audit_auditevent") == total
    assert database.scalar("SELECT count(DISTINCT seq) FROM audit_auditevent") == total
    assert database.scalar("SELECT max(seq) FROM audit_auditevent") == total
    verify = subprocess.run(
        [CLI, "audit", "verify"], env=env, capture_output=True, text=True, timeout=300
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert f"{total} rows verified" in verify.stdout


def test_the_last_writes_carry_the_commit_only_at_the_end_of_the_transaction(
    database: Database, tmp_path: Path
) -> None:
    env = migrated(database, tmp_path)
    run = subprocess.run(
        [CLI, "shell", "-c", EARLY_COMMIT], env=env, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    pg = database.is_postgres
    printed = [s for s in run.stdout.splitlines() if s and "imported automatically" not in s]
    assert printed == [
        f"outermost {1 if pg else None}",  # committed with the held writes, before the end
        f"outermost after {1 if pg else None}",
        f"savepoint {0 if pg else None}",  # a savepoint's end is not the transaction's
        "failed raised",
        "failed 0",
    ]
    assert database.scalar("SELECT count(*) FROM audit_auditevent") == 2
