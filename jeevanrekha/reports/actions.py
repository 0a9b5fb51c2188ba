"""The reports' one state change: an export is written to the audit trail (house rule 2)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.outbox import emit


def do_record_export(
    kind: str, period: str, district: str, *, actor: str, at: datetime, via: str
) -> None:
    """Record who exported which report (period, scope, CSV or PDF), from the page or the
    command line. The export holds aggregates only, so the row names no person."""
    after = {"format": kind, "period": period, "district": district or "state-wide", "via": via}
    with transaction.atomic():
        audit.append(
            at=at,
            actor=actor,
            action="report_exported",
            object_type="report",
            object_id=period,
            after=after,
        )
        emit("report_exported", after, at=at, key=f"report:{period}")
