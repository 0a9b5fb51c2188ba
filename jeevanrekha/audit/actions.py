"""The audit app's one state change: recording what a scheduled walk of the chain found."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction

from jeevanrekha.audit import chain as audit
from jeevanrekha.audit.models import ChainCheck
from jeevanrekha.bus.outbox import emit

CHECK_NAME = "audit_chain"


def do_record_chain_check(
    checked: int, found: audit.ChainBreak | None, *, every: timedelta, at: datetime
) -> bool:
    """Store a walk's result, release the claim, set the next due time; True if newly broken.

    A break that was not known before is audited (`audit_chain_broken`) and emitted as an
    outbox event of the same name; a chain found whole again after a break likewise
    (`audit_chain_whole`). A break already known is not announced again each hour.
    """
    with transaction.atomic():
        row = ChainCheck.objects.select_for_update().get(name=CHECK_NAME)
        was_broken = row.broken_seq is not None
        row.last_run_at, row.last_rows = at, checked
        row.due_at, row.claimed_by, row.claimed_until = at + every, "", None
        newly = found is not None and (not was_broken or row.broken_seq != found.seq)
        if found is not None:
            row.broken_seq, row.broken_reason = found.seq, found.reason[:200]
            row.broken_since = row.broken_since if was_broken else at
        else:
            row.broken_seq, row.broken_reason, row.broken_since = None, "", None
        row.save()
        if newly or (was_broken and found is None):
            _announce(found, checked, at)
    return newly


def _announce(found: audit.ChainBreak | None, checked: int, at: datetime) -> None:
    action = "audit_chain_broken" if found is not None else "audit_chain_whole"
    after: dict[str, object] = {"rows_checked": checked}
    if found is not None:
        after |= {"first_broken_seq": found.seq, "reason": found.reason}
    audit.append(
        at=at, actor="system", action=action, object_type="audit_chain", object_id="", after=after
    )
    emit(action, after, at=at, key=CHECK_NAME)
