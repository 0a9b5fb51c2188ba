"""Intake actions: store what arrived, then accept it into a case or quarantine it.

`do_receive_raw_alert` commits the verbatim request on its own, before any parsing, so a
crash or a bug further on can never lose it. `do_accept_alert` then creates (or, for a
retry, finds) the alert and its case in a second transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.outbox import emit
from jeevanrekha.cases.actions import open_case_in_transaction
from jeevanrekha.cases.subjects import find_or_create_subject, identifiers_for
from jeevanrekha.intake.models import Alert, IntakeSource, RawAlert, RawAlertStatus
from jeevanrekha.intake.sources.api.parse import AlertIn

# How much of an oversized body is kept, for the desk to see what it was.
OVERSIZE_KEEP_BYTES = 64 * 1024


@dataclass(frozen=True)
class Accepted:
    """What became of an accepted raw alert: its alert and case, and whether it was a retry."""

    alert_id: int
    case_id: int
    duplicate: bool


def do_receive_raw_alert(
    *,
    channel: str,
    source_name: str,
    headers: dict[str, str],
    body: bytes,
    body_size: int,
    remote_addr: str | None,
    request_id: str,
    at: datetime,
) -> RawAlert:
    """Store exactly what arrived and commit it, before anything looks inside.

    `body` is all of it, except for an oversized request, where the caller passes only the
    first OVERSIZE_KEEP_BYTES and `body_size` says how large it really was.
    """
    with transaction.atomic():
        return RawAlert.objects.create(
            channel=channel,
            source_name=source_name[:60],
            received_at=at,
            remote_addr=remote_addr,
            headers=headers,
            body=body,
            body_size=body_size,
            body_truncated=body_size > len(body),
            body_sha256=hashlib.sha256(body).hexdigest(),
            request_id=request_id,
        )


def do_quarantine_raw_alert(
    raw_id: int, code: str, errors: list[dict[str, Any]], *, actor: str, at: datetime
) -> None:
    """Keep a raw alert that failed a check, flagged with why, for the desk to see."""
    with transaction.atomic():
        RawAlert.objects.filter(pk=raw_id).update(
            status=RawAlertStatus.QUARANTINED, error_code=code, errors=errors, processed_at=at
        )
        audit.append(
            at=at,
            actor=actor,
            action="raw_alert_quarantined",
            object_type="raw_alert",
            object_id=raw_id,
            after={"error_code": code},
        )
        emit("raw_alert_quarantined", {"raw_alert_id": raw_id, "error_code": code}, at=at)


def do_mark_raw_alert_failed(raw_id: int, error: str, *, at: datetime) -> None:
    """An unexpected error while processing: keep the raw as `failed` for a retry."""
    with transaction.atomic():
        RawAlert.objects.filter(pk=raw_id).update(
            status=RawAlertStatus.FAILED,
            error_code="processing_failed",
            errors=[{"loc": [], "msg": error[:2000]}],
            processed_at=at,
        )


def idempotency_key(source: str, alert: AlertIn, raw_sha256: str) -> str:
    """The platform's own alert id when it gives one, else a hash of the body."""
    if alert.source_alert_id:
        return f"{source}:id:{alert.source_alert_id}"
    return f"{source}:sha256:{raw_sha256}"


def _lock_key(key: str) -> None:
    # SQLite's IMMEDIATE transaction already serialises writers; PostgreSQL needs a lock so
    # that two concurrent retries of one alert cannot both decide it is new.
    if connection.vendor == "postgresql":
        number = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def do_accept_alert(raw: RawAlert, alert_in: AlertIn, *, actor: str, at: datetime) -> Accepted:
    """Turn a checked raw alert into an Alert and a new Case, or find the earlier one."""
    key = idempotency_key(alert_in.source, alert_in, raw.body_sha256)
    for attempt in range(2):
        try:
            with transaction.atomic():
                _lock_key(key)
                earlier = (
                    Alert.objects.filter(idempotency_key=key).values_list("pk", "case_id").first()
                )
                if earlier:
                    return _mark_duplicate(raw, key, earlier[0], earlier[1], actor=actor, at=at)
                return _create_alert_and_case(raw, alert_in, key, actor=actor, at=at)
        except IntegrityError:
            # Only possible without the advisory lock's protection; the retry finds the winner.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _mark_duplicate(
    raw: RawAlert, key: str, alert_id: int, case_id: int, *, actor: str, at: datetime
) -> Accepted:
    RawAlert.objects.filter(pk=raw.pk).update(
        status=RawAlertStatus.DUPLICATE, idempotency_key=key, alert_id=alert_id, processed_at=at
    )
    audit.append(
        at=at,
        actor=actor,
        action="raw_alert_duplicate",
        object_type="raw_alert",
        object_id=raw.pk,
        after={"alert_id": alert_id, "case_id": case_id},
    )
    return Accepted(alert_id=alert_id, case_id=case_id, duplicate=True)


def _create_alert_and_case(
    raw: RawAlert, a: AlertIn, key: str, *, actor: str, at: datetime
) -> Accepted:
    ids = identifiers_for(
        platform=a.platform,
        handle=a.account.handle,
        phone=a.evidence.phone,
        profile_url=a.account.profile_url,
    )
    subject = find_or_create_subject(ids, a.account.name or a.account.handle, at)
    case = open_case_in_transaction(
        subject=subject, post_created_at=a.post.created_at, at=at, actor=actor
    )
    alert = Alert.objects.create(
        idempotency_key=key,
        source=a.source,
        source_alert_id=a.source_alert_id or "",
        platform=a.platform,
        received_at=raw.received_at,
        reported_at=a.received_at,
        post_url=a.post.url or "",
        post_text=a.post.text,
        post_created_at=a.post.created_at,
        post_media=[m.model_dump(mode="json") for m in a.post.media],
        account_handle=a.account.handle,
        account_name=a.account.name,
        profile_url=a.account.profile_url or "",
        evidence=a.evidence.model_dump(mode="json", exclude_none=True),
        reporter=a.reporter.model_dump(mode="json", exclude_defaults=True),
        case=case,
        subject=subject,
    )
    RawAlert.objects.filter(pk=raw.pk).update(
        status=RawAlertStatus.ACCEPTED, idempotency_key=key, alert_id=alert.pk, processed_at=at
    )
    after = {
        "case_id": case.pk,
        "alert_id": alert.pk,
        "raw_alert_id": raw.pk,
        "priority": case.priority,
        "platform": a.platform,
    }
    audit.append(
        at=at,
        actor=actor,
        action="case_opened",
        object_type="case",
        object_id=case.pk,
        after=after,
    )
    emit("case_opened", after, at=at, key=str(case.pk))
    return Accepted(alert_id=alert.pk, case_id=case.pk, duplicate=False)


def do_save_source(name: str, secret: str, platform: str, *, actor: str) -> IntakeSource:
    """Create or re-key an intake source; audited (the secret itself is not)."""
    with transaction.atomic():
        source, created = IntakeSource.objects.update_or_create(
            name=name, defaults={"secret": secret, "platform": platform, "active": True}
        )
        audit.append(
            at=timezone.now(),
            actor=actor,
            action="source_added" if created else "source_rekeyed",
            object_type="intake_source",
            object_id=source.pk,
            after={"name": name},
        )
        return source
