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
from jeevanrekha.bus.outbox import emit
from jeevanrekha.cases.actions import case_priority
from jeevanrekha.cases.models import Case
from jeevanrekha.intake.models import Alert


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
    if not risks:
        return False
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case_id)
        for risk in risks:
            Alert.objects.filter(pk=risk.alert_id, case_id=case_id).update(risk=risk.view)
        levels = [r.level for r in risks] + (
            [case.risk_level] if case.risk_level is not None else []
        )
        level, imminent = max(levels), case.imminent or any(r.imminent for r in risks)
        if (level, imminent) == (case.risk_level, case.imminent):
            return False
        before = {
            "risk_level": case.risk_level,
            "imminent": case.imminent,
            "priority": case.priority,
        }
        case.risk_level, case.imminent = level, imminent
        case.priority = case_priority(case, at)
        case.save(update_fields=["risk_level", "imminent", "priority"])
        after = {"risk_level": level, "imminent": imminent, "priority": case.priority}
        audit.append(
            at=at,
            actor=actor,
            action="case_risk_assessed",
            object_type="case",
            object_id=case.pk,
            before=before,
            after={**after, "alerts": [r.alert_id for r in risks]},
        )
        emit("case_risk_assessed", {"case_id": case.pk, **after}, at=at, key=str(case.pk))
        return True
