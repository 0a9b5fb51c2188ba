"""Issue #9 fault test: PostgreSQL restarted (crashed: `pg_ctl stop -m immediate`) in the
middle of a 5,000-alert stream.

A private PostgreSQL cluster (its own data directory and port, on loopback) is started for
the test, so the shared server is never disturbed; it runs in the SQLite pass of the suite
too, identically. The desk runs as in production: `jeevanrekha serve` (two processes), the
risk and locate stages and the timer worker. While 8 senders post, the database crashes and
comes back 3 s later. Senders retry what was not acknowledged (the desk answers 503 or drops
the connection while the database is gone).

Afterwards every alert is exactly one case, each acknowledged case id is the stored one,
nothing is stranded once `intake retry` has run, the workers rode out the outage (still
running, nothing skipped), every case was assessed and located exactly once, and the audit
chain verifies.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.e2e.conftest import Database, Workers, free_port, wait_until
from tests.e2e.test_faults import (
    CLIENTS,
    Desk,
    assert_one_case_per_alert,
    send_until_acknowledged,
)

ALERTS = 5000
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_BINS = sorted(glob.glob("/usr/lib/postgresql/*/bin"))


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (initdb, pg_ctl), as the postgres user when
    the test runs as root (initdb refuses root)."""

    def __init__(self, root: Path) -> None:
        self.bin = Path(PG_BINS[-1])
        self.data, self.sockets, self.port = root / "data", root / "sockets", free_port()
        self.log = root / "postgres.log"
        for path in (root, self.sockets):
            path.mkdir(parents=True, exist_ok=True)
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            shutil.chown(root, "postgres")
            shutil.chown(self.sockets, "postgres")
        self._run("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "--no-sync")

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/jr"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.sockets}"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")

    def crash(self) -> None:
        """Stop at once, as a crash or a kill of the server would (recovery on start)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    if not PG_BINS or (os.geteuid() == 0 and not shutil.which("runuser")):
        if IN_CI:
            pytest.fail("PostgreSQL's server programs are needed in CI")
        pytest.skip("no PostgreSQL server programs here")
    # Not under pytest's root-only tmp_path: the postgres user must reach its directory.
    root = Path(tempfile.mkdtemp(prefix="jr-private-pg-"))
    server = PrivatePostgres(root)
    request_cleanup = lambda: shutil.rmtree(root, ignore_errors=True)  # noqa: E731
    server.start()
    with psycopg.connect(server.url.replace("/jr", "/postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE jr")
    try:
        yield server
    finally:
        server.stop()
        request_cleanup()


def test_database_restarted_mid_stream(private_postgres: PrivatePostgres, tmp_path: Path) -> None:
    database = Database(private_postgres.url)
    desk = Desk(database, tmp_path)
    workers = Workers(desk.env, tmp_path)
    desk.start()
    for name in ("risk", "locate", "timers"):
        workers.start(name)
    try:
        acked: dict[int, int] = {}
        plan = [list(range(i, ALERTS, CLIENTS)) for i in range(CLIENTS)]
        senders = [
            threading.Thread(target=send_until_acknowledged, args=(desk.port, p, acked))
            for p in plan
        ]
        for thread in senders:
            thread.start()
        while len(acked) < ALERTS * 0.4:
            time.sleep(0.05)
        private_postgres.crash()
        time.sleep(3.0)
        private_postgres.start()
        for thread in senders:
            thread.join(timeout=900)
        assert len(acked) == ALERTS

        desk.cli("intake", "retry", "--older-than", "0")  # what the crash left half-done

        def count(action: str) -> int:
            sql = (
                f"SELECT COUNT(DISTINCT object_id) FROM audit_auditevent WHERE action = '{action}'"
            )
            return int(database.scalar(sql))

        wait_until(
            lambda: count("case_risk_assessed") == ALERTS and count("case_located") == ALERTS,
            600,
            "every case assessed and located",
        )
        assert all(p.poll() is None for p in workers.running.values()), "a worker died"
    finally:
        workers.stop_all()
        desk.stop()

    assert_one_case_per_alert(database, acked, ALERTS)
    for action in ("case_risk_assessed", "case_located"):
        rows = database.scalar(f"SELECT COUNT(*) FROM audit_auditevent WHERE action = '{action}'")
        assert rows == ALERTS, f"{action}: {rows} audit rows for {ALERTS} cases"
    skipped = "SELECT COUNT(*) FROM audit_auditevent WHERE action = 'stage_event_skipped'"
    assert database.scalar(skipped) == 0
    assert "audit chain OK" in desk.cli("audit", "verify")
