"""Medians and 90th percentiles of response times. Pure: no Django, no clock.

The median is the middle value (the mean of the two middle values for an even count).
The 90th percentile is the nearest-rank one: the smallest value that at least 90 % of
the values do not exceed (sorted, 1-based rank ceil(0.9 n)). Nearest rank is always a
time that really happened, and a person can count it by hand from a list, which is how
the desk's figures are checked (docs/reports.md).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Spread:
    """How long something took over n cases, in minutes (None when n is 0)."""

    n: int
    median: float | None
    p90: float | None


def nearest_rank(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (`share` in (0, 1]) of a non-empty sequence."""
    if not values:
        raise ValueError("no values")
    if not 0 < share <= 1:
        raise ValueError("share must be in (0, 1]")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def spread(minutes: Sequence[float]) -> Spread:
    """Median and nearest-rank p90 of the durations (rounded to 0.1 minute)."""
    if not minutes:
        return Spread(0, None, None)
    median = round(statistics.median(minutes), 1)
    return Spread(len(minutes), median, round(nearest_rank(minutes, 0.9), 1))


def classify(due: datetime, recorded: datetime | None, now: datetime, grace: timedelta) -> str:
    """A follow-up check: on_time (recorded within the grace after it was due), late,
    missed (not recorded and the grace is over) or pending (not recorded, not yet late)."""
    if recorded is not None:
        return "on_time" if recorded <= due + grace else "late"
    return "missed" if now > due + grace else "pending"
