"""Forwarding a case to another state: a CAP 1.2 alert and an EIDO-style document, both
checked before they leave, sent to that state's configured contacts as an other_state task
(its ladder chases them until they acknowledge)."""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction

from jeevanrekha.audit import chain as audit
from jeevanrekha.cases.models import Case, Task, TaskKind
from jeevanrekha.core.lifecycle import CaseCommand
from jeevanrekha.dispatch.actions import do_open_task
from jeevanrekha.dispatch.dispatching import NotReady, _apply, case_point, home_state
from jeevanrekha.dispatch.forwarding import cap, cap_xsd, eido

log = logging.getLogger(__name__)


def handover_for(case: Case, at: datetime, number: int) -> cap.Handover:
    """The handover facts of a case (its latest fix gives the point)."""
    point = case_point(case)
    return cap.Handover(
        identifier=f"{case.reference}-H{number}",
        case_reference=case.reference,
        sender=settings.DISPATCH_CAP_SENDER,
        sender_name="Uttar Pradesh Police Social Media Centre (Jeevan Rekha desk)",
        sent=at,
        to_state=case.state_name,
        district=case.district,
        station=case.police_station,
        lat=point.lat if point else None,
        lon=point.lon if point else None,
        radius_m=point.radius_m if point else None,
        risk_level=case.risk_level,
        imminent=case.imminent or (case.risk_level or 0) >= 4,
        confidence=case.location_confidence or 0.0,
        contact=settings.DISPATCH_MAIL_FROM,
    )


def documents(handover: cap.Handover) -> tuple[bytes, bytes]:
    """(CAP XML, EIDO JSON), both checked; ValueError when one is not valid."""
    xml = cap.build(handover)
    try:
        cap.validate(xml, cap_xsd.ensure())
    except cap.InvalidCap:
        raise
    except Exception as exc:  # no schema at hand (no registry): the builder is tested
        log.warning("CAP schema unavailable, sending unchecked: %s", exc)
    doc = eido.build(handover, note="Forwarded by the Uttar Pradesh desk; call for details.")
    problems = eido.errors(doc)
    if problems:
        raise ValueError("EIDO document invalid: " + "; ".join(problems))
    return xml, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def do_forward_case(case_id: int, *, actor: str, at: datetime) -> Task:
    """Hand a case located in another state to that state's desk, with acknowledgement."""
    with transaction.atomic(), audit.deferred():
        case = Case.objects.select_for_update().get(pk=case_id)
        if case.needs_review:
            raise NotReady(f"{case.reference}: confirm the review first")
        if not case.state_name or case.state_name == home_state():
            raise NotReady(f"{case.reference} is not located in another state")
        number = case.tasks.filter(kind=TaskKind.OTHER_STATE).count() + 1
        xml, body = documents(handover_for(case, at, number))
        ident = f"{case.reference}-H{number}"
        attachments = [
            {"name": f"{ident}.cap.xml", "type": "application/cap+xml", "text": xml.decode()},
            {"name": f"{ident}.eido.json", "type": "application/json", "text": body.decode()},
        ]
        detail = {
            "identifier": ident,
            "cap_sha256": hashlib.sha256(xml).hexdigest(),
            "eido_sha256": hashlib.sha256(body).hexdigest(),
        }
        task = do_open_task(
            case.pk,
            TaskKind.OTHER_STATE,
            case.state_name,
            actor=actor,
            at=at,
            detail=detail,
            attachments=attachments,
        )
        audit.append(
            at=at,
            actor=actor,
            action="handover_sent",
            object_type="case",
            object_id=case.pk,
            after={"task_id": task.pk, "to_state": case.state_name, **detail},
        )
        _apply(case, CaseCommand.FORWARD, actor, at, to_state=case.state_name)
        return task
