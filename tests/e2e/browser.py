"""Browser tests' helpers: Debian's Chromium driven by Playwright, desk accounts, sign-in.

Playwright never downloads a browser here: it launches /usr/bin/chromium (installed by
`make setup`). Screenshots go to tests/e2e/artifacts/ (not committed).

Sign-in is one function, `sign_in`, for every test: the password page, then the TOTP code
(the enrolment page on an account's first sign-in, the code page afterwards).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import struct
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import BIN, Server

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "browser-test-password-2024"
DESK_SCREEN = {"width": 1366, "height": 768}
PHONE_SCREEN = {"width": 390, "height": 844}


def totp_code(secret: str, step: int) -> str:
    """RFC 6238 (SHA-1, 6 digits, 30 s): what the person's authenticator app shows."""
    key = base64.b32decode(secret.replace(" ", "").upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


@dataclass
class Account:
    """A desk account made with `jeevanrekha createuser`, and its authenticator secret."""

    username: str
    password: str
    totp_secret: str
    used_steps: set[int] = field(default_factory=set)

    def next_code(self) -> str:
        """A code not used before (a code works once; one step of drift is accepted)."""
        step = int(time.time()) // 30
        while step in self.used_steps:
            step += 1
        self.used_steps.add(step)
        return totp_code(self.totp_secret, step)


def make_account(server: Server, username: str, role: str, district: str = "") -> Account:
    """A new account with a role, as an administrator makes one."""
    argv = [str(BIN / "jeevanrekha"), "createuser", username, "--role", role, "--password-stdin"]
    if district:
        argv += ["--district", district]
    done = subprocess.run(
        argv, input=PASSWORD, env=server.env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    found = re.search(r"TOTP secret: ([A-Z2-7 ]+)", done.stdout)
    assert found, f"createuser printed no TOTP secret:\n{done.stdout}"
    return Account(username, PASSWORD, found.group(1).strip())


def sign_in(page: Any, base_url: str, account: Account) -> None:
    """Sign in as a person does: password, then the six-digit code (enrolling if asked)."""
    page.goto(f"{base_url}/login/")
    page.fill("input[name=username]", account.username)
    page.fill("input[name=password]", account.password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    if "/login/" in page.url:  # the code step: /login/code/ or, the first time, /login/enrol/
        page.fill("input[name=code]", account.next_code())
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state()
    assert "/login/" not in page.url, f"sign-in did not finish: {page.url}"


MAP_DRAWN = """() => [...document.querySelectorAll('#map .leaflet-interactive')]
  .some(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; })"""


def wait_for_map(page: Any) -> None:
    """Wait until Leaflet has drawn a shape that can be seen on the case map.

    Outlines outside the map's view are drawn as empty paths ("M0 0"); which one comes
    first depends on row order, so waiting for the first match to be visible is a race.
    """
    page.wait_for_function(MAP_DRAWN, timeout=15000)


def shot(page: Any, name: str) -> Path:
    """Save a screenshot of the whole page under tests/e2e/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless. Required in CI; elsewhere skips when it is missing."""
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium")
        pytest.skip(f"no {CHROMIUM} (make setup installs it)")
    if _RUNNING:  # each test module that imports this fixture gets its own copy of it:
        yield _RUNNING[0]  # share one browser (Playwright's sync API runs once a thread)
        return
    from playwright.sync_api import sync_playwright

    args = ["--no-sandbox"] if os.geteuid() == 0 else []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=[*args, "--disable-gpu"]
        )
        _RUNNING.append(browser)
        try:
            yield browser
        finally:
            _RUNNING.clear()
            browser.close()


_RUNNING: list[Any] = []
