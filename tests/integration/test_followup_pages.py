"""Issue #8 part 1, the pages: "saved" on the case page starts follow-up once; a counsellor
works the checks from /followup/ (and sees them on /tasks/) with only what the call needs;
the supervisor sees adherence; a new risk shows on both linked cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.utils import timezone

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases.models import Case, Role, SubjectIdentifier
from jeevanrekha.followup.models import FollowUp, FollowUpCheck
from jeevanrekha.followup.timers import sweep_checks
from tests.conftest import PostAlert, desk_user, fixture_alert

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def saved_on_the_page(post_alert: PostAlert, desk: Client) -> Case:
    """An alert in through the intake API, dispatched, and "saved" pressed on its page."""
    case_id = int(post_alert(fixture_alert("alert_full")).json()["case_id"])
    Case.objects.filter(pk=case_id).update(
        state="dispatched", district="Lucknow", state_name="Uttar Pradesh"
    )
    reply = desk.post(f"/cases/{case_id}/outcome", {"code": "saved"}, follow=True)
    assert "Outcome recorded: Saved." in reply.content.decode()
    return Case.objects.get(pk=case_id)


def checks(case: Case) -> list[FollowUpCheck]:
    return list(FollowUpCheck.objects.filter(follow_up__case=case).order_by("number"))


def test_saved_twice_on_the_page_starts_one_follow_up(
    post_alert: PostAlert, desk_client: Client
) -> None:
    case = saved_on_the_page(post_alert, desk_client)
    assert case.state == "follow_up"
    again = desk_client.post(f"/cases/{case.pk}/outcome", {"code": "saved"}, follow=True)
    assert "already recorded" in again.content.decode()
    assert FollowUp.objects.filter(case=case).count() == 1 and len(checks(case)) == 4
    page = desk_client.get(f"/cases/{case.pk}/").content.decode()
    assert 'id="follow-up-h"' in page and "Tele-MANAS 14416" in page and "72h" in page


def test_a_counsellor_sees_what_the_call_needs_and_nothing_else(
    post_alert: PostAlert, desk_client: Client
) -> None:
    case = saved_on_the_page(post_alert, desk_client)
    sweep_checks("w1", timezone.now() + 25 * H)
    first = checks(case)[0]
    counsellor = desk_user("cns1", Role.COUNSELLOR)
    page = counsellor.get("/followup/").content.decode()
    phone = SubjectIdentifier.objects.get(subject_id=case.subject_id, kind="phone").value
    handle = SubjectIdentifier.objects.get(subject_id=case.subject_id, kind="handle").value
    for shown in (case.reference, "Ankit", phone, handle, "Lucknow", "Tele-MANAS 14416"):
        assert shown in page, shown
    assert f'action="/followup/checks/{first.pk}/record"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    for hidden in ("आत्महत्या", "Indira Nagar", "26.8797", f'href="/cases/{case.pk}/"', "Verma"):
        assert hidden not in page, hidden
    assert counsellor.get(f"/cases/{case.pk}/").status_code == 404
    assert counsellor.get("/followup/adherence/").status_code == 403
    tasks = counsellor.get("/tasks/").content.decode()
    assert f'href="/followup/#check-{first.pk}"' in tasks  # the due check is a request too
    counsellor.post("/i18n/setlang/", {"language": "hi", "next": "/followup/"})
    hindi = counsellor.get("/followup/").content.decode()
    assert "बचाव के बाद फ़ॉलो-अप" in hindi and "संपर्क हुआ, ठीक हैं" in hindi


def test_a_counsellor_records_a_check_with_csrf_and_it_is_audited(
    post_alert: PostAlert, desk_client: Client
) -> None:
    case = saved_on_the_page(post_alert, desk_client)
    sweep_checks("w1", timezone.now() + 25 * H)
    first = checks(case)[0]
    counsellor = desk_user("cns1", Role.COUNSELLOR)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies[settings.SESSION_COOKIE_NAME] = counsellor.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    url = f"/followup/checks/{first.pk}/record"
    assert strict.post(url, {"result": "reached"}).status_code == 403  # no CSRF token
    empty = counsellor.post(url, {}, follow=True)
    assert "Choose what the check found." in empty.content.decode()
    reply = counsellor.post(url, {"result": "in_care", "note": "sees the district counsellor"})
    assert reply.status_code == 302 and reply["Location"] == "/followup/"
    first.refresh_from_db()
    assert (first.result, first.recorded_by, first.note) == (
        "in_care",
        "user:cns1",
        "sees the district counsellor",
    )
    event = AuditEvent.objects.get(action="follow_up_check_recorded")
    assert event.actor == "user:cns1" and event.object_id == str(case.pk)
    twice = counsellor.post(url, {"result": "declined"}, follow=True)
    assert "already has a result" in twice.content.decode()


def test_other_roles_see_what_their_role_allows(post_alert: PostAlert, desk_client: Client) -> None:
    case = saved_on_the_page(post_alert, desk_client)
    sweep_checks("w1", timezone.now() + 25 * H)
    first = checks(case)[0]
    assert desk_user("stf1", Role.STF_ANALYST).get("/followup/").status_code == 403
    agra = desk_user("do_agra", Role.DISTRICT_OFFICER, "Agra")
    assert case.reference not in agra.get("/followup/").content.decode()
    assert (
        agra.post(f"/followup/checks/{first.pk}/record", {"result": "reached"}).status_code == 403
    )
    lucknow = desk_user("do_lko", Role.DISTRICT_OFFICER, "Lucknow")
    page = lucknow.get("/followup/").content.decode()
    assert case.reference in page and 'action="/followup/checks/' not in page  # reads only
    auditor = desk_user("aud1", Role.AUDITOR)
    assert (
        auditor.post(f"/followup/checks/{first.pk}/record", {"result": "reached"}).status_code
        == 403
    )
    assert not FollowUpCheck.objects.filter(recorded_at__isnull=False).exists()


def test_the_supervisor_sees_adherence_per_case(post_alert: PostAlert, desk_client: Client) -> None:
    case = saved_on_the_page(post_alert, desk_client)
    start = FollowUp.objects.get(case=case).started_at
    sweep_checks("w1", start + 24 * H)
    later = start + 36 * H + timedelta(seconds=1)
    sweep_checks("w1", later)  # the first check is overdue
    with time_machine.travel(later + H, tick=False):  # the page counts at the clock's time
        supervisor = desk_user("sup2", Role.SUPERVISOR)
        page = supervisor.get("/followup/adherence/").content.decode()
    assert case.reference in page and 'class="overdue"' in page
    assert "24h: missed" in page and "72h: pending" in page
    assert desk_user("op1", Role.OPERATOR).get("/followup/adherence/").status_code == 403


def test_a_new_risk_recorded_on_the_page_shows_on_both_cases(
    post_alert: PostAlert, desk_client: Client
) -> None:
    case = saved_on_the_page(post_alert, desk_client)
    sweep_checks("w1", timezone.now() + 25 * H)
    counsellor = desk_user("cns1", Role.COUNSELLOR)
    url = f"/followup/checks/{checks(case)[0].pk}/record"
    reply = counsellor.post(url, {"result": "new_risk", "note": "posted again"}, follow=True)
    new_id = checks(case)[0].new_case_id
    assert new_id is not None
    new = Case.objects.get(pk=new_id)
    assert f"New risk: case {new.reference} opened for the desk." in reply.content.decode()
    old_page = desk_client.get(f"/cases/{case.pk}/").content.decode()
    assert f'href="/cases/{new.pk}/"' in old_page
    new_page = desk_client.get(f"/cases/{new.pk}/").content.decode()
    assert "found a new risk" in new_page and f'href="/cases/{case.pk}/"' in new_page
    assert Case.objects.get(pk=case.pk).state == "closed"
    assert case.reference not in counsellor.get("/followup/").content.decode()  # ended
