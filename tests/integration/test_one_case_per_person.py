"""Issue #5: alerts about one person join their open case; after it closes, a repeat."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from jeevanrekha.audit import chain
from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.bus.models import OutboxMessage
from jeevanrekha.cases.actions import do_apply_case_command
from jeevanrekha.cases.models import Case
from jeevanrekha.core.lifecycle import CaseCommand
from jeevanrekha.intake.models import Alert
from tests.conftest import PostAlert, fixture_alert

pytestmark = pytest.mark.django_db


def about(handle: str, n: int, **evidence: Any) -> dict[str, Any]:
    alert = fixture_alert("alert_minimal")
    alert["account"]["handle"] = handle
    alert["post"]["text"] = f"post {n}: aaj ke baad koi pareshan nahi hoga"
    alert["post"].pop("url", None)
    alert.pop("source_alert_id", None)
    alert["evidence"] = {**alert.get("evidence", {}), **evidence}
    return alert


def close(case_id: int) -> None:
    at = timezone.now()
    for command in (CaseCommand.TRIAGE, CaseCommand.CANCEL):
        do_apply_case_command(case_id, command, actor="user:supervisor", at=at)


def test_three_alerts_one_case_then_a_repeat_after_it_closes(post_alert: PostAlert) -> None:
    replies = [post_alert(about("ravi_k", n)) for n in range(3)]
    assert [r.status_code for r in replies] == [202, 202, 202]
    (case_id,) = {r.json()["case_id"] for r in replies}
    case = Case.objects.get(pk=case_id)
    assert Alert.objects.filter(case=case).count() == 3 and not case.is_repeat
    joined = AuditEvent.objects.filter(action="alert_added_to_case", object_id=str(case_id))
    assert joined.count() == 2  # the case's timeline shows each alert that joined it
    assert OutboxMessage.objects.filter(topic="case_alert_added", key=str(case_id)).count() == 2

    close(case_id)
    fourth = post_alert(about("ravi_k", 4))
    assert fourth.status_code == 202 and fourth.json()["case_id"] != case_id
    repeat = Case.objects.get(pk=fourth.json()["case_id"])
    assert repeat.is_repeat and repeat.subject_id == case.subject_id
    opened = AuditEvent.objects.get(action="case_opened", object_id=str(repeat.pk))
    assert opened.after["repeat_of"] == [case_id]
    assert chain.verify()[1] is None


def test_the_same_phone_on_another_platform_is_the_same_person(post_alert: PostAlert) -> None:
    first = post_alert(about("ravi_k", 1, phone="+91 98765 43210"))
    other = about("someone_else", 2, phone="098765 43210")
    other["platform"] = "facebook"
    assert post_alert(other).json()["case_id"] == first.json()["case_id"]


def test_an_active_case_quiet_for_longer_than_the_window_is_not_joined(
    post_alert: PostAlert, settings: Any
) -> None:
    settings.CASE_JOIN_WINDOW_HOURS = 24
    first = post_alert(about("ravi_k", 1)).json()["case_id"]
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        later = post_alert(about("ravi_k", 2)).json()["case_id"]
    assert later != first and Case.objects.get(pk=later).is_repeat


def test_the_case_page_links_the_same_persons_other_cases(
    post_alert: PostAlert, desk_client: Any
) -> None:
    first = post_alert(about("ravi_k", 1)).json()["case_id"]
    close(first)
    second = post_alert(about("ravi_k", 2)).json()["case_id"]
    page = desk_client.get(f"/cases/{second}/").content.decode()
    assert "repeat" in page and f"/cases/{first}/" in page
    queue = desk_client.get("/desk/queue/").content.decode()
    assert "repeat" in queue
