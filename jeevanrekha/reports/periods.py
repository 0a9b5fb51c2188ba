"""Report periods on the desk's calendar (Asia/Kolkata): ISO weeks, months, date ranges.

Pure: no Django. A period is a half-open interval [start, end) of aware datetimes at
midnight IST, so a case opened at 23:59 IST on Sunday belongs to that ISO week even
though it is already Sunday 18:29 UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DESK_TZ = ZoneInfo("Asia/Kolkata")
_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
MAX_DAYS = 366 * 2  # a longer period is refused: reports are weekly, monthly, yearly at most


class BadPeriod(ValueError):
    """A period the desk cannot read; the message says which forms it takes."""


@dataclass(frozen=True)
class Period:
    """Days first..last (inclusive) on the IST calendar, with the key it was asked by."""

    key: str
    first: date
    last: date

    @property
    def start(self) -> datetime:
        """Midnight IST at the start of the first day."""
        return datetime.combine(self.first, time(0), DESK_TZ)

    @property
    def end(self) -> datetime:
        """Midnight IST after the last day (exclusive)."""
        return datetime.combine(self.last + timedelta(days=1), time(0), DESK_TZ)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def week(year: int, number: int) -> Period:
    """ISO week `number` of ISO year `year` (Monday to Sunday)."""
    try:
        monday = date.fromisocalendar(year, number, 1)
    except ValueError as exc:
        raise BadPeriod(f"{year}-W{number:02d} is not an ISO week") from exc
    return Period(f"{year}-W{number:02d}", monday, monday + timedelta(days=6))


def month(year: int, number: int) -> Period:
    """Calendar month `number` of `year`."""
    if not 1 <= number <= 12 or not 1 <= year <= 9998:
        raise BadPeriod(f"{year}-{number:02d} is not a month")
    first = date(year, number, 1)
    following = date(year + (number == 12), number % 12 + 1, 1)
    return Period(f"{year}-{number:02d}", first, following - timedelta(days=1))


def days(first: date, last: date) -> Period:
    """An arbitrary run of days, both ends included."""
    if last < first:
        raise BadPeriod(f"{first} is after {last}")
    if (last - first).days + 1 > MAX_DAYS:
        raise BadPeriod(f"at most {MAX_DAYS} days")
    return Period(f"{first.isoformat()}..{last.isoformat()}", first, last)


def parse(text: str) -> Period:
    """`2026-W47`, `2026-11` or `2026-11-01..2026-11-15`; BadPeriod otherwise."""
    text = text.strip()
    try:
        if found := _WEEK.match(text):
            return week(int(found[1]), int(found[2]))
        if found := _MONTH.match(text):
            return month(int(found[1]), int(found[2]))
        if found := _RANGE.match(text):
            return days(date.fromisoformat(found[1]), date.fromisoformat(found[2]))
    except ValueError as exc:
        raise BadPeriod(str(exc)) from exc
    raise BadPeriod(f"{text!r}: give a week (2026-W47), a month (2026-11) or days (A..B)")


def current_week(now: datetime) -> Period:
    """The ISO week that `now` falls in, on the IST calendar."""
    year, number, _ = now.astimezone(DESK_TZ).isocalendar()
    return week(year, number)


def previous(period: Period) -> Period:
    """The period of the same kind just before (for the page's "earlier" link)."""
    if _WEEK.match(period.key):
        return current_week(period.start - timedelta(days=1))
    if _MONTH.match(period.key):
        before = period.first - timedelta(days=1)
        return month(before.year, before.month)
    return days(period.first - timedelta(days=period.days), period.first - timedelta(days=1))


def following(period: Period) -> Period:
    """The period of the same kind just after."""
    if _WEEK.match(period.key):
        return current_week(period.end)
    if _MONTH.match(period.key):
        return month(period.end.year, period.end.month)
    return days(period.last + timedelta(days=1), period.last + timedelta(days=period.days))
