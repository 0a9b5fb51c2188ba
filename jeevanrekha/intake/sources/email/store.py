"""Store a received e-mail as a RawAlert (channel "email") through the shared intake action.

Used by both receivers: `jeevanrekha smtpd` (smtpd.py) and `jeevanrekha imap-poll`
(imap.py). The whole message is the raw alert's body, byte for byte; what the transport
knew (envelope sender and recipients, peer, IMAP UID) goes in its headers. A message over
INTAKE_EMAIL_MAX_BYTES is kept cut short (the first 64 KiB) and quarantined as too large.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from ipaddress import ip_address

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jeevanrekha.audit import chain as audit
from jeevanrekha.intake.actions import OVERSIZE_KEEP_BYTES, Arrival, Outcome, do_intake
from jeevanrekha.intake.checks import Checks, max_body_bytes
from jeevanrekha.intake.models import RawAlertStatus
from jeevanrekha.intake.sources.email.parse import domain_of, in_domains

log = logging.getLogger(__name__)

# Mail is not signed like API requests; the sender domain is checked by the parser.
EMAIL_CHECKS = Checks(authenticate=False, check_window=False)
# One audit row per refused sender domain per this many seconds (the log has every one).
REFUSAL_AUDIT_EVERY_S = 600.0
_last_refusal_audit: dict[str, float] = {}


@dataclass(frozen=True)
class Transport:
    """What the receiving side knew about a message, beyond its bytes."""

    via: str  # "smtp" or "imap"
    peer: str = ""
    mail_from: str = ""
    rcpt_to: tuple[str, ...] = ()
    mailbox: str = ""
    uid: str = ""


def header_sender_domain(body: bytes) -> str:
    """The From domain, read cheaply from the headers ("" if unreadable)."""
    try:
        headers = BytesHeaderParser().parsebytes(body[:65536])
        return domain_of(parseaddr(str(headers.get("From", "")))[1])
    except Exception:  # any header the stdlib cannot read: the parser will say why
        return ""


def _remote_addr(peer: str) -> str | None:
    try:
        return str(ip_address(peer))
    except ValueError:
        return None


def arrival_for(body: bytes, transport: Transport) -> Arrival:
    """The Arrival of one message (cut short if it is over the e-mail limit)."""
    domain = domain_of(transport.mail_from) or header_sender_domain(body)
    headers = {"via": transport.via}
    if transport.via == "smtp":
        headers["mail_from"] = transport.mail_from[:300]
        headers["rcpt_to"] = ", ".join(transport.rcpt_to)[:2000]
        headers["rcpt_count"] = str(len(transport.rcpt_to))
        headers["peer"] = transport.peer[:100]
    else:
        headers["mailbox"] = transport.mailbox[:200]
        headers["uid"] = transport.uid[:40]
    keep = body if len(body) <= max_body_bytes("email") else body[:OVERSIZE_KEEP_BYTES]
    return Arrival(
        channel="email",
        source_name=f"email:{domain or '?'}"[:60],
        headers=headers,
        body=keep,
        body_size=len(body),
        remote_addr=_remote_addr(transport.peer),
        request_id=f"{transport.via}-{uuid.uuid4().hex[:24]}",
        received_at=timezone.now(),
    )


def store_message(body: bytes, transport: Transport) -> Outcome:
    """Store one message and accept or quarantine it; returns after the commit."""
    outcome = do_intake([arrival_for(body, transport)], EMAIL_CHECKS)[0]
    refusal = outcome.refusal
    log.info(
        "email via %s: raw alert %s %s%s",
        transport.via,
        outcome.raw_alert_id,
        outcome.status,
        f" ({refusal.code})" if refusal else "",
    )
    return outcome


def describe(outcome: Outcome) -> str:
    """One line for the sender or the operator: what became of the message."""
    raw = f"raw alert #{outcome.raw_alert_id}"
    if outcome.status == RawAlertStatus.ACCEPTED:
        return f"stored as {raw}, case #{outcome.case_id}"
    if outcome.status == RawAlertStatus.DUPLICATE:
        return f"already received: {raw}, case #{outcome.case_id}"
    if outcome.status == RawAlertStatus.FAILED:
        return f"stored as {raw}; processing will be retried"
    code = outcome.refusal.code if outcome.refusal else "?"
    return f"stored as {raw}, quarantined: {code}"


def do_note_refused_sender(mail_from: str, rcpt: str, peer: str) -> None:
    """Audit a refused sender domain (at most once per domain per 10 minutes)."""
    domain = domain_of(mail_from) or "(none)"
    now = time.monotonic()
    last = _last_refusal_audit.get(domain)
    if last is not None and now - last < REFUSAL_AUDIT_EVERY_S:
        return
    _last_refusal_audit[domain] = now
    with transaction.atomic():
        audit.append(
            at=timezone.now(),
            actor="smtpd",
            action="email_sender_refused",
            object_type="email_sender",
            object_id=domain[:100],
            after={"mail_from": mail_from[:300], "rcpt_to": rcpt[:300], "peer": peer[:100]},
        )


def sender_allowed(domain: str) -> bool:
    """Is this sender domain (or a parent domain) configured?"""
    return in_domains(domain.lower(), settings.INTAKE_EMAIL_SENDER_DOMAINS)
