"""Who is told about a task, what they read, and the one-tap link they get (inside actions).

Recipients come from Contact rows: the first scope, from the most to the least specific,
that has contacts for the ladder step's role. When none has, the desk itself gets an in-app
notification saying whom it must call: nothing waits silently because a phone number is
missing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core import signing

from jeevanrekha.cases.models import Case, Task, TaskKind
from jeevanrekha.dispatch import conf
from jeevanrekha.dispatch.models import AckLink, Contact, Notification

LINK_SALT = "jeevanrekha.dispatch.ack-link"
DESK_ROLE = "desk"
KIND_WORDS = {
    TaskKind.POLICE_STATION: "Alert to police station",
    TaskKind.VEHICLE_112: "112 vehicle dispatch",
    TaskKind.TRACE: "Location trace request",
    TaskKind.OTHER_STATE: "Case handed over from Uttar Pradesh",
    TaskKind.COUNSELLOR: "Counselling referral",
}


@dataclass(frozen=True)
class Recipient:
    role: str
    transport: str
    address: str
    scope: str


def scopes_for(task: Task, case: Case) -> list[str]:
    """Contact scopes for a task, most specific first."""
    district, target = case.district, task.target
    by_kind = {
        TaskKind.POLICE_STATION: [f"station:{district}/{target}", f"district:{district}"],
        TaskKind.VEHICLE_112: [f"vehicle:{target}", "agency:up112", f"district:{district}"],
        TaskKind.TRACE: [f"agency:{target}", "agency:stf"],
        TaskKind.OTHER_STATE: [f"state:{target}"],
        TaskKind.COUNSELLOR: [f"agency:{target}", "agency:counselling"],
    }
    return [*by_kind.get(TaskKind(task.kind), []), "default"]


def recipients(task: Task, case: Case, role: str) -> list[Recipient]:
    """Who holds `role` for this task, in the most specific scope that has anyone; the desk
    (in-app) when nobody is configured. One query for all the scopes."""
    scopes = scopes_for(task, case)
    found = Contact.objects.filter(scope__in=scopes, role=role, active=True).order_by("id")
    by_scope: dict[str, list[Recipient]] = {}
    for c in found.only("scope", "transport", "address"):
        by_scope.setdefault(c.scope, []).append(Recipient(role, c.transport, c.address, c.scope))
    for scope in scopes:
        if scope in by_scope:
            return by_scope[scope]
    return [Recipient(DESK_ROLE, "inapp", "desk", f"missing:{role}")]


def link_token(link_id: str) -> str:
    """The signed token in a one-tap URL."""
    return signing.Signer(salt=LINK_SALT).sign(link_id)


def link_id_of(token: str) -> str:
    """The link id in a token; signing.BadSignature when it was not made here."""
    return signing.Signer(salt=LINK_SALT).unsign(token)


def link_url(token: str) -> str:
    return f"{conf.public_base_url()}/t/{token}"


def _text(task: Task, case: Case, role: str, reason: str) -> tuple[str, str]:
    what = KIND_WORDS.get(TaskKind(task.kind), task.kind)
    urgent = "URGENT " if case.imminent or (case.risk_level or 0) >= 4 else ""
    subject = f"{urgent}{case.reference}: {what} - {task.target}"
    if reason == "escalation":
        subject = f"ESCALATED {subject} (not acknowledged)"
    elif reason == "renotify":
        subject = f"REMINDER {subject} (still not acknowledged)"
    elif reason == "remind":
        subject = f"FOLLOW-UP {subject} (acknowledged, no result yet)"
    place = ", ".join(p for p in (case.police_station, case.district, case.state_name) if p)
    lines = [
        f"Jeevan Rekha suicide-prevention desk, case {case.reference}.",
        f"Request: {what} ({task.target}). To: {role}.",
        f"Person at risk, risk level {case.risk_level if case.risk_level is not None else '?'}"
        + (" - IMMINENT" if case.imminent else "")
        + ".",
        f"Location: {place or 'being traced'}.",
    ]
    point = task.detail.get("point") if isinstance(task.detail, dict) else None
    if point:
        lines.append(
            f"Point: {point['lat']:.5f},{point['lon']:.5f} (+-{point.get('radius_m', '?')} m)"
        )
    lines.append("Call the desk for the person's details. Acknowledge with the link.")
    return subject, "\n".join(lines)


def fire_key(task: Task, when: str, recipient: Recipient) -> str:
    """The notification's unique key: one message per task, firing and recipient."""
    who = hashlib.sha256(f"{recipient.transport}:{recipient.address}".encode()).hexdigest()[:20]
    return f"{task.pk}:{when}:{recipient.role}:{who}"


def notify(
    task: Task,
    case: Case,
    *,
    step: int,
    role: str,
    reason: str,
    when: str,
    at: datetime,
    attachments: list[dict[str, Any]] | None = None,
) -> list[Notification]:
    """Queue one notification (with its own one-tap link) per recipient of `role`."""
    made = []
    for recipient in recipients(task, case, role):
        subject, body = _text(task, case, role, reason)
        if recipient.role == DESK_ROLE and recipient.scope.startswith("missing:"):
            subject = f"NO CONTACT for {role}: call them yourself. {subject}"
        link_id = secrets.token_urlsafe(12)
        AckLink.objects.create(
            link_id=link_id,
            task=task,
            recipient=f"{recipient.role} {recipient.transport}:{recipient.address}"[:200],
            created_at=at,
            expires_at=at + conf.link_ttl(),
        )
        made.append(
            Notification.objects.create(
                task=task,
                case_id=case.pk,
                fire_key=fire_key(task, when, recipient),
                reason=reason,
                step=step,
                role=recipient.role,
                transport=recipient.transport,
                address=recipient.address,
                subject=subject[:300],
                body=body,
                attachments=attachments or [],
                link_id=link_id,
                created_at=at,
                next_attempt_at=at,
            )
        )
    return made
