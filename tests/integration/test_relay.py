"""Issue #9: the outbox relay publishes to the real NATS JetStream exactly once per event."""

from __future__ import annotations

import asyncio
import io
import json
import os
from typing import Any

import pytest
from django.core.management import call_command

from jeevanrekha.bus.models import OutboxMessage
from jeevanrekha.bus.relay import STREAM, Broker, relay_once
from tests.conftest import PostAlert, fixture_alert

pytestmark = pytest.mark.django_db


def published_ids(nats_url: str, since_seq: int) -> list[int]:
    """Event ids in the stream after sequence `since_seq` (other runs share the stream)."""
    import nats

    async def read() -> list[int]:
        connection = await nats.connect(nats_url)
        js = connection.jetstream()
        info = await js.stream_info(STREAM)
        ids = []
        for seq in range(since_seq + 1, info.state.last_seq + 1):
            try:
                message = await js.get_msg(STREAM, seq)
            except Exception:
                continue
            ids.append(json.loads(message.data)["id"])
        await connection.drain()
        return ids

    return asyncio.run(read())


def last_seq(nats_url: str) -> int:
    import nats

    async def read() -> int:
        connection = await nats.connect(nats_url)
        js = connection.jetstream()
        try:
            info = await js.stream_info(STREAM)
            seq = int(info.state.last_seq)
        except Exception:
            seq = 0
        await connection.drain()
        return seq

    return asyncio.run(read())


def test_events_are_published_once_and_marked(
    post_alert: PostAlert, settings: Any, nats_url: str
) -> None:
    settings.NATS_URL = nats_url
    for n in range(3):
        alert = fixture_alert("alert_minimal")
        alert["account"]["handle"] = f"relay_{n}_{os.getpid()}"
        post_alert(alert)
    waiting = list(
        OutboxMessage.objects.filter(published_at__isnull=True).values_list("id", flat=True)
    )
    assert len(waiting) == 3
    before = last_seq(nats_url)
    out = io.StringIO()
    call_command("relay", "--once", stdout=out)
    assert "published 3 events" in out.getvalue()
    assert not OutboxMessage.objects.filter(published_at__isnull=True).exists()
    mine = [i for i in published_ids(nats_url, before) if i in waiting]
    assert sorted(mine) == sorted(waiting)

    # A relay that died after publishing but before marking publishes again: JetStream
    # drops the copy (Nats-Msg-Id = the outbox id).
    OutboxMessage.objects.filter(pk__in=waiting).update(published_at=None)
    broker = Broker(nats_url)
    broker.open()
    try:
        assert relay_once(broker) == 3
    finally:
        broker.close()
    assert [i for i in published_ids(nats_url, before) if i in waiting].count(waiting[0]) == 1
