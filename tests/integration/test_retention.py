"""Retention: personal data of ended cases is anonymised after its period, audited with
ids and counts only, as a command and as a timer; statistics are the same afterwards."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count, Max, Min
from django.utils import timezone

from jeevanrekha.audit import chain
from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases.actions import NoteIn, do_add_case_note, do_create_task, do_record_outcome
from jeevanrekha.cases.models import (
    Case,
    CaseNote,
    NoteKind,
    Outcome,
    OutcomeCode,
    Subject,
    SubjectIdentifier,
    Task,
    TaskKind,
)
from jeevanrekha.cases.subjects import known_subjects
from jeevanrekha.crypto.codec import REMOVED
from jeevanrekha.dispatch import timers
from jeevanrekha.intake.models import Alert, RawAlert
from jeevanrekha.retention import actions
from jeevanrekha.retention.models import Anonymised, RetentionTimer
from tests.conftest import PostAlert, fixture_alert
from tests.integration.test_encryption_at_rest import SECRETS, as_text

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)


def open_case(post_alert: PostAlert, n: int, *, phone: str) -> Case:
    body = fixture_alert("alert_full")
    body["source_alert_id"] = f"ret-{n}"
    body["account"]["handle"] = f"ankit.verma.{n}"
    body["evidence"]["phone"] = phone
    body["post"]["url"] = f"https://www.facebook.com/story.php?story_fbid=1182{n}"
    body["account"]["profile_url"] = f"https://www.facebook.com/ankit.verma.{n}"
    reply = post_alert(body)
    assert reply.status_code == 202, reply.content
    case = Case.objects.get(pk=reply.json()["case_id"])
    at = timezone.now()
    do_add_case_note(
        case.pk,
        NoteIn(NoteKind.CALL, "spoke to Ankit Verma", "9415012345", result="answered"),
        actor="user:op",
        at=at,
    )
    do_create_task(
        case.pk,
        TaskKind.TRACE,
        "stf",
        due_at=None,  # type: ignore[arg-type]
        actor="user:op",
        at=at,
        detail={"phone": "+91 94150 12345"},
    )
    do_record_outcome(
        case.pk,
        OutcomeCode.SAVED,
        ["phone_off"],
        "Ankit Verma found at home",
        actor="user:op",
        at=at,
    )
    Case.objects.filter(pk=case.pk).update(district="Lucknow", risk_level=3)
    return case


def end(case: Case, ago: timedelta, state: str = "closed") -> None:
    Case.objects.filter(pk=case.pk).update(state=state, state_changed_at=timezone.now() - ago)


def report() -> dict[str, Any]:
    """What a report reads: counts by state, district, outcome, reasons, risk; timestamps."""

    def rows(qs: Any) -> list[Any]:
        return [json.dumps(r, default=str, sort_keys=True) for r in qs]

    return {
        "cases": rows(
            Case.objects.values("state", "district", "state_name", "risk_level")
            .annotate(n=Count("id"), first=Min("opened_at"), last=Max("state_changed_at"))
            .order_by("state", "district")
        ),
        "outcomes": rows(
            Outcome.objects.values("case_id", "code", "reason_codes", "recorded_at").order_by(
                "case_id"
            )
        ),
        "tasks": rows(
            Task.objects.values("case_id", "kind", "state", "created_at").order_by("case_id")
        ),
        "alerts": rows(
            Alert.objects.values("case_id", "platform", "received_at", "risk").order_by("case_id")
        ),
        "notes": rows(CaseNote.objects.values("case_id", "kind", "result", "at").order_by("id")),
    }


def test_a_purge_anonymises_ended_cases_and_statistics_survive(post_alert: PostAlert) -> None:
    old = open_case(post_alert, 1, phone="+91 94150 12345")
    recent = open_case(post_alert, 2, phone="+91 94150 22222")
    still_open = open_case(post_alert, 3, phone="+91 94150 33333")
    end(old, 400 * DAY)
    end(recent, 2 * DAY, "cancelled")
    before = report()
    done, finished = actions.run(actor="system:test", now=timezone.now())
    assert finished and done == {"raw_alert": 1, "location": 1, "notes": 1}
    assert report() == before  # statistics survive
    alert = Alert.objects.get(case=old)
    assert (alert.post_text, alert.account_name, alert.evidence, alert.reporter) == (
        REMOVED,
        REMOVED,
        {},
        {},
    )
    assert bytes(RawAlert.objects.get(alert=alert).body) == REMOVED.encode()
    assert Case.objects.get(pk=old.pk).location == {}
    assert Task.objects.get(case=old).detail == {}
    assert (CaseNote.objects.get(case=old).text, Outcome.objects.get(case=old).note) == (
        REMOVED,
        REMOVED,
    )
    subject = Subject.objects.get(pk=alert.subject_id)
    assert subject.display_name == REMOVED
    assert not SubjectIdentifier.objects.filter(subject=subject).exists()  # blind index gone
    assert known_subjects({("phone", "+919415012345")}) == {}
    # The others keep everything.
    for case in (recent, still_open):
        assert Alert.objects.get(case=case).account_name == "Ankit Verma"
        assert CaseNote.objects.get(case=case).text == "spoke to Ankit Verma"
    assert known_subjects({("phone", "+919415033333")}) != {}


def test_every_purge_is_audited_with_ids_and_counts_only(post_alert: PostAlert) -> None:
    cases = [open_case(post_alert, n, phone=f"+91 94150 1000{n}") for n in range(3)]
    for case in cases:
        end(case, 400 * DAY)
    actions.run(actor="system:test", now=timezone.now())
    events = list(AuditEvent.objects.filter(action="retention_purged"))
    assert sorted(e.after["kind"] for e in events) == ["location", "notes", "raw_alert"]
    for event in events:
        assert event.after["cases"] == sorted(c.pk for c in cases)
        assert event.after["counts"] and all(
            isinstance(n, int) for n in event.after["counts"].values()
        )
    raw_alert = next(e for e in events if e.after["kind"] == "raw_alert")
    assert raw_alert.after["counts"]["alerts"] == 3 and raw_alert.after["counts"]["identifiers"] > 0
    trail = [as_text(v) for e in AuditEvent.objects.all() for v in (e.before, e.after)]
    assert [s for s in SECRETS for t in trail if s in t] == []
    assert chain.verify()[1] is None
    again, _ = actions.run(actor="system:test", now=timezone.now())  # nothing twice
    assert again == {"raw_alert": 0, "location": 0, "notes": 0}
    assert Anonymised.objects.count() == 9


def test_periods_are_per_kind(post_alert: PostAlert, settings: Any) -> None:
    settings.RETENTION_RAW_ALERT_DAYS = 30
    settings.RETENTION_LOCATION_DAYS = 10
    settings.RETENTION_NOTE_DAYS = 365
    case = open_case(post_alert, 1, phone="+91 94150 12345")
    end(case, 20 * DAY)
    done, _ = actions.run(actor="system:test", now=timezone.now())
    assert done == {"raw_alert": 0, "location": 1, "notes": 0}
    assert Alert.objects.get(case=case).account_name == "Ankit Verma"
    assert Alert.objects.get(case=case).evidence == {}
    done, _ = actions.run(actor="system:test", now=timezone.now() + 15 * DAY)
    assert done == {"raw_alert": 1, "location": 0, "notes": 0}


def test_retention_runs_as_a_database_timer(post_alert: PostAlert, settings: Any) -> None:
    settings.RETENTION_RUN_HOURS = 24
    case = open_case(post_alert, 1, phone="+91 94150 12345")
    end(case, 400 * DAY)
    now = timezone.now()
    timers.sweep("worker-a", now)  # the timer worker: the timer is made, due, and run
    timer = RetentionTimer.objects.get()
    assert timer.due_at == now + timedelta(hours=24) and timer.claimed_by == ""
    assert timer.last_counts == {"raw_alert": 1, "location": 1, "notes": 1}
    assert Alert.objects.get(case=case).post_text == REMOVED
    timers.sweep("worker-b", now + timedelta(hours=1))  # not due: nothing runs
    assert RetentionTimer.objects.get().last_run_at == now


def test_a_timer_claimed_by_a_live_worker_is_not_run_twice(settings: Any) -> None:
    now = timezone.now()
    RetentionTimer.objects.create(name="retention", due_at=now - DAY)
    from jeevanrekha.retention import timer

    assert timer.claim("worker-a", now) is True
    assert timer.claim("worker-b", now) is False  # held until its lease ends
    assert timer.claim("worker-b", now + timedelta(hours=2)) is True


def test_the_retention_commands(post_alert: PostAlert, capsys: Any) -> None:
    case = open_case(post_alert, 1, phone="+91 94150 12345")
    end(case, 400 * DAY)
    call_command("retention", "status")
    assert "raw_alert: kept 180 days after a case ends; 1 cases due" in capsys.readouterr().out
    call_command("retention", "run")
    assert "raw_alert 1 cases" in capsys.readouterr().out
    assert Alert.objects.get(case=case).post_text == REMOVED
