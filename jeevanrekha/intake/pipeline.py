"""The intake path shared by the API, `jeevanrekha ingest` and the demo feeder.

store verbatim → size check → signature check → parse → accept (or find the earlier alert).
Every failure leaves the RawAlert quarantined with its reason; nothing is thrown away.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from jeevanrekha.intake import signing
from jeevanrekha.intake.actions import (
    Accepted,
    do_accept_alert,
    do_mark_raw_alert_failed,
    do_quarantine_raw_alert,
    do_receive_raw_alert,
)
from jeevanrekha.intake.models import IntakeSource, RawAlert
from jeevanrekha.intake.sources.api.parse import AlertIn, ParseError, parse

log = logging.getLogger(__name__)

# Request headers kept on the RawAlert (others, such as cookies, are not the alert's).
KEPT_HEADERS = (
    signing.SOURCE_HEADER,
    signing.TIMESTAMP_HEADER,
    signing.SIGNATURE_HEADER,
    "Content-Type",
    "Content-Length",
    "User-Agent",
    "X-Request-ID",
    "X-Forwarded-For",
)
_SOURCE_CACHE_SECONDS = 10.0
_source_cache: dict[str, tuple[float, str | None]] = {}


@dataclass(frozen=True)
class IntakeReply:
    """The HTTP status and JSON body to answer with."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)


def source_secret(name: str) -> str | None:
    """The active source's secret, cached briefly (sources change rarely; requests are many)."""
    now = time.monotonic()
    cached = _source_cache.get(name)
    if cached and now - cached[0] < _SOURCE_CACHE_SECONDS:
        return cached[1]
    secret = (
        IntakeSource.objects.filter(name=name, active=True).values_list("secret", flat=True).first()
        if name
        else None
    )
    _source_cache[name] = (now, secret)
    return secret


def kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The subset of request headers stored with the raw alert."""
    return {h: headers[h][:500] for h in KEPT_HEADERS if h in headers}


def case_url(case_id: int) -> str:
    """Where the desk shows this case."""
    return f"{settings.PUBLIC_BASE_URL}/cases/{case_id}/"


def _quarantine(
    raw: RawAlert, status: int, code: str, errors: list[dict[str, Any]], now: datetime
) -> IntakeReply:
    do_quarantine_raw_alert(raw.pk, code, errors, actor=f"source:{raw.source_name or '?'}", at=now)
    return IntakeReply(status, {"error": code, "errors": errors, "raw_alert_id": raw.pk})


def receive(
    *,
    channel: str,
    headers: Mapping[str, str],
    body: bytes,
    body_size: int,
    remote_addr: str | None,
    request_id: str,
    now: datetime,
    authenticate: bool = True,
) -> IntakeReply:
    """Run one request through intake and say what to answer. Never raises for bad input."""
    raw = do_receive_raw_alert(
        channel=channel,
        source_name=headers.get(signing.SOURCE_HEADER, ""),
        headers=kept_headers(headers),
        body=body,
        body_size=body_size,
        remote_addr=remote_addr,
        request_id=request_id,
        at=now,
    )
    return process(raw, now=now, authenticate=authenticate, check_window=True)


def process(raw: RawAlert, *, now: datetime, authenticate: bool, check_window: bool) -> IntakeReply:
    """Check, parse and accept a stored raw alert (also used to retry a failed one)."""
    limit = settings.INTAKE_MAX_BODY_BYTES
    if raw.body_size > limit or raw.body_truncated:
        msg = f"body is {raw.body_size} bytes; the limit is {limit}"
        return _quarantine(raw, 413, "too_large", [{"loc": [], "msg": msg}], now)
    body = bytes(raw.body)
    if authenticate:
        try:
            signing.check(
                secret=source_secret(raw.source_name),
                timestamp=raw.headers.get(signing.TIMESTAMP_HEADER),
                sig=raw.headers.get(signing.SIGNATURE_HEADER),
                body=body,
                now=now.timestamp(),
                window_s=settings.INTAKE_REPLAY_WINDOW_SECONDS if check_window else None,
            )
        except signing.AuthFailure as failure:
            return _quarantine(raw, 401, failure.code, [{"loc": [], "msg": failure.message}], now)
    try:
        alert_in = parse(body, settings.INTAKE_MAX_JSON_DEPTH)
    except ParseError as err:
        return _quarantine(raw, err.status, err.code, err.errors, now)
    if authenticate and alert_in.source != raw.source_name:
        msg = f"source {alert_in.source!r} is not the signing source {raw.source_name!r}"
        return _quarantine(raw, 422, "source_mismatch", [{"loc": ["source"], "msg": msg}], now)
    return _accept(raw, alert_in, now)


def _accept(raw: RawAlert, alert_in: AlertIn, now: datetime) -> IntakeReply:
    try:
        accepted: Accepted = do_accept_alert(
            raw, alert_in, actor=f"source:{alert_in.source}", at=now
        )
    except Exception as exc:  # a bug or an outage: keep the raw for a retry, tell the client
        log.exception("intake: processing raw alert %s failed", raw.pk)
        do_mark_raw_alert_failed(raw.pk, repr(exc), at=now)
        return IntakeReply(
            503, {"error": "processing_failed", "raw_alert_id": raw.pk, "retry": True}
        )
    status = 200 if accepted.duplicate else 202
    return IntakeReply(
        status,
        {
            "status": "duplicate" if accepted.duplicate else "accepted",
            "case_id": accepted.case_id,
            "case_url": case_url(accepted.case_id),
            "alert_id": accepted.alert_id,
            "raw_alert_id": raw.pk,
        },
    )
