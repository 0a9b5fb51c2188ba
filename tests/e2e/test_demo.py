"""`jeevanrekha demo`: the desk answers, the printed account signs in, alerts keep arriving."""

from __future__ import annotations

import base64
import http.cookiejar
import os
import re
import secrets
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

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


def test_demo_serves_the_desk_with_arriving_alerts(database: Database, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DATA_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(50),
    }
    demo = subprocess.Popen(
        [str(BIN / "jeevanrekha"), "demo", "--bind", f"127.0.0.1:{port}", "--every", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        password = read_until(demo, r"password: (\S+)", 60).group(1)
        totp_secret = read_until(demo, r"TOTP secret to an authenticator app: ([A-Z2-7]+)", 5)
        code_line = read_until(demo, r"alert 1: HTTP \d+ · sign-in code (\d{6})", 30)
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
        later = desk.open(f"http://127.0.0.1:{port}/desk/queue/").read().decode()
        time.sleep(1.5)
        latest = desk.open(f"http://127.0.0.1:{port}/desk/queue/").read().decode()
        assert set(re.findall(r'data-case="(\d+)"', latest)) - set(
            re.findall(r'data-case="(\d+)"', later)
        ), "no new alert arrived while watching"
    finally:
        demo.send_signal(signal.SIGINT)
        demo.wait(timeout=60)
    assert database.scalar("SELECT COUNT(*) FROM cases_case") >= 3
