"""How urgent: the risk model's view of a case's alerts written onto the case (an action).

The case takes the highest level of its alerts and is imminent if any alert is; its queue
priority follows (core/priority.py). Each alert keeps the model's view (level, score, cues)
so the desk sees why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.outbox import emit_many
from jeevanrekha.cases.actions import case_priority
from jeevanrekha.cases.models import Case
from jeevanrekha.db.rows import update_rows
from jeevanrekha.intake.models import Alert

_FIELDS = ("risk_level", "imminent", "priority")


@dataclass(frozen=True)
class AlertRisk:
    """The model's view of one alert's post."""

    alert_id: int
    level: int
    score: float
    imminent: bool
    view: dict[str, Any]  # level, score, imminent, lang, cues, model — as the desk shows it


def do_set_case_risk(case_id: int, risks: list[AlertRisk], *, actor: str, at: datetime) -> bool:
    """Write the alerts' risk and the case's; True when the case's level or imminence changed."""
    return case_id in do_set_cases_risk({case_id: risks}, actor=actor, at=at)


def do_set_cases_risk(
    risks_by_case: dict[int, list[AlertRisk]], *, actor: str, at: datetime
) -> set[int]:
    """The same for many cases in one transaction (the risk stage's batch); the changed ids.

    Cases are locked in id order (two batches that share a case cannot deadlock) and the
    audit chain's lock is taken last, just before the commit (audit/chain.py).
    """
    wanted = sorted(case_id for case_id, risks in risks_by_case.items() if risks)
    if not wanted:
        return set()
    with transaction.atomic():
        cases = list(Case.objects.select_for_update().filter(pk__in=wanted).order_by("pk"))
        alerts = [(r.alert_id, r.view) for case in cases for r in risks_by_case[case.pk]]
        update_rows(Alert, ["risk"], alerts)
        entries: list[audit.Entry] = []
        events: list[tuple[str, str, dict[str, Any]]] = []
        changed = [c for c in cases if _assess(c, risks_by_case[c.pk], actor, at, entries, events)]
        update_rows(Case, _FIELDS, [(c.pk, c.risk_level, c.imminent, c.priority) for c in changed])
        audit.append_many(entries)
        emit_many(events, at=at)
        return {case.pk for case in changed}


def _assess(
    case: Case,
    risks: list[AlertRisk],
    actor: str,
    at: datetime,
    entries: list[audit.Entry],
    events: list[tuple[str, str, dict[str, Any]]],
) -> bool:
    """Raise the case's level and imminence to its alerts'; its audit entry and event."""
    levels = [r.level for r in risks] + ([case.risk_level] if case.risk_level is not None else [])
    level, imminent = max(levels), case.imminent or any(r.imminent for r in risks)
    if (level, imminent) == (case.risk_level, case.imminent):
        return False
    before = {"risk_level": case.risk_level, "imminent": case.imminent, "priority": case.priority}
    case.risk_level, case.imminent = level, imminent
    case.priority = case_priority(case, at)
    after = {"risk_level": level, "imminent": imminent, "priority": case.priority}
    entries.append(
        audit.Entry(
            at,
            actor,
            "case_risk_assessed",
            "case",
            case.pk,
            before,
            {**after, "alerts": [r.alert_id for r in risks]},
        )
    )
    events.append(("case_risk_assessed", str(case.pk), {"case_id": case.pk, **after}))
    return True
