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
from django.utils import timezone

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.outbox import emit_many
from jeevanrekha.cases.actions import (
    NewCase,
    cases_of_subjects,
    note_alerts_joined,
    open_cases_in_transaction,
)
from jeevanrekha.cases.models import Case, Subject
from jeevanrekha.cases.subjects import (
    KNOWN_PG,
    identifiers_for,
    indexed,
    known_subjects,
    subjects_for,
)
from jeevanrekha.core.joining import KnownCase, Placement, place_alerts
from jeevanrekha.core.lifecycle import CaseState
from jeevanrekha.db.rows import (
    execute_together,
    insert_rows,
    one_cursor,
    reserve_ids,
    reserve_sql,
    select_in,
    send_writes,
    update_rows,
    writes_together,
)
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
            return _settle(arrivals, checks, timezone.now(), commit=True)
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
    commit: bool = False,
) -> list[Outcome]:
    """Inside the transaction: check each raw alert, accept or quarantine it, audit, publish.

    Arrivals are stored here, with what became of them; raw alerts stored earlier (a retry,
    or the one-by-one fallback) get their processing fields updated. With `commit` (the
    transaction ends here), PostgreSQL commits in the round trip of the last writes.
    """
    items = []
    for one in received:
        sha256 = one.body_sha256 if isinstance(one, RawAlert) else _sha256(one.body)
        verdict = given if given is not None else check(one, checks, now)
        if isinstance(verdict, Refusal):
            items.append(_Settling(one, sha256, None, verdict))
        else:
            items.append(_Settling(one, sha256, verdict, None))
    accepted = [i for i in items if i.alert_in]
    new = [i for i in items if isinstance(i.received, Arrival)]
    with writes_together(then_commit=commit):
        seen = _look_up(accepted, len(new))
        _accept(accepted, now, seen)
        for item, raw_id in zip(new, seen.raw_ids, strict=False):
            item.raw_id = raw_id
        rows = [(i.raw_id, *_raw_row(i, now)) for i in new]
        insert_rows(RawAlert, ("id", *_RAW_COLUMNS), rows, returning=False)
        stored = [i for i in items if isinstance(i.received, RawAlert)]
        if stored:  # (else the audit chain's lock sends them, first, in its round trip)
            send_writes()
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
    """Write what became of each raw alert, in one statement for the batch."""
    fields = [RawAlert._meta.get_field(name) for name in _PROCESSING_FIELDS]
    attnames = [str(getattr(f, "attname", f.name)) for f in fields]
    rows = [[raw.pk, *(getattr(raw, a) for a in attnames)] for raw in raws]
    update_rows(RawAlert, _PROCESSING_FIELDS, rows)


@dataclass(frozen=True)
class _Seen:
    """What the batch's transaction found before deciding, and the ids it reserved."""

    earlier: dict[str, tuple[int, int]]  # idempotency key -> (alert id, case id)
    subjects: dict[tuple[str, str], int]  # (kind, value) -> subject id
    cases: list[KnownCase]  # every case of those subjects
    raw_ids: list[int]
    subject_ids: list[int]
    case_ids: list[int]
    alert_ids: list[int]


def _lock_numbers(keys: list[str]) -> list[int]:
    return sorted(
        {int.from_bytes(hashlib.sha256(k.encode()).digest()[:8], "big", signed=True) for k in keys}
    )


# PostgreSQL, statement 1: lock the batch's keys (in one order, so two batches cannot
# deadlock; concurrent retries of one alert then cannot both decide it is new) and take ids.
_CLAIM = (
    "SELECT (SELECT count(*) FROM (SELECT pg_advisory_xact_lock(k) FROM "
    "(SELECT k FROM unnest(%s::bigint[]) AS t(k) ORDER BY k) AS o) AS l), {}"
)
# Statement 2, after the locks (so with a snapshot that sees what a batch holding one of
# them committed): earlier alerts of the keys, subjects known by the identifiers, their cases.
_LOOK_UP = f"""
WITH known AS MATERIALIZED ({KNOWN_PG})
SELECT 'alert', idempotency_key, id, case_id, NULL::text, NULL::timestamptz
  FROM {Alert._meta.db_table} WHERE idempotency_key = ANY(%s)
UNION ALL SELECT 'subject', value, subject_id, NULL, kind::text, NULL FROM known
UNION ALL SELECT 'case', NULL, id, subject_id, state::text, coalesce(last_alert_at, opened_at)
  FROM {Case._meta.db_table} WHERE subject_id IN (SELECT subject_id FROM known)
"""
_EARLIER_ALERTS = (
    f"SELECT idempotency_key, id, case_id FROM {Alert._meta.db_table} WHERE idempotency_key {{}}"
)


def _look_up(accepted: list[_Settling], arrivals: int) -> _Seen:
    """Lock the accepted items' keys, read what is known of them, reserve the ids to write
    with: two statements in one round trip on PostgreSQL (the batch's round trips are its
    cost there)."""
    for item in accepted:
        assert item.alert_in is not None
        item.key = idempotency_key(item.alert_in, item.body_sha256)
    n = len(accepted)
    counts = [(RawAlert, arrivals), (Subject, n), (Case, n), (Alert, n)]
    pairs = {p for item in accepted for p in _identifiers(item)}
    if connection.vendor != "postgresql":  # one writer at a time: no locks; no round trips
        earlier = select_in(_EARLIER_ALERTS, [i.key for i in accepted])
        subjects = known_subjects(pairs)
        cases = cases_of_subjects(set(subjects.values()))
        raw_ids, subject_ids, case_ids, alert_ids = reserve_ids(counts)
        known = {key: (alert, case) for key, alert, case in earlier}
        return _Seen(known, subjects, cases, raw_ids, subject_ids, case_ids, alert_ids)
    items, params = reserve_sql(counts)
    claim = (_CLAIM.format(items), [_lock_numbers([i.key for i in accepted]), *params])
    digests = indexed(pairs)  # identifiers are stored as blind indexes (cases/subjects.py)
    values = sorted({value for _, value in digests})
    look_up = (_LOOK_UP, [values, [i.key for i in accepted]])
    # One round trip: the look-up runs after the claim, with a snapshot taken once its
    # locks were granted (rows.execute_together).
    results = execute_together([claim, look_up] if accepted else [claim])
    ((_, *reserved),) = results[0]
    raw_ids, subject_ids, case_ids, alert_ids = (list(ids) for ids in reserved)
    known, subjects, cases = {}, {}, []
    if accepted:
        for kind, text, a, b, state, at in results[1]:
            if kind == "alert":
                known[text] = (a, b)
            elif kind == "subject" and (state, text) in digests:
                subjects[digests[(state, text)]] = a
            elif kind == "case":
                cases.append(KnownCase(a, b, CaseState(state), at))
    return _Seen(known, subjects, cases, raw_ids, subject_ids, case_ids, alert_ids)


def _identifiers(item: _Settling) -> list[tuple[str, str]]:
    a = item.alert_in
    assert a is not None
    return identifiers_for(
        platform=a.platform,
        handle=a.account.handle,
        phone=a.evidence.phone,
        profile_url=a.account.profile_url,
        email=a.account.email,
        post_url=a.post.url,
    )


def _accept(items: list[_Settling], now: datetime, seen: _Seen) -> None:
    """Create alerts and cases for new keys; point retries at the earlier alert."""
    known = dict(seen.earlier)
    new: list[_Settling] = []
    for item in items:
        if item.key not in known:
            known[item.key] = (0, 0)  # claimed by this item; later ones in the batch are retries
            item.opened = True
            new.append(item)
    _create_alerts(new, now, known, seen)
    for item in items:
        item.alert_id, item.case_id = known[item.key]


def _create_alerts(
    new: list[_Settling], now: datetime, known: dict[str, tuple[int, int]], seen: _Seen
) -> None:
    """Insert the new alerts: each joins its subject's active case, or opens a case."""
    pairs = [(item, item.alert_in) for item in new if item.alert_in is not None]
    wanted = [(_identifiers(item), a.account.name or a.account.handle) for item, a in pairs]
    subjects, existing = subjects_for(wanted, now, known=seen.subjects, new_ids=seen.subject_ids)
    placements = place_alerts(
        subjects,
        [c for c in seen.cases if c.subject_id in existing],
        window=timedelta(hours=settings.CASE_JOIN_WINDOW_HOURS),
        now=now,
    )
    opening = [
        _new_case(item, a, subject, p.repeat)
        for subject, (item, a), p in zip(subjects, pairs, placements, strict=True)
        if p.opens
    ]
    opened = open_cases_in_transaction(opening, at=now, ids=seen.case_ids)
    case_ids = [p.join if p.join is not None else opened[p.new or 0] for p in placements]
    note_alerts_joined({p.join for p in placements if p.join is not None}, at=now)
    alert_ids = seen.alert_ids[: len(pairs)]
    insert_rows(
        Alert,
        ("id", *_ALERT_COLUMNS),
        [
            (alert_id, *_alert_row(item, a, case_id, subject_id))
            for (item, a), case_id, subject_id, alert_id in zip(
                pairs, case_ids, subjects, alert_ids, strict=True
            )
        ],
        returning=False,
    )
    for (item, _), alert_id, case_id, p in zip(pairs, alert_ids, case_ids, placements, strict=True):
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
