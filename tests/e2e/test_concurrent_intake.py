"""1,000 alerts posted twice at once by 8 clients: exactly 1,000 cases, nothing lost."""

from __future__ import annotations

import random
import threading
from http.client import HTTPConnection
from typing import Any

from jeevanrekha.intake.signing import signed_headers
from jeevanrekha.sim import feed
from tests.e2e.conftest import SECRET, SOURCE, Server

ALERTS, CLIENTS = 1000, 8


def test_every_alert_posted_twice_becomes_exactly_one_case(server: Server) -> None:
    rng = random.Random(7)
    alerts = [feed.alert(rng, SOURCE, n) for n in range(ALERTS)]
    # Clients i and i+4 send the same alerts in the same order, so the copies race.
    half = CLIENTS // 2
    plan = [alerts[i % half :: half] for i in range(CLIENTS)]
    replies: list[list[tuple[str, int, dict[str, Any]]]] = [[] for _ in range(CLIENTS)]

    def client(i: int) -> None:
        conn = HTTPConnection("127.0.0.1", server.port, timeout=60)
        for alert in plan[i]:
            status, body = server.post(conn, alert)
            replies[i].append((alert["source_alert_id"], status, body))
        conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    by_alert: dict[str, list[tuple[int, int]]] = {}
    for client_replies in replies:
        for alert_id, status, body in client_replies:
            by_alert.setdefault(alert_id, []).append((status, body.get("case_id", -1)))
    assert len(by_alert) == ALERTS
    for alert_id, pair in by_alert.items():
        statuses = sorted(status for status, _ in pair)
        assert statuses == [200, 202], (alert_id, pair)
        assert pair[0][1] == pair[1][1], f"the retry of {alert_id} got another case"

    db = server.db
    assert db.scalar("SELECT COUNT(*) FROM cases_case") == ALERTS
    assert db.scalar("SELECT COUNT(*) FROM intake_rawalert") == 2 * ALERTS
    assert db.scalar("SELECT COUNT(*) FROM intake_rawalert WHERE status = 'accepted'") == ALERTS
    assert db.scalar("SELECT COUNT(*) FROM intake_rawalert WHERE status = 'duplicate'") == ALERTS
    assert db.scalar("SELECT COUNT(DISTINCT case_id) FROM intake_alert") == ALERTS
    verify = server.cli("audit", "verify")
    assert f"audit chain OK: {2 * ALERTS + 1} rows verified" in verify.stdout


def test_a_tampered_row_is_named_by_the_command(server: Server) -> None:
    conn = HTTPConnection("127.0.0.1", server.port, timeout=30)
    for n in range(5):
        assert server.post(conn, feed.alert(random.Random(n), SOURCE, n))[0] == 202
    assert server.cli("audit", "verify").returncode == 0
    db = server.db
    if db.is_postgres:
        import psycopg

        with psycopg.connect(db.url, autocommit=True) as pg:
            pg.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            pg.execute("UPDATE audit_auditevent SET actor = 'user:mallory' WHERE seq = 4")
    else:
        import sqlite3

        with sqlite3.connect(db.url.removeprefix("sqlite:///")) as lite:
            lite.execute("DROP TRIGGER audit_no_update")
            lite.execute("UPDATE audit_auditevent SET actor = 'user:mallory' WHERE seq = 4")
    result = server.cli("audit", "verify", check=False)
    assert result.returncode != 0
    assert "BROKEN at row seq=4" in result.stderr


def test_bad_requests_through_the_real_server(server: Server) -> None:
    """The application server passes oversized and broken bodies through to intake's answers."""
    conn = HTTPConnection("127.0.0.1", server.port, timeout=30)
    cases = [
        (b"x" * (2 * 1024 * 1024), 413),
        (b'{"source": "e2e-platform", "platform": ', 400),
        (b"[" * 10_000 + b"]" * 10_000, 400),
        (b'{"source": "e2e-platform", "platform": "x", "post": {"text": 5}}', 422),
    ]
    for body, expected in cases:
        conn.request(
            "POST", "/api/v1/alerts", body=body, headers=signed_headers(SOURCE, SECRET, body)
        )
        response = conn.getresponse()
        response.read()
        assert response.status == expected, (body[:40], response.status)
    conn.request("POST", "/api/v1/alerts", body=b"{}", headers={"Content-Type": "application/json"})
    response = conn.getresponse()
    response.read()
    assert response.status == 401
    db = server.db
    assert db.scalar("SELECT COUNT(*) FROM intake_rawalert WHERE status = 'quarantined'") == 5
    assert db.scalar("SELECT MAX(body_size) FROM intake_rawalert") == 2 * 1024 * 1024
