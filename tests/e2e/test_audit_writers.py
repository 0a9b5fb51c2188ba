"""Writers in separate processes append to the audit chain at once, on a real database.

On PostgreSQL each writer takes the chain's lock and reads its head in one statement (a
VOLATILE function, audit migration 0004): the head must be read with a snapshot taken after
the lock was granted, or two writers would give two rows one seq (or fork the chain).
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


def test_writers_in_parallel_each_append_after_the_head_the_last_one_committed(
    database: Database, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DATA_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    cli = str(BIN / "jeevanrekha")
    subprocess.run([cli, "migrate", "-v0"], env=env, check=True, timeout=300)
    writers = [
        subprocess.Popen([cli, "shell", "-c", APPEND], env=env, stderr=subprocess.PIPE)
        for _ in range(WRITERS)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err.decode(errors="replace")[-2000:]
    total = WRITERS * ROWS
    assert database.scalar("SELECT count(*) FROM audit_auditevent") == total
    assert database.scalar("SELECT count(DISTINCT seq) FROM audit_auditevent") == total
    assert database.scalar("SELECT max(seq) FROM audit_auditevent") == total
    verify = subprocess.run(
        [cli, "audit", "verify"], env=env, capture_output=True, text=True, timeout=300
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert f"{total} rows verified" in verify.stdout
