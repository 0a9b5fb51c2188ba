"""The risk stage: when a case opens or gets another alert, score the alerts the model has
not seen yet (the watch's arrive scored) and write the result onto the case."""

from __future__ import annotations

from django.utils import timezone

from jeevanrekha.bus.consumers import Stage
from jeevanrekha.bus.relay import Event
from jeevanrekha.cases.assessing import AlertRisk, do_set_case_risk
from jeevanrekha.intake.models import Alert


def assess_case(case_id: int, *, actor: str = "stage:risk") -> bool:
    """Score the case's unscored alerts; True when the case's urgency changed."""
    from jeevanrekha.intake.sources.monitor.scoring import risk_scorer

    alerts = [
        (a.pk, a.post_text)
        for a in Alert.objects.filter(case_id=case_id).only("post_text", "risk")
        if not (isinstance(a.risk, dict) and "level" in a.risk)
    ]
    if not alerts:
        return False
    views = risk_scorer([text or "" for _, text in alerts])
    risks = [
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
        for (alert_id, _), view in zip(alerts, views, strict=True)
    ]
    return do_set_case_risk(case_id, risks, actor=actor, at=timezone.now())


def handle(event: Event) -> None:
    payload = event.payload if isinstance(event.payload, dict) else {}
    case_id = payload.get("case_id")
    if isinstance(case_id, int):
        assess_case(case_id)


STAGE = Stage("risk", frozenset({"case_opened", "case_alert_added"}), handle)
