"""Who sees which case, and the desk pages that show them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.test import Client

from jeevanrekha.cases import access
from jeevanrekha.cases.actions import do_create_desk_user
from jeevanrekha.cases.models import Case, Role
from tests.conftest import PostAlert, desk_user, fixture_alert, sign_in

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-desk-password-42"


def user(name: str, role: Role, district: str = "") -> Client:
    return desk_user(name, role, district)


def case_in(district: str, post_alert: PostAlert, n: int) -> int:
    alert = fixture_alert("alert_minimal")
    alert["account"]["handle"] = f"someone_{n}"
    case_id = int(post_alert(alert).json()["case_id"])
    Case.objects.filter(pk=case_id).update(district=district)  # locate's job, issue #4
    return case_id


def test_a_district_officer_sees_only_their_district(post_alert: PostAlert) -> None:
    lucknow = case_in("Lucknow", post_alert, 1)
    prayagraj = case_in("Prayagraj", post_alert, 2)
    do_create_desk_user("do_lko", Role.DISTRICT_OFFICER, "lucknow", PASSWORD, actor="test")
    officer = get_user_model().objects.get(username="do_lko")
    assert set(access.cases_visible_to(officer).values_list("pk", flat=True)) == {lucknow}
    assert access.case_for(officer, prayagraj) is None
    client = sign_in(Client(), "do_lko")
    assert client.get(f"/cases/{prayagraj}/").status_code == 404
    assert client.get(f"/cases/{lucknow}/").status_code == 200


def test_roles_without_case_work_see_no_cases(post_alert: PostAlert) -> None:
    case_in("Lucknow", post_alert, 1)
    for role in (Role.COUNSELLOR, Role.STF_ANALYST):
        do_create_desk_user(f"u_{role}", role, "", PASSWORD, actor="test")
        assert not access.cases_visible_to(
            get_user_model().objects.get(username=f"u_{role}")
        ).exists()
    assert not access.cases_visible_to(AnonymousUser()).exists()


def test_the_queue_needs_sign_in(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_queue_lists_new_alerts_most_urgent_first(post_alert: PostAlert) -> None:
    desk = user("op1", Role.OPERATOR)
    calm = fixture_alert("alert_minimal")
    calm["post"]["created_at"] = datetime.now(UTC).isoformat()
    post_alert(calm)
    older = fixture_alert("alert_full")  # posted in 2022: it has waited longest
    old_id = post_alert(older).json()["case_id"]
    page = desk.get("/desk/queue/").content.decode()
    assert "आज मैं आत्महत्या कर रहा हूं" in page
    assert "exam me fail ho gaya" in page
    assert page.index(f'data-case="{old_id}"') < page.index("exam me fail ho gaya")
    full = desk.get("/").content.decode()
    assert 'hx-get="/desk/queue/"' in full and "htmx.min.js" in full


def test_quarantined_alerts_are_flagged_on_the_desk(post_alert: PostAlert) -> None:
    desk = user("op1", Role.OPERATOR)
    post_alert(b"{broken")
    assert "1 alert did not pass checks" in desk.get("/desk/queue/").content.decode()


def test_the_case_page_shows_alert_and_timeline(post_alert: PostAlert) -> None:
    desk = user("sup", Role.SUPERVISOR)
    case_id = post_alert(fixture_alert("alert_full")).json()["case_id"]
    page = desk.get(f"/cases/{case_id}/").content.decode()
    assert "ankit.verma.4471" in page and "case_opened" in page
