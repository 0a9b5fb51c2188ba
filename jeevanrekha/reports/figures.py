"""Every number of a report, computed in one place (issue #8): the read side of the desk.

`compute(period, district)` returns a `Figures` for the cases opened in the period (the
period's *cohort*), state-wide or for one district, as the database knows them at the
moment of the call. The queries are a constant number whatever the period's length (six:
cases, outcomes, alerts, dispatch tasks, on-scene moments, follow-up checks); each reads
narrow rows and one pass in Python adds them up. What each figure means: docs/reports.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Cast

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases.models import Case, Outcome, OutcomeCode, Task, TaskKind
from jeevanrekha.intake.models import RawAlert, RawAlertStatus
from jeevanrekha.reports import followups
from jeevanrekha.reports.periods import Period
from jeevanrekha.reports.stats import Spread, spread

# Outcomes in which this desk did not bring the person to safety (false alarms are not
# failures: nobody was at risk; "forwarded" is counted apart, another state's desk took it).
FAILED = (OutcomeCode.NOT_FOUND, OutcomeCode.UNREACHABLE, OutcomeCode.DECEASED)
DISPATCH_KINDS = (TaskKind.POLICE_STATION, TaskKind.VEHICLE_112)
NOT_LOCATED = ""  # the district key of cases never located


@dataclass(frozen=True)
class DistrictRow:
    """One district's cases and lives saved (the map and its table)."""

    district: str
    cases: int
    saved: int


@dataclass(frozen=True)
class Figures:
    """A report: the period, its scope and every figure (counts are whole numbers,
    response times minutes)."""

    period: Period
    district: str  # "" for state-wide
    generated_at: datetime
    alerts: int
    alerts_by_channel: dict[str, int]
    alerts_by_platform: dict[str, int]
    cases_opened: int
    cases_by_state: dict[str, int]
    outcomes: dict[str, int]
    lives_saved: int
    failed: int
    no_outcome_yet: int
    failure_reasons: dict[str, int]
    alert_to_dispatch: Spread
    dispatch_to_scene: Spread
    alert_to_scene: Spread
    followup: followups.Adherence
    repeat_cases: int
    repeat_subjects: int
    by_district: list[DistrictRow] = field(default_factory=list)

    @property
    def scope_label(self) -> str:
        return self.district or "state-wide"


def cohort(period: Period, district: str) -> QuerySet[Case]:
    """The cases a report counts: opened in the period (IST days), in the district if given."""
    cases = Case.objects.filter(opened_at__gte=period.start, opened_at__lt=period.end)
    return cases.filter(district__iexact=district) if district else cases


def compute(period: Period, district: str, *, now: datetime) -> Figures:
    """All the figures of one report (six queries)."""
    cases = cohort(period, district)
    rows = _case_rows(cases)
    outcomes = list(
        Outcome.objects.filter(case__in=cases).values_list("case_id", "code", "reason_codes")
    )
    channel, platform = _alerts(period, district)
    times = _response_times(cases, {r[0]: r[4] for r in rows})
    by_code = Counter(code for _, code, _ in outcomes)
    return Figures(
        period=period,
        district=district,
        generated_at=now,
        alerts=sum(channel.values()),
        alerts_by_channel=channel,
        alerts_by_platform=platform,
        cases_opened=len(rows),
        cases_by_state=_sorted(Counter(r[1] for r in rows)),
        outcomes=_sorted(by_code),
        lives_saved=by_code[OutcomeCode.SAVED],
        failed=sum(by_code[c] for c in FAILED),
        no_outcome_yet=len(rows) - len(outcomes),
        failure_reasons=_reasons(outcomes),
        alert_to_dispatch=times[0],
        dispatch_to_scene=times[1],
        alert_to_scene=times[2],
        followup=followups.adherence(period, district, now=now),
        repeat_cases=sum(1 for r in rows if r[5]),
        repeat_subjects=_repeat_subjects(rows),
        by_district=_by_district(rows, outcomes),
    )


def _case_rows(cases: QuerySet[Case]) -> list[tuple[int, str, str, int | None, datetime, bool]]:
    """(id, state, district, subject, opened_at, is a repeat) of each case of the cohort.

    A repeat is a case whose person had a case opened before it (at any time, in any
    district): the subject's identifiers linked them at intake.
    """
    before = Case.objects.filter(subject_id=OuterRef("subject_id")).filter(
        Q(opened_at__lt=OuterRef("opened_at"))
        | Q(opened_at=OuterRef("opened_at"), id__lt=OuterRef("id"))
    )
    return list(
        cases.annotate(earlier=Exists(before)).values_list(
            "id", "state", "district", "subject_id", "opened_at", "earlier"
        )
    )


def _alerts(period: Period, district: str) -> tuple[dict[str, int], dict[str, int]]:
    """Alerts received in the period, by intake channel and by platform.

    Counted from the raw alert that created each (status accepted): retries of an alert
    already received are duplicates and do not count twice.
    """
    raws = RawAlert.objects.filter(
        status=RawAlertStatus.ACCEPTED,
        alert__received_at__gte=period.start,
        alert__received_at__lt=period.end,
    )
    if district:
        raws = raws.filter(alert__case__district__iexact=district)
    channel: Counter[str] = Counter()
    platform: Counter[str] = Counter()
    for row in raws.values("channel", "alert__platform").annotate(n=Count("id")):
        channel[row["channel"]] += row["n"]
        platform[row["alert__platform"] or "unknown"] += row["n"]
    return _sorted(channel), _sorted(platform)


def _response_times(cases: QuerySet[Case], opened: dict[int, datetime]) -> list[Spread]:
    """alert → dispatch, dispatch → on scene, alert → on scene (minutes), over the cohort.

    Dispatch: the first police-station or 112-vehicle task of the case (the moment the
    police were asked). On scene: the first `case_arrived` event of the case, or the first
    "on scene" report on one of those tasks, whichever came first.
    """
    tasks = Task.objects.filter(case__in=cases, kind__in=DISPATCH_KINDS)
    case_of: dict[int, int] = {}
    dispatched: dict[int, datetime] = {}
    for task_id, case_id, created in tasks.values_list("id", "case_id", "created_at"):
        case_of[task_id] = case_id
        if case_id not in dispatched or created < dispatched[case_id]:
            dispatched[case_id] = created
    arrived = _on_scene(cases, tasks, case_of)
    to_dispatch = [_minutes(opened[c], t) for c, t in dispatched.items()]
    to_scene = [_minutes(dispatched[c], t) for c, t in arrived.items() if c in dispatched]
    whole = [_minutes(opened[c], t) for c, t in arrived.items()]
    return [spread(to_dispatch), spread(to_scene), spread(whole)]


def _on_scene(
    cases: QuerySet[Case], tasks: QuerySet[Task], case_of: dict[int, int]
) -> dict[int, datetime]:
    """The first on-scene moment of each case that had one (one query on the audit trail)."""
    as_text = Cast("id", CharField())
    events = AuditEvent.objects.filter(
        Q(
            action="case_arrived",
            object_type="case",
            object_id__in=cases.annotate(key=as_text).values("key"),
        )
        | Q(
            action="task_reported",
            object_type="task",
            object_id__in=tasks.annotate(key=as_text).values("key"),
            after__report="on_scene",
        )
    )
    first: dict[int, datetime] = {}
    for kind, object_id, at in events.values_list("object_type", "object_id", "at"):
        case_id = int(object_id) if kind == "case" else case_of.get(int(object_id))
        if case_id is not None and (case_id not in first or at < first[case_id]):
            first[case_id] = at
    return first


def _minutes(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / 60)


def _reasons(outcomes: list[tuple[int, str, object]]) -> dict[str, int]:
    """How often each reason code was given on a failed or forwarded outcome ("none given"
    for one without a code). A case with two reasons counts once under each."""
    counted: Counter[str] = Counter()
    for _, code, reasons in outcomes:
        if code in FAILED or code == OutcomeCode.FORWARDED:
            given = [r for r in reasons if isinstance(r, str)] if isinstance(reasons, list) else []
            counted.update(set(given) or {"none_given"})
    return _sorted(counted)


def _repeat_subjects(rows: list[tuple[int, str, str, int | None, datetime, bool]]) -> int:
    """People with more than one case opened in the period."""
    per_subject = Counter(r[3] for r in rows if r[3] is not None)
    return sum(1 for n in per_subject.values() if n > 1)


def _by_district(
    rows: list[tuple[int, str, str, int | None, datetime, bool]],
    outcomes: list[tuple[int, str, object]],
) -> list[DistrictRow]:
    saved_ids = {case_id for case_id, code, _ in outcomes if code == OutcomeCode.SAVED}
    cases: Counter[str] = Counter()
    saved: Counter[str] = Counter()
    for case_id, _, district, *_ in rows:
        cases[district or NOT_LOCATED] += 1
        saved[district or NOT_LOCATED] += case_id in saved_ids
    return [DistrictRow(d, n, saved[d]) for d, n in sorted(cases.items(), key=_by_count)]


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return (-item[1], item[0])


def _sorted(counts: Counter[str]) -> dict[str, int]:
    """Largest first, then by name: the order tables and charts show."""
    return dict(sorted(counts.items(), key=_by_count))
