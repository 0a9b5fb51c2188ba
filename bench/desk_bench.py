#!/usr/bin/env python3
"""Desk pages benchmark (issue #7): the live queue and a case page over real HTTP.

For each engine (SQLite, PostgreSQL) a fresh database is migrated and filled fast (bulk
inserts through the ORM, audit rows through the real hash chain) with --open open cases
(default 10,000: with alerts, open tasks with deadlines) and --closed closed ones (default
100,000: with alerts and outcomes). `jeevanrekha serve` (granian, the production server)
is started on it; a supervisor signs in (password, then the TOTP code) and the bench asks
for the queue page, the queue partial that the page polls, and case pages of random open
cases, one request at a time. It reports p50/p95/p99 of the server's own time (the
Server-Timing header) and of the client's round trip. Target: <= 150 ms p95 server time.

SQL queries per page are counted in-process (CaptureQueriesContext around the view) for a
queue of 10 and of 100 rows and for case pages with 10 and with 100 alerts, requests,
messages and audit rows: the counts must not grow with the rows (no N+1).

    .venv/bin/python bench/desk_bench.py                          # writes bench/results/desk.json
    .venv/bin/python bench/desk_bench.py --engines sqlite --open 1000 --closed 5000 --requests 50

Exit status: 0 when every target was met, 1 when one was missed, 2 when a step failed.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from intake import field_keys  # noqa: E402 (after the path insert)

RESULTS = ROOT / "bench" / "results" / "desk.json"
BIN = Path(sys.executable).parent
TARGET_P95_MS = 150.0
SERVER_SETTINGS = {"sqlite": (1, 8), "postgresql": (2, 16)}  # as bench/intake.py found best
USER, PASSWORD = "bench_sup", "bench-desk-password-2024"


class BenchError(Exception):
    """A step failed (not a missed target)."""


# ---------------------------------------------------------------------------------------
# The filled database (runs in a child process: Django is set up for one database there)


def child_env(url: str, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "WEB_SERVER"}}
    env.update(
        DATABASE_URL=url,
        DATA_DIR=str(workdir),
        SECRET_KEY=env.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        FIELD_KEYS=env.get("FIELD_KEYS") or field_keys(),
        ACCESS_LOG="/dev/null",
        PYTHONUNBUFFERED="1",
        DJANGO_SETTINGS_MODULE="config.settings",
        GUNICORN_CMD_ARGS="--no-control-socket",
    )
    return env


def run_child(env: dict[str, str], *args: str, timeout: float = 3600) -> dict[str, Any]:
    """Run this file with `args` in a child; its last stdout line is JSON."""
    done = subprocess.run(
        [sys.executable, __file__, *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if done.returncode:
        raise BenchError(f"{' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def child_main(argv: list[str]) -> int:
    import django

    django.setup()
    import desk_fill  # beside this file

    if argv[0] == "--fill":
        print(json.dumps(desk_fill.fill(int(argv[1]), int(argv[2]), USER, PASSWORD)))
    else:
        print(json.dumps(desk_fill.count_queries(USER, int(argv[1]), int(argv[2]))))
    return 0


# ---------------------------------------------------------------------------------------
# HTTP: sign in, then time pages


def totp_code(secret: str, step: int) -> str:
    """RFC 6238 (SHA-1, 6 digits, 30 s)."""
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


class Browser:
    """One keep-alive HTTP/1.1 connection with a cookie jar, like one officer's tab."""

    def __init__(self, port: int) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Any:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = urlencode(form).encode() if form is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.conn.port}{path}"
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = response_of(self.conn)
        response.client_ms = (time.perf_counter() - started) * 1000
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response

    def post_form(self, path: str, fields: dict[str, str]) -> Any:
        page = self.request("GET", path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        if token is None:
            raise BenchError(f"no CSRF token on {path} (HTTP {page.status})")
        return self.request(
            "POST", path, {**fields, "csrfmiddlewaretoken": token.group(1).decode()}
        )

    def sign_in(self, secret: str) -> None:
        reply = self.post_form("/login/", {"username": USER, "password": PASSWORD})
        step_path = reply.getheader("Location", "")
        if reply.status != 302 or not step_path.startswith("/login/"):
            raise BenchError(f"password step answered {reply.status} {step_path}")
        code = totp_code(secret, int(time.time()) // 30)
        done = self.post_form(step_path, {"code": code})
        if done.status != 302 or done.getheader("Location", "").startswith("/login"):
            raise BenchError(f"code step answered {done.status}")


def response_of(conn: http.client.HTTPConnection) -> Any:
    response: Any = conn.getresponse()
    response.body = response.read()
    return response


def server_ms(response: Any) -> float:
    found = re.search(r"dur=([0-9.]+)", response.getheader("Server-Timing", ""))
    if found is None:
        raise BenchError("no Server-Timing header: is jeevanrekha.web.ops.LatencyMiddleware on?")
    return float(found.group(1))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(server: list[float], client: list[float]) -> dict[str, Any]:
    return {
        "requests": len(server),
        "server_ms": {
            f"p{int(q * 100)}": round(percentile(server, q), 1) for q in (0.5, 0.95, 0.99)
        },
        "client_ms": {
            f"p{int(q * 100)}": round(percentile(client, q), 1) for q in (0.5, 0.95, 0.99)
        },
        "server_mean_ms": round(statistics.fmean(server), 1),
    }


def measure(browser: Browser, paths: list[str], warmup: int) -> dict[str, Any]:
    server, client = [], []
    for i, path in enumerate(paths):
        response = browser.request("GET", path)
        if response.status != 200:
            raise BenchError(f"GET {path} answered {response.status}")
        if i >= warmup:
            server.append(server_ms(response))
            client.append(response.client_ms)
    return summary(server, client)


# ---------------------------------------------------------------------------------------
# One engine


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(
    env: dict[str, str], engine: str, log: Path
) -> tuple[subprocess.Popen[bytes], int]:
    workers, threads = SERVER_SETTINGS[engine]
    port = free_port()
    argv = [str(BIN / "jeevanrekha"), "serve", "--bind", f"127.0.0.1:{port}"]
    argv += ["--workers", str(workers), "--threads", str(threads)]
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            argv, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, http.client.HTTPException):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return proc, port
        if proc.poll() is not None:
            break
        time.sleep(0.2)
    stop_server(proc)
    raise BenchError(f"the server did not come up:\n{log.read_text(errors='replace')[-2000:]}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def run_engine(engine: str, url: str, workdir: Path, opts: argparse.Namespace) -> dict[str, Any]:
    env = child_env(url, workdir)
    subprocess.run([str(BIN / "jeevanrekha"), "migrate", "-v0"], env=env, check=True, timeout=600)
    started = time.monotonic()
    filled = run_child(env, "--fill", str(opts.open), str(opts.closed))
    fill_s = time.monotonic() - started
    print(f"  {engine}: filled in {fill_s:.0f} s: {filled['counts']}", file=sys.stderr)
    queries = run_child(env, "--count", *map(str, filled["probe_cases"]))
    proc, port = start_server(env, engine, workdir / "server.log")
    try:
        browser = Browser(port)
        browser.sign_in(filled["totp_secret"])
        rng = random.Random(opts.seed)
        n, warm = opts.requests, opts.warmup
        case_ids = filled["open_case_ids"]
        pages = {
            "queue_page": measure(browser, ["/"] * (n + warm), warm),
            "queue_partial": measure(browser, ["/desk/queue/"] * (n + warm), warm),
            "case_page": measure(
                browser, [f"/cases/{rng.choice(case_ids)}/" for _ in range(n + warm)], warm
            ),
        }
    finally:
        stop_server(proc)
    passed = all(p["server_ms"]["p95"] <= TARGET_P95_MS for p in pages.values())
    return {
        "engine": engine,
        "rows": filled["counts"],
        "fill_seconds": round(fill_s, 1),
        "server": {"program": "granian", "workers_threads": SERVER_SETTINGS[engine]},
        "pages": pages,
        "queries": queries,
        "target_p95_ms": TARGET_P95_MS,
        "pass": passed and queries["constant"],
    }


def sqlite_url(workdir: Path) -> tuple[str, Any]:
    return f"sqlite:///{workdir / 'desk-bench.sqlite3'}", None


def postgres_url(base: str) -> tuple[str, Any]:
    import psycopg

    parts = urlsplit(base.rstrip("/"))
    admin = urlunsplit(parts._replace(path="/postgres"))
    name = f"jr_bench_desk_{secrets.token_hex(4)}"
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return urlunsplit(parts._replace(path=f"/{name}")), drop


def print_engine(result: dict[str, Any]) -> None:
    print(f"\n== {result['engine']}: {result['rows']} ==")
    for page, figures in result["pages"].items():
        s, c = figures["server_ms"], figures["client_ms"]
        print(
            f"  {page:14} server p50 {s['p50']:6.1f} ms  p95 {s['p95']:6.1f} ms  p99 "
            f"{s['p99']:6.1f} ms | client p95 {c['p95']:6.1f} ms ({figures['requests']} requests)"
        )
    q = result["queries"]
    for page, counts in q["pages"].items():
        print(f"  SQL queries {page:12} {counts}")
    verdict = "PASS" if result["pass"] else "FAIL"
    print(f"  target: p95 <= {TARGET_P95_MS:.0f} ms, queries constant -> {verdict}")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--open", type=int, default=10_000)
    parser.add_argument("--closed", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--pg-url", default=os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in ("--fill", "--count"):
        return child_main(args)
    opts = parse_args(args)
    results, failed = [], False
    for engine in [e.strip() for e in opts.engines.split(",") if e.strip()]:
        with tempfile.TemporaryDirectory(prefix="jr-desk-bench-") as tmp:
            workdir = Path(tmp)
            try:
                url, drop = sqlite_url(workdir) if engine == "sqlite" else postgres_url(opts.pg_url)
            except Exception as exc:  # PostgreSQL not reachable: say so, go on
                print(f"{engine}: skipped ({exc})", file=sys.stderr)
                continue
            try:
                result = run_engine(engine, url, workdir, opts)
            except (BenchError, subprocess.SubprocessError) as exc:
                print(f"{engine}: {exc}", file=sys.stderr)
                return 2
            finally:
                if drop:
                    drop()
        print_engine(result)
        results.append(result)
        failed |= not result["pass"]
    document = {
        "bench": "desk",
        "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "options": {k: str(v) for k, v in vars(opts).items()},
        "results": results,
    }
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten {opts.out.relative_to(ROOT) if opts.out.is_relative_to(ROOT) else opts.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
