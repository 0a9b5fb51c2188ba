"""The desk's work on quarantined raw alerts: re-parse after a fix, or make a case by hand.

A raw alert is quarantined when it did not pass the checks (bad JSON, a missing signature,
an unknown sender, ...), or `failed` when processing broke. Nothing is lost: the raw alert
keeps what arrived. A desk user can ask for it to be processed again (after a parser fix,
or a source's key was corrected), or read it and type the alert in by hand. Both are
`do_*` actions, audited under the user's name.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from jeevanrekha.audit import chain as audit
from jeevanrekha.db.rows import one_cursor
from jeevanrekha.intake.actions import Outcome, settle_stored
from jeevanrekha.intake.checks import Checks
from jeevanrekha.intake.models import RawAlert, RawAlertStatus
from jeevanrekha.intake.sources.api.parse import AlertIn

WAITING = (RawAlertStatus.QUARANTINED, RawAlertStatus.FAILED)


class NotInQuarantine(Exception):
    """The raw alert is not waiting in quarantine (it was accepted meanwhile)."""


def checks_for(raw: RawAlert) -> Checks:
    """A signed channel's signature must still match; its age no longer matters."""
    return Checks(authenticate=raw.channel == "api", check_window=False)


def _waiting(raw_id: int) -> RawAlert:
    raw = RawAlert.objects.select_for_update().get(pk=raw_id)
    if raw.status not in WAITING:
        raise NotInQuarantine(f"raw alert {raw_id} is {raw.status}")
    return raw


def do_reparse_raw_alert(raw_id: int, *, actor: str, at: datetime) -> Outcome:
    """Run a quarantined raw alert through the checks again (after a parser fix)."""
    with transaction.atomic(), one_cursor():
        raw = _waiting(raw_id)
        audit.append(
            at=at,
            actor=actor,
            action="raw_alert_reparse",
            object_type="raw_alert",
            object_id=raw.pk,
            before={"status": raw.status, "error_code": raw.error_code},
        )
        return settle_stored(raw, checks_for(raw), at, by=actor)


def do_case_from_raw_alert(raw_id: int, alert: AlertIn, *, actor: str, at: datetime) -> Outcome:
    """Accept a quarantined raw alert as the alert a desk user read from it and typed in."""
    with transaction.atomic(), one_cursor():
        raw = _waiting(raw_id)
        audit.append(
            at=at,
            actor=actor,
            action="raw_alert_entered_by_hand",
            object_type="raw_alert",
            object_id=raw.pk,
            before={"status": raw.status, "error_code": raw.error_code},
        )
        return settle_stored(raw, checks_for(raw), at, by=actor, given=alert)


def do_note_raw_alert_viewed(raw_id: int, *, actor: str, at: datetime) -> None:
    """Who read a raw alert (it holds personal data before any redaction): audited."""
    with transaction.atomic():
        audit.append(
            at=at, actor=actor, action="raw_alert_viewed", object_type="raw_alert", object_id=raw_id
        )
