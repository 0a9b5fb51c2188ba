"""The locate stage: when a case opens or gets another alert, resolve where the person is
from all its alerts' evidence, and write it onto the case (cases/locating.py)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from jeevanrekha.bus.consumers import Stage, case_ids
from jeevanrekha.bus.relay import Event
from jeevanrekha.cases.locating import CaseLocation, do_set_cases_location
from jeevanrekha.intake.models import Alert

POST_TEXT_LIMIT = 2000


def evidence_of_case(case_id: int) -> dict[str, Any]:
    """All the case's alerts' evidence as one: the latest of each kind, every post's text."""
    return evidence_of_cases([case_id]).get(case_id, {})


def evidence_of_cases(case_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The same for many cases, from one query."""
    merged: dict[int, dict[str, Any]] = {}
    texts: dict[int, list[str]] = {}
    alerts = Alert.objects.filter(case_id__in=case_ids).order_by("case_id", "received_at", "id")
    for alert in alerts.only("case_id", "evidence", "post_text", "received_at"):
        case_id = alert.case_id
        assert case_id is not None  # filtered by case
        evidence = alert.evidence if isinstance(alert.evidence, dict) else {}
        texts.setdefault(case_id, []).append(
            str(evidence.get("post_text") or alert.post_text or "")
        )
        into = merged.setdefault(case_id, {})
        for kind in ("profile_location", "address", "phone", "ip", "tower"):
            if evidence.get(kind):
                into[kind] = evidence[kind]  # a later alert's evidence is fresher
    for case_id, parts in texts.items():
        joined = "\n".join(t for t in parts if t)
        if joined:
            merged[case_id]["post_text"] = joined[-POST_TEXT_LIMIT:]
    return merged


def locate_case(case_id: int, *, actor: str = "stage:locate") -> bool:
    """Resolve and write the case's location; True when its jurisdiction changed."""
    return case_id in locate_cases([case_id], actor=actor)


def locate_cases(case_ids: list[int], *, actor: str = "stage:locate") -> set[int]:
    """Resolve and write the cases' locations in one transaction; the ids that moved."""
    from jeevanrekha.geo import conf
    from jeevanrekha.geo.fusion import resolve

    context = conf.context()
    locations = {
        case_id: CaseLocation.of(resolve(evidence, context))
        for case_id, evidence in evidence_of_cases(case_ids).items()
    }
    if not locations:
        return set()
    return do_set_cases_location(locations, actor=actor, at=timezone.now(), source="alerts")


def handle(event: Event) -> None:
    locate_cases(case_ids([event]))


def handle_many(events: list[Event]) -> None:
    locate_cases(case_ids(events))


STAGE = Stage("locate", frozenset({"case_opened", "case_alert_added"}), handle, handle_many)
