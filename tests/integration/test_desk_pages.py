"""Issue #7: the desk pages (queue, case, review, vehicles, map outlines), their words in
Hindi, their SQL queries (no N+1), and recording an outcome."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jeevanrekha.audit import chain
from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases.models import Case, CaseNote, Outcome, Role, TaskKind
from jeevanrekha.dispatch.actions import do_open_task
from jeevanrekha.intake.models import Alert
from tests.conftest import desk_user
from tests.unit.dispatch.support import add_vehicle, make_case

pytestmark = pytest.mark.django_db
HINDI_POST = "आज मैं आत्महत्या कर रहा हूं. मजबूरी है मेरी"


def with_alert(case: Case, n: int = 0, text: str = HINDI_POST) -> Alert:
    cues = [{"start": 0, "end": 2, "kind": "time", "effect": "raised"}]
    return Alert.objects.create(
        idempotency_key=f"t:{case.pk}:{n}",
        source="test",
        platform="facebook",
        received_at=case.opened_at + timedelta(seconds=n),
        post_text=text,
        account_handle=f"person{case.pk}",
        evidence={"phone": "+91 94150 12345", "address": "Hazratganj, Lucknow"},
        risk={"level": 4, "imminent": True, "score": 0.9, "cues": cues, "lang": "hi"},
        case=case,
    )


def cases(n: int, **fields: Any) -> list[Case]:
    made = []
    for i in range(n):
        case = make_case(timezone.now() - timedelta(minutes=i), priority=500 + i, **fields)
        with_alert(case)
        made.append(case)
    return made


def test_queue_shows_deadline_owner_and_filters(desk_client: Client) -> None:
    lucknow, agra = cases(1)[0], cases(1, district="Agra")[0]
    do_open_task(lucknow.pk, TaskKind.POLICE_STATION, "Hazratganj", actor="t", at=timezone.now())
    page = desk_client.get("/desk/queue/").content.decode()
    assert f'data-case="{lucknow.pk}"' in page and f'data-case="{agra.pk}"' in page
    assert 'class="countdown"' in page and "Police station: Hazratganj" in page
    only = desk_client.get("/desk/queue/", {"district": "Agra"}).content.decode()
    assert f'data-case="{agra.pk}"' in only and f'data-case="{lucknow.pk}"' not in only
    full = desk_client.get("/").content.decode()
    assert 'id="announce"' in full and "Keyboard shortcuts" in full and "<kbd>j</kbd>" in full


def test_queue_and_case_queries_do_not_grow_with_rows(desk_client: Client) -> None:
    cases(12)
    counts = []
    for limit in (2, 12):
        with CaptureQueriesContext(connection) as captured:
            page = desk_client.get("/desk/queue/", {"limit": str(limit)})
        assert page.content.decode().count("data-case=") == limit
        counts.append(len(captured))
    assert counts[0] == counts[1]
    small, large = make_case(timezone.now()), make_case(timezone.now())
    for case, n in ((small, 1), (large, 8)):
        for i in range(n):
            with_alert(case, i)
            do_open_task(case.pk, TaskKind.VEHICLE_112, f"PRV-{i}", actor="t", at=timezone.now())
    page_queries = []
    for case in (small, large):
        with CaptureQueriesContext(connection) as captured:
            assert desk_client.get(f"/cases/{case.pk}/").status_code == 200
        page_queries.append(len(captured))
    assert page_queries[0] == page_queries[1]


def test_case_page_marks_cues_lists_evidence_and_feeds_the_map(desk_client: Client) -> None:
    case = cases(1)[0]
    add_vehicle("PRV-LKO-9", 26.86, 80.95, timezone.now(), district="Lucknow")
    page = desk_client.get(f"/cases/{case.pk}/").content.decode()
    assert '<mark class="cue cue-up"' in page and 'data-cue="time">आज</mark>' in page
    assert "Hazratganj, Lucknow" in page and "+91 94150 12345" in page  # evidence table
    data = json.loads(page.split('id="map-data" type="application/json">')[1].split("</script>")[0])
    assert data["point"]["lat"] == 26.85 and data["district"] == "Lucknow"
    assert [v["code"] for v in data["vehicles"]] == ["PRV-LKO-9"]
    assert "/geo/states.geojson" in page and "leaflet.js" in page


def test_outlines_are_served_by_the_desk(desk_client: Client) -> None:
    states = desk_client.get("/geo/states.geojson")
    assert states.status_code == 200 and states["Content-Type"] == "application/geo+json"
    names = {f["properties"]["name"] for f in json.loads(states.content)["features"]}
    assert "Uttar Pradesh" in names and len(names) >= 30
    up = desk_client.get("/geo/districts/Uttar Pradesh.geojson")
    districts = {f["properties"]["name"] for f in json.loads(up.content)["features"]}
    assert {"Lucknow", "Prayagraj", "Agra"} <= districts
    again = desk_client.get("/geo/states.geojson", headers={"If-None-Match": states["ETag"]})
    assert again.status_code == 304
    assert desk_client.get("/geo/districts/Atlantis.geojson").status_code == 404
    assert Client().get("/geo/states.geojson").status_code == 302  # sign-in first


def test_recording_saved_resolves_a_dispatched_case(desk_client: Client) -> None:
    case = cases(1, state="dispatched")[0]
    reply = desk_client.post(
        f"/cases/{case.pk}/outcome",
        {"code": "saved", "reasons": ["dense_area", "bogus"], "note": "SHO reached"},
        follow=True,
    )
    assert "Outcome recorded: Saved. The case is resolved." in reply.content.decode()
    outcome = Outcome.objects.get(case=case)
    assert outcome.code == "saved" and outcome.reason_codes == ["dense_area"]
    case.refresh_from_db()
    assert case.state == "follow_up"  # saved starts follow-up at once (issue #8)
    again = desk_client.post(f"/cases/{case.pk}/outcome", {"code": "saved"}, follow=True)
    assert "already recorded" in again.content.decode()
    closed = desk_client.post(f"/cases/{case.pk}/close", follow=True)
    assert "closed." in closed.content.decode()
    case.refresh_from_db()
    assert case.state == "closed"


def test_an_auditor_reads_but_cannot_record(desk_client: Client) -> None:
    case = cases(1, state="dispatched")[0]
    auditor = desk_user("aud1", Role.AUDITOR)
    assert "Your role can read this case" in auditor.get(f"/cases/{case.pk}/").content.decode()
    assert auditor.post(f"/cases/{case.pk}/outcome", {"code": "saved"}).status_code == 403
    assert not Outcome.objects.filter(case=case).exists()


def test_the_same_pages_in_hindi(desk_client: Client) -> None:
    case = cases(1)[0]
    switched = desk_client.post("/i18n/setlang/", {"language": "hi", "next": f"/cases/{case.pk}/"})
    assert switched.status_code == 302
    page = desk_client.get(f"/cases/{case.pk}/").content.decode()
    assert '<html lang="hi">' in page
    for words in ("समयरेखा", "पुष्टि करें और पुलिस भेजें", "कहाँ", "सबूत", "नक्शा"):
        assert words in page, words
    queue = desk_client.get("/").content.decode()
    assert "लाइव कतार" in queue and "खुले केस" in queue


def test_review_page_and_vehicles_board(desk_client: Client) -> None:
    raised = cases(1, needs_review=True)[0]
    assert f"/cases/{raised.pk}/" in desk_client.get("/review/").content.decode()
    add_vehicle("PRV-LKO-1", 26.86, 80.95, timezone.now(), district="Lucknow")
    case = cases(1)[0]
    do_open_task(
        case.pk,
        TaskKind.VEHICLE_112,
        "PRV-LKO-1",
        actor="t",
        at=timezone.now(),
        detail={"vehicle": "PRV-LKO-1"},
    )
    board = desk_client.get("/vehicles/").content.decode()
    assert "PRV-LKO-1" in board and f"JR-{case.pk:06d}" in board
    officer = desk_user("do_agra", Role.DISTRICT_OFFICER, "Agra")
    assert "PRV-LKO-1" not in officer.get("/vehicles/").content.decode()


def test_the_call_log_and_notes(desk_client: Client) -> None:
    case = cases(1, state="dispatched")[0]
    url = f"/cases/{case.pk}/note"
    refused = desk_client.post(url, {"kind": "call", "party": "the subject"}, follow=True)
    assert "Say how the call went." in refused.content.decode()
    empty = desk_client.post(url, {"kind": "note", "text": "  "}, follow=True)
    assert "Write the note first." in empty.content.decode()
    assert not CaseNote.objects.exists()
    called = desk_client.post(
        url,
        {"kind": "call", "party": "SHO Hazratganj", "result": "no_answer", "incoming": "0"},
        follow=True,
    )
    assert "Call logged." in called.content.decode()
    noted = desk_client.post(
        url, {"kind": "note", "text": "Mother says he left at 3 a.m."}, follow=True
    )
    page = noted.content.decode()
    assert "Note added." in page
    # Both on the timeline, with what only the note rows hold.
    assert "to SHO Hazratganj · Rang, no answer" in page
    assert "Mother says he left at 3 a.m." in page
    call, note = CaseNote.objects.order_by("at", "id")
    assert (call.kind, call.result, call.author) == ("call", "no_answer", "user:supervisor1")
    assert (note.kind, note.result, note.text) == ("note", "", "Mother says he left at 3 a.m.")
    events = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk))
    logged = events.get(action="call_logged")
    assert logged.after == {
        "note_id": call.pk,
        "kind": "call",
        "result": "no_answer",
        "incoming": False,
    }
    # The audit trail says which note, never what it says (retention must reach the text).
    assert "Mother" not in str(events.get(action="note_added").after)
    assert chain.verify()[1] is None


def test_an_auditor_cannot_add_to_the_call_log(desk_client: Client) -> None:
    case = cases(1)[0]
    auditor = desk_user("aud2", Role.AUDITOR)
    reply = auditor.post(f"/cases/{case.pk}/note", {"kind": "note", "text": "x"})
    assert reply.status_code == 403 and not CaseNote.objects.exists()
