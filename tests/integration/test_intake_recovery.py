"""Nothing is lost when processing breaks: the raw alert waits, and `intake retry` finishes it."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from jeevanrekha.cases.models import Case
from jeevanrekha.intake import actions, pipeline
from jeevanrekha.intake.management.commands.intake import retry_stranded
from jeevanrekha.intake.models import RawAlert, RawAlertStatus
from jeevanrekha.intake.signing import signed_headers
from tests.conftest import SECRET, SOURCE, PostAlert, fixture_alert

pytestmark = pytest.mark.django_db


def test_an_internal_fault_answers_503_and_keeps_the_alert(
    post_alert: PostAlert, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("database went away")

    monkeypatch.setattr(actions, "_settle", broken)
    response = post_alert(fixture_alert("alert_full"))
    assert response.status_code == 503 and response.json()["error"] == "processing_failed"
    raw = RawAlert.objects.get()
    assert raw.status == RawAlertStatus.FAILED and "database went away" in raw.errors[0]["msg"]
    monkeypatch.undo()
    assert retry_stranded(timedelta(0)) == 1
    raw.refresh_from_db()
    assert raw.status == RawAlertStatus.ACCEPTED and Case.objects.count() == 1
    # The platform's own retry of the same alert now finds the case, not a second one.
    assert post_alert(fixture_alert("alert_full")).status_code == 200


def stored_an_hour_ago(secret: str) -> RawAlert:
    """A raw alert stored an hour ago and never processed (its process died)."""
    body = json.dumps(fixture_alert("alert_full")).encode()
    headers = signed_headers(SOURCE, secret, body, now=time.time() - 3600)  # long since stale
    arrival = actions.Arrival(
        channel="api",
        source_name=SOURCE,
        headers=pipeline.kept_headers(headers),
        body=body,
        body_size=len(body),
        remote_addr="127.0.0.1",
        request_id="r1",
        received_at=timezone.now() - timedelta(hours=1),
    )
    return RawAlert.objects.create(**actions._fields(actions.raw_alert_from(arrival)))


def test_a_crash_after_receipt_is_finished_by_retry(source: Any) -> None:
    raw = stored_an_hour_ago(SECRET)
    assert retry_stranded(timedelta(seconds=60)) == 1
    raw.refresh_from_db()
    assert raw.status == RawAlertStatus.ACCEPTED  # the signature still had to be right
    assert retry_stranded(timedelta(seconds=60)) == 0


def test_retry_still_refuses_a_forged_alert(source: Any) -> None:
    raw = stored_an_hour_ago("not-the-secret-at-all-123")
    retry_stranded(timedelta(seconds=60))
    raw.refresh_from_db()
    assert raw.status == RawAlertStatus.QUARANTINED and raw.error_code == "bad_signature"
    assert not Case.objects.exists()
