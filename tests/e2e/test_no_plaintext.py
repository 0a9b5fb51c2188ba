"""Issue #10's acceptance: after alerts went through the real server and the pipeline
stages, neither the database's bytes (SQLite file and WAL, or a PostgreSQL dump) nor the
logs hold any of the fixture's phone numbers, names or post texts in clear."""

from __future__ import annotations

import subprocess
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

from tests.e2e.conftest import PIPELINE_STAGES, Server

PEOPLE = [
    # (name, handle, phone as sent, phone digits, post text)
    ("Ravi Shankar Tiwari", "ravi.tiwari.8821", "+91 98391 77420", "9839177420",
     "Aaj raat sab khatam kar dunga, Gomti pul se koodna hai"),
    ("Sunita Devi Kushwaha", "sunita.kushwaha.55", "+91 70076 31984", "7007631984",
     "मैं अब और नहीं जी सकती, अलविदा सबको"),
    ("Mohammad Arif Qureshi", "arif.qureshi.0910", "+91 94503 66218", "9450366218",
     "Goodbye everyone, tonight I end it near Charbagh station"),
]  # fmt: skip


def alert(n: int, person: tuple[str, str, str, str, str]) -> dict[str, Any]:
    name, handle, phone, _, text = person
    return {
        "source": "e2e-platform",
        "source_alert_id": f"plain-{n}",
        "platform": "facebook",
        "post": {"url": f"https://www.facebook.com/{handle}/posts/{n}", "text": text},
        "account": {"handle": handle, "name": name,
                    "profile_url": f"https://www.facebook.com/{handle}"},
        "evidence": {"phone": phone, "address": "Aliganj Sector H, Lucknow 226024",
                     "ip": f"49.36.12.{n + 10}"},
        "reporter": {"organisation": "Meta", "phone": phone},
    }  # fmt: skip


def needles() -> list[str]:
    found = []
    for name, handle, phone, digits, text in PEOPLE:
        found += [name, *name.split()[:1], handle, phone, digits, digits[:5] + " " + digits[5:]]
        found += [text, text[:24]]
    return [*found, "Aliganj Sector H"]


def database_bytes(server: Server, tmp: Path) -> bytes:
    """The stored bytes: the SQLite file and its WAL, or a plain pg_dump of the database."""
    if not server.db.is_postgres:
        path = Path(server.db.url.removeprefix("sqlite:///"))
        return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())
    dump = subprocess.run(["pg_dump", "--no-owner", server.db.url], capture_output=True, check=True)
    return dump.stdout


def test_no_personal_data_in_clear_in_the_database_or_the_logs(
    server: Server, tmp_path: Path
) -> None:
    conn = HTTPConnection("127.0.0.1", server.port, timeout=30)
    for n, person in enumerate(PEOPLE):
        status, body = server.post(conn, alert(n, person))
        assert status == 202, body
    outputs = []
    for stage in PIPELINE_STAGES:  # risk, locate, dispatch: each handles what is waiting
        done = server.cli("worker", "--stage", stage, "--once")
        outputs.append(done.stdout + done.stderr)
    located = server.db.scalar("SELECT count(*) FROM cases_case WHERE district <> ''")
    assert located >= 1  # the stages did read the (encrypted) evidence
    stored = database_bytes(server, tmp_path)
    assert b"intake_alert" in stored and len(stored) > 50_000
    logs = [p for p in (server.log, Path(server.env["ACCESS_LOG"])) if p is not None]
    text = "\n".join(outputs) + "".join(p.read_text("utf-8", "replace") for p in logs if p.exists())
    assert len(text) > 100  # the logs are there (requests, workers)
    in_db = [s for s in needles() if s.encode() in stored]
    in_logs = [s for s in needles() if s in text]
    assert (in_db, in_logs) == ([], [])
    # The column holds ciphertext with its key id (the model layer decrypts it).
    raw = server.db.scalar("SELECT account_name FROM intake_alert ORDER BY id LIMIT 1")
    assert str(raw).startswith("v1:")
