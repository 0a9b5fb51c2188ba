"""Issue #10 in a real browser: the Content-Security-Policy blocks nothing the desk needs.

Debian's Chromium, through Playwright, opens each kind of page as its users do (the sign-in,
the live queue with its HTMX polling, a case page with its Leaflet map, the phone-in form,
the one-tap link of a dispatched task, the admin, the API documentation) and records every
console message and page error: none may be a CSP violation, and the pages' scripts ran
(the queue fills by itself, the map draws its tiles of outlines)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.browser import (
    DESK_SCREEN,
    chromium,  # noqa: F401  (fixture)
    make_account,
    sign_in,
    wait_for_map,
)
from tests.e2e.conftest import Server
from tests.e2e.test_desk_browser import desk, fresh_alert, one_tap_url, post  # noqa: F401

pytestmark = pytest.mark.e2e


INJECT = """() => {
  const s = document.createElement('script');
  s.textContent = 'window.__injected = 1';
  document.head.appendChild(s);
  return window.__injected ?? null;
}"""


def _violations(messages: list[str]) -> list[str]:
    words = ("Content Security Policy", "Content-Security-Policy", "Refused to")
    return [m for m in messages if any(w in m for w in words)]


def test_the_csp_blocks_nothing_the_pages_need(desk: Server, chromium: Any) -> None:  # noqa: F811
    admin = make_account(desk, "csp_admin", "admin")
    context = chromium.new_context(viewport=DESK_SCREEN, locale="en-IN")
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    sign_in(page, desk.url, admin)
    case_id = post(desk, fresh_alert())
    page.wait_for_selector(f'#queue tr[data-case="{case_id}"]', timeout=10000)  # HTMX ran
    for stage in ("risk", "locate"):
        desk.cli("worker", "--stage", stage, "--once")
    page.goto(f"{desk.url}/cases/{case_id}/")
    wait_for_map(page)  # Leaflet drew
    page.click("#confirm-dispatch")  # a form post: CSRF token and Origin accepted
    page.wait_for_selector("text=Station alerted and vehicle sent.")
    for path in ("/phone-in/", "/quarantine/", "/vehicles/", "/admin/", "/api/v1/docs"):
        page.goto(f"{desk.url}{path}")
        page.wait_for_load_state("networkidle")
    page.wait_for_selector(".swagger-ui", timeout=10000)  # the API docs' script ran
    page.goto(one_tap_url(desk, case_id))
    page.click("button.report[value=acknowledge]")  # its inline style carries the nonce
    page.wait_for_selector("text=Recorded: Acknowledge")
    assert not _violations(messages), "\n".join(messages)
    # The policy is enforced, and a violation would have been seen: an injected inline
    # script (what a stored XSS would be) does not run, and the console says so.
    page.goto(f"{desk.url}/")
    ran = page.evaluate(INJECT)
    page.wait_for_timeout(500)
    context.close()
    assert ran is None and _violations(messages), "\n".join(messages)
