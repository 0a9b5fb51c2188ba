"""Issue #9 fault test: `kill -9` of each worker kind in the middle of a 5,000-alert stream.

The desk runs as in production: `jeevanrekha serve`, the outbox relay to a private NATS
JetStream (its own store, on a free loopback port), two workers per pipeline stage (risk,
locate, dispatch) as durable pull consumers, and the timer worker. While 8 senders post
5,000 alerts, one process of each kind is killed with SIGKILL (mid-batch: events fetched
but not acknowledged, transactions half-done) and started again a moment later.

Afterwards every alert is exactly one case, every case was assessed and located exactly
once (a redelivered event changes nothing), every outbox event was published, and the
audit chain verifies.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Broker, Database, Workers, wait_until
from tests.e2e.test_faults import CLIENTS, Desk, send_until_acknowledged

ALERTS = 5000
STAGES = ("risk", "locate", "dispatch")


@pytest.fixture
def workers(broker: Broker, database: Database, tmp_path: Path) -> Iterator[tuple[Desk, Workers]]:
    broker.start()
    desk = Desk(database, tmp_path)
    desk.env["NATS_URL"] = broker.url
    running = Workers(desk.env, tmp_path)
    desk.start()
    names = ["relay", "timers", *(f"{stage}#{n}" for stage in STAGES for n in (1, 2))]
    for name in names:
        running.start(name)
    try:
        yield desk, running
    finally:
        running.stop_all()
        desk.stop()


def test_each_worker_kind_killed_mid_stream(
    workers: tuple[Desk, Workers], database: Database
) -> None:
    desk, running = workers
    acked: dict[int, int] = {}
    plan = [list(range(i, ALERTS, CLIENTS)) for i in range(CLIENTS)]
    senders = [
        threading.Thread(target=send_until_acknowledged, args=(desk.port, p, acked)) for p in plan
    ]
    for thread in senders:
        thread.start()
    # One of each kind, at a different point of the stream; each back a moment later.
    for share, name in (
        (0.15, "relay"),
        (0.30, "risk#1"),
        (0.45, "locate#1"),
        (0.60, "dispatch#1"),
        (0.75, "timers"),
    ):
        while len(acked) < ALERTS * share:
            time.sleep(0.05)
        running.kill(name)
        time.sleep(1.0)
        running.start(name)
    for thread in senders:
        thread.join(timeout=900)
    assert len(acked) == ALERTS

    def count(action: str) -> int:
        return int(
            database.scalar(
                f"SELECT COUNT(DISTINCT object_id) FROM audit_auditevent WHERE action = '{action}'"
            )
        )

    wait_until(
        lambda: count("case_risk_assessed") == ALERTS and count("case_located") == ALERTS,
        600,
        "every case assessed and located",
    )
    unpublished = "SELECT COUNT(*) FROM bus_outboxmessage WHERE published_at IS NULL"
    wait_until(lambda: database.scalar(unpublished) == 0, 120, "every event published")
    time.sleep(3)  # let a redelivered event (killed before its ack) come back, if any

    assert database.scalar("SELECT COUNT(*) FROM cases_case") == ALERTS
    assert database.scalar("SELECT COUNT(*) FROM intake_alert") == ALERTS
    for action in ("case_risk_assessed", "case_located"):
        rows = database.scalar(f"SELECT COUNT(*) FROM audit_auditevent WHERE action = '{action}'")
        assert rows == ALERTS, f"{action}: {rows} audit rows for {ALERTS} cases"
    assert database.scalar("SELECT COUNT(*) FROM cases_case WHERE risk_level IS NULL") == 0
    assert database.scalar("SELECT COUNT(*) FROM cases_case WHERE location IS NULL") == 0
    assert "audit chain OK" in desk.cli("audit", "verify")
