"""Retention as a database timer, run by the timer worker (`jeevanrekha timers`).

One RetentionTimer row with a `due_at`, claimed with a conditional UPDATE like the
dispatch timers (dispatch/timers.py): several workers can sweep, one runs retention.
The next run is set only after this one succeeded; a worker that dies leaves its claim to
expire and the run to be claimed again.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction

from jeevanrekha.retention import actions
from jeevanrekha.retention.models import RetentionTimer

log = logging.getLogger(__name__)
NAME = "retention"
LEASE = timedelta(hours=1)
MAX_BATCHES = 5


def ensure(now: datetime) -> None:
    """Make the timer row (due now) if it is missing."""
    RetentionTimer.objects.get_or_create(name=NAME, defaults={"due_at": now})


def claim(worker: str, now: datetime) -> bool:
    """Claim the retention run if it is due and nobody holds it."""
    table = RetentionTimer._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    sql = (
        f"UPDATE {table} SET claimed_by = %s, claimed_until = %s WHERE name = %s "
        "AND due_at IS NOT NULL AND due_at <= %s "
        "AND (claimed_until IS NULL OR claimed_until < %s)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [worker, adapt(now + LEASE), NAME, adapt(now), adapt(now)])
        return bool(cursor.rowcount)


def sweep(worker: str, now: datetime) -> dict[str, int] | None:
    """Run retention if it is due (what it did), else None. A large backlog is worked a few
    batches per sweep, so that escalations in the same worker are not held up."""
    ensure(now)
    if not claim(worker, now):
        return None
    counts, finished = actions.run(actor="system:retention", now=now, max_batches=MAX_BATCHES)
    mine = RetentionTimer.objects.filter(name=NAME, claimed_by=worker)
    if not finished:  # still due: the next sweep goes on
        mine.update(claimed_by="", claimed_until=None, last_counts=counts)
        return counts
    mine.update(
        due_at=now + timedelta(hours=settings.RETENTION_RUN_HOURS),
        claimed_by="",
        claimed_until=None,
        last_run_at=now,
        last_counts=counts,
    )
    if any(counts.values()):
        log.info("retention: anonymised %s", counts)
    return counts
