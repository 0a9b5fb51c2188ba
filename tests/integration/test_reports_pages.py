"""Issue #8 reports pages: who may read them (a district officer only their district),
the page shows the hand-counted figures, exports are watermarked and audited."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.test import Client

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases.models import Role
from tests.conftest import desk_user
from tests.integration.reports_week import seed_week
from tests.integration.test_reports import check_pdf

pytestmark = pytest.mark.django_db
WEEK = "/reports/?period=2026-W47"


@pytest.fixture
def week(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.FOLLOWUP_CHECKS, settings.FOLLOWUP_GRACE = "24h,72h,7d,30d", "12h"
    seed_week()


def figure(page: str, name: str) -> str:
    found = re.search(rf'data-figure="{name}">([^<]*)<', page)
    assert found, f"no figure {name}"
    return found[1]


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN])
def test_the_whole_state_roles_read_the_week(week: None, role: Role) -> None:
    client = desk_user(f"r-{role.value}", role)
    page = client.get(WEEK).content.decode()
    assert (figure(page, "alerts"), figure(page, "cases"), figure(page, "saved")) == (
        "11",
        "10",
        "6",
    )
    assert figure(page, "failed") == "2"
    assert page.count("<svg") == 5  # four charts and the district map
    assert 'data-district="Lucknow"><title>Lucknow: 4</title>' in page
    page = client.get(WEEK + "&district=Agra").content.decode()
    assert (figure(page, "cases"), figure(page, "saved")) == ("3", "2")


@pytest.mark.parametrize("role", [Role.OPERATOR, Role.STF_ANALYST, Role.COUNSELLOR])
def test_other_roles_are_refused(db: None, role: Role, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    client = desk_user(f"r-{role.value}", role)
    for path in (WEEK, "/reports/export.csv?period=2026-W47", "/reports/export.pdf"):
        assert client.get(path).status_code == 403
    assert not AuditEvent.objects.filter(action="report_exported").exists()
    assert Client().get(WEEK).status_code == 302


def test_a_district_officer_reads_only_their_district(week: None) -> None:
    client = desk_user("do-lko", Role.DISTRICT_OFFICER, "Lucknow")
    page = client.get(WEEK).content.decode()
    assert (figure(page, "alerts"), figure(page, "cases"), figure(page, "saved")) == ("5", "4", "4")
    assert 'data-district="Agra"' not in page.split('id="h-map"')[1].split("<svg")[0]
    assert client.get(WEEK + "&district=lucknow").status_code == 200
    for other in (WEEK + "&district=Agra", "/reports/export.csv?period=2026-W47&district=Agra"):
        assert client.get(other).status_code == 404
    sheet = client.get("/reports/export.csv?period=2026-W47").content.decode()
    got = {(r["section"], r["item"]): r["value"] for r in csv.DictReader(io.StringIO(sheet))}
    assert got[("report", "scope")] == "Lucknow" and got[("cases", "opened")] == "4"
    assert ("district_cases", "Agra") not in got


def test_exports_are_watermarked_audited_and_hold_no_personal_data(week: None) -> None:
    client = desk_user("sup-x", Role.SUPERVISOR)
    reply = client.get("/reports/export.csv?period=2026-W47&district=Lucknow")
    assert reply.status_code == 200 and reply["Content-Type"].startswith("text/csv")
    assert "jeevanrekha-report-2026-W47-Lucknow.csv" in reply["Content-Disposition"]
    body = reply.content.decode()
    assert "exported_by,user:sup-x" in body
    for personal in ("person1", "p.example", "end my life", "Hazratganj"):
        assert personal not in body
    pdf = client.get("/reports/export.pdf?period=2026-W47")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = check_pdf(pdf.content)
    assert "Exported by user:sup-x at" in text
    assert "person1" not in text and "Hazratganj" not in text
    rows = AuditEvent.objects.filter(action="report_exported").order_by("seq")
    assert [(r.actor, r.after["format"], r.after["period"], r.after["district"]) for r in rows] == [
        ("user:sup-x", "csv", "2026-W47", "Lucknow"),
        ("user:sup-x", "pdf", "2026-W47", "state-wide"),
    ]


def test_periods_from_the_pickers(week: None) -> None:
    client = desk_user("sup-y", Role.SUPERVISOR)
    by_week = client.get("/reports/?week=2026-W47").content.decode()
    by_days = client.get("/reports/?from=2026-11-16&to=2026-11-22").content.decode()
    by_month = client.get("/reports/?month=2026-11").content.decode()
    assert figure(by_week, "cases") == figure(by_days, "cases") == "10"
    assert figure(by_month, "cases") == "12"
    assert "2026-W46" in by_week and "2026-W48" in by_week  # earlier / later links
    bad = client.get("/reports/?period=2026-W60")
    assert bad.status_code == 400 and "not an ISO week" in bad.content.decode()


def test_the_page_is_in_hindi(week: None) -> None:
    client = desk_user("sup-hi", Role.SUPERVISOR)
    client.post("/i18n/setlang/", {"language": "hi", "next": "/"})
    page = client.get(WEEK).content.decode()
    for word in ("रिपोर्ट", "बचाई गई जानें", "प्रतिक्रिया समय"):
        assert word in page, word
