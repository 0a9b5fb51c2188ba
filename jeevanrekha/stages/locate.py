"""The locate stage: when a case opens or gets another alert, resolve where the person is
from all its alerts' evidence, and write it onto the case (cases/locating.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jeevanrekha.bus.consumers import Stage
from jeevanrekha.bus.relay import Event
from jeevanrekha.cases.locating import CaseLocation, do_set_case_location
from jeevanrekha.intake.models import Alert

POST_TEXT_LIMIT = 2000


def evidence_of_case(case_id: int) -> dict[str, Any]:
    """All the case's alerts' evidence as one: the latest of each kind, every post's text."""
    merged: dict[str, Any] = {}
    texts: list[str] = []
    alerts = Alert.objects.filter(case_id=case_id).order_by("received_at", "id")
    for alert in alerts.only("evidence", "post_text", "received_at"):
        evidence = alert.evidence if isinstance(alert.evidence, dict) else {}
        texts.append(str(evidence.get("post_text") or alert.post_text or ""))
        for kind in ("profile_location", "address", "phone", "ip", "tower"):
            if evidence.get(kind):
                merged[kind] = evidence[kind]  # a later alert's evidence is fresher
    joined = "\n".join(t for t in texts if t)
    if joined:
        merged["post_text"] = joined[-POST_TEXT_LIMIT:]
    return merged


def locate_case(case_id: int, *, actor: str = "stage:locate") -> bool:
    """Resolve and write the case's location; True when its jurisdiction changed."""
    from jeevanrekha.geo import conf
    from jeevanrekha.geo.fusion import resolve

    resolution = resolve(evidence_of_case(case_id), conf.context())
    return do_set_case_location(
        case_id, CaseLocation.of(resolution), actor=actor, at=timezone.now(), source="alerts"
    )


def handle(event: Event) -> None:
    payload = event.payload if isinstance(event.payload, dict) else {}
    case_id = payload.get("case_id")
    if isinstance(case_id, int):
        locate_case(case_id)


STAGE = Stage("locate", frozenset({"case_opened", "case_alert_added"}), handle)
