"""Group commit: several arrivals in one transaction, each with its own fate."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.utils import timezone

from jeevanrekha.audit import chain
from jeevanrekha.cases.models import Case
from jeevanrekha.intake import actions, pipeline
from jeevanrekha.intake.checks import Checks
from jeevanrekha.intake.models import RawAlert, RawAlertStatus
from jeevanrekha.intake.signing import signed_headers
from tests.conftest import SECRET, SOURCE, fixture_alert

pytestmark = pytest.mark.django_db


def arrival(body: bytes, secret: str = SECRET) -> actions.Arrival:
    headers = pipeline.kept_headers(signed_headers(SOURCE, secret, body))
    return actions.Arrival("api", SOURCE, headers, body, len(body), None, "req", timezone.now())


def encoded(name: str, **changes: Any) -> bytes:
    alert = fixture_alert(name)
    alert.update(changes)
    return json.dumps(alert, ensure_ascii=False).encode()


def test_one_batch_many_fates(source: Any) -> None:
    full, minimal = encoded("alert_full"), encoded("alert_minimal")
    batch = [
        arrival(full),
        arrival(minimal),
        arrival(full),  # the platform's retry, in the same batch
        arrival(b"{not json"),
        arrival(encoded("alert_hinglish_x", source="meta-safety")),
        arrival(minimal, secret="wrong-secret-0123456789"),
    ]
    outcomes = actions.do_intake(batch, Checks())
    statuses = [o.status for o in outcomes]
    assert statuses == [
        "accepted",
        "accepted",
        "duplicate",
        "quarantined",
        "accepted",
        "quarantined",
    ]
    assert outcomes[2].case_id == outcomes[0].case_id
    assert outcomes[3].refusal is not None and outcomes[3].refusal.code == "invalid_json"
    assert outcomes[5].refusal is not None and outcomes[5].refusal.code == "bad_signature"
    assert Case.objects.count() == 3 and RawAlert.objects.count() == 6
    assert chain.verify() == (6, None)
    assert [r.status for r in RawAlert.objects.order_by("pk")] == statuses


def test_a_failing_batch_falls_back_to_one_by_one(
    source: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_settle = actions._settle

    def fails_for_batches(raws: list[RawAlert], *args: Any) -> Any:
        if len(raws) > 1:
            raise RuntimeError("one poison alert breaks the batch")
        return real_settle(raws, *args)

    monkeypatch.setattr(actions, "_settle", fails_for_batches)
    outcomes = actions.do_intake(
        [arrival(encoded("alert_full")), arrival(encoded("alert_minimal"))], Checks()
    )
    assert [o.status for o in outcomes] == ["accepted", "accepted"]
    assert RawAlert.objects.filter(status=RawAlertStatus.ACCEPTED).count() == 2
    assert Case.objects.count() == 2


def test_shared_identifiers_in_a_batch_share_a_subject_and_a_case(source: Any) -> None:
    one = encoded("alert_minimal")
    two = encoded("alert_minimal", post={"text": "aaj raat ke baad nahi rahunga"})
    outcomes = actions.do_intake([arrival(one), arrival(two)], Checks())
    assert [o.status for o in outcomes] == ["accepted", "accepted"]
    (case,) = Case.objects.filter(pk__in=[o.case_id for o in outcomes])
    assert case.subject_id is not None and case.alerts.count() == 2 and not case.is_repeat
