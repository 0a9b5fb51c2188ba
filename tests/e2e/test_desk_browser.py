"""Issue #7 in a real browser (Debian's Chromium, Playwright) against the production server:
an alert posted to the API shows in the live queue within 5 s without a reload; the officer
opens it, confirms & dispatches; the station acknowledges from the one-tap link; the desk
records "saved"; the same page reads in Hindi; another district's officer gets 404."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from http.client import HTTPConnection
from pathlib import Path
from typing import Any

import pytest
from django.core import signing

from jeevanrekha.dispatch.notify import LINK_SALT
from tests.conftest import fixture_alert
from tests.e2e.browser import (
    DESK_SCREEN,
    PHONE_SCREEN,
    Account,
    chromium,  # noqa: F401  (fixture)
    make_account,
    shot,
    sign_in,
    wait_for_map,
)
from tests.e2e.conftest import SOURCE, Server

pytestmark = pytest.mark.e2e


@pytest.fixture
def desk(server: Server, tmp_path: Path) -> Server:
    """The served desk with stations, a 112 vehicle in Lucknow and no other set-up."""
    stations = tmp_path / "stations.csv"
    server.cli("geo", "demo-stations", str(stations))
    server.cli("geo", "import-stations", str(stations))
    vehicles = tmp_path / "vehicles.csv"
    vehicles.write_text(
        "code,kind,area,station,district,lat,lon\n"
        "PRV-LKO-0042,four_wheeler,urban,Gomti Nagar,Lucknow,26.872,80.99\n",
        encoding="utf-8",
    )
    server.cli("dispatch", "vehicles", str(vehicles))
    return server


def fresh_alert() -> dict[str, Any]:
    """The Lucknow alert of 7 Sep 2022, as if it arrived now."""
    alert = fixture_alert("alert_full")
    now = datetime.now(UTC).isoformat()
    alert["source"] = SOURCE
    alert["source_alert_id"] = f"browser-{uuid.uuid4().hex}"
    alert["received_at"] = alert["post"]["created_at"] = now
    alert["evidence"]["tower"]["observed_at"] = now
    alert["account"]["handle"] = f"ankit.{uuid.uuid4().hex[:8]}"
    return alert


def post(server: Server, alert: dict[str, Any]) -> int:
    conn = HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        status, body = server.post(conn, alert)
    finally:
        conn.close()
    assert status in (200, 201, 202), body
    return int(body["case_id"])


def one_tap_url(server: Server, case_id: int) -> str:
    """The station's one-tap link, as its SMS or e-mail carries it."""
    link_id = server.db.scalar(
        "SELECT l.link_id FROM dispatch_acklink l JOIN cases_task t ON t.id = l.task_id "
        f"WHERE t.case_id = {case_id} AND t.kind = 'police_station' ORDER BY l.id LIMIT 1"
    )
    token = signing.Signer(key=server.env["SECRET_KEY"], salt=LINK_SALT).sign(link_id)
    return f"{server.url}/t/{token}"


def test_alert_to_saved_in_the_browser(desk: Server, chromium: Any) -> None:  # noqa: F811
    operator = make_account(desk, "op_browser", "operator")
    context = chromium.new_context(viewport=DESK_SCREEN, locale="en-IN")
    context.grant_permissions(["notifications"], origin=desk.url)
    page = context.new_page()
    sign_in(page, desk.url, operator)
    page.wait_for_selector("#queue table.queue")
    page.click("#announce")  # consent: sound and notifications for imminent cases
    page.evaluate("window.__sameDocument = true")
    shot(page, "desk-01-queue-empty")

    case_id = post(desk, fresh_alert())
    started = time.monotonic()
    page.wait_for_selector(f'#queue tr[data-case="{case_id}"]', timeout=5000)
    assert time.monotonic() - started < 5
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    shot(page, "desk-02-alert-arrived")

    for stage in ("risk", "locate"):  # the pipeline workers, run once
        desk.cli("worker", "--stage", stage, "--once")
    row = page.locator(f'#queue tr[data-case="{case_id}"][data-imminent]')
    row.wait_for(timeout=10000)
    page.wait_for_function(
        "ref => document.getElementById('announcer').textContent.includes(ref)",
        arg=f"JR-{case_id:06d}",
        timeout=10000,
    )
    # the queue poll that showed the risk may have come before the location: wait for it
    row.filter(has_text="Lucknow").wait_for(timeout=10000)
    shot(page, "desk-03-located-and-announced")

    page.click(f'#queue tr[data-case="{case_id}"] a.case-link')
    wait_for_map(page)  # Leaflet drew
    assert page.locator("mark.cue").count() >= 1
    shot(page, "case-01-before-dispatch")
    page.click("#confirm-dispatch")
    page.wait_for_selector("text=Station alerted and vehicle sent.")
    assert page.locator("table.tasks tr[data-kind=vehicle_112]").count() == 1
    assert "PRV-LKO-0042" in page.inner_text("table.tasks")
    shot(page, "case-02-dispatched")

    field = chromium.new_context(viewport=PHONE_SCREEN)  # the station officer's phone
    tap = field.new_page()
    tap.goto(one_tap_url(desk, case_id))
    tap.click("button.report[value=acknowledge]")
    tap.wait_for_selector("text=Recorded: Acknowledge")
    shot(tap, "one-tap-acknowledged")
    field.close()

    page.reload()
    assert "Acknowledged" in page.inner_text("table.tasks")
    page.select_option("#outcome-code", "saved")
    page.fill("#outcome-note", "SHO Hazratganj reached the house; family with him.")
    page.click("#outcome-form button[type=submit]")
    page.wait_for_selector("text=Outcome recorded: Saved")
    # Saved starts follow-up at once (issue #8): resolved → follow_up in the same transaction.
    assert desk.db.scalar(f"SELECT state FROM cases_case WHERE id = {case_id}") == "follow_up"
    assert desk.db.scalar(f"SELECT code FROM cases_outcome WHERE case_id = {case_id}") == "saved"
    shot(page, "case-03-saved")

    page.click("header form.lang button[value=hi]")
    page.wait_for_selector("html[lang=hi]")
    assert page.url.endswith(f"/cases/{case_id}/")
    text = page.inner_text("main")
    assert f"JR-{case_id:06d}" in text and "समयरेखा" in text and "बचाया गया" in text
    assert "Timeline" not in text
    shot(page, "case-04-hindi")
    page.goto(f"{desk.url}/")
    assert "लाइव कतार" in page.inner_text("h1")
    shot(page, "desk-04-hindi")
    context.close()


def test_another_districts_officer_gets_404(desk: Server, chromium: Any) -> None:  # noqa: F811
    case_id = post(desk, fresh_alert())
    desk.cli("worker", "--stage", "locate", "--once")
    assert desk.db.scalar(f"SELECT district FROM cases_case WHERE id = {case_id}") == "Lucknow"
    for name, district, status in (("do_agra", "Agra", 404), ("do_lucknow", "Lucknow", 200)):
        account: Account = make_account(desk, name, "district_officer", district)
        context = chromium.new_context(viewport=PHONE_SCREEN)
        page = context.new_page()
        sign_in(page, desk.url, account)
        response = page.goto(f"{desk.url}/cases/{case_id}/")
        assert response is not None and response.status == status, (name, response)
        shot(page, f"district-officer-{district.lower()}-{status}")
        page.goto(f"{desk.url}/")
        queue = page.inner_text("#queue")
        assert (f"JR-{case_id:06d}" in queue) == (status == 200)
        context.close()


def test_queue_and_case_at_desk_and_phone_sizes(desk: Server, chromium: Any) -> None:  # noqa: F811
    """No sideways scrolling at 1366x768 or on a phone; every control has a name."""
    case_id = post(desk, fresh_alert())
    for stage in ("risk", "locate"):
        desk.cli("worker", "--stage", stage, "--once")
    supervisor = make_account(desk, "sup_browser", "supervisor")
    for label, screen in (("desk", DESK_SCREEN), ("phone", PHONE_SCREEN)):
        context = chromium.new_context(viewport=screen)
        page = context.new_page()
        sign_in(page, desk.url, supervisor)
        for path, name in (
            ("/", "queue"),
            (f"/cases/{case_id}/", "case"),
            ("/vehicles/", "vehicles"),
        ):
            page.goto(f"{desk.url}{path}")
            page.wait_for_load_state("networkidle")
            wide = page.evaluate("document.documentElement.scrollWidth")
            assert wide <= screen["width"] + 1, (label, path, wide)
            unnamed = page.evaluate(UNNAMED_CONTROLS)
            assert unnamed == [], (label, path, unnamed)
            shot(page, f"size-{label}-{name}")
        context.close()


UNNAMED_CONTROLS = """
() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea, button'))
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby') && !(el.textContent || '').trim()
                && !el.getAttribute('title'))
  .map(el => el.outerHTML.slice(0, 80))
"""
