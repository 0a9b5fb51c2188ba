"""Issue #9 fault tests on the broker: NATS absent when the relay starts, and NATS killed
and restarted while events flow. Uses a private nats-server (JetStream, its own store) on
a free loopback port, so the shared one is never disturbed."""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from tests.e2e.conftest import BIN, Broker, Database


def desk_env(database: Database, tmp: Path, nats_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database.url,
        "DATA_DIR": str(tmp),
        "SECRET_KEY": "broker-fault-" + "k" * 50,
        "NATS_URL": nats_url,
    }


def ingest(env: dict[str, str], tmp: Path, first: int, count: int) -> None:
    lines = [
        json.dumps(
            {
                "source": "faults",
                "source_alert_id": f"broker-{n}",
                "platform": "x",
                "post": {"text": f"bye ({n})"},
                "account": {"handle": f"broker_person_{n}"},
            }
        )
        for n in range(first, first + count)
    ]
    path = tmp / f"alerts-{first}.jsonl"
    path.write_text("\n".join(lines) + "\n")
    subprocess.run(
        [str(BIN / "jeevanrekha"), "ingest", str(path)],
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )


def wait_published(database: Database, expected: int, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (
            database.scalar("SELECT COUNT(*) FROM bus_outboxmessage WHERE published_at IS NOT NULL")
            == expected
        ):
            return
        time.sleep(0.2)
    raise AssertionError("the relay did not publish everything in time")


def test_broker_absent_at_start_then_restarted_mid_stream(
    broker: Broker, database: Database, tmp_path: Path
) -> None:
    env = desk_env(database, tmp_path, broker.url)
    subprocess.run([str(BIN / "jeevanrekha"), "migrate", "-v0"], env=env, check=True, timeout=300)
    ingest(env, tmp_path, 0, 300)  # 300 cases opened: 300 events wait in the outbox
    relay = subprocess.Popen(
        [str(BIN / "jeevanrekha"), "relay", "--idle", "0.05"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(2.0)  # no broker yet: the relay retries, nothing is marked published
        assert (
            database.scalar("SELECT COUNT(*) FROM bus_outboxmessage WHERE published_at IS NOT NULL")
            == 0
        )
        broker.start()
        wait_published(database, 300)
        ingest(env, tmp_path, 300, 300)
        broker.kill()  # the broker dies while new events wait
        time.sleep(1.0)
        broker.start()  # same store: JetStream keeps what it had
        wait_published(database, 600)
    finally:
        relay.terminate()
        relay.wait(timeout=30)
    ids = broker.message_ids()
    assert len(ids) == 600 and len(set(ids)) == 600  # every event once, none twice
