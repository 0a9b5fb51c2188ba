#!/usr/bin/env python3
"""Intake benchmark: signed alerts over loopback against the production server.

For each database engine (SQLite, PostgreSQL) this creates a fresh database, migrates it,
adds a signing source, measures the machine's ceiling (single-row durable INSERT+COMMIT
per second on the same engine and settings), starts `jeevanrekha serve` (granian by
default, or gunicorn), posts N distinct signed alerts from C keep-alive HTTP/1.1 clients,
stops the server, then counts what was stored (raw alerts, alerts, cases; "lost" = acknowledged but
not in the database) and runs `jeevanrekha audit verify`.

It prints alerts/s, p50/p95/p99 latency, statuses, the ceiling and the ratio, the targets
and PASS/FAIL, and writes everything to bench/results/intake.json.

    .venv/bin/python bench/intake.py                       # both engines, 20,000 alerts
    .venv/bin/python bench/intake.py --engines sqlite --alerts 5000 --workers 3 --threads 2

Exit status: 0 when every engine that ran passed, 1 when one failed its targets, 2 on error.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import itertools
import json
import math
import os
import platform
import random
import resource
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from jeevanrekha.intake.signing import signed_headers
from jeevanrekha.sim.feed import alert as feed_alert

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "intake.json"
ENGINES = ("sqlite", "postgresql")
SERVERS = ("granian", "gunicorn")
TARGET_ALERTS_PER_S = {"sqlite": 300.0, "postgresql": 600.0}
TARGET_P99_MS = 150.0
# Best (workers, threads) found per engine on the 2-core reference machine (bench/README.md).
BEST_SERVER_SETTINGS = {"sqlite": (1, 8), "postgresql": (2, 16)}
SOURCE = "bench"
ALERTS_PATH = "/api/v1/alerts"
CLK_TCK = os.sysconf("SC_CLK_TCK")
COMMAND_TIMEOUT_S = 300.0


class BenchError(Exception):
    """A step of the benchmark could not run (not a missed target)."""


# ---------------------------------------------------------------------------------------
# Alerts


def make_alerts(count: int, run_tag: str, seed: int) -> list[bytes]:
    """`count` distinct, realistic alert bodies (distinct ids, handles, phones, URLs)."""
    rng = random.Random(seed)
    now = datetime.now(UTC)
    bodies: list[bytes] = []
    for number in range(count):
        doc = feed_alert(rng, SOURCE, number, now=now - timedelta(seconds=rng.randrange(60)))
        platform_name = doc["platform"]
        handle = f"{doc['account']['name'].lower()}.{run_tag}.{number:06d}"
        doc["source_alert_id"] = f"{SOURCE}-{run_tag}-{number:06d}"
        doc["account"]["handle"] = handle
        doc["account"]["profile_url"] = f"https://{platform_name}.example/{handle}"
        doc["post"]["url"] = f"https://{platform_name}.example/{handle}/posts/{number}"
        doc["evidence"]["phone"] = f"+91 9{100_000_000 + number:09d}"
        if rng.random() < 0.3:
            doc["post"]["media"] = [
                {"url": f"https://cdn.{platform_name}.example/m/{number}.jpg", "kind": "image"}
            ]
        if rng.random() < 0.2:
            doc["evidence"]["tower"] = {
                "lat": round(rng.uniform(24.0, 30.0), 4),
                "lon": round(rng.uniform(77.0, 84.0), 4),
                "radius_m": rng.randrange(300, 5000),
            }
        bodies.append(json.dumps(doc, ensure_ascii=False).encode("utf-8"))
    return bodies


def source_alert_id(body: bytes) -> str:
    """The source_alert_id of one of our bodies."""
    return str(json.loads(body)["source_alert_id"])


# ---------------------------------------------------------------------------------------
# Load generation


@dataclass
class LoadResult:
    """What the clients saw for one batch of alerts."""

    sent: int
    wall_s: float
    statuses: Counter[int]
    latencies_s: list[float]
    case_ids: list[int | None]  # per alert: the case id in a 200/202 reply
    reconnects: int
    client_cpu_s: float
    timed_out: bool


class KeepAlive:
    """One keep-alive HTTP/1.1 connection that posts signed alerts, written lean.

    The load generator shares the 2 cores with the server and the database, so its CPU is
    taken from what it measures: http.client cost ~0.33 ms of client CPU per alert; this
    writes the request in one `sendall` and reads the answer with its Content-Length (or
    chunked), at about a third of that. Each request is still signed just before it goes."""

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.prefix = (
            f"POST {ALERTS_PATH} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Content-Type: application/json\r\n"
        ).encode()
        self.buffer = b""

    def close(self) -> None:
        self.sock.close()

    def post(self, body: bytes, secret: str) -> tuple[int, bytes]:
        headers = signed_headers(SOURCE, secret, body)
        lines = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self.sock.sendall(
            self.prefix + f"Content-Length: {len(body)}\r\n{lines}\r\n".encode() + body
        )
        head = self._until(b"\r\n\r\n")
        status = int(head[9:12])
        fields = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(b":") for line in head.split(b"\r\n")[1:])
        }
        if b"content-length" in fields:
            return status, self._exactly(int(fields[b"content-length"]))
        if fields.get(b"transfer-encoding", b"").lower() == b"chunked":
            data = b""
            while size := int(self._until(b"\r\n").split(b";")[0], 16):
                data += self._exactly(size)
                self._exactly(2)
            self._until(b"\r\n")  # the (empty) trailer
            return status, data
        raise http.client.HTTPException("an answer without a length")

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise http.client.RemoteDisconnected("the server closed the connection")
        self.buffer += chunk

    def _until(self, marker: bytes) -> bytes:
        while (at := self.buffer.find(marker)) < 0:
            self._fill()
        found, self.buffer = self.buffer[:at], self.buffer[at + len(marker) :]
        return found

    def _exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            self._fill()
        found, self.buffer = self.buffer[:size], self.buffer[size:]
        return found


def run_load(
    host: str,
    port: int,
    bodies: Sequence[bytes],
    secret: str,
    clients: int,
    max_seconds: float,
    progress: Callable[[int, float], None] | None = None,
) -> LoadResult:
    """Post every body once from `clients` threads, each with its own keep-alive connection.

    A request that dies on a broken connection is re-sent on a new one (at most 3 tries):
    the intake is idempotent, so a re-send of an alert it already took answers 200.
    """
    count = len(bodies)
    statuses: list[int] = [0] * count  # 0: no reply (connection failed 3 times)
    latencies: list[float] = [0.0] * count
    attempted: list[bool] = [False] * count
    case_ids: list[int | None] = [None] * count
    reconnects = [0] * clients
    claim = itertools.count()  # next() on it is atomic under the GIL
    stop = threading.Event()
    started = time.perf_counter()
    deadline = started + max_seconds

    def client(slot: int) -> None:
        conn: KeepAlive | None = None
        try:
            while not stop.is_set():
                if time.perf_counter() > deadline:
                    stop.set()
                    return
                index = next(claim)
                if index >= count:
                    return
                body = bodies[index]
                attempted[index] = True
                status, data = 0, b""
                t0 = time.perf_counter()
                for _attempt in range(3):
                    try:
                        if conn is None:
                            conn = KeepAlive(host, port, timeout=60)
                        status, data = conn.post(body, secret)
                        break
                    except (OSError, http.client.HTTPException):
                        if conn is not None:
                            conn.close()
                        conn = None
                        reconnects[slot] += 1
                latencies[index] = time.perf_counter() - t0
                statuses[index] = status
                if status in (200, 202):
                    case_ids[index] = int(json.loads(data)["case_id"])
        finally:
            if conn is not None:
                conn.close()

    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    threads = [
        threading.Thread(target=client, args=(slot,), name=f"client-{slot}", daemon=True)
        for slot in range(clients)
    ]
    for thread in threads:
        thread.start()
    try:
        next_report = time.monotonic() + 5
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=0.5)
                if progress and time.monotonic() >= next_report:
                    next_report += 5
                    done = sum(attempted)
                    progress(done, time.perf_counter() - started)
                if time.perf_counter() > deadline + 120:  # a request hung past its timeout
                    stop.set()
                    raise BenchError("clients did not finish within max-seconds + 120 s")
    finally:
        stop.set()
    wall = time.perf_counter() - started
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    answered = [i for i in range(count) if statuses[i]]
    sent = sum(attempted)
    return LoadResult(
        sent=sent,
        wall_s=wall,
        statuses=Counter(statuses[i] for i in range(count) if attempted[i]),
        latencies_s=[latencies[i] for i in answered],
        case_ids=case_ids,
        reconnects=sum(reconnects),
        client_cpu_s=(cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime),
        timed_out=sent < count,
    )


def percentile_ms(sorted_s: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile, in milliseconds."""
    if not sorted_s:
        return None
    rank = max(0, math.ceil(q / 100 * len(sorted_s)) - 1)
    return round(sorted_s[rank] * 1000, 2)


# ---------------------------------------------------------------------------------------
# CPU accounting (Linux /proc; every figure is optional)


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    with open("/proc/stat", encoding="ascii") as f:
        values = [int(v) for v in f.readline().split()[1:9]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


def machine_busy_pct(seconds: float) -> float:
    """How busy all CPUs are over the next `seconds` (idle server: other work on the box)."""
    busy0, total0 = machine_jiffies()
    time.sleep(seconds)
    busy1, total1 = machine_jiffies()
    return 100 * (busy1 - busy0) / max(1, total1 - total0)


def process_stat(pid: int) -> tuple[int, float, float] | None:
    """(parent pid, user CPU s, system CPU s) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), int(fields[11]) / CLK_TCK, int(fields[12]) / CLK_TCK


def children_of(pid: int) -> list[int]:
    """Pids whose parent is `pid`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = process_stat(int(entry))
            if stat and stat[0] == pid:
                found.append(int(entry))
    return found


def cpu_of(pids: Sequence[int]) -> dict[int, tuple[float, float]]:
    """(user, system) CPU seconds used so far by each of these processes that still runs."""
    used: dict[int, tuple[float, float]] = {}
    for pid in pids:
        stat = process_stat(pid)
        if stat:
            used[pid] = (stat[1], stat[2])
    return used


def cpu_used(
    before: dict[int, tuple[float, float]], after: dict[int, tuple[float, float]]
) -> tuple[float, float]:
    """(user, system) CPU seconds used between two cpu_of() readings."""
    user = sum(u - before.get(pid, (0.0, 0.0))[0] for pid, (u, _) in after.items())
    system = sum(s - before.get(pid, (0.0, 0.0))[1] for pid, (_, s) in after.items())
    return user, system


class CpuTracker:
    """CPU used by a changing set of processes (workers restart, database backends are
    replaced when a connection reaches its age), sampled twice a second while it runs.

    A process that exits keeps the CPU it had used at its last sample.
    """

    def __init__(self, list_pids: Callable[[], list[int]]) -> None:
        self.list_pids = list_pids
        self.first: dict[int, tuple[float, float]] = {}
        self.last: dict[int, tuple[float, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="cpu-tracker", daemon=True)

    def _sample(self, initial: bool) -> None:
        for pid, used in cpu_of(self.list_pids()).items():
            if pid not in self.first:
                # Seen at the start: count from here. Started during the load: from zero.
                self.first[pid] = used if initial else (0.0, 0.0)
            self.last[pid] = used

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            with contextlib.suppress(Exception):
                self._sample(initial=False)

    def start(self) -> CpuTracker:
        self._sample(initial=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        with contextlib.suppress(Exception):
            self._sample(initial=False)

    def used(self) -> tuple[float, float]:
        """(user, system) CPU seconds used since start()."""
        return cpu_used(self.first, self.last)

    def per_process(self) -> dict[int, float]:
        return {
            pid: round(sum(cpu_used({pid: self.first[pid]}, {pid: t})), 2)
            for pid, t in self.last.items()
        }


# ---------------------------------------------------------------------------------------
# Server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def jeevanrekha_bin() -> str:
    for candidate in (Path(sys.executable).parent, ROOT / ".venv" / "bin"):
        if (candidate / "jeevanrekha").exists():
            return str(candidate / "jeevanrekha")
    raise BenchError("the jeevanrekha console script is not installed (run `make setup`)")


def run_command(argv: list[str], env: dict[str, str]) -> str:
    """Run a jeevanrekha command; its output, or BenchError with it."""
    try:
        done = subprocess.run(
            argv,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise BenchError(f"{' '.join(argv[1:])} took over {COMMAND_TIMEOUT_S:.0f} s") from exc
    if done.returncode:
        raise BenchError(
            f"{' '.join(argv[1:])} exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return done.stdout


class Server:
    """`jeevanrekha serve` (it execs granian or gunicorn) in its own process group."""

    def __init__(self, env: dict[str, str], workers: int, threads: int, log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 (closed in stop())
        argv = [jeevanrekha_bin(), "serve", "--bind", f"127.0.0.1:{self.port}"]
        argv += ["--workers", str(workers), "--threads", str(threads)]
        self.proc = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_healthy(self, timeout_s: float = 60.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"the server exited ({self.proc.returncode}):\n{self.log_tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                try:
                    conn.request("GET", "/healthz")
                    if conn.getresponse().status == 200:
                        return
                finally:
                    conn.close()
            time.sleep(0.2)
        raise BenchError(f"/healthz did not answer 200 within {timeout_s:.0f} s")

    def cmdline(self) -> str:
        """The application server's command line (serve replaced itself with it)."""
        with contextlib.suppress(OSError), open(f"/proc/{self.proc.pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        return ""

    def pids(self) -> list[int]:
        """The server's main process and its workers."""
        return [self.proc.pid, *children_of(self.proc.pid)]

    def stop(self) -> None:
        """SIGTERM (graceful), then SIGKILL the process group if it lingers."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        # Workers left behind by a killed master share its process group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self._log.close()

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""


# ---------------------------------------------------------------------------------------
# Databases: creation, ceiling, counting


class Database:
    """A fresh database for one engine; subclasses know how to make, measure and count it."""

    engine = ""
    url = ""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir

    def create(self) -> None:
        raise NotImplementedError

    def drop(self) -> None:
        raise NotImplementedError

    def ceiling(self, seconds: float, connections: int, payload: bytes) -> float:
        """Single-row durable INSERT+COMMIT per second (all connections together)."""
        raise NotImplementedError

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def describe(self) -> dict[str, Any]:
        return {}

    def backend_pids(self) -> list[int]:
        """Server-side processes serving this database (PostgreSQL backends), if any."""
        return []

    def scan_stats(self) -> dict[str, Any]:
        """Per-table sequential scans (a growing table scanned per request is a bug)."""
        return {}


def _timed_commits(
    connect: Callable[[], Any], commit_one: Callable[[Any], None], seconds: float, n: int
) -> float:
    """Commits per second from `n` connections, each committing one row at a time."""
    conns = [connect() for _ in range(n)]
    counts = [0] * n
    start_line = threading.Barrier(n + 1)
    stop_at = [0.0]

    def loop(slot: int) -> None:
        start_line.wait()
        conn, done = conns[slot], 0
        while done < 10_000_000 and time.perf_counter() < stop_at[0]:
            commit_one(conn)
            done += 1
        counts[slot] = done

    threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(n)]
    for thread in threads:
        thread.start()
    stop_at[0] = time.perf_counter() + seconds
    began = time.perf_counter()
    start_line.wait()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed = time.perf_counter() - began
    for conn in conns:
        conn.close()
    return sum(counts) / elapsed


class SQLiteDatabase(Database):
    engine = "sqlite"
    BUSY_MS = 20000

    def __init__(self, workdir: Path) -> None:
        super().__init__(workdir)
        self.path = workdir / "jr.sqlite3"
        self.url = f"sqlite:///{self.path}"

    def create(self) -> None:
        pass  # `migrate` creates the file

    def drop(self) -> None:
        pass  # the work directory is removed by the caller

    def _connect(self, path: Path) -> sqlite3.Connection:
        # The same pragmas as config/settings.py gives the server's connections.
        conn = sqlite3.connect(
            path, timeout=self.BUSY_MS / 1000, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute(f"PRAGMA busy_timeout={self.BUSY_MS}")
        return conn

    def ceiling(self, seconds: float, connections: int, payload: bytes) -> float:
        path = self.workdir / "ceiling.sqlite3"  # same file system as the bench database
        with contextlib.closing(self._connect(path)) as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS ceiling "
                "(id INTEGER PRIMARY KEY, at REAL NOT NULL, payload BLOB NOT NULL)"
            )

        def commit_one(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO ceiling (at, payload) VALUES (?, ?)", (time.time(), payload))
            conn.execute("COMMIT")

        try:
            return _timed_commits(lambda: self._connect(path), commit_one, seconds, connections)
        finally:
            for suffix in ("", "-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.unlink(f"{path}{suffix}")

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with contextlib.closing(sqlite3.connect(self.path, timeout=30)) as conn:
            return list(conn.execute(sql).fetchall())

    def describe(self) -> dict[str, Any]:
        return {"sqlite_version": sqlite3.sqlite_version, "file": str(self.path)}


class PostgresDatabase(Database):
    engine = "postgresql"

    def __init__(self, workdir: Path, server_url: str) -> None:
        super().__init__(workdir)
        self.server_url = server_url.rstrip("/")
        self.name = f"jr_bench_{secrets.token_hex(4)}"
        self.url = f"{self.server_url}/{self.name}"
        self.created = False

    @staticmethod
    def unreachable(server_url: str) -> str:
        """'' if PostgreSQL answers at server_url, else why not."""
        try:
            import psycopg

            with psycopg.connect(f"{server_url.rstrip('/')}/postgres", connect_timeout=3):
                return ""
        except Exception as exc:
            return str(exc).strip() or type(exc).__name__

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(f"{self.server_url}/postgres", autocommit=True, connect_timeout=5)

    def _connect(self) -> Any:
        import psycopg

        return psycopg.connect(self.url, autocommit=True, connect_timeout=5)

    def create(self) -> None:
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{self.name}"')
        self.created = True

    def drop(self) -> None:
        if self.created:
            with self._admin() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.created = False

    def ceiling(self, seconds: float, connections: int, payload: bytes) -> float:
        with self._connect() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS bench_ceiling "
                "(id bigserial PRIMARY KEY, at timestamptz NOT NULL, payload bytea NOT NULL)"
            )

        def commit_one(conn: Any) -> None:  # autocommit: one durable transaction each
            conn.execute("INSERT INTO bench_ceiling (at, payload) VALUES (now(), %s)", (payload,))

        try:
            return _timed_commits(self._connect, commit_one, seconds, connections)
        finally:
            with self._connect() as conn:
                conn.execute("DROP TABLE IF EXISTS bench_ceiling")

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with self._connect() as conn:
            return list(conn.execute(sql.replace("%", "%%")).fetchall())

    def describe(self) -> dict[str, Any]:
        with self._connect() as conn:
            settings = {
                name: conn.execute(f"SHOW {name}").fetchone()[0]
                for name in ("server_version", "synchronous_commit", "fsync", "wal_sync_method")
            }
        return {"database": self.name, **settings}

    def scan_stats(self) -> dict[str, Any]:
        rows = self.query(
            "SELECT relname, seq_scan, seq_tup_read, idx_scan, n_live_tup "
            "FROM pg_stat_user_tables WHERE n_live_tup > 1000 ORDER BY seq_tup_read DESC"
        )
        return {
            str(name): {"seq_scan": seq, "seq_tup_read": read, "idx_scan": idx, "rows": live}
            for name, seq, read, idx, live in rows
        }

    def backend_pids(self) -> list[int]:
        with contextlib.suppress(Exception), self._connect() as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (self.name,),
            ).fetchall()
            return [int(r[0]) for r in rows]
        return []


# ---------------------------------------------------------------------------------------
# One engine, end to end


@dataclass
class Options:
    alerts: int
    clients: int
    workers: int | None
    threads: int | None
    server: str | None
    warmup: int
    ceiling_seconds: float
    max_seconds: float
    pg_url: str
    access_log: str
    server_env: dict[str, str]
    seed: int
    keep: bool
    runs: int = 1


def server_settings(engine: str, opts: Options) -> tuple[int, int]:
    """(workers, threads) for this engine: as asked, else the best found here."""
    best_workers, best_threads = BEST_SERVER_SETTINGS[engine]
    return opts.workers or best_workers, opts.threads or best_threads


def field_keys() -> str:
    """A fresh field key ring for a bench run (DEBUG=0 needs one; docs/encryption.md)."""
    import base64

    kid = "k" + secrets.token_hex(4)
    key, index = (base64.b64encode(secrets.token_bytes(32)).decode() for _ in range(2))
    return json.dumps({"current": kid, "keys": {kid: key}, "index_key": index})


def server_env(db: Database, opts: Options) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {"DATABASE_URL", "WEB_BIND", "WEB_SERVER", "WEB_WORKERS", "WEB_THREADS", "DEBUG"}
    }
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50),
        FIELD_KEYS=os.environ.get("FIELD_KEYS") or field_keys(),
        DATABASE_URL=db.url,
        DATA_DIR=str(db.workdir),
        ACCESS_LOG=opts.access_log,
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="config.settings",
        # Keep gunicorn 27's control socket (~/.gunicorn/gunicorn.ctl) for other servers.
        GUNICORN_CMD_ARGS="--no-control-socket",
    )
    if opts.server:
        env["WEB_SERVER"] = opts.server
    env.update(opts.server_env)
    return env


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def count_rows(
    db: Database, bodies: Sequence[bytes], case_ids: Sequence[int | None], sent: int
) -> dict[str, Any]:
    """What the database holds now, and which acknowledged alerts it does not."""
    raw_by_status = {
        str(s): int(n)
        for s, n in db.query("SELECT status, COUNT(*) FROM intake_rawalert GROUP BY status")
    }
    stored = {
        str(sid): int(case_id)
        for sid, case_id in db.query(
            "SELECT a.source_alert_id, c.id FROM intake_alert a "
            "JOIN cases_case c ON c.id = a.case_id"
        )
    }
    acknowledged = [(i, cid) for i, cid in enumerate(case_ids) if cid is not None]
    lost = [i for i, cid in acknowledged if stored.get(source_alert_id(bodies[i])) != cid]
    cases = int(db.query("SELECT COUNT(*) FROM cases_case")[0][0])
    return {
        "raw_alerts": sum(raw_by_status.values()),
        "raw_by_status": raw_by_status,
        "alerts": int(db.query("SELECT COUNT(*) FROM intake_alert")[0][0]),
        "cases": cases,
        "audit_rows": int(db.query("SELECT COUNT(*) FROM audit_auditevent")[0][0]),
        "audit_rows_expected": cases + 1,  # one case_opened per case, plus source_added
        "outbox_rows": int(db.query("SELECT COUNT(*) FROM bus_outboxmessage")[0][0]),
        "acknowledged": len(acknowledged),
        "lost": len(lost),
        "lost_examples": [source_alert_id(bodies[i]) for i in lost[:5]],
        "expected_cases": sent,
        "missing_cases": sent - cases,
    }


def audit_verify(env: dict[str, str]) -> dict[str, Any]:
    try:
        done = subprocess.run(
            [jeevanrekha_bin(), "audit", "verify"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"ok": False, "exit": None, "output": "timed out"}
    output = (done.stdout + done.stderr).strip()
    return {
        "ok": done.returncode == 0 and "audit chain OK" in output,
        "exit": done.returncode,
        "output": output[-500:],
    }


def run_engine(db: Database, opts: Options, bodies: list[bytes]) -> dict[str, Any]:
    """Create, migrate, measure the ceiling, load, count, verify. Cleans up on any exit."""
    env = server_env(db, opts)
    secret = secrets.token_urlsafe(32)
    warm, timed = bodies[: opts.warmup], bodies[opts.warmup :]
    figures: dict[str, Any] = {"database": {}}
    server: Server | None = None
    trackers: list[CpuTracker] = []
    try:
        log(f"[{db.engine}] creating a fresh database ({db.url})")
        db.create()
        run_command([jeevanrekha_bin(), "migrate", "--no-input", "-v0"], env)
        run_command([jeevanrekha_bin(), "source", "add", SOURCE, f"--secret={secret}"], env)
        figures["database"] = db.describe()

        log(f"[{db.engine}] ceiling: single-row durable INSERT+COMMIT, {opts.ceiling_seconds} s")
        payload = bodies[0]
        one = db.ceiling(opts.ceiling_seconds, 1, payload)
        many = db.ceiling(opts.ceiling_seconds, opts.clients, payload)
        figures["ceiling"] = {
            "commits_per_s_1_conn": round(one, 1),
            f"commits_per_s_{opts.clients}_conns": round(many, 1),
            "payload_bytes": len(payload),
        }

        workers, threads = server_settings(db.engine, opts)
        server = Server(env, workers, threads, db.workdir / "server.log")
        server.wait_healthy()
        cmdline = server.cmdline()
        kind = next((name for name in SERVERS if name in cmdline), "unknown")
        figures["server"] = {
            "server": kind,
            "workers": workers,
            "threads": threads,
            "cmdline": cmdline,
            "env": opts.server_env,
        }
        log(f"[{db.engine}] server up on port {server.port}; warm-up with {len(warm)} alerts")
        warm_result = run_load(
            "127.0.0.1", server.port, warm, secret, opts.clients, opts.max_seconds
        )

        quiet = machine_busy_pct(1.0)
        if quiet > 25:
            log(f"[{db.engine}] warning: the machine is {quiet:.0f}% busy before the load starts")
        main_pid = server.proc.pid
        server_cpu = CpuTracker(server.pids).start()
        db_cpu = CpuTracker(db.backend_pids).start()
        trackers += [server_cpu, db_cpu]
        machine0 = machine_jiffies()
        log(f"[{db.engine}] posting {len(timed)} alerts from {opts.clients} clients")
        result = run_load(
            "127.0.0.1",
            server.port,
            timed,
            secret,
            opts.clients,
            opts.max_seconds,
            progress=lambda done, t: log(f"  {done}/{len(timed)} in {t:.0f} s ({done / t:.0f}/s)"),
        )
        machine1 = machine_jiffies()
        server_cpu.stop()
        db_cpu.stop()
        server.stop()
        server_log = server.log_tail()
        server = None

        latencies = sorted(result.latencies_s)
        server_user, server_sys = server_cpu.used()
        db_user, db_sys = db_cpu.used()
        per_worker = {str(p): t for p, t in server_cpu.per_process().items() if p != main_pid}
        backends = db_cpu.last
        busy = (machine1[0] - machine0[0]) / max(1, machine1[1] - machine0[1])
        # CPU the machine spent on processes other than the server, its database backends
        # and this client: noise from other work on a shared machine.
        others = (machine1[0] - machine0[0]) / CLK_TCK - (
            server_user + server_sys + db_user + db_sys + result.client_cpu_s
        )
        alerts_per_s = result.sent / result.wall_s if result.wall_s else 0.0
        per_alert = 1000 / result.sent if result.sent else 0.0
        figures["load"] = {
            "alerts": len(timed),
            "sent": result.sent,
            "wall_s": round(result.wall_s, 3),
            "alerts_per_s": round(alerts_per_s, 1),
            "latency_ms": {
                "p50": percentile_ms(latencies, 50),
                "p95": percentile_ms(latencies, 95),
                "p99": percentile_ms(latencies, 99),
                "max": percentile_ms(latencies, 100),
                "mean": round(1000 * sum(latencies) / len(latencies), 2) if latencies else None,
            },
            "statuses": {str(k): v for k, v in sorted(result.statuses.items())},
            "reconnects": result.reconnects,
            "timed_out": result.timed_out,
            "warmup": {"alerts": len(warm), "statuses": dict(warm_result.statuses)},
            "cpu": {
                "machine_busy_pct": round(100 * busy, 1),
                "machine_busy_before_pct": round(quiet, 1),
                "other_processes_cpu_s": round(others, 2),
                "client_cpu_s": round(result.client_cpu_s, 2),
                "server_cpu_s": round(server_user + server_sys, 2),
                "server_user_sys_s": [round(server_user, 2), round(server_sys, 2)],
                "server_worker_cpu_s": per_worker,
                "server_cpu_ms_per_alert": round((server_user + server_sys) * per_alert, 3),
                "db_backend_cpu_s": round(db_user + db_sys, 2) if backends else None,
                "db_backend_cpu_ms_per_alert": round((db_user + db_sys) * per_alert, 3)
                if backends
                else None,
            },
        }
        if any(code not in (200, 202) for code in result.statuses):
            figures["server_log_tail"] = server_log

        log(f"[{db.engine}] counting rows and verifying the audit chain")
        case_ids = warm_result.case_ids + result.case_ids
        sent = warm_result.sent + result.sent
        figures["counts"] = count_rows(db, bodies[: len(case_ids)], case_ids, sent)
        figures["audit"] = audit_verify(env)
        figures["table_scans"] = db.scan_stats()
        scanned = {
            name: t["seq_tup_read"]
            for name, t in figures["table_scans"].items()
            if t["seq_tup_read"] > 100 * t["rows"]
        }
        if scanned:
            log(f"[{db.engine}] warning: tables read over and over by sequential scans: {scanned}")
        figures["ratio"] = round(alerts_per_s / one, 4) if one else None
        return figures
    finally:
        for tracker in trackers:
            tracker.stop()
        if server is not None:
            figures.setdefault("server_log_tail", server.log_tail())
            server.stop()
        if not opts.keep:
            try:
                db.drop()
            except Exception as exc:
                log(f"[{db.engine}] could not drop the database: {exc}")


def verdict(engine: str, figures: dict[str, Any]) -> dict[str, Any]:
    """PASS/FAIL of each target."""
    load, counts = figures["load"], figures["counts"]
    p99 = load["latency_ms"]["p99"]
    non_202 = sum(v for k, v in load["statuses"].items() if k != "202")
    checks = {
        "throughput": load["alerts_per_s"] >= TARGET_ALERTS_PER_S[engine] and not load["timed_out"],
        "p99": p99 is not None and p99 <= TARGET_P99_MS,
        "zero_lost": counts["lost"] == 0 and counts["missing_cases"] == 0,
        "all_202": non_202 == 0,
        "audit": bool(figures["audit"]["ok"]),
    }
    return {"checks": checks, "pass": all(checks.values())}


# ---------------------------------------------------------------------------------------
# Reporting


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def print_engine(engine: str, figures: dict[str, Any], opts: Options) -> None:
    load, counts, ceiling = figures["load"], figures["counts"], figures["ceiling"]
    lat, cpu, checks = load["latency_ms"], load["cpu"], figures["verdict"]["checks"]
    mark = {True: "PASS", False: "FAIL"}
    many_key = f"commits_per_s_{opts.clients}_conns"
    statuses = ", ".join(f"{k}: {v}" for k, v in load["statuses"].items())
    raw = ", ".join(f"{k} {v}" for k, v in sorted(counts["raw_by_status"].items()))
    rows = [
        (
            "throughput",
            f"{fmt(load['alerts_per_s'])} alerts/s  ({load['sent']} in {load['wall_s']:.1f} s)",
            f">= {TARGET_ALERTS_PER_S[engine]:.0f}",
            mark[checks["throughput"]],
        ),
        (
            "latency p50/p95/p99",
            f"{fmt(lat['p50'])} / {fmt(lat['p95'])} / {fmt(lat['p99'])} ms"
            f"  (max {fmt(lat['max'])})",
            f"p99 <= {TARGET_P99_MS:.0f}",
            mark[checks["p99"]],
        ),
        ("statuses", statuses, "all 202", mark[checks["all_202"]]),
        ("raw alerts", f"{counts['raw_alerts']} ({raw})", "", ""),
        (
            "cases",
            f"{counts['cases']} of {counts['expected_cases']} sent (incl. warm-up)",
            "",
            "",
        ),
        (
            "lost",
            f"{counts['lost']} acknowledged but missing; {counts['missing_cases']} without a case",
            "0",
            mark[checks["zero_lost"]],
        ),
        (
            "audit verify",
            figures["audit"]["output"].splitlines()[-1] if figures["audit"]["output"] else "-",
            "OK",
            mark[checks["audit"]],
        ),
        (
            "ceiling",
            f"{fmt(ceiling['commits_per_s_1_conn'], 0)} commits/s (1 conn), "
            f"{fmt(ceiling[many_key], 0)} ({opts.clients} conns)",
            "",
            "",
        ),
        ("ratio", f"{fmt(figures['ratio'], 3)} (alerts/s ÷ 1-conn ceiling)", "", ""),
        (
            "CPU",
            f"machine {fmt(cpu['machine_busy_pct'])}% busy; server {fmt(cpu['server_cpu_s'])} s "
            f"({fmt(cpu['server_cpu_ms_per_alert'], 2)} ms/alert), "
            f"db {fmt(cpu['db_backend_cpu_s'])} s, client {fmt(cpu['client_cpu_s'])} s, "
            f"other processes {fmt(cpu['other_processes_cpu_s'])} s",
            "",
            "",
        ),
    ]
    server = figures["server"]
    print(
        f"\n== {engine}: {server['server']}, {server['workers']} workers x "
        f"{server['threads']} threads, {opts.clients} clients, "
        f"{load['alerts']} alerts (+{opts.warmup} warm-up) =="
    )
    for name, value, target, ok in rows:
        print(f"  {name:<20} {value:<66} {target:<12} {ok}")
    print(f"  {'result':<20} {mark[figures['verdict']['pass']]}")


def print_summary(results: dict[str, Any]) -> None:
    header = (
        f"{'engine':<11}{'alerts/s':>10}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'lost':>6}{'audit':>7}{'ceiling/s':>11}{'ratio':>8}{'target':>8}  result"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for engine, figures in results.items():
        if "load" not in figures:
            print(f"{engine:<11}  {figures.get('skipped') or 'ERROR: ' + figures.get('error', '')}")
            continue
        lat = figures["load"]["latency_ms"]
        verdict_word = "PASS" if figures["verdict"]["pass"] else "FAIL"
        print(
            f"{engine:<11}{figures['load']['alerts_per_s']:>10.1f}{fmt(lat['p50']):>9}"
            f"{fmt(lat['p95']):>9}{fmt(lat['p99']):>9}{figures['counts']['lost']:>6}"
            f"{'ok' if figures['audit']['ok'] else 'BAD':>7}"
            f"{figures['ceiling']['commits_per_s_1_conn']:>11.0f}{fmt(figures['ratio'], 3):>8}"
            f"{TARGET_ALERTS_PER_S[engine]:>8.0f}  {verdict_word}"
        )
    for engine, figures in results.items():
        runs = figures.get("runs", [])
        if len(runs) > 1:
            each = ", ".join(f"{r['alerts_per_s']:.0f}" + ("" if r["pass"] else "✗") for r in runs)
            print(f"{engine}: the median of {len(runs)} runs (alerts/s of each: {each})")


def machine_info() -> dict[str, Any]:
    model = ""
    with contextlib.suppress(OSError), open("/proc/cpuinfo", encoding="utf-8") as f:
        model = next((ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")), "")
    git = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    # Files changed since that commit (outside bench/): the code measured is not exactly it.
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--", ".", ":(exclude)bench"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    return {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "memory_mb": os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2**20,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg_at_start": list(os.getloadavg()),
        "git_commit": git,
        "git_uncommitted_changes": [line[3:] for line in changed][:20],
    }


def write_results(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None) -> tuple[Options, list[str], Path, Path | None]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--alerts", type=int, default=20_000, help="alerts to time (20000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument(
        "--workers", type=int, help="server processes (default: best per engine, see README)"
    )
    parser.add_argument(
        "--threads", type=int, help="request threads per process (default: best per engine)"
    )
    parser.add_argument(
        "--server",
        choices=SERVERS,
        help="application server behind `jeevanrekha serve` (default: the project's)",
    )
    parser.add_argument(
        "--engines", default=",".join(ENGINES), help="comma-separated: sqlite,postgresql"
    )
    parser.add_argument("--warmup", type=int, default=200, help="untimed alerts first (200)")
    parser.add_argument("--ceiling-seconds", type=float, default=3.0)
    parser.add_argument(
        "--max-seconds", type=float, default=600.0, help="give up posting after this long"
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server (without a database name)",
    )
    parser.add_argument("--access-log", default="/dev/null", help="gunicorn ACCESS_LOG")
    parser.add_argument(
        "--server-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for the server (repeatable), e.g. DB_CONN_MAX_AGE=0",
    )
    parser.add_argument("--seed", type=int, default=20221)
    parser.add_argument("--tmpdir", type=Path, default=None, help="where the SQLite file goes")
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="runs per engine, each on a fresh database; the median run is reported (3)",
    )
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown:
        parser.error(f"unknown engine(s): {', '.join(unknown)}")
    if min(args.alerts, args.clients, args.workers or 1, args.threads or 1) < 1:
        parser.error("--alerts, --clients, --workers and --threads must be at least 1")
    extra = {}
    for item in args.server_env:
        name, sep, value = item.partition("=")
        if not sep or not name:
            parser.error(f"--server-env wants NAME=VALUE, got {item!r}")
        extra[name] = value
    opts = Options(
        alerts=args.alerts,
        clients=args.clients,
        workers=args.workers,
        threads=args.threads,
        server=args.server,
        warmup=max(0, args.warmup),
        ceiling_seconds=args.ceiling_seconds,
        max_seconds=args.max_seconds,
        pg_url=args.pg_url,
        access_log=args.access_log,
        server_env=extra,
        seed=args.seed,
        keep=args.keep,
        runs=max(1, args.runs),
    )
    return opts, engines, args.output, args.tmpdir


@contextlib.contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """A SIGTERM to the bench cleans up like Ctrl-C does."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def one_run(engine: str, opts: Options, bodies: list[bytes], tmpdir: Path | None) -> dict[str, Any]:
    """One run of one engine on a fresh database: its figures, or {"skipped"|"error": why}."""
    workdir = Path(tempfile.mkdtemp(prefix=f"jr-bench-{engine}-", dir=tmpdir))
    try:
        db: Database
        if engine == "postgresql":
            why_not = PostgresDatabase.unreachable(opts.pg_url)
            if why_not:
                msg = f"PostgreSQL is not reachable at {opts.pg_url}: {why_not}"
                log(f"[postgresql] skipped: {msg}")
                return {"skipped": msg}
            db = PostgresDatabase(workdir, opts.pg_url)
        else:
            db = SQLiteDatabase(workdir)
        try:
            return run_engine(db, opts, bodies)
        except BenchError as exc:
            log(f"[{engine}] ERROR: {exc}")
            return {"error": str(exc)}
    finally:
        if opts.keep:
            log(f"[{engine}] kept {workdir}")
        else:
            for path in sorted(workdir.rglob("*"), reverse=True):
                if path.is_dir():
                    path.rmdir()
                else:
                    path.unlink()
            workdir.rmdir()


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median alerts/s (the lower middle one of an even count), with
    every run's headline figures beside it: the machine is shared, one run can be lucky."""
    ranked = sorted(runs, key=lambda f: f["load"]["alerts_per_s"])
    median = dict(ranked[(len(ranked) - 1) // 2])
    median["runs"] = [
        {
            "alerts_per_s": f["load"]["alerts_per_s"],
            "p99_ms": f["load"]["latency_ms"]["p99"],
            "server_cpu_ms_per_alert": f["load"]["cpu"]["server_cpu_ms_per_alert"],
            "pass": f["verdict"]["pass"],
        }
        for f in runs
    ]
    return median


def main(argv: list[str] | None = None) -> int:
    opts, engines, output, tmpdir = parse_args(argv)
    run_tag = secrets.token_hex(3)
    log(f"generating {opts.warmup + opts.alerts} distinct alerts (run {run_tag})")
    bodies = make_alerts(opts.warmup + opts.alerts, run_tag, opts.seed)
    document: dict[str, Any] = {
        "benchmark": "intake",
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine_info(),
        "settings": {
            "alerts": opts.alerts,
            "warmup": opts.warmup,
            "clients": opts.clients,
            "server": "jeevanrekha serve (see results.<engine>.server)",
            "server_asked": opts.server or "the project's default",
            "workers_asked": opts.workers,
            "threads_asked": opts.threads,
            "best_server_settings": BEST_SERVER_SETTINGS,
            "access_log": opts.access_log,
            "server_env": opts.server_env,
            "ceiling_seconds": opts.ceiling_seconds,
            "runs": opts.runs,
            "mean_body_bytes": round(sum(map(len, bodies)) / len(bodies)),
        },
        "targets": {
            "alerts_per_s": TARGET_ALERTS_PER_S,
            "p99_ms": TARGET_P99_MS,
            "lost": 0,
        },
        "results": {},
    }
    results: dict[str, Any] = document["results"]
    status = 0
    with sigterm_as_interrupt():
        try:
            for engine in engines:
                runs: list[dict[str, Any]] = []
                for run in range(opts.runs):
                    if opts.runs > 1:
                        log(f"[{engine}] run {run + 1} of {opts.runs}")
                    figures = one_run(engine, opts, bodies, tmpdir)
                    if "load" not in figures:  # skipped or failed: no more runs
                        results[engine] = figures
                        status = 2 if "error" in figures else status
                        break
                    figures["verdict"] = verdict(engine, figures)
                    print_engine(engine, figures, opts)
                    runs.append(figures)
                if runs:
                    results[engine] = median_run(runs)
                    if not results[engine]["verdict"]["pass"]:
                        status = max(status, 1)
        except KeyboardInterrupt:
            log("interrupted: the servers are stopped and the databases dropped")
            document["interrupted"] = True
            status = 130
    print_summary(results)
    write_results(output, document)
    print(f"\nresults written to {output}")
    return status


if __name__ == "__main__":
    sys.exit(main())
