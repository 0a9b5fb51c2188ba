"""Ladders and the travel model from settings; the SMS gateway request from its template."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from jeevanrekha.core.escalation import DEFAULT_POLICIES
from jeevanrekha.dispatch import conf
from jeevanrekha.dispatch.transports import Outgoing
from jeevanrekha.dispatch.transports.sms.send import build_request, text_of


def test_ladders_override_one_kind_and_keep_the_others() -> None:
    doc = {
        "police_station": {
            "remind_after_ack_minutes": 10,
            "steps": [
                {"notify": "station_duty_officer", "ack_within_minutes": 2},
                {"notify": "sho", "ack_within_minutes": 4, "renotify_every_minutes": 1},
            ],
        }
    }
    policies = conf.parse_ladders(doc)
    station = policies["police_station"]
    assert [s.notify for s in station.steps] == ["station_duty_officer", "sho"]
    assert station.steps[1].renotify_every == timedelta(minutes=1)
    assert station.remind_after_ack == timedelta(minutes=10)
    assert policies["trace"] == DEFAULT_POLICIES["trace"]


@pytest.mark.parametrize(
    "doc",
    [
        [],
        {"trace": {}},
        {"trace": {"steps": [{"notify": "x"}]}},
        {"trace": {"steps": [{"notify": "x", "ack_within_minutes": -1}]}},
    ],
)
def test_bad_ladders_are_refused_with_the_place(doc: Any) -> None:
    with pytest.raises(ImproperlyConfigured):
        conf.parse_ladders(doc)


def test_ladders_and_travel_from_settings(settings: Any, tmp_path: Any) -> None:
    path = tmp_path / "ladders.json"
    path.write_text(
        json.dumps({"counsellor": {"steps": [{"notify": "c", "ack_within_minutes": 9}]}})
    )
    settings.DISPATCH_LADDERS = f"@{path}"
    settings.DISPATCH_TRAVEL = json.dumps({"road_factor": {"urban": 2.0}})
    conf.forget()
    try:
        assert conf.policy_for("counsellor").steps[0].ack_within == timedelta(minutes=9)
        assert conf.travel().road_factor["urban"] == 2.0
        assert conf.travel().road_factor["rural"] == 1.3
    finally:
        conf.forget()


def test_sms_request_from_template(settings: Any) -> None:
    settings.DISPATCH_SMS_URL = "http://127.0.0.1:9/sms"
    settings.DISPATCH_SMS_TEMPLATE = '{"msisdn": "{to}", "message": "{text}", "sender": "UPPOL"}'
    settings.DISPATCH_SMS_HEADERS = '{"Authorization": "Bearer k"}'
    message = Outgoing(
        1,
        2,
        3,
        "sho",
        "+919800000000",
        'JR-000003: "alert"',
        "line1\nline2",
        link_url="http://desk/t/abc",
    )
    request = build_request(message)
    body = json.loads(request.data)  # type: ignore[arg-type]
    assert body["msisdn"] == "+919800000000"
    assert body["message"].startswith('JR-000003: "alert"\nhttp://desk/t/abc')
    assert request.get_header("Authorization") == "Bearer k"
    assert len(text_of(Outgoing(1, 2, 3, "r", "a", "s", "x" * 5000))) == 640
