"""Writing events to the outbox from inside an action's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from jeevanrekha.audit.chain import canonical
from jeevanrekha.audit.context import current_request_id
from jeevanrekha.bus.models import OutboxMessage
from jeevanrekha.db.rows import insert_rows


def emit(
    topic: str, payload: dict[str, Any], *, at: datetime, key: str = "", request_id: str = ""
) -> OutboxMessage:
    """Add an event to the outbox. It is published only if the transaction commits."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox.emit must run inside the action's transaction")
    return OutboxMessage.objects.create(
        topic=topic,
        key=str(key),
        payload=canonical(payload),
        created_at=at,
        request_id=request_id or current_request_id.get(),
    )


_COLUMNS = ("topic", "key", "payload", "created_at", "request_id", "attempts", "last_error")


def emit_many(events: list[tuple[str, str, dict[str, Any]]], *, at: datetime) -> None:
    """Add several (topic, key, payload) events in one statement, inside the transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox.emit_many must run inside the action's transaction")
    request_id = current_request_id.get()
    rows = [
        (topic, key, canonical(payload), at, request_id, 0, "") for topic, key, payload in events
    ]
    insert_rows(OutboxMessage, _COLUMNS, rows, returning=False)
