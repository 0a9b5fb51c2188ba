"""Issue #9 fault tests: the web server killed with SIGKILL in the middle of a 5,000-alert
stream. Senders retry what was not acknowledged (as platforms do); afterwards every alert
is exactly one case, nothing is stranded, and the audit chain verifies."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jeevanrekha.intake.signing import signed_headers
from tests.e2e.conftest import BIN, SECRET, SOURCE, Database, free_port, wait_for

ALERTS, CLIENTS = 5000, 8


class Desk:
    """`jeevanrekha serve` in its own process group, so that SIGKILL takes every worker."""

    def __init__(self, db: Database, tmp: Path) -> None:
        self.env = {
            **os.environ,
            "DATABASE_URL": db.url,
            "DATA_DIR": str(tmp),
            "SECRET_KEY": "fault-test-" + "k" * 50,
            "ACCESS_LOG": "/dev/null",
        }
        self.port, self.log = free_port(), tmp / "server.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.cli("migrate", "-v0")
        self.cli("source", "add", SOURCE, "--secret", SECRET)

    def cli(self, *args: str) -> str:
        done = subprocess.run(
            [str(BIN / "jeevanrekha"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        return done.stdout

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [
                    str(BIN / "jeevanrekha"),
                    "serve",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                ],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(f"http://127.0.0.1:{self.port}/healthz", 60)

    def kill(self) -> None:
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)


@pytest.fixture
def desk(database: Database, tmp_path: Path) -> Iterator[Desk]:
    running = Desk(database, tmp_path)
    running.start()
    try:
        yield running
    finally:
        running.stop()


def alert(n: int) -> bytes:
    return json.dumps(
        {
            "source": SOURCE,
            "source_alert_id": f"fault-{n}",
            "platform": "instagram",
            "post": {"text": f"alvida sabko ({n})"},
            "account": {"handle": f"fault_person_{n}"},
        }
    ).encode()


def send_until_acknowledged(port: int, numbers: list[int], acked: dict[int, int]) -> None:
    """Post each alert until the desk says 202 or 200; reconnect on any failure."""
    conn: http.client.HTTPConnection | None = None
    for n in numbers:
        body = alert(n)
        for _ in range(600):
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                conn.request("POST", "/api/v1/alerts", body, signed_headers(SOURCE, SECRET, body))
                response = conn.getresponse()
                reply: dict[str, Any] = json.loads(response.read() or b"{}")
                if response.status in (200, 202):
                    acked[n] = int(reply["case_id"])
                    break
                assert response.status >= 500, (response.status, reply)  # 503: try again
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
            time.sleep(0.1)
        else:
            raise AssertionError(f"alert {n} was never acknowledged")
    if conn is not None:
        conn.close()


def test_web_server_killed_mid_stream(desk: Desk, database: Database) -> None:
    acked: dict[int, int] = {}
    plan = [list(range(i, ALERTS, CLIENTS)) for i in range(CLIENTS)]
    threads = [
        threading.Thread(target=send_until_acknowledged, args=(desk.port, p, acked)) for p in plan
    ]
    for thread in threads:
        thread.start()
    while len(acked) < ALERTS * 0.4:
        time.sleep(0.05)
    desk.kill()  # SIGKILL: requests in flight, batches half-written
    time.sleep(1.0)
    desk.start()
    for thread in threads:
        thread.join(timeout=600)
    assert len(acked) == ALERTS

    desk.cli("intake", "retry", "--older-than", "0")  # what a crash left between transactions
    assert_one_case_per_alert(database, acked, ALERTS)
    assert "audit chain OK" in desk.cli("audit", "verify")


def assert_one_case_per_alert(database: Database, acked: dict[int, int], sent: int) -> None:
    """Every alert sent is exactly one alert and one case, none stranded, and each
    acknowledged alert's case is the one the database has for it."""
    assert database.scalar("SELECT COUNT(*) FROM cases_case") == sent
    assert database.scalar("SELECT COUNT(DISTINCT idempotency_key) FROM intake_alert") == sent
    assert database.scalar("SELECT COUNT(*) FROM intake_alert") == sent
    stranded = "SELECT COUNT(*) FROM intake_rawalert WHERE status IN ('received', 'failed')"
    assert database.scalar(stranded) == 0
    cases = {
        int(key.split("fault-")[1]): case
        for key, case in _pairs(database, "SELECT idempotency_key, case_id FROM intake_alert")
    }
    assert cases == acked


def _pairs(database: Database, sql: str) -> list[tuple[str, int]]:
    import sqlite3

    import psycopg

    if database.is_postgres:
        with psycopg.connect(database.url) as conn:
            return [(str(k), int(v)) for k, v in conn.execute(sql).fetchall()]
    with sqlite3.connect(database.url.removeprefix("sqlite:///")) as conn:
        return [(str(k), int(v)) for k, v in conn.execute(sql).fetchall()]
