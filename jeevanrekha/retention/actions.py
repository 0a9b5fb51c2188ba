"""Retention actions: anonymise one kind of personal data of closed cases, audited.

Kinds (docs/retention.md), each with its own period after the case was closed or cancelled:

- `raw_alert`: what arrived (raw alert body, headers, address) and what the alert said
  (post text and URL, account, profile, reporter, media); the subject's name and its
  identifiers' blind indexes once none of its cases is open or unpurged.
- `location`: location evidence (alert evidence, the case's resolved point, task details
  and results, notification texts and attachments).
- `notes`: notes and the call log (text, party), the outcome's note, follow-up check notes.

What is kept is what statistics need: case states and timestamps, priority, risk level,
district, state and police station, outcomes and reason codes, task kinds and times. Personal
fields get a marker (`[removed]`), JSON fields become empty; the audit event names the kind,
the case ids and the counts, never a removed value.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.outbox import emit
from jeevanrekha.cases.models import Case, CaseNote, Outcome, Subject, SubjectIdentifier, Task
from jeevanrekha.core.lifecycle import CaseState
from jeevanrekha.crypto.codec import REMOVED
from jeevanrekha.dispatch.models import Notification
from jeevanrekha.followup.models import FollowUpCheck
from jeevanrekha.intake.models import Alert, RawAlert
from jeevanrekha.retention.models import Anonymised

KINDS = ("raw_alert", "location", "notes")
ENDED = (CaseState.CLOSED.value, CaseState.CANCELLED.value)
BATCH = 200


def period(kind: str) -> timedelta:
    """How long after a case ended its data of this kind is kept."""
    days = {
        "raw_alert": settings.RETENTION_RAW_ALERT_DAYS,
        "location": settings.RETENTION_LOCATION_DAYS,
        "notes": settings.RETENTION_NOTE_DAYS,
    }[kind]
    return timedelta(days=days)


def due_cases(kind: str, now: datetime, limit: int = BATCH) -> list[int]:
    """Ids of ended cases past the kind's period whose data of that kind is still there."""
    done = Anonymised.objects.filter(kind=kind).values("case_id")
    found = (
        Case.objects.filter(state__in=ENDED, state_changed_at__lte=now - period(kind))
        .exclude(pk__in=done)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    return list(found)


def _raw_alert(ids: list[int]) -> dict[str, int]:
    alerts = Alert.objects.filter(case_id__in=ids)
    raws = RawAlert.objects.filter(alert__case_id__in=ids).update(
        body=REMOVED.encode(), headers={}, remote_addr=None
    )
    n = alerts.update(
        post_text=REMOVED,
        post_url="",
        post_media=[],
        account_handle=REMOVED,
        account_name=REMOVED,
        profile_url="",
        reporter={},
    )
    subjects = _subjects_done(ids)
    Subject.objects.filter(pk__in=subjects).update(display_name=REMOVED)
    dropped, _ = SubjectIdentifier.objects.filter(subject_id__in=subjects).delete()
    return {"alerts": n, "raw_alerts": raws, "subjects": len(subjects), "identifiers": dropped}


def _subjects_done(ids: list[int]) -> list[int]:
    """Subjects of these cases none of whose other cases still holds its alerts' data."""
    subjects = set(
        Case.objects.filter(pk__in=ids, subject_id__isnull=False).values_list(
            "subject_id", flat=True
        )
    )
    purged = Anonymised.objects.filter(kind="raw_alert").values("case_id")
    still = (
        Case.objects.filter(subject_id__in=subjects)
        .exclude(pk__in=ids)
        .exclude(pk__in=purged)
        .values_list("subject_id", flat=True)
    )
    return sorted(subjects - set(still))


def _location(ids: list[int]) -> dict[str, int]:
    tasks = Task.objects.filter(case_id__in=ids)
    return {
        "alerts": Alert.objects.filter(case_id__in=ids).update(evidence={}),
        "cases": Case.objects.filter(pk__in=ids).update(location={}),
        "tasks": tasks.update(detail={}, result=REMOVED),
        "notifications": Notification.objects.filter(case_id__in=ids).update(
            body=REMOVED, attachments=[]
        ),
    }


def _notes(ids: list[int]) -> dict[str, int]:
    return {
        "notes": CaseNote.objects.filter(case_id__in=ids).update(text=REMOVED, party=REMOVED),
        "outcomes": Outcome.objects.filter(case_id__in=ids).exclude(note="").update(note=REMOVED),
        "follow_up_checks": FollowUpCheck.objects.filter(follow_up__case_id__in=ids).update(
            note=REMOVED
        ),
    }


_PURGES = {"raw_alert": _raw_alert, "location": _location, "notes": _notes}


def do_anonymise(kind: str, case_ids: list[int], *, actor: str, at: datetime) -> dict[str, Any]:
    """Remove one kind of personal data from these cases (those still due): one transaction,
    one audit event with the case ids and counts; what was done."""
    with transaction.atomic():
        due = set(due_cases(kind, at, limit=len(case_ids) + 1)) if case_ids else set()
        ids = sorted(
            Case.objects.select_for_update()
            .filter(pk__in=[i for i in case_ids if i in due])
            .values_list("pk", flat=True)
        )
        if not ids:
            return {"kind": kind, "cases": [], "counts": {}}
        counts = _PURGES[kind](ids)
        Anonymised.objects.bulk_create([Anonymised(case_id=i, kind=kind, at=at) for i in ids])
        after = {"kind": kind, "cases": ids, "counts": counts}
        audit.append(
            at=at, actor=actor, action="retention_purged", object_type="retention", after=after
        )
        emit("retention_purged", {"kind": kind, "cases": len(ids), **counts}, at=at)
        return after


def run(
    *, actor: str, now: datetime, batch: int = BATCH, max_batches: int = 0
) -> tuple[dict[str, int], bool]:
    """Anonymise what is due, kind by kind, in batches (at most `max_batches` of them, if
    given): cases done per kind, and whether nothing due is left."""
    done, batches = dict.fromkeys(KINDS, 0), 0
    for kind in KINDS:
        while ids := due_cases(kind, now, batch):
            if max_batches and batches >= max_batches:
                return done, False
            result = do_anonymise(kind, ids, actor=actor, at=now)
            batches += 1
            if not result["cases"]:
                break
            done[kind] += len(result["cases"])
    return done, True
