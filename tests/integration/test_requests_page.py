"""The requests page: STF works its trace requests and a counsellor its referrals there,
without ever seeing a case page or where the person was looked for."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from jeevanrekha.cases.models import Role, Task, TaskKind, TaskState
from jeevanrekha.dispatch.actions import do_open_task
from tests.conftest import desk_user
from tests.unit.dispatch.support import make_case

pytestmark = pytest.mark.django_db


def trace_and_referral() -> tuple[Task, Task]:
    now = timezone.now()
    case = make_case(now)
    trace = do_open_task(
        case.pk, TaskKind.TRACE, "stf", actor="user:op", at=now, detail={"phone": "9415012345"}
    )
    referral = do_open_task(
        case.pk, TaskKind.COUNSELLOR, "Tele-MANAS 14416", actor="user:op", at=now
    )
    return trace, referral


def test_stf_acknowledges_and_enters_the_fix_of_its_trace(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    trace, referral = trace_and_referral()
    stf: Client = desk_user("stf1", Role.STF_ANALYST)
    page = stf.get("/tasks/").content.decode()
    assert f'data-task="{trace.pk}"' in page and "9415012345" in page
    assert f'data-task="{referral.pk}"' not in page  # not STF's kind
    assert f'href="/cases/{trace.case_id}/"' not in page  # no case page for STF
    acked = stf.post(f"/tasks/{trace.pk}/report", {"report": "acknowledge"})
    assert acked.status_code == 302 and acked["Location"] == "/tasks/"
    trace.refresh_from_db()
    assert trace.state == TaskState.ACKNOWLEDGED and trace.acknowledged_by == "stf1"
    fixed = stf.post(
        f"/tasks/{trace.pk}/fix", {"lat": "26.8467", "lon": "80.9462", "radius_m": "300"}
    )
    assert fixed.status_code == 302 and fixed["Location"] == "/tasks/"
    trace.refresh_from_db()
    assert trace.state == TaskState.DONE
    assert stf.get(f"/cases/{trace.case_id}/").status_code == 404


def test_a_counsellor_sees_referrals_only() -> None:
    trace, referral = trace_and_referral()
    counsellor: Client = desk_user("cns1", Role.COUNSELLOR)
    page = counsellor.get("/tasks/").content.decode()
    assert f'data-task="{referral.pk}"' in page and f'data-task="{trace.pk}"' not in page
    assert "9415012345" not in page
    assert counsellor.post(f"/tasks/{trace.pk}/fix", {"lat": "1", "lon": "1"}).status_code == 404
    acked = counsellor.post(f"/tasks/{referral.pk}/report", {"report": "acknowledge"})
    assert acked.status_code == 302
    referral.refresh_from_db()
    assert referral.state == TaskState.ACKNOWLEDGED


def test_the_desk_sees_both_and_links_the_case() -> None:
    trace, referral = trace_and_referral()
    supervisor: Client = desk_user("sup9", Role.SUPERVISOR)
    page = supervisor.get("/tasks/").content.decode()
    assert f'data-task="{trace.pk}"' in page and f'data-task="{referral.pk}"' in page
    assert f'href="/cases/{trace.case_id}/"' in page
    agra: Client = desk_user("do-agra", Role.DISTRICT_OFFICER, "Agra")
    assert f'data-task="{trace.pk}"' not in agra.get("/tasks/").content.decode()
