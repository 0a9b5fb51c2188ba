"""Issue #5: the phone-in form, and the desk's work on the quarantine (audited)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from jeevanrekha.audit import chain
from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases.models import Case, Role
from jeevanrekha.intake.actions import do_save_source
from jeevanrekha.intake.checks import forget_sources
from jeevanrekha.intake.models import Alert, RawAlert, RawAlertStatus
from jeevanrekha.intake.signing import signed_headers
from tests.conftest import PostAlert, desk_user, fixture_alert

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-desk-password-42"


def signed_in(name: str, role: Role) -> Client:
    return desk_user(name, role)


CALL = {
    "said": "meri beti ne kaha ki aaj raat ke baad nahi rahegi, phone band hai",
    "caller_name": "Sunita Devi",
    "callback": "+91 94150 12345",
    "about_caller": "",
    "person_name": "Pooja",
    "person_phone": "98390 55555",
    "location": "gram Bhawanipur, thana Phulpur, jila Prayagraj",
    "platform": "phone",
    "handle": "",
    "post_url": "",
}


def test_a_phone_call_becomes_a_case(desk_client: Client) -> None:
    page = desk_client.get("/phone-in/").content.decode()
    entry = page.split('name="entry" value="')[1].split('"')[0]
    response = desk_client.post("/phone-in/", {**CALL, "entry": entry})
    assert response.status_code == 302
    case = Case.objects.get()
    assert response["Location"] == f"/cases/{case.pk}/"
    alert = Alert.objects.get(case=case)
    assert alert.platform == "phone" and alert.account_name == "Pooja"
    assert alert.evidence == {"phone": "98390 55555", "address": CALL["location"]}
    assert alert.reporter["name"] == "Sunita Devi"
    raw = RawAlert.objects.get()
    assert raw.channel == "form" and raw.source_name == "desk:supervisor1"
    assert json.loads(bytes(raw.body))["post"]["text"] == CALL["said"]  # stored as typed
    # The same form sent twice (a double click, a reload) is one alert.
    again = desk_client.post("/phone-in/", {**CALL, "entry": entry})
    assert again["Location"] == f"/cases/{case.pk}/" and Alert.objects.count() == 1


def test_a_call_needs_what_was_said_and_a_valid_number(desk_client: Client) -> None:
    response = desk_client.post("/phone-in/", {**CALL, "said": "", "callback": "call me"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "This field is required" in body and "digits, spaces" in body
    assert not RawAlert.objects.exists()


def test_only_roles_that_take_alerts_may_record_calls() -> None:
    auditor = signed_in("aud", Role.AUDITOR)
    assert auditor.get("/phone-in/").status_code == 403
    counsellor = signed_in("couns", Role.COUNSELLOR)
    assert counsellor.post("/phone-in/", CALL).status_code == 403
    assert counsellor.get("/quarantine/").status_code == 403
    assert not RawAlert.objects.exists()


def test_quarantined_raw_alert_made_into_a_case_by_hand(
    post_alert: PostAlert, desk_client: Client
) -> None:
    broken = b'{"source": "meta-safety", "platform": "instagram", "post": {"text": "alvida'
    refused = post_alert(broken)
    assert refused.status_code == 400
    raw_id = refused.json()["raw_alert_id"]
    listing = desk_client.get("/quarantine/").content.decode()
    assert f"/quarantine/{raw_id}/" in listing and "invalid_json" in listing
    detail = desk_client.get(f"/quarantine/{raw_id}/").content.decode()
    assert "alvida" in detail  # what arrived, shown to the desk
    assert AuditEvent.objects.filter(action="raw_alert_viewed", object_id=str(raw_id)).exists()

    typed = {
        **CALL,
        "about_caller": "on",
        "said": "alvida (post cut short)",
        "platform": "instagram",
    }
    response = desk_client.post(f"/quarantine/{raw_id}/by-hand", typed)
    assert response.status_code == 302
    raw = RawAlert.objects.get(pk=raw_id)
    assert raw.status == RawAlertStatus.ACCEPTED and raw.alert is not None
    assert response["Location"] == f"/cases/{raw.alert.case_id}/"
    by_hand = AuditEvent.objects.get(action="raw_alert_entered_by_hand")
    assert by_hand.actor == "user:supervisor1" and by_hand.before["error_code"] == "invalid_json"
    opened = AuditEvent.objects.get(action="case_opened")
    assert opened.actor == "user:supervisor1"
    # Done once: it is no longer in quarantine.
    assert desk_client.post(f"/quarantine/{raw_id}/by-hand", typed).status_code == 302
    assert Alert.objects.count() == 1 and chain.verify()[1] is None


def test_reparse_after_the_source_key_is_fixed(client: Client, desk_client: Client) -> None:
    body = json.dumps(fixture_alert("alert_minimal") | {"source": "partner-ngo"}).encode()
    headers = signed_headers("partner-ngo", "partner-secret-0123456789", body)
    refused = client.post(
        "/api/v1/alerts", data=body, content_type="application/json", headers=headers
    )
    assert refused.status_code == 401
    raw_id = refused.json()["raw_alert_id"]
    still = desk_client.post(f"/quarantine/{raw_id}/reparse")
    assert still["Location"] == f"/quarantine/{raw_id}/"  # still refused: nothing changed
    assert RawAlert.objects.get(pk=raw_id).status == RawAlertStatus.QUARANTINED

    do_save_source("partner-ngo", "partner-secret-0123456789", "instagram", actor="user:admin")
    forget_sources()
    fixed = desk_client.post(f"/quarantine/{raw_id}/reparse")
    raw = RawAlert.objects.get(pk=raw_id)
    assert raw.status == RawAlertStatus.ACCEPTED
    assert fixed["Location"] == f"/cases/{raw.alert.case_id}/"  # type: ignore[union-attr]
    assert (
        AuditEvent.objects.filter(action="raw_alert_reparse", actor="user:supervisor1").count() == 2
    )


def test_the_auditor_reads_the_quarantine_but_cannot_act(post_alert: PostAlert) -> None:
    raw_id = post_alert(b"not json").json()["raw_alert_id"]
    auditor = signed_in("aud", Role.AUDITOR)
    page = auditor.get(f"/quarantine/{raw_id}/").content.decode()
    assert "not json" in page and "Check it again" not in page
    assert auditor.post(f"/quarantine/{raw_id}/reparse").status_code == 403
    assert AuditEvent.objects.filter(action="raw_alert_viewed", actor="user:aud").exists()
