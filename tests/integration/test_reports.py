"""Issue #8 reports: the figures of a seeded week equal a hand count (tests/integration/
reports_week.py has the table), state-wide and for one district; the queries are a
constant number; the CSV parses back to the same numbers; the PDF opens and renders."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pypdfium2
import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.reports import exports, periods
from jeevanrekha.reports.figures import DistrictRow, Figures, compute
from jeevanrekha.reports.followups import Adherence
from jeevanrekha.reports.pdf import to_pdf
from jeevanrekha.reports.stats import Spread
from jeevanrekha.reports.views import district_outlines
from tests.integration.reports_week import seed_week

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
WEEK = periods.parse("2026-W47")


@pytest.fixture
def week(settings: Any) -> None:
    settings.FOLLOWUP_CHECKS, settings.FOLLOWUP_GRACE = "24h,72h,7d,30d", "12h"
    seed_week()


def test_the_week_equals_the_hand_count(week: None) -> None:
    fig = compute(WEEK, "", now=NOW)
    assert fig.alerts == 11
    assert fig.alerts_by_channel == {"api": 8, "form": 2, "monitor": 1}
    assert fig.alerts_by_platform == {"facebook": 5, "instagram": 3, "phone": 2, "x": 1}
    assert fig.cases_opened == 10
    assert fig.cases_by_state == {
        "located": 3,
        "on_scene": 3,
        "follow_up": 2,
        "dispatched": 1,
        "new": 1,
    }
    assert fig.outcomes == {"saved": 6, "forwarded": 1, "not_found": 1, "unreachable": 1}
    assert (fig.lives_saved, fig.failed, fig.no_outcome_yet) == (6, 2, 1)
    assert fig.failure_reasons == {
        "dense_area": 1,
        "location_unclear": 1,
        "other_state": 1,
        "phone_off": 1,
    }
    # alert → dispatch [2,3,4,5,6,8,10]; dispatch → on scene [7,9,10,12,15,20];
    # alert → on scene [9,14,18,18,19,28]; p90 = value of rank ceil(0.9 n).
    assert fig.alert_to_dispatch == Spread(7, 5.0, 10.0)
    assert fig.dispatch_to_scene == Spread(6, 11.0, 20.0)
    assert fig.alert_to_scene == Spread(6, 18.0, 28.0)
    assert (fig.repeat_cases, fig.repeat_subjects) == (2, 1)
    assert fig.followup == Adherence(True, due=4, on_time=2, late=1, missed=1, pending=0)
    assert fig.by_district == [
        DistrictRow("Lucknow", 4, 4),
        DistrictRow("Agra", 3, 2),
        DistrictRow("Prayagraj", 2, 0),
        DistrictRow("", 1, 0),
    ]


def test_one_district_equals_its_hand_count(week: None) -> None:
    fig = compute(WEEK, "lucknow", now=NOW)  # any case
    assert fig.alerts == 5
    assert fig.alerts_by_channel == {"api": 4, "form": 1}
    assert fig.alerts_by_platform == {"facebook": 2, "instagram": 2, "phone": 1}
    assert fig.cases_opened == 4
    assert fig.cases_by_state == {"follow_up": 2, "located": 1, "on_scene": 1}
    assert fig.followup == Adherence(True, due=4, on_time=2, late=1, missed=1, pending=0)
    assert fig.outcomes == {"saved": 4}
    assert (fig.lives_saved, fig.failed, fig.no_outcome_yet) == (4, 0, 0)
    assert fig.failure_reasons == {}
    # alert → dispatch [2,4,6,10]; dispatch → on scene [7,9,10,12]; alert → on scene [9,14,18,19]
    assert fig.alert_to_dispatch == Spread(4, 5.0, 10.0)
    assert fig.dispatch_to_scene == Spread(4, 9.5, 12.0)
    assert fig.alert_to_scene == Spread(4, 16.0, 19.0)
    assert (fig.repeat_cases, fig.repeat_subjects) == (1, 1)
    assert fig.by_district == [DistrictRow("Lucknow", 4, 4)]


def test_the_weeks_around_hold_only_their_own_cases(week: None) -> None:
    before = compute(periods.parse("2026-W46"), "", now=NOW)
    after = compute(periods.parse("2026-W48"), "", now=NOW)
    assert (before.cases_opened, before.alerts, before.cases_by_state) == (1, 1, {"cancelled": 1})
    assert (after.cases_opened, after.alerts, after.repeat_cases) == (1, 1, 0)
    november = compute(periods.parse("2026-11"), "", now=NOW)
    assert (november.cases_opened, november.alerts, november.lives_saved) == (12, 13, 6)


def test_a_report_is_a_constant_number_of_queries(week: None) -> None:
    counts = []
    for key in ("2026-W47", "2026-11", "2026-01-01..2026-12-31"):
        with CaptureQueriesContext(connection) as queries:
            compute(periods.parse(key), "", now=NOW)
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2] == 6, counts


def _csv_numbers(body: bytes) -> dict[tuple[str, str], str]:
    reader = csv.DictReader(io.StringIO(body.decode("utf-8")))
    return {(row["section"], row["item"]): row["value"] for row in reader}


def test_the_csv_parses_back_to_the_figures(week: None) -> None:
    fig = compute(WEEK, "", now=NOW)
    got = _csv_numbers(exports.to_csv(fig, exports.Watermark("user:sup", NOW)))
    assert got[("export", "exported_by")] == "user:sup"
    assert got[("export", "exported_at")] == "2026-11-24T11:30:00+05:30"
    assert got[("report", "period")] == "2026-W47"
    assert got[("report", "scope")] == "state-wide"
    assert got[("alerts", "total")] == "11"
    assert got[("alerts_by_channel", "form")] == "2"
    assert got[("cases", "opened")] == "10"
    assert got[("outcomes", "lives_saved")] == "6"
    assert got[("failure_reasons", "phone_off")] == "1"
    assert got[("response_minutes", "alert_to_dispatch_median")] == "5.0"
    assert got[("response_minutes", "dispatch_to_scene_median")] == "11.0"
    assert got[("response_minutes", "alert_to_scene_p90")] == "28.0"
    assert got[("repeats", "repeat_cases")] == "2"
    assert got[("district_saved", "Agra")] == "2"
    assert got[("followup_checks", "late")] == "1"


def _page_one(body: bytes) -> tuple[object, str]:
    document = pypdfium2.PdfDocument(body)
    assert len(document) >= 1
    page = document[0]
    text = page.get_textpage().get_text_range()
    image = page.render(scale=1).to_pil().convert("L")
    return image, text


def check_pdf(body: bytes) -> str:
    """The PDF opens; page 1 renders to a non-blank A4 image; its text."""
    assert body.startswith(b"%PDF-")
    image, text = _page_one(body)
    width, height = image.size  # type: ignore[attr-defined]
    assert 594 <= width <= 597 and 841 <= height <= 843, (width, height)  # A4 at 72 dpi
    histogram = image.histogram()  # type: ignore[attr-defined]
    dark = sum(histogram[:128])
    assert dark > 2000, f"page 1 looks blank ({dark} dark pixels)"
    assert len([n for n in histogram if n]) > 20  # text, bars, grey watermark: many shades
    return text


def test_the_pdf_opens_and_shows_the_figures(week: None) -> None:
    fig = compute(WEEK, "", now=NOW)
    body = to_pdf(fig, exports.Watermark("user:sup", NOW), district_outlines())
    text = check_pdf(body)
    assert "report 2026-W47" in text
    assert "Exported by user:sup at 2026-11-24 11:30 IST" in text
    assert "Lives saved" in text and "5 min / 10 min (7)" in text


def test_the_command_writes_both_exports_and_audits_them(week: None, tmp_path: Path) -> None:
    out = io.StringIO()
    pdf, sheet = tmp_path / "out.pdf", tmp_path / "out.csv"
    call_command(
        "report",
        "--week",
        "2026-W47",
        "--district",
        "Lucknow",
        "--pdf",
        str(pdf),
        "--csv",
        str(sheet),
        stdout=out,
    )
    got = _csv_numbers(sheet.read_bytes())
    assert got[("report", "scope")] == "Lucknow"
    assert got[("outcomes", "lives_saved")] == "4"
    assert got[("export", "exported_by")].startswith("cli:")
    assert "Exported by cli:" in check_pdf(pdf.read_bytes())
    assert "lives_saved" in out.getvalue()
    rows = AuditEvent.objects.filter(action="report_exported").order_by("seq")
    assert [(r.actor.startswith("cli:"), r.after["format"], r.after["district"]) for r in rows] == [
        (True, "csv", "Lucknow"),
        (True, "pdf", "Lucknow"),
    ]
    assert {r.after["period"] for r in rows} == {"2026-W47"}


def test_the_command_refuses_a_bad_period() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="ISO week"):
        call_command("report", "--week", "2026-W54")


def test_an_empty_period_has_no_times(db: None) -> None:
    fig: Figures = compute(WEEK, "", now=NOW)
    assert (fig.alerts, fig.cases_opened, fig.alert_to_scene) == (0, 0, Spread(0, None, None))
    check_pdf(to_pdf(fig, exports.Watermark("cli:x", NOW), None))
