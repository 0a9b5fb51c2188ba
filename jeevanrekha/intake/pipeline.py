"""The intake path shared by the API, `jeevanrekha ingest` and the demo feeder.

store verbatim → size check → signature check → parse → accept (or find the earlier alert).
Every failure leaves the RawAlert quarantined with its reason; nothing is thrown away.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings

from jeevanrekha.intake import batcher, signing
from jeevanrekha.intake.actions import Arrival, Outcome, do_intake, do_process_stored
from jeevanrekha.intake.checks import Checks
from jeevanrekha.intake.models import RawAlert, RawAlertStatus

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
API_CHECKS = batcher.API_CHECKS


@dataclass(frozen=True)
class IntakeReply:
    """The HTTP status and JSON body to answer with."""

    status: int
    body: dict[str, Any] = field(default_factory=dict)


def kept_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The subset of request headers stored with the raw alert."""
    return {h: headers[h][:500] for h in KEPT_HEADERS if h in headers}


def case_url(case_id: int) -> str:
    """Where the desk shows this case."""
    return f"{settings.PUBLIC_BASE_URL}/cases/{case_id}/"


def reply_for(outcome: Outcome) -> IntakeReply:
    """The answer to the sender for what became of its raw alert."""
    if outcome.refusal is not None:
        body: dict[str, Any] = {
            "error": outcome.refusal.code,
            "errors": outcome.refusal.errors,
            "raw_alert_id": outcome.raw_alert_id,
        }
        if outcome.status == RawAlertStatus.FAILED:
            body["retry"] = True
        return IntakeReply(outcome.refusal.status, body)
    duplicate = outcome.status == RawAlertStatus.DUPLICATE
    return IntakeReply(
        200 if duplicate else 202,
        {
            "status": "duplicate" if duplicate else "accepted",
            "case_id": outcome.case_id,
            "case_url": case_url(outcome.case_id or 0),
            "alert_id": outcome.alert_id,
            "raw_alert_id": outcome.raw_alert_id,
        },
    )


def receive(
    *,
    channel: str,
    headers: Mapping[str, str],
    body: bytes,
    body_size: int,
    remote_addr: str | None,
    request_id: str,
    now: datetime,
    checks: Checks = API_CHECKS,
) -> IntakeReply:
    """Run one request through intake and say what to answer. Never raises for bad input."""
    arrival = Arrival(
        channel=channel,
        source_name=headers.get(signing.SOURCE_HEADER, ""),
        headers=kept_headers(headers),
        body=body,
        body_size=body_size,
        remote_addr=remote_addr,
        request_id=request_id,
        received_at=now,
    )
    if not (settings.INTAKE_GROUP_COMMIT and checks == API_CHECKS):
        return reply_for(do_intake([arrival], checks)[0])
    try:
        outcome = batcher.committer().submit(arrival, timeout=settings.INTAKE_COMMIT_TIMEOUT)
    except Exception as exc:  # the database is down or too slow: the sender must retry
        log.warning("intake: request %s not committed: %r", request_id, exc)
        return IntakeReply(503, {"error": "unavailable", "retry": True})
    return reply_for(outcome)


def retry(raws: list[RawAlert]) -> list[IntakeReply]:
    """Process stored raw alerts again; the signature must still match, its age no longer."""
    replies: list[IntakeReply] = []
    for raw in raws:
        checks = Checks(authenticate=raw.channel == "api", check_window=False)
        replies.extend(reply_for(o) for o in do_process_stored([raw], checks))
    return replies
