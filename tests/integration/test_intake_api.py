"""POST /api/v1/alerts on a real database: accepted, retried, and every kind of bad input."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jeevanrekha.audit import chain
from jeevanrekha.bus.models import OutboxMessage
from jeevanrekha.cases.models import Case
from jeevanrekha.intake.models import Alert, RawAlert, RawAlertStatus
from jeevanrekha.intake.signing import signed_headers
from tests.conftest import SECRET, SOURCE, PostAlert, fixture_alert

pytestmark = pytest.mark.django_db

DOCUMENTED = {200, 202, 400, 401, 413, 422}


def only_raw() -> RawAlert:
    (raw,) = RawAlert.objects.all()
    return raw


def test_valid_alert_becomes_a_case(post_alert: PostAlert) -> None:
    response = post_alert(fixture_alert("alert_full"))
    assert response.status_code == 202, response.content
    body = response.json()
    case = Case.objects.get(pk=body["case_id"])
    assert body["case_url"].endswith(f"/cases/{case.pk}/")
    assert case.state == "new" and case.priority > 0
    alert = Alert.objects.get(case=case)
    assert alert.post_text == "आज मैं आत्महत्या कर रहा हूं. मजबूरी है मेरी"
    assert alert.evidence["tower"]["radius_m"] == 1500
    assert alert.subject is not None
    raw = only_raw()
    assert raw.status == RawAlertStatus.ACCEPTED and raw.alert_id == alert.pk
    assert json.loads(bytes(raw.body)) == fixture_alert("alert_full")
    assert OutboxMessage.objects.filter(topic="case_opened", key=str(case.pk)).count() == 1
    assert chain.verify() == (1, None)
    assert response["X-Request-ID"]


def test_retry_returns_the_same_case(post_alert: PostAlert) -> None:
    first = post_alert(fixture_alert("alert_full"))
    again = post_alert(fixture_alert("alert_full"))
    assert (first.status_code, again.status_code) == (202, 200)
    assert first.json()["case_id"] == again.json()["case_id"]
    assert again.json()["status"] == "duplicate"
    assert Case.objects.count() == 1 and RawAlert.objects.count() == 2
    assert RawAlert.objects.filter(status=RawAlertStatus.DUPLICATE).count() == 1


def test_same_platform_id_with_a_different_body_is_the_same_alert(post_alert: PostAlert) -> None:
    alert = fixture_alert("alert_full")
    first = post_alert(alert)
    alert["received_at"] = "2022-09-07T03:26:00+05:30"  # the platform's retry re-stamps it
    again = post_alert(alert)
    assert again.status_code == 200 and again.json()["case_id"] == first.json()["case_id"]


def test_without_an_id_the_body_hash_is_the_key(post_alert: PostAlert) -> None:
    alert = fixture_alert("alert_minimal")
    assert post_alert(alert).status_code == 202
    assert post_alert(alert).status_code == 200
    alert["post"]["text"] += "!"
    changed = post_alert(alert)
    assert changed.status_code == 202  # a second alert (about the same person: same case)
    assert Alert.objects.count() == 2 and Case.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        (b'{"source": "meta-safety", "platform": ', 400, "invalid_json"),
        (b"\xff\xfe not utf-8 \xc3\x28", 400, "invalid_utf8"),
        (b"[" * 10_000 + b"]" * 10_000, 400, "too_deep"),
        (b'{"a":' * 40 + b"1" + b"}" * 40, 400, "too_deep"),
        (b'{"source": "meta-safety", "platform": "x", "post": {"text": NaN}}', 400, "invalid_json"),
        (b"[1, 2, 3]", 422, "not_an_object"),
        (b"", 400, "invalid_json"),
    ],
    ids=["truncated", "bad-utf8", "10000-deep", "41-deep", "nan", "array", "empty"],
)
def test_unreadable_bodies_are_quarantined(
    post_alert: PostAlert, body: bytes, status: int, code: str
) -> None:
    response = post_alert(body)
    assert response.status_code == status
    assert response.json()["error"] == code
    raw = only_raw()
    assert raw.status == RawAlertStatus.QUARANTINED and raw.error_code == code
    assert bytes(raw.body) == body
    assert Case.objects.count() == 0


def test_wrong_types_name_the_fields(post_alert: PostAlert) -> None:
    alert = fixture_alert("alert_full")
    alert["post"]["text"] = 42
    alert["evidence"]["tower"]["lat"] = "north"
    alert["evidence"]["ip"] = "999.1.1.1"
    response = post_alert(alert)
    assert response.status_code == 422
    locs = {tuple(e["loc"]) for e in response.json()["errors"]}
    assert {("post", "text"), ("evidence", "tower", "lat"), ("evidence", "ip")} <= locs
    assert only_raw().status == RawAlertStatus.QUARANTINED


def test_an_alert_with_nothing_to_act_on_is_refused(post_alert: PostAlert) -> None:
    response = post_alert({"source": SOURCE, "platform": "x", "post": {}})
    assert response.status_code == 422 and response.json()["error"] == "nothing_to_act_on"


def test_naive_times_are_refused(post_alert: PostAlert) -> None:
    alert = fixture_alert("alert_minimal")
    alert["post"]["created_at"] = "2026-11-20T22:41:07"
    response = post_alert(alert)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["post", "created_at"]


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"sign": False}, "unknown_source"),
        ({"X-JR-Signature": ""}, "signature_missing"),
        ({"X-JR-Signature": "sha256=" + "0" * 64}, "bad_signature"),
        ({"X-JR-Source": "someone-else"}, "unknown_source"),
        ({"X-JR-Timestamp": "yesterday"}, "timestamp_missing"),
    ],
)
def test_authentication_failures(
    post_alert: PostAlert, overrides: dict[str, Any], code: str
) -> None:
    sign = overrides.pop("sign", True)
    response = post_alert(fixture_alert("alert_full"), sign=sign, **overrides)
    assert response.status_code == 401
    assert response.json()["error"] == code
    assert only_raw().error_code == code


def test_stale_timestamp_is_refused(client: Any, source: Any) -> None:
    body = json.dumps(fixture_alert("alert_full")).encode()
    headers = signed_headers(SOURCE, SECRET, body, now=time.time() - 301)
    headers.pop("Content-Type")
    response = client.post("/api/v1/alerts", body, content_type="application/json", headers=headers)
    assert response.status_code == 401 and response.json()["error"] == "stale_timestamp"
    assert only_raw().status == RawAlertStatus.QUARANTINED


def test_source_must_match_the_signer(post_alert: PostAlert) -> None:
    alert = fixture_alert("alert_full")
    alert["source"] = "another-source"
    response = post_alert(alert)
    assert response.status_code == 422 and response.json()["error"] == "source_mismatch"


def test_oversized_body_is_413_and_recorded(post_alert: PostAlert, settings: Any) -> None:
    settings.INTAKE_MAX_BODY_BYTES = 1024 * 1024
    alert = fixture_alert("alert_full")
    alert["post"]["text"] = "x" * (1024 * 1024)
    response = post_alert(alert)
    assert response.status_code == 413 and response.json()["error"] == "too_large"
    raw = only_raw()
    assert raw.body_truncated and raw.body_size > 1024 * 1024
    assert len(bytes(raw.body)) == 64 * 1024


def test_openapi_documents_the_alert(client: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    operation = document["paths"]["/api/v1/alerts"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert {"source", "platform", "post"} <= set(schema["required"])
    assert {"202", "200", "400", "401", "413", "422"} <= set(operation["responses"])
    assert {p["name"] for p in operation["parameters"]} >= {"X-JR-Signature", "X-JR-Timestamp"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "source",
                    "platform",
                    "post",
                    "text",
                    "url",
                    "account",
                    "handle",
                    "evidence",
                    "tower",
                    "lat",
                ]
            )
            | st.text(max_size=5),
            children,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()))
def test_generated_bodies_never_cause_a_server_error(post_alert: PostAlert, body: bytes) -> None:
    before = RawAlert.objects.count()
    response = post_alert(body)
    assert response.status_code in DOCUMENTED, response.content
    assert RawAlert.objects.count() == before + 1
    latest = RawAlert.objects.latest("pk")
    assert bytes(latest.body) == body
    if response.status_code >= 400:
        assert latest.status == RawAlertStatus.QUARANTINED


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=200),
    handle=st.text(max_size=50),
    lat=st.floats(allow_nan=False, allow_infinity=False, width=32),
)
def test_generated_alerts_of_the_right_shape(
    post_alert: PostAlert, text: str, handle: str, lat: float
) -> None:
    alert = {
        "source": SOURCE,
        "platform": "x",
        "post": {"text": text},
        "account": {"handle": handle},
        "evidence": {"tower": {"lat": lat, "lon": 80.9}},
    }
    response = post_alert(alert)
    assert response.status_code in DOCUMENTED, response.content
    if response.status_code == 422:
        assert response.json()["errors"], "a 422 must name what was wrong"


def test_nul_characters_are_refused_by_field(post_alert: PostAlert) -> None:
    alert = fixture_alert("alert_full")
    alert["account"]["name"] = "Ankit\u0000Verma"
    response = post_alert(alert)
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["account", "name"]
