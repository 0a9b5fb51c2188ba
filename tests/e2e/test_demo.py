"""`jeevanrekha demo`: the desk answers, the printed account signs in, alerts keep arriving,
and (issue #8) within 60 seconds of starting on a fresh database the desk is alive: live
cases in several districts, vehicles moving, a case saved and its follow-up started."""

from __future__ import annotations

import base64
import http.cookiejar
import os
import re
import secrets
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import psycopg
from django_otp.oath import TOTP

from tests.e2e.conftest import BIN, Database, free_port


def read_until(process: subprocess.Popen[str], pattern: str, seconds: float) -> re.Match[str]:
    """Read the demo's output until a line matches (the password line)."""
    deadline, seen = time.monotonic() + seconds, []
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen.append(line)
        if found := re.search(pattern, line):
            return found
    raise AssertionError(f"demo never printed {pattern!r}: {''.join(seen)}")


def post_form(opener: urllib.request.OpenerDirector, url: str, fields: dict[str, str]) -> str:
    """Fill in the form on the page at url (its CSRF token included); the page it leads to."""
    page = opener.open(url).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, page
    form = {**fields, "csrfmiddlewaretoken": token.group(1)}
    with opener.open(url, urllib.parse.urlencode(form).encode()) as reply:
        return str(reply.geturl())


def sign_in(base: str, password: str, totp_secret: str) -> urllib.request.OpenerDirector:
    """As a newcomer does: the printed password, then the code from the printed secret."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    landed = post_form(opener, f"{base}/login/", {"username": "demo", "password": password})
    assert landed == f"{base}/login/code/", landed
    code = f"{TOTP(base64.b32decode(totp_secret)).token():06d}"
    assert post_form(opener, landed, {"code": code}) == f"{base}/"
    return opener


ALIVE_WITHIN_S = 60.0


def query(database: Database, sql: str) -> list[tuple[Any, ...]]:
    """Every row of a query on the demo's database (either engine)."""
    if database.is_postgres:
        with psycopg.connect(database.url) as conn:
            return [tuple(r) for r in conn.execute(sql).fetchall()]
    with sqlite3.connect(database.url.removeprefix("sqlite:///")) as conn:
        return [tuple(r) for r in conn.execute(sql).fetchall()]


def alive(database: Database, tracks: dict[str, set[tuple[float, float]]]) -> dict[str, bool]:
    """What the acceptance asks for, read from the demo's database."""
    open_districts = database.scalar(
        "SELECT COUNT(DISTINCT district) FROM cases_case WHERE district <> '' "
        "AND state NOT IN ('closed', 'cancelled', 'forwarded')"
    )
    for code in ("en_route", "on_scene"):
        sql = f"SELECT code, lat, lon FROM dispatch_vehicle WHERE status = '{code}'"
        for vehicle, lat, lon in query(database, sql):
            tracks.setdefault(vehicle, set()).add((lat, lon))
    return {
        "several districts": (open_districts or 0) >= 3,
        "a vehicle moving": any(len(points) >= 3 for points in tracks.values()),
        "a case saved": database.scalar("SELECT COUNT(*) FROM cases_outcome WHERE code = 'saved'")
        > 0,
        "a follow-up": database.scalar("SELECT COUNT(*) FROM followup_followup") > 0,
    }


def test_demo_serves_the_desk_with_arriving_alerts(database: Database, tmp_path: Path) -> None:
    started = time.monotonic()
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DATA_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    demo = subprocess.Popen(
        [str(BIN / "jeevanrekha"), "demo", "--bind", f"127.0.0.1:{port}", "--every", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: the server goes with it if killed
        # As a background job of a non-interactive shell starts (CI's, a script's): SIGINT
        # ignored. Ctrl-C must stop the demo all the same.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    later_output: list[str] = []
    try:
        password = read_until(demo, r"password: (\S+)", 60).group(1)
        totp_secret = read_until(demo, r"TOTP secret to an authenticator app: ([A-Z2-7]+)", 5)
        code_line = read_until(demo, r"alert 1: HTTP \d+ · sign-in code (\d{6})", 30)
        # From here on nobody waits for a line: keep reading, so that the demo (and the
        # server, which shares its output) never blocks on a full pipe.
        threading.Thread(target=later_output.extend, args=(demo.stdout,), daemon=True).start()
        assert code_line  # the newcomer's way: the latest code is on every alert line
        desk = sign_in(f"http://127.0.0.1:{port}", password, totp_secret.group(1))
        rows: list[str] = []
        for _ in range(60):
            queue = desk.open(f"http://127.0.0.1:{port}/desk/queue/").read().decode()
            rows = re.findall(r'data-case="(\d+)"', queue)
            if len(rows) >= 3:
                break
            time.sleep(0.5)
        assert len(rows) >= 3, "the queue did not fill with demo alerts"
        # Alerts keep arriving: a new case within 15 s of watching (the stream waits up to
        # 3 s between alerts, and an alert about a person already known joins that case).
        before = set(rows)
        new: set[str] = set()
        for _ in range(30):
            time.sleep(0.5)
            queue = desk.open(f"http://127.0.0.1:{port}/desk/queue/").read().decode()
            new = set(re.findall(r'data-case="(\d+)"', queue)) - before
            if new:
                break
        assert new, "no new case arrived in 15 s of watching"
        tracks: dict[str, set[tuple[float, float]]] = {}
        seen = alive(database, tracks)
        while not all(seen.values()) and time.monotonic() - started < ALIVE_WITHIN_S:
            time.sleep(0.5)
            seen = alive(database, tracks)
        took = time.monotonic() - started
        timeline = query(
            database,
            "SELECT at, actor, action FROM audit_auditevent WHERE object_type = 'case' "
            "AND object_id = '1' ORDER BY seq",
        )
        assert all(seen.values()), f"after {took:.0f} s: {seen}; case 1: {timeline}"
        # The map's page shows the moving vehicles; police went only after sim:operator confirmed.
        board = desk.open(f"http://127.0.0.1:{port}/vehicles/").read().decode()
        assert any(code in board for code in tracks), "no moving vehicle on /vehicles/"
        confirmers = query(
            database,
            "SELECT DISTINCT actor FROM audit_auditevent WHERE action = 'dispatch_confirmed'",
        )
        assert confirmers == [("sim:operator",)]
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            demo.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            tail = "".join(later_output[-40:])
            raise AssertionError(f"the demo did not stop within 60 s of Ctrl-C:\n{tail}") from None
    assert database.scalar("SELECT COUNT(*) FROM cases_case") >= 3
