"""What the follow-up pages show: rows built from the follow-ups a user may see.

The counsellor's row holds only what the call needs (case number, first name, handle,
phone, district, schedule, results): the post, location and police tasks are not read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from jeevanrekha.cases.models import SubjectIdentifier
from jeevanrekha.followup import conf
from jeevanrekha.followup.models import CheckResult, CheckState, FollowUp, FollowUpCheck
from jeevanrekha.followup.schedule import Adherence, adherence

SHOWN = 200
RESULTS: dict[str, Promise] = {
    CheckResult.REACHED: _("Reached, doing well"),
    CheckResult.IN_CARE: _("In care (counselling or treatment)"),
    CheckResult.DECLINED: _("Declined help"),
    CheckResult.UNREACHABLE: _("Unreachable"),
    CheckResult.NEW_RISK: _("New risk: open a new case"),
}
CHECK_STATES: dict[str, Promise] = {
    CheckState.SCHEDULED: _("Scheduled"),
    CheckState.DUE: _("Due"),
    CheckState.OVERDUE: _("Overdue"),
    CheckState.DONE: _("Done"),
    CheckState.CANCELLED: _("Cancelled"),
}
ADHERENCE: dict[str, Promise] = {
    Adherence.ON_TIME: _("on time"),
    Adherence.LATE: _("late"),
    Adherence.MISSED: _("missed"),
    Adherence.PENDING: _("pending"),
    Adherence.CANCELLED: _("not needed"),
}
FOLLOW_UP_STATES: dict[str, Promise] = {
    "active": _("Active"),
    "completed": _("Completed"),
    "new_risk": _("Ended: new risk, new case opened"),
}


@dataclass(frozen=True)
class CheckRow:
    check: FollowUpCheck
    state: str
    result: str
    adherence: str
    adherence_code: str
    workable: bool  # due or overdue: the form is shown


@dataclass(frozen=True)
class Person:
    first_name: str = ""
    handle: str = ""
    phone: str = ""


@dataclass
class FollowUpRow:
    follow_up: FollowUp
    reference: str
    person: Person
    district: str
    state: str
    checks: list[CheckRow] = field(default_factory=list)
    overdue: bool = False
    due: bool = False
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def tally(self) -> list[int]:
        """The counts in the order of ADHERENCE (templates cannot index a Counter)."""
        return [self.counts[code] for code in ADHERENCE]


def people(subject_ids: set[int], names: dict[int, str]) -> dict[int, Person]:
    """First name, a handle and a phone per subject: what a counsellor needs for the call."""
    found: dict[int, dict[str, str]] = {}
    rows = SubjectIdentifier.objects.filter(
        subject_id__in=subject_ids, kind__in=["handle", "phone"]
    )
    for subject_id, kind, value in rows.order_by("pk").values_list("subject_id", "kind", "value"):
        found.setdefault(subject_id, {}).setdefault(kind, value)
    out = {}
    for subject_id in subject_ids:
        first = (names.get(subject_id) or "").split(" ")[0]
        ids = found.get(subject_id, {})
        out[subject_id] = Person(first, ids.get("handle", ""), ids.get("phone", ""))
    return out


def check_row(check: FollowUpCheck, ended_at: datetime | None, now: datetime) -> CheckRow:
    cancelled = ended_at if check.state == CheckState.CANCELLED else None
    kept = adherence(
        check.scheduled_at, conf.grace(), check.recorded_at, now, cancelled_at=cancelled
    )
    return CheckRow(
        check,
        str(CHECK_STATES.get(check.state, check.state)),
        str(RESULTS.get(check.result, check.result)),
        str(ADHERENCE[kept]),
        kept.value,
        check.state in (CheckState.DUE, CheckState.OVERDUE),
    )


def follow_up_rows(follow_ups: QuerySet[FollowUp], now: datetime) -> list[FollowUpRow]:
    """Rows for these follow-ups, with their checks and the person's contact details."""
    chosen = list(follow_ups.select_related("case", "case__subject")[:SHOWN])
    checks: dict[int, list[FollowUpCheck]] = {}
    for check in FollowUpCheck.objects.filter(follow_up__in=chosen).order_by("number"):
        checks.setdefault(check.follow_up_id, []).append(check)
    names = {
        f.case.subject_id: f.case.subject.display_name
        for f in chosen
        if f.case.subject is not None and f.case.subject_id is not None
    }
    persons = people(set(names), names)
    rows = []
    for f in chosen:
        row = FollowUpRow(
            f,
            f.case.reference,
            persons.get(f.case.subject_id or 0, Person()),
            f.case.district,
            str(FOLLOW_UP_STATES.get(f.state, f.state)),
        )
        for check in checks.get(f.pk, []):
            shown = check_row(check, f.ended_at, now)
            row.checks.append(shown)
            row.counts[shown.adherence_code] += 1
        row.overdue = any(c.check.state == CheckState.OVERDUE for c in row.checks)
        row.due = any(c.workable for c in row.checks)
        rows.append(row)
    # Overdue first, then due, then by the next check's time.
    rows.sort(key=lambda r: (not r.overdue, not r.due, _next_time(r, now)))
    return rows


def _next_time(row: FollowUpRow, now: datetime) -> datetime:
    times = [c.check.scheduled_at for c in row.checks if c.check.state not in ("done", "cancelled")]
    return min(times, default=now)
