"""End-to-end fixtures: a fresh database and the real production server (gunicorn).

These tests run outside pytest-django's test database: each gets its own fresh database on
the engine of this run (a SQLite file, or a new database on the PostgreSQL server named by
DATABASE_URL), migrated and served by `jeevanrekha serve` in a subprocess.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest

from jeevanrekha.intake.signing import signed_headers

BIN = Path(sys.executable).parent
SOURCE, SECRET = "e2e-platform", "e2e-secret-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Database:
    """A fresh database for one test: its URL and a way to run SQL on it."""

    url: str

    @property
    def is_postgres(self) -> bool:
        return self.url.startswith("postgres")

    def scalar(self, sql: str) -> Any:
        if self.is_postgres:
            with psycopg.connect(self.url) as conn:
                row = conn.execute(sql).fetchone()
        else:
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as conn:
                row = conn.execute(sql).fetchone()
        return row[0] if row else None


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    base = os.environ.get("DATABASE_URL", "")
    if not base.startswith("postgres"):
        yield Database(f"sqlite:///{tmp_path / 'e2e.sqlite3'}")
        return
    parts = urlsplit(base)
    name = f"jr_e2e_{secrets.token_hex(4)}"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield Database(urlunsplit(parts._replace(path=f"/{name}")))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@dataclass
class Server:
    """The desk served by gunicorn on a free loopback port."""

    db: Database
    env: dict[str, str]
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    pids: list[int] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(BIN / "jeevanrekha"), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=check,
            timeout=300,
        )

    def post(self, conn: HTTPConnection, alert: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        body = json.dumps(alert, ensure_ascii=False).encode()
        conn.request(
            "POST", "/api/v1/alerts", body=body, headers=signed_headers(SOURCE, SECRET, body)
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server at {url} did not come up")


@pytest.fixture
def server(database: Database, tmp_path: Path) -> Iterator[Server]:
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DATA_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ACCESS_LOG": str(tmp_path / "access.log"),
        "PUBLIC_BASE_URL": "http://127.0.0.1",
    }
    srv = Server(database, env, port=free_port(), log=tmp_path / "server.log")
    srv.cli("migrate", "-v0")
    srv.cli("source", "add", SOURCE, "--secret", SECRET)
    with open(srv.log, "wb") as log:
        srv.process = subprocess.Popen(
            [
                str(BIN / "jeevanrekha"),
                "serve",
                "--bind",
                f"127.0.0.1:{srv.port}",
                "--workers",
                "3",
                "--threads",
                "2",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"{srv.url}/healthz")
            yield srv
        finally:
            srv.process.terminate()
            srv.process.wait(timeout=30)


# A private NATS JetStream for broker and worker fault tests (its own store, a free port),
# so that the shared one is never disturbed.
NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


class Broker:
    def __init__(self, store: Path) -> None:
        self.port, self.store = free_port(), store
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [NATS_SERVER, "-a", "127.0.0.1", "-p", str(self.port), "-js", "-sd", str(self.store)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)

    def kill(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)
            self.process = None

    def message_ids(self) -> list[str]:
        import nats

        async def read() -> list[str]:
            connection = await nats.connect(self.url)
            js = connection.jetstream()
            info = await js.stream_info("JR_EVENTS")
            ids = []
            for seq in range(1, info.state.last_seq + 1):
                message = await js.get_msg("JR_EVENTS", seq)
                ids.append(str(json.loads(message.data)["id"]))
            await connection.drain()
            return ids

        return asyncio.run(read())


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    if not Path(NATS_SERVER).exists():
        if IN_CI:
            pytest.fail("nats-server is needed in CI")
        pytest.skip("no nats-server binary here")
    private = Broker(tmp_path / "nats")
    try:
        yield private
    finally:
        private.kill()


PIPELINE_STAGES = ("risk", "locate", "dispatch")


class Workers:
    """The desk's background processes, each in its own process group."""

    def __init__(self, env: dict[str, str], tmp: Path) -> None:
        self.env, self.tmp = env, tmp
        self.running: dict[str, subprocess.Popen[bytes]] = {}

    def start(self, name: str) -> None:
        kind, _, _ = name.partition("#")
        args = ["worker", "--stage", kind] if kind in PIPELINE_STAGES else [kind]
        with open(self.tmp / f"{name.replace('#', '-')}.log", "ab") as log:
            self.running[name] = subprocess.Popen(
                [str(BIN / "jeevanrekha"), *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self, name: str) -> None:
        process = self.running[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop_all(self) -> None:
        for process in self.running.values():
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.running.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


def wait_until(done: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if done():
            return
        time.sleep(0.5)
    raise AssertionError(f"not done in {seconds} s: {what}")
