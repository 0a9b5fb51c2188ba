"""Follow-up adherence: were the counsellors' checks done on time?

Reads the follow-up app's checks (jeevanrekha/followup/, issue #8 part 1): each
`FollowUpCheck` falls due at `scheduled_at` and is on time when its result is recorded
within the follow-up grace (FOLLOWUP_GRACE, the same window after which the follow-up app
marks the check overdue and tells the supervisor). Cancelled checks (the follow-up ended
early, e.g. on a new risk) are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jeevanrekha.followup import conf as followup_conf
from jeevanrekha.followup.models import CheckState, FollowUpCheck
from jeevanrekha.reports.periods import Period
from jeevanrekha.reports.stats import classify


@dataclass(frozen=True)
class Adherence:
    """Checks that fell due in the period: done on time, late, missed, not yet missed."""

    available: bool
    due: int = 0
    on_time: int = 0
    late: int = 0
    missed: int = 0
    pending: int = 0


def adherence(period: Period, district: str, *, now: datetime) -> Adherence:
    """Count the checks due in the period (one query), in the district if given."""
    checks = FollowUpCheck.objects.filter(
        scheduled_at__gte=period.start, scheduled_at__lt=period.end
    ).exclude(state=CheckState.CANCELLED)
    if district:
        checks = checks.filter(follow_up__case__district__iexact=district)
    grace = followup_conf.grace()
    counts = {"on_time": 0, "late": 0, "missed": 0, "pending": 0}
    for scheduled_at, recorded_at in checks.values_list("scheduled_at", "recorded_at"):
        counts[classify(scheduled_at, recorded_at, now, grace)] += 1
    return Adherence(available=True, due=sum(counts.values()), **counts)
