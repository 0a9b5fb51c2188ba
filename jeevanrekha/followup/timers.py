"""The follow-up checks' timer: claims due checks with a conditional UPDATE, fires them.

The same pattern as dispatch/timers.py (house rule 3): one statement sets ``claimed_by`` /
``claimed_until`` on due rows nobody holds a live claim on (PostgreSQL also skips rows
another worker has locked), and returns the ids it got; only the claimer fires a check, and
the claim is released in the transaction that records the firing. So several sweepers may
run at once and each firing happens once. The dispatch timer sweep calls `sweep_checks`.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import connection, transaction
from django.db.models import QuerySet

from jeevanrekha.followup import conf
from jeevanrekha.followup.actions import do_fire_check_timer
from jeevanrekha.followup.models import FollowUpCheck

log = logging.getLogger(__name__)
BATCH = 100


def due_checks(now: datetime) -> QuerySet[FollowUpCheck]:
    """Checks whose deadline has come and that no live claim holds (what a sweep takes)."""
    free = FollowUpCheck.objects.filter(claimed_until__isnull=True) | FollowUpCheck.objects.filter(
        claimed_until__lt=now
    )
    return free.filter(due_at__isnull=False, due_at__lte=now).order_by("due_at")


def claim_due_checks(worker: str, now: datetime, limit: int = BATCH) -> list[int]:
    """Claim up to `limit` due checks for `worker` in one conditional UPDATE; their ids."""
    table = FollowUpCheck._meta.db_table
    skip = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    free = "(claimed_until IS NULL OR claimed_until < %s)"
    sql = (
        f"UPDATE {table} SET claimed_by = %s, claimed_until = %s "
        f"WHERE id IN (SELECT id FROM {table} WHERE due_at IS NOT NULL AND due_at <= %s "
        f"AND {free} ORDER BY due_at LIMIT %s{skip}) AND {free} RETURNING id"
    )
    adapt = connection.ops.adapt_datetimefield_value
    at, until = adapt(now), adapt(now + conf.claim_lease())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [worker, until, at, at, limit, at])
        return sorted(row[0] for row in cursor.fetchall())


def sweep_checks(worker: str, now: datetime, limit: int = BATCH) -> dict[str, int]:
    """Fire the due checks this worker could claim; what happened, counted."""
    done: dict[str, int] = {}
    for check_id in claim_due_checks(worker, now, limit):
        try:
            outcome = do_fire_check_timer(check_id, worker=worker, now=now)
        except Exception:
            log.exception("firing check %s failed; its claim will expire and be retried", check_id)
            outcome = "error"
        done[outcome] = done.get(outcome, 0) + 1
    return done
