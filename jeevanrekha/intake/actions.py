"""Intake actions: store what arrived verbatim, then accept it into a case or quarantine it.

`do_intake` handles a batch of arrivals (one, for a single request; several, when the
group committer in batcher.py gathers concurrent requests) in ONE transaction: it checks and
parses each, creates alerts and cases (or finds the earlier alert of a retry), and stores
every raw alert verbatim with what became of it, with audit rows and outbox events; the
sender is answered only after that commit. If the transaction fails for any reason, nothing
of the batch is lost: each arrival is then stored alone and committed before it is processed
alone (ADR 0001, ADR 0003). The hot path writes rows with `db.rows.insert_rows`.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Field
from django.utils import timezone

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.outbox import emit_many
from jeevanrekha.cases.actions import (
    NewCase,
    cases_of_subjects,
    note_alerts_joined,
    open_cases_in_transaction,
)
from jeevanrekha.cases.subjects import identifiers_for, subjects_for
from jeevanrekha.core.joining import Placement, place_alerts
from jeevanrekha.db.rows import execute, execute_many, insert_rows, one_cursor, select_in
from jeevanrekha.intake.checks import Checks, Refusal, check, forget_sources
from jeevanrekha.intake.models import Alert, IntakeSource, RawAlert, RawAlertStatus
from jeevanrekha.intake.sources.api.parse import AlertIn

log = logging.getLogger(__name__)

# How much of an oversized body is kept, for the desk to see what it was.
OVERSIZE_KEEP_BYTES = 64 * 1024


@dataclass(frozen=True)
class Arrival:
    """A request as it arrived, not yet stored."""

    channel: str
    source_name: str
    headers: dict[str, str]
    body: bytes
    body_size: int
    remote_addr: str | None
    request_id: str
    received_at: datetime

    @property
    def body_truncated(self) -> bool:
        return self.body_size > len(self.body)


@dataclass(frozen=True)
class Outcome:
    """What became of one raw alert."""

    raw_alert_id: int
    status: RawAlertStatus
    refusal: Refusal | None = None
    alert_id: int | None = None
    case_id: int | None = None


@dataclass(eq=False)
class _Settling:
    """Work in progress on one raw alert inside the batch transaction."""

    received: Arrival | RawAlert
    body_sha256: str
    alert_in: AlertIn | None
    refusal: Refusal | None
    raw_id: int = 0  # 0 until the raw alert is stored
    key: str = ""
    alert_id: int | None = None
    case_id: int | None = None
    opened: bool = False  # a new alert (not a retry of one received before)
    placement: Placement | None = None  # the case it opened or joined

    @property
    def status(self) -> RawAlertStatus:
        if self.refusal:
            return RawAlertStatus.QUARANTINED
        return RawAlertStatus.ACCEPTED if self.opened else RawAlertStatus.DUPLICATE


def raw_alert_from(arrival: Arrival) -> RawAlert:
    """The RawAlert row for an arrival (an oversized body arrives already cut short)."""
    return RawAlert(
        channel=arrival.channel,
        source_name=arrival.source_name[:60],
        received_at=arrival.received_at,
        remote_addr=arrival.remote_addr,
        headers=arrival.headers,
        body=arrival.body,
        body_size=arrival.body_size,
        body_truncated=arrival.body_size > len(arrival.body),
        body_sha256=_sha256(arrival.body),
        request_id=arrival.request_id,
    )


def do_intake(arrivals: list[Arrival], checks: Checks) -> list[Outcome]:
    """Store, check and accept a batch of arrivals; never loses one, whatever fails."""
    try:
        with transaction.atomic(), one_cursor():
            return _settle(arrivals, checks, timezone.now())
    except Exception:
        log.exception(
            "intake: a batch of %d failed; storing and processing one by one", len(arrivals)
        )
    return [_intake_alone(arrival, checks) for arrival in arrivals]


def _intake_alone(arrival: Arrival, checks: Checks) -> Outcome:
    with transaction.atomic():
        raw = RawAlert.objects.create(**_fields(raw_alert_from(arrival)))
    return do_process_stored([raw], checks)[0]


def _fields(raw: RawAlert) -> dict[str, Any]:
    return {
        f.attname: getattr(raw, f.attname)
        for f in RawAlert._meta.concrete_fields
        if not f.primary_key
    }


def do_process_stored(raws: list[RawAlert], checks: Checks) -> list[Outcome]:
    """Process raw alerts already committed (a retry, or the one-by-one fallback)."""
    outcomes = []
    for raw in raws:
        try:
            with transaction.atomic(), one_cursor():
                outcomes.append(_settle([raw], checks, timezone.now())[0])
        except Exception as exc:
            log.exception("intake: processing raw alert %s failed", raw.pk)
            outcomes.append(do_mark_raw_alert_failed(raw.pk, repr(exc), at=timezone.now()))
    return outcomes


def do_mark_raw_alert_failed(raw_id: int, error: str, *, at: datetime) -> Outcome:
    """An unexpected error while processing: keep the raw alert as `failed` for a retry."""
    errors = [{"loc": [], "msg": error[:2000]}]
    with transaction.atomic():
        RawAlert.objects.filter(pk=raw_id).update(
            status=RawAlertStatus.FAILED,
            error_code="processing_failed",
            errors=errors,
            processed_at=at,
        )
    return Outcome(raw_id, RawAlertStatus.FAILED, Refusal(503, "processing_failed", errors))


def idempotency_key(alert: AlertIn, raw_sha256: str) -> str:
    """The platform's own alert id when it gives one, else a hash of the body."""
    if alert.source_alert_id:
        return f"{alert.source}:id:{alert.source_alert_id}"
    return f"{alert.source}:sha256:{raw_sha256}"


def settle_stored(
    raw: RawAlert, checks: Checks, now: datetime, *, by: str, given: AlertIn | None = None
) -> Outcome:
    """Inside a desk user's action (quarantine.py): process a stored raw alert again, or
    accept it as the alert `given` by that user; audited as theirs."""
    return _settle([raw], checks, now, by=by, given=given)[0]


def _settle(
    received: list[Arrival] | list[RawAlert],
    checks: Checks,
    now: datetime,
    *,
    by: str = "",
    given: AlertIn | None = None,
) -> list[Outcome]:
    """Inside the transaction: check each raw alert, accept or quarantine it, audit, publish.

    Arrivals are stored here, with what became of them; raw alerts stored earlier (a retry,
    or the one-by-one fallback) get their processing fields updated.
    """
    items = []
    for one in received:
        sha256 = one.body_sha256 if isinstance(one, RawAlert) else _sha256(one.body)
        verdict = given if given is not None else check(one, checks, now)
        if isinstance(verdict, Refusal):
            items.append(_Settling(one, sha256, None, verdict))
        else:
            items.append(_Settling(one, sha256, verdict, None))
    _accept([i for i in items if i.alert_in], now)
    new = [i for i in items if isinstance(i.received, Arrival)]
    ids = insert_rows(RawAlert, _RAW_COLUMNS, [_raw_row(i, now) for i in new])
    for item, raw_id in zip(new, ids, strict=True):
        item.raw_id = raw_id
    stored = [i for i in items if isinstance(i.received, RawAlert)]
    for item in stored:
        raw = item.received
        assert isinstance(raw, RawAlert)
        item.raw_id = raw.pk
        raw.status, raw.idempotency_key = item.status, item.key
        raw.alert_id, raw.processed_at = item.alert_id, now
        raw.error_code = item.refusal.code if item.refusal else ""
        raw.errors = item.refusal.errors if item.refusal else []
    _save_processing_fields([i.received for i in stored])  # type: ignore[misc]
    _record(items, now, by)
    return [Outcome(i.raw_id, i.status, i.refusal, i.alert_id, i.case_id) for i in items]


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


_RAW_COLUMNS = (
    "channel",
    "source_name",
    "received_at",
    "remote_addr",
    "headers",
    "body",
    "body_size",
    "body_truncated",
    "body_sha256",
    "request_id",
    "status",
    "idempotency_key",
    "error_code",
    "errors",
    "processed_at",
    "alert_id",
)


def _raw_row(item: _Settling, now: datetime) -> tuple[Any, ...]:
    """The RawAlert row of an arrival: as received, and what became of it."""
    a = item.received
    assert isinstance(a, Arrival)
    refusal = item.refusal
    return (
        a.channel,
        a.source_name[:60],
        a.received_at,
        a.remote_addr,
        a.headers,
        a.body,
        a.body_size,
        a.body_truncated,
        item.body_sha256,
        a.request_id,
        item.status,
        item.key,
        refusal.code if refusal else "",
        refusal.errors if refusal else [],
        now,
        item.alert_id,
    )


_PROCESSING_FIELDS = ("status", "idempotency_key", "alert", "processed_at", "error_code", "errors")


def _save_processing_fields(raws: list[RawAlert]) -> None:
    """Write what became of each raw alert: one prepared UPDATE, executed for the batch.

    (Django's bulk_update builds a CASE expression per field and row; at intake rates its
    query building cost more than the rest of the batch together.)
    """
    if not raws:
        return
    fields = [RawAlert._meta.get_field(name) for name in _PROCESSING_FIELDS]
    assert all(isinstance(f, Field) for f in fields)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in fields)  # type: ignore[union-attr]
    sql = f"UPDATE {quote(RawAlert._meta.db_table)} SET {assignments} WHERE id = %s"
    rows = [
        [f.get_db_prep_save(getattr(raw, f.attname), connection) for f in fields]  # type: ignore[union-attr]
        + [raw.pk]
        for raw in raws
    ]
    execute_many(sql, rows)


def _lock_keys(keys: list[str]) -> None:
    # SQLite's IMMEDIATE transaction already serialises writers. On PostgreSQL, lock the
    # keys (in one order, so two batches cannot deadlock) so that concurrent retries of one
    # alert cannot both decide it is new.
    if connection.vendor != "postgresql" or not keys:
        return
    numbers = sorted(
        {int.from_bytes(hashlib.sha256(k.encode()).digest()[:8], "big", signed=True) for k in keys}
    )
    execute(
        "SELECT pg_advisory_xact_lock(k) FROM (SELECT unnest(%s::bigint[]) AS k ORDER BY k) AS k",
        [numbers],
    )


_EARLIER_ALERTS = (
    f"SELECT idempotency_key, id, case_id FROM {Alert._meta.db_table} WHERE idempotency_key {{}}"
)


def _accept(items: list[_Settling], now: datetime) -> None:
    """Create alerts and cases for new keys; point retries at the earlier alert."""
    for item in items:
        assert item.alert_in is not None
        item.key = idempotency_key(item.alert_in, item.body_sha256)
    _lock_keys([i.key for i in items])
    earlier = select_in(_EARLIER_ALERTS, [i.key for i in items])
    known = {key: (a, c) for key, a, c in earlier}
    new: list[_Settling] = []
    for item in items:
        if item.key not in known:
            known[item.key] = (0, 0)  # claimed by this item; later ones in the batch are retries
            item.opened = True
            new.append(item)
    _create_alerts(new, now, known)
    for item in items:
        item.alert_id, item.case_id = known[item.key]


def _create_alerts(new: list[_Settling], now: datetime, known: dict[str, tuple[int, int]]) -> None:
    """Insert the new alerts: each joins its subject's active case, or opens a case."""
    pairs = [(item, item.alert_in) for item in new if item.alert_in is not None]
    wanted = [
        (
            identifiers_for(
                platform=a.platform,
                handle=a.account.handle,
                phone=a.evidence.phone,
                profile_url=a.account.profile_url,
                email=a.account.email,
                post_url=a.post.url,
            ),
            a.account.name or a.account.handle,
        )
        for _, a in pairs
    ]
    subjects, existing = subjects_for(wanted, now)
    placements = place_alerts(
        subjects,
        cases_of_subjects(existing),
        window=timedelta(hours=settings.CASE_JOIN_WINDOW_HOURS),
        now=now,
    )
    opening = [
        _new_case(item, a, subject, p.repeat)
        for subject, (item, a), p in zip(subjects, pairs, placements, strict=True)
        if p.opens
    ]
    opened = open_cases_in_transaction(opening, at=now)
    case_ids = [p.join if p.join is not None else opened[p.new or 0] for p in placements]
    note_alerts_joined({p.join for p in placements if p.join is not None}, at=now)
    alerts = insert_rows(
        Alert,
        _ALERT_COLUMNS,
        [
            _alert_row(item, a, case_id, subject_id)
            for (item, a), case_id, subject_id in zip(pairs, case_ids, subjects, strict=True)
        ],
    )
    for (item, _), alert_id, case_id, p in zip(pairs, alerts, case_ids, placements, strict=True):
        known[item.key] = (alert_id, case_id)
        item.placement = p


# Channels whose risk block is the desk's own model's (the watch over public posts); on any
# other channel a `risk` block is the sender's claim: kept, but it sets nothing.
OWN_RISK_CHANNELS = frozenset({"monitor"})


def _own_risk(item: _Settling, a: AlertIn) -> dict[str, Any]:
    if a.risk is None or item.received.channel not in OWN_RISK_CHANNELS:
        return {}
    return a.risk.model_dump(mode="json")


def _new_case(item: _Settling, a: AlertIn, subject: int | None, repeat: bool) -> NewCase:
    risk = _own_risk(item, a)
    return NewCase(
        subject_id=subject,
        post_created_at=a.post.created_at,
        repeat=repeat,
        risk_level=risk.get("level"),
        imminent=bool(risk.get("imminent")),
        needs_review=item.received.channel == "monitor",
    )


_ALERT_COLUMNS = (
    "idempotency_key",
    "source",
    "source_alert_id",
    "platform",
    "received_at",
    "reported_at",
    "post_url",
    "post_text",
    "post_created_at",
    "post_media",
    "account_handle",
    "account_name",
    "profile_url",
    "evidence",
    "reporter",
    "risk",
    "case_id",
    "subject_id",
)


def _alert_row(
    item: _Settling, a: AlertIn, case_id: int, subject_id: int | None
) -> tuple[Any, ...]:
    return (
        item.key,
        a.source,
        a.source_alert_id or "",
        a.platform,
        item.received.received_at,
        a.received_at,
        a.post.url or "",
        a.post.text,
        a.post.created_at,
        [m.model_dump(mode="json") for m in a.post.media],
        a.account.handle,
        a.account.name,
        a.account.profile_url or "",
        a.evidence.model_dump(mode="json", exclude_none=True),
        a.reporter.model_dump(mode="json", exclude_defaults=True),
        _own_risk(item, a) or ({"claimed": a.risk.model_dump(mode="json")} if a.risk else {}),
        case_id,
        subject_id,
    )


def _record(items: list[_Settling], now: datetime, by: str = "") -> None:
    """One audit row per raw alert, and the events the rest of the system reacts to."""
    entries, events = [], []
    for item in items:
        actor, raw_id = by or f"source:{item.received.source_name or '?'}", item.raw_id
        if item.refusal:
            after: dict[str, Any] = {"error_code": item.refusal.code}
            action, object_type, object_id = "raw_alert_quarantined", "raw_alert", raw_id
            events.append(("raw_alert_quarantined", "", {"raw_alert_id": raw_id, **after}))
        elif item.opened and item.placement and item.placement.opens:
            after = {"case_id": item.case_id, "alert_id": item.alert_id, "raw_alert_id": raw_id}
            if item.placement.repeat:
                after["repeat_of"] = list(item.placement.earlier)
            action, object_type, object_id = "case_opened", "case", item.case_id or 0
            events.append(("case_opened", str(item.case_id), after))
        elif item.opened:
            after = {"case_id": item.case_id, "alert_id": item.alert_id, "raw_alert_id": raw_id}
            action, object_type, object_id = "alert_added_to_case", "case", item.case_id or 0
            events.append(("case_alert_added", str(item.case_id), after))
        else:
            after = {"alert_id": item.alert_id, "case_id": item.case_id}
            action, object_type, object_id = "raw_alert_duplicate", "raw_alert", raw_id
        entries.append(
            audit.Entry(
                now,
                actor,
                action,
                object_type,
                object_id,
                after=after,
                request_id=item.received.request_id,
            )
        )
    audit.append_many(entries)
    emit_many(events, at=now)


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
    forget_sources()
    return source
