"""The risk stage: when a case opens or gets another alert, score the alerts the model has
not seen yet (the watch's arrive scored) and write the result onto the case."""

from __future__ import annotations

from django.utils import timezone

from jeevanrekha.bus.consumers import Stage, case_ids
from jeevanrekha.bus.relay import Event
from jeevanrekha.cases.assessing import AlertRisk, do_set_cases_risk
from jeevanrekha.intake.models import Alert


def assess_case(case_id: int, *, actor: str = "stage:risk") -> bool:
    """Score the case's unscored alerts; True when the case's urgency changed."""
    return case_id in assess_cases([case_id], actor=actor)


def assess_cases(case_ids: list[int], *, actor: str = "stage:risk") -> set[int]:
    """Score the cases' unscored alerts, all at once; the ids whose urgency changed."""
    from jeevanrekha.intake.sources.monitor.scoring import risk_scorer

    alerts = [
        (a.pk, a.case_id, a.post_text)
        for a in Alert.objects.filter(case_id__in=case_ids).only("case_id", "post_text", "risk")
        if not (isinstance(a.risk, dict) and "level" in a.risk)
    ]
    if not alerts:
        return set()
    views = risk_scorer([text or "" for _, _, text in alerts])
    by_case: dict[int, list[AlertRisk]] = {}
    for (alert_id, case_id, _), view in zip(alerts, views, strict=True):
        by_case.setdefault(case_id, []).append(
            AlertRisk(
                alert_id,
                view.level,
                view.score,
                view.imminent,
                {
                    "level": view.level,
                    "score": round(view.score, 4),
                    "imminent": view.imminent,
                    "lang": view.lang,
                    "cues": view.cues[:64],
                    "model": view.model,
                },
            )
        )
    return do_set_cases_risk(by_case, actor=actor, at=timezone.now())


def handle(event: Event) -> None:
    assess_cases(case_ids([event]))


def handle_many(events: list[Event]) -> None:
    assess_cases(case_ids(events))


STAGE = Stage("risk", frozenset({"case_opened", "case_alert_added"}), handle, handle_many)
