"""Pipeline stages: code that reacts to outbox events, the same with or without NATS.

A `Stage` names the topics it wants and a handler that is idempotent (an event may come
twice). `jeevanrekha worker --stage NAME` runs one:

- with NATS_URL: a durable JetStream pull consumer `jr-stage-<name>` on `jr.events.>`;
  several workers of one stage share it; an event is acknowledged after its handler
  succeeded (a handler that fails is retried by JetStream after the ack wait).
- without: it reads the outbox table in order from where it stopped (`StageCursor`), so
  the embedded default needs no broker. One in-process worker per stage.

A handler that keeps failing on one event (MAX_TRIES) is skipped, logged and audited, so
that one poison event cannot stop the stage for every other case.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.models import OutboxMessage, StageCursor
from jeevanrekha.bus.relay import Event
from jeevanrekha.db.outage import DATABASE_DOWN

log = logging.getLogger(__name__)
MAX_TRIES = 5


@dataclass(frozen=True)
class Stage:
    """A stage: its topics, a handler for one event and, optionally, one for a batch.

    `handle_many` does a whole fetched batch in one transaction (one lock of the audit
    chain instead of one per case: what lets several workers scale). When it fails, the
    batch is done again one event at a time, so that a bad event fails alone."""

    name: str
    topics: frozenset[str]
    handle: Callable[[Event], None]
    handle_many: Callable[[list[Event]], None] | None = None


def handle_events(stage: Stage, events: list[Event]) -> None:
    """Handle the events: as one batch when the stage can, else (or if that fails) one by
    one; an event whose handler fails raises (it is not acknowledged, and comes again)."""
    if stage.handle_many is not None and len(events) > 1:
        try:
            stage.handle_many(events)
            return
        except DATABASE_DOWN:
            raise
        except Exception:
            log.exception("stage %s: a batch of %d failed; one by one", stage.name, len(events))
    for event in events:
        stage.handle(event)


def case_ids(events: list[Event]) -> list[int]:
    """The distinct case ids that the events name, in order."""
    ids: dict[int, None] = {}
    for event in events:
        payload = event.payload if isinstance(event.payload, dict) else {}
        case_id = payload.get("case_id")
        if isinstance(case_id, int):
            ids[case_id] = None
    return list(ids)


def event_from_message(data: bytes) -> Event:
    """An event as the relay published it."""
    value = json.loads(data)
    return Event(
        id=int(value["id"]),
        topic=str(value["topic"]),
        key=str(value.get("key", "")),
        payload=value.get("payload"),
        created_at=datetime.fromisoformat(value["created_at"]),
        request_id=str(value.get("request_id", "")),
        ns=str(value.get("ns", "")),
    )


def run_in_process(stage: Stage, *, limit: int = 200) -> int:
    """Handle the outbox events after the stage's cursor; how many were handled."""
    cursor, _ = StageCursor.objects.get_or_create(stage=stage.name)
    rows = list(
        OutboxMessage.objects.filter(id__gt=cursor.last_id, topic__in=stage.topics).order_by("id")[
            :limit
        ]
    )
    handled = 0
    for row in rows:
        event = Event(row.pk, row.topic, row.key, row.payload, row.created_at, row.request_id)
        try:
            stage.handle(event)
        except DATABASE_DOWN:
            raise  # not the event's fault: the worker waits for the database (db/outage.py)
        except Exception as exc:
            cursor.failures += 1
            cursor.last_error = f"event {row.pk}: {exc!r}"[:2000]
            log.exception(
                "stage %s: event %s failed (%d tries)", stage.name, row.pk, cursor.failures
            )
            if cursor.failures < MAX_TRIES:
                cursor.save(update_fields=["failures", "last_error", "updated_at"])
                break
            _skip(stage, row.pk, cursor.last_error)
        cursor.last_id, cursor.failures = row.pk, 0
        cursor.save(update_fields=["last_id", "failures", "last_error", "updated_at"])
        handled += 1
    return handled


def _skip(stage: Stage, event_id: int, error: str) -> None:
    log.error(
        "stage %s: skipping event %s after %d tries: %s", stage.name, event_id, MAX_TRIES, error
    )
    with transaction.atomic():
        audit.append(
            at=timezone.now(),
            actor=f"stage:{stage.name}",
            action="stage_event_skipped",
            object_type="outbox",
            object_id=event_id,
            after={"error": error[:500], "tries": MAX_TRIES},
        )
