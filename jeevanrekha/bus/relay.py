"""The outbox relay: events written in the database's transactions, published to JetStream.

A row of the outbox is published with `Nats-Msg-Id` = its id (prefixed by the database's
namespace), and marked published only
after the broker acknowledged it. If the relay dies between the two, the row is published
again and JetStream drops the copy (its duplicate window); consumers are idempotent too.
Several relays may run: each claims a batch of rows (PostgreSQL: `FOR UPDATE SKIP LOCKED`;
SQLite has one writer at a time) inside the transaction that marks them.

The subject of an event is `jr.events.<namespace>.<topic>` in the stream `JR_EVENTS` (made
if missing); the namespace is the database's identity (bus.models.Installation).
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from jeevanrekha.bus.jetstream import Client
from jeevanrekha.bus.models import Installation, OutboxMessage
from jeevanrekha.db.rows import any_of, execute

log = logging.getLogger(__name__)
STREAM = "JR_EVENTS"
SUBJECT_PREFIX = "jr.events."


def namespace() -> str:
    """This database's identity (bus.models.Installation), made on first use."""
    installation, _ = Installation.objects.get_or_create(
        pk=1, defaults={"namespace": secrets.token_hex(8)}
    )
    return installation.namespace


def subject_for(topic: str, space: str) -> str:
    """`jr.events.<namespace>.<topic>`: a consumer takes its own deployment's events."""
    return f"{SUBJECT_PREFIX}{space}." + "".join(
        c if c.isalnum() or c in "_-" else "_" for c in topic
    )


@dataclass(frozen=True)
class Event:
    """One outbox row as it travels: the id doubles as the broker's de-duplication id."""

    id: int
    topic: str
    key: str
    payload: Any
    created_at: datetime
    request_id: str
    ns: str = ""  # the database it comes from (bus.models.Installation)

    def message_id(self, space: str) -> str:
        return f"{space}:{self.id}"

    def body(self, space: str) -> bytes:
        return json.dumps(
            {
                "ns": space,
                "id": self.id,
                "topic": self.topic,
                "key": self.key,
                "payload": self.payload,
                "created_at": self.created_at.isoformat(),
                "request_id": self.request_id,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()


class Broker(Client):
    """A JetStream publisher usable from sync code."""

    async def setup(self) -> None:
        await self.ensure_stream(STREAM, [SUBJECT_PREFIX + ">"])

    def publish(self, events: list[Event]) -> None:
        """Publish and wait for every acknowledgement; raises if any is missing."""
        self._run(self._publish(events, namespace()))

    async def _publish(self, events: list[Event], space: str) -> None:
        acks = [
            self.js.publish(
                subject_for(e.topic, space),
                e.body(space),
                headers={"Nats-Msg-Id": e.message_id(space)},
                timeout=10,
            )
            for e in events
        ]
        await asyncio.gather(*acks)


def _claim(limit: int) -> list[Event]:
    table = OutboxMessage._meta.db_table
    lock = " FOR UPDATE SKIP LOCKED" if connection.vendor == "postgresql" else ""
    rows = OutboxMessage.objects.raw(
        f"SELECT * FROM {table} WHERE published_at IS NULL ORDER BY id LIMIT %s{lock}", [limit]
    )
    return [Event(r.pk, r.topic, r.key, r.payload, r.created_at, r.request_id) for r in rows]


def relay_once(broker: Broker, *, limit: int = 500) -> int:
    """Publish up to `limit` unpublished events; how many were published."""
    with transaction.atomic():
        events = _claim(limit)
        if not events:
            return 0
        broker.publish(events)
        match, params = any_of([e.id for e in events])
        execute(
            f"UPDATE {OutboxMessage._meta.db_table} SET published_at = %s, attempts = attempts + 1 "
            f"WHERE id {match}",
            [timezone.now(), *params],
        )
    return len(events)


def note_failure(error: str) -> None:
    """Count a failed attempt on the oldest unpublished events (for /metrics and the desk)."""
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.filter(published_at__isnull=True)
            .order_by("id")
            .values_list("id", flat=True)[:500]
        )
        if ids:
            match, params = any_of(ids)
            execute(
                f"UPDATE {OutboxMessage._meta.db_table} SET attempts = attempts + 1, "
                f"last_error = %s WHERE id {match}",
                [error[:2000], *params],
            )
