"""Issue #5: the watch over public posts raises alerts for review, never dispatches.

Uses the real, shipped risk model (jeevanrekha/risk/artefact) and, for the stream, the
real NATS JetStream on loopback (required in CI).
"""

from __future__ import annotations

import asyncio
import io
import json
import secrets
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from jeevanrekha.cases.models import Case
from jeevanrekha.intake.models import Alert, RawAlert

pytestmark = pytest.mark.django_db

RISKY = [
    "aaj raat ke baad kisi ko pareshan nahi karunga. alvida sabko 🙏",
    "आज रात के बाद किसी को परेशान नहीं करूंगा, अलविदा",
    "I have the pills ready. Tonight I end it. Goodbye everyone.",
]
HARMLESS = [
    "ye exam meri jaan le lega 😂😂",
    "match dekh ke maza aa gaya, kya khela kohli ne!",
    "Aaj mausam bahut accha hai, chai peene chalein?",
]


def posts(prefix: str) -> list[dict[str, Any]]:
    texts = RISKY + HARMLESS
    return [
        {"id": f"{prefix}-{n}", "text": t, "platform": "x", "handle": f"user_{prefix}_{n}"}
        for n, t in enumerate(texts)
    ]


def run_monitor(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("monitor", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_only_risky_posts_become_cases_that_wait_for_review(tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl"
    lines = [json.dumps(p, ensure_ascii=False) for p in posts("f")] + ["{not json", '{"id": 1}']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, err = run_monitor("--jsonl", str(path))
    assert "read 8 posts (2 malformed)" in out
    assert "line 7: not JSON" in err and "line 8: no text" in err
    alerts = {a.post_text: a for a in Alert.objects.select_related("case")}
    assert set(alerts) == set(RISKY)  # the harmless ones, the joke included, raised nothing
    for alert in alerts.values():
        assert alert.case.needs_review and alert.case.risk_level is not None
        assert alert.risk["level"] >= 2 and alert.risk["cues"]  # why it was raised
        assert RawAlert.objects.get(alert=alert).channel == "monitor"
    # The same stream again (a restart): nothing new.
    again, _ = run_monitor("--jsonl", str(path))
    assert "0 new, 3 seen before" in again and Case.objects.count() == 3


def test_posts_from_a_jetstream_subject(settings: Any, nats_url: str) -> None:
    import nats

    settings.NATS_URL = nats_url
    subject = f"jr.test.watch.{secrets.token_hex(4)}"
    from jeevanrekha.intake.sources.monitor.stream import stream_name

    async def publish() -> None:
        connection = await nats.connect(nats_url)
        js = connection.jetstream()
        await js.add_stream(name=stream_name(subject), subjects=[subject])
        for post in posts("n"):
            await js.publish(subject, json.dumps(post).encode())
        await connection.drain()

    async def remove() -> None:
        connection = await nats.connect(nats_url)
        await connection.jetstream().delete_stream(stream_name(subject))
        await connection.drain()

    asyncio.run(publish())
    try:
        out, _ = run_monitor("--nats-subject", subject, "--max-posts", "6")
    finally:
        asyncio.run(remove())
    assert "read 6 posts" in out and "3 new" in out
    assert Case.objects.filter(needs_review=True).count() == 3
