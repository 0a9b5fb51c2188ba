"""Helpers for the e-mail intake tests: fixtures on disk, free ports, the receivers."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from django.db import connections

FIXTURES = Path(__file__).resolve().parents[2] / "jeevanrekha/intake/sources/email/fixtures"
# The sender domains the tests allow (the platforms', and the police's for forwards).
ALLOWED = ["fb.com", "instagram.com", "x.com", "uppolice.gov.in"]


def fixture_eml(name: str) -> bytes:
    """A fixture message, byte for byte."""
    return (FIXTURES / f"{name}.eml").read_bytes()


def all_fixtures() -> list[str]:
    return sorted(p.stem for p in FIXTURES.glob("*.eml"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextmanager
def shared_connection_executor() -> Iterator[ThreadPoolExecutor]:
    """One thread that does its database work on this test's connection, inside the test's
    transaction (as Django's live server does), so that the test sees what it stored and
    everything is rolled back after it (the audit trail cannot be flushed)."""
    conn = connections["default"]
    conn.inc_thread_sharing()

    def share() -> None:
        connections["default"] = conn

    executor = ThreadPoolExecutor(1, initializer=share, thread_name_prefix="test-db")
    try:
        yield executor
    finally:
        executor.shutdown(wait=True)
        conn.dec_thread_sharing()
