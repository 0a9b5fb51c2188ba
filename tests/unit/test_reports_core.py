"""Issue #8 reports, the pure parts: periods on the IST calendar, median and nearest-rank
p90, the chart and map SVG, the follow-up check classes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree

import pytest

from jeevanrekha.reports import charts, periods
from jeevanrekha.reports.stats import Spread, classify, nearest_rank, spread

IST = periods.DESK_TZ


def test_an_iso_week_runs_monday_to_sunday_on_the_ist_calendar() -> None:
    week = periods.parse("2026-W47")
    assert (week.first, week.last, week.days) == (date(2026, 11, 16), date(2026, 11, 22), 7)
    assert week.start == datetime(2026, 11, 15, 18, 30, tzinfo=UTC)
    assert week.end == datetime(2026, 11, 22, 18, 30, tzinfo=UTC)
    assert periods.parse("2020-W53").first == date(2020, 12, 28)  # a 53-week year
    assert periods.parse("2026-W1").key == "2026-W01"


def test_months_and_day_ranges() -> None:
    assert periods.parse("2026-02").last == date(2026, 2, 28)
    assert periods.parse("2024-02").last == date(2024, 2, 29)
    december = periods.parse("2026-12")
    assert (december.first, december.last) == (date(2026, 12, 1), date(2026, 12, 31))
    span = periods.parse("2026-11-01..2026-11-15")
    assert (span.days, span.key) == (15, "2026-11-01..2026-11-15")


@pytest.mark.parametrize(
    "text", ["2026-W54", "2026-W00", "2026-13", "2026-00", "2026-11-15..2026-11-01", "last week"]
)
def test_periods_the_desk_cannot_read(text: str) -> None:
    with pytest.raises(periods.BadPeriod):
        periods.parse(text)


def test_a_very_long_range_is_refused() -> None:
    with pytest.raises(periods.BadPeriod, match="at most"):
        periods.days(date(2020, 1, 1), date(2026, 1, 1))


def test_the_current_week_follows_ist_midnight() -> None:
    sunday_night_utc = datetime(2026, 11, 22, 18, 40, tzinfo=UTC)  # Mon 00:10 IST
    assert periods.current_week(sunday_night_utc).key == "2026-W48"
    assert periods.current_week(sunday_night_utc - timedelta(minutes=20)).key == "2026-W47"


def test_earlier_and_later_periods_of_the_same_kind() -> None:
    week = periods.parse("2026-W01")
    assert periods.previous(week).key == "2025-W52"
    assert periods.following(periods.parse("2026-W52")).key == "2026-W53"
    assert periods.previous(periods.parse("2026-01")).key == "2025-12"
    assert periods.following(periods.parse("2026-12")).key == "2027-01"
    span = periods.parse("2026-11-01..2026-11-10")
    assert periods.previous(span).key == "2026-10-22..2026-10-31"
    assert periods.following(span).key == "2026-11-11..2026-11-20"


def test_median_and_nearest_rank_p90_by_hand() -> None:
    assert spread([10, 2, 6, 4, 3, 8, 5]) == Spread(7, 5.0, 10.0)  # rank ceil(6.3) = 7
    assert spread([7, 9, 10, 12, 15, 20]) == Spread(6, 11.0, 20.0)  # even: mean of 10, 12
    assert spread(list(range(1, 21))) == Spread(20, 10.5, 18.0)  # rank 18 of 20
    assert spread([4.25]) == Spread(1, 4.2, 4.2)  # rounded to 0.1 (half to even)
    assert spread([]) == Spread(0, None, None)
    assert nearest_rank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    with pytest.raises(ValueError):
        nearest_rank([], 0.9)


def test_a_bar_chart_is_valid_svg_with_escaped_labels() -> None:
    svg = charts.bar_chart([("Saved", 6), ("<b>x</b>", 0), ("बचाई गई", 3)], title="A & B")
    root = ElementTree.fromstring(svg)
    rects = root.findall("{http://www.w3.org/2000/svg}rect")
    assert [float(r.get("width", 0)) for r in rects] == [300.0, 0.0, 150.0]
    assert "<b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg and "बचाई गई" in svg
    assert charts.bar_chart([], title="empty") == ""


def test_the_map_colours_districts_by_class() -> None:
    square = {"type": "Polygon", "coordinates": [[[80, 26], [81, 26], [81, 27], [80, 26]]]}
    multi = {"type": "MultiPolygon", "coordinates": [[[[78, 27], [79, 27], [79, 28], [78, 27]]]]}
    geojson = {
        "features": [
            {"properties": {"name": "Lucknow"}, "geometry": square},
            {"properties": {"name": "Agra"}, "geometry": multi},
            {"properties": {"name": "Etah"}, "geometry": square},
        ]
    }
    svg = charts.district_map(geojson, {"lucknow": 10, "AGRA": 3}, title="Cases")
    root = ElementTree.fromstring(svg)
    fills = {
        p.get("data-district"): p.get("fill") for p in root.iter("{http://www.w3.org/2000/svg}path")
    }
    assert fills == {"Lucknow": charts.SHADES[4], "Agra": charts.SHADES[1], "Etah": charts.ZERO}
    assert charts.classes([10, 3]) == [2, 4, 6, 8, 10]
    assert charts.classes([2]) == [1, 2]
    assert charts.classes([0]) == []


def test_follow_up_checks_are_on_time_late_missed_or_open() -> None:
    due = datetime(2026, 11, 20, 12, 0, tzinfo=IST)
    grace, now = timedelta(hours=12), datetime(2026, 11, 21, 6, 0, tzinfo=IST)
    assert classify(due, due + grace, now, grace) == "on_time"
    assert classify(due, due + grace + timedelta(seconds=1), now, grace) == "late"
    assert classify(due, None, now, grace) == "missed"
    assert classify(due, None, due + grace, grace) == "pending"
