"""`audit verify` on a timer: walk the chain every AUDIT_VERIFY_INTERVAL_MINUTES, alert on a break.

The timer is the `due_at` of the one ChainCheck row, claimed with a conditional UPDATE like
the dispatch deadlines (dispatch/timers.py), so among several `jeevanrekha timers` workers
one walks the chain. A break is raised three ways: an outbox event (`audit_chain_broken`,
for whoever is subscribed), a banner on every page for supervisors and administrators,
and the `jr_audit_chain_broken` metric (1) beside the rows checked and the walk's age.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction

from jeevanrekha.audit import chain
from jeevanrekha.audit.actions import CHECK_NAME, do_record_chain_check
from jeevanrekha.audit.models import ChainCheck
from jeevanrekha.cases import access
from jeevanrekha.cases.models import Role

log = logging.getLogger(__name__)
# A walker that died frees its claim after this long.
CLAIM_LEASE = timedelta(minutes=30)
# Who sees the banner: those who can act on a break (look into it, restore a backup).
ALARM_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def interval() -> timedelta:
    """How often the chain is walked."""
    return timedelta(minutes=max(1, int(settings.AUDIT_VERIFY_INTERVAL_MINUTES)))


def claim(worker: str, now: datetime) -> bool:
    """Take the walk if it is due and nobody holds it (one UPDATE); whether we got it."""
    ChainCheck.objects.get_or_create(name=CHECK_NAME, defaults={"due_at": now})
    table = ChainCheck._meta.db_table
    adapt = connection.ops.adapt_datetimefield_value
    sql = (
        f"UPDATE {table} SET claimed_by = %s, claimed_until = %s WHERE name = %s "
        "AND due_at <= %s AND (claimed_until IS NULL OR claimed_until < %s)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [worker, adapt(now + CLAIM_LEASE), CHECK_NAME, adapt(now), adapt(now)])
        return bool(cursor.rowcount == 1)


def run_if_due(worker: str, now: datetime) -> str:
    """Walk the chain if the timer is due: "whole", "broken", or "" (not due / not ours)."""
    if not claim(worker, now):
        return ""
    checked, found = chain.verify()
    do_record_chain_check(checked, found, every=interval(), at=now)
    if found is not None:
        log.error("audit chain broken at row %s: %s", found.seq, found.reason)
        return "broken"
    return "whole"


def current() -> ChainCheck | None:
    """The timer's row (None before the first walk)."""
    return ChainCheck.objects.filter(name=CHECK_NAME).first()


def alarm_for(user: access.AnyUser) -> ChainCheck | None:
    """The break to show this person on every page, if they are one who must act on it."""
    role = access.role_of(user)
    if role is None or role not in ALARM_ROLES:
        return None
    return ChainCheck.objects.filter(name=CHECK_NAME, broken_seq__isnull=False).first()


def metric_lines(now: datetime) -> list[str]:
    """Prometheus lines: chain broken (0/1), rows the last walk checked, its age."""
    row = current()
    age = (now - row.last_run_at).total_seconds() if row and row.last_run_at else -1.0
    return [
        "# HELP jr_audit_chain_broken 1 if the last scheduled walk found the chain broken.",
        "# TYPE jr_audit_chain_broken gauge",
        f"jr_audit_chain_broken {1 if row and row.broken_seq is not None else 0}",
        "# HELP jr_audit_chain_rows Rows the last walk of the audit chain checked.",
        "# TYPE jr_audit_chain_rows gauge",
        f"jr_audit_chain_rows {row.last_rows if row else 0}",
        "# HELP jr_audit_chain_check_age_seconds Age of the last walk (-1: never walked).",
        "# TYPE jr_audit_chain_check_age_seconds gauge",
        f"jr_audit_chain_check_age_seconds {age:.0f}",
    ]
