"""The timer worker: claims due deadlines with a conditional UPDATE and does their work.

Besides the two below, it runs retention when its deadline is due (retention/timer.py).

Two kinds of deadline: a task's ``due_at`` (escalate, re-notify, remind) and a
notification's ``next_attempt_at`` (send, or retry after a failure). A sweep claims a batch
of due rows in ONE statement that sets ``claimed_by``/``claimed_until`` only where nobody
holds a live claim, and returns the ids it got; PostgreSQL also skips rows another worker
has locked (``FOR UPDATE SKIP LOCKED``), SQLite has one writer at a time. So several workers
(processes, machines) can sweep at once and each deadline is worked by one of them.

A deadline is done only after its work succeeded: the task's next deadline is written in
the transaction that queues its notifications, and a notification is marked sent only after
the transport said yes. A worker that dies leaves its claims to expire (DISPATCH_CLAIM_SECONDS)
and be claimed again. Sending is therefore at least once; the transports' messages carry the
notification id so that a receiver can drop a repeat.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from jeevanrekha.audit import watch as audit_watch
from jeevanrekha.cases.models import Task
from jeevanrekha.db.outage import Backoff, riding_out
from jeevanrekha.dispatch import conf
from jeevanrekha.dispatch.actions import do_fire_task_timer, do_record_delivery
from jeevanrekha.dispatch.models import Notification
from jeevanrekha.dispatch.notify import link_token, link_url
from jeevanrekha.dispatch.transports import Outgoing, SendError, sender_for
from jeevanrekha.followup.timers import sweep_checks
from jeevanrekha.retention import timer as retention_timer

log = logging.getLogger(__name__)
BATCH = 100


def worker_name() -> str:
    """host:pid, unique among running workers."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


def _claim_sql(table: str, due_column: str, extra: str) -> str:
    skip = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    free = "(claimed_until IS NULL OR claimed_until < %s)"
    return (
        f"UPDATE {table} SET claimed_by = %s, claimed_until = %s "
        f"WHERE id IN (SELECT id FROM {table} WHERE {due_column} IS NOT NULL "
        f"AND {due_column} <= %s AND {free}{extra} ORDER BY {due_column} LIMIT %s{skip}) "
        f"AND {free} RETURNING id"
    )


def claim(
    model: type[Task] | type[Notification], worker: str, now: datetime, limit: int
) -> list[int]:
    """Claim up to `limit` due rows of a deadline table for `worker`; their ids."""
    table = model._meta.db_table
    column = "due_at" if model is Task else "next_attempt_at"
    extra = "" if model is Task else " AND status = 'pending'"
    adapt = connection.ops.adapt_datetimefield_value
    at, until = adapt(now), adapt(now + conf.claim_lease())
    sql = _claim_sql(table, column, extra)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [worker, until, at, at, limit, at])
        return sorted(row[0] for row in cursor.fetchall())


def outgoing(note: Notification) -> Outgoing:
    """What a transport needs of a notification."""
    url = link_url(link_token(note.link_id)) if note.link_id else ""
    return Outgoing(
        notification_id=note.pk,
        task_id=note.task_id,
        case_id=note.case_id,
        role=note.role,
        address=note.address,
        subject=note.subject,
        body=note.body,
        link_url=url,
        attachments=list(note.attachments or []),
    )


def send_one(note_id: int, worker: str, now: datetime) -> str:
    """Send one claimed notification through its transport and record the attempt.

    The attempt is recorded at the sweep's time `now` (its duration is kept beside it), so
    that the backoff counts from when the attempt started.
    """
    note = Notification.objects.get(pk=note_id)
    started = time.perf_counter()
    ok, error, permanent = True, "", False
    try:
        sender_for(note.transport)(outgoing(note))
    except SendError as exc:
        ok, error, permanent = False, str(exc), exc.permanent
    except Exception as exc:  # a bug in a transport must not stop the worker
        ok, error = False, f"{type(exc).__name__}: {exc}"
        log.exception("transport %s failed", note.transport)
    took = int((time.perf_counter() - started) * 1000)
    return do_record_delivery(
        note_id,
        worker=worker,
        ok=ok,
        error=error,
        permanent=permanent,
        duration_ms=took,
        at=now,
    )


@dataclass
class SweepResult:
    """What one sweep did."""

    fired: dict[str, int] = field(default_factory=dict)
    sent: dict[str, int] = field(default_factory=dict)

    @property
    def work(self) -> int:
        return sum(self.fired.values()) + sum(self.sent.values())


def sweep(worker: str, now: datetime, limit: int = BATCH) -> SweepResult:
    """Fire the due task deadlines and follow-up checks, then send the due notifications."""
    result = SweepResult()
    for task_id in claim(Task, worker, now, limit):
        try:
            outcome = do_fire_task_timer(task_id, worker=worker, now=now)
        except Exception:
            log.exception("firing task %s failed; its claim will expire and be retried", task_id)
            outcome = "error"
        result.fired[outcome] = result.fired.get(outcome, 0) + 1
    # Follow-up checks before sending: a check that falls due queues its messages now.
    for outcome, count in sweep_checks(worker, now, limit).items():
        key = f"followup_{outcome}"
        result.fired[key] = result.fired.get(key, 0) + count
    for note_id in claim(Notification, worker, now, limit):
        status = send_one(note_id, worker, now)
        result.sent[status] = result.sent.get(status, 0) + 1
    walked = audit_watch.run_if_due(worker, now)  # the audit chain, hourly (audit/watch.py)
    if walked:
        result.fired[f"audit_chain_{walked}"] = 1
    try:  # the retention run is one more deadline (retention/timer.py), rarely due
        retention_timer.sweep(worker, now)
    except Exception:
        log.exception("retention run failed; its claim will expire and it will run again")
    return result


def run(
    *, worker: str, interval: float = 1.0, until_idle: float | None = None, max_loops: int = 0
) -> int:
    """Sweep until stopped (or idle for `until_idle` seconds); the number of sweeps."""
    loops, idle_since = 0, time.monotonic()
    backoff = Backoff()
    while True:
        loops += 1
        done = SweepResult()
        with riding_out(f"timers {worker}", backoff):  # a database restart: wait, go on
            done = sweep(worker, timezone.now())
        if done.work:
            idle_since = time.monotonic()
            log.info("timers: fired %s, sent %s", done.fired, done.sent)
        elif until_idle is not None and time.monotonic() - idle_since >= until_idle:
            return loops
        if max_loops and loops >= max_loops:
            return loops
        if not done.work:
            time.sleep(interval)
