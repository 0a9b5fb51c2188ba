"""Filling a database for bench/desk_bench.py, and counting SQL queries per page.

Runs inside a child process that has set Django up for one database. Rows are made fast
with bulk_create in batches; audit rows go through the real hash chain (append_many), so
the filled database still verifies.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

BATCH = 5000
DISTRICTS = [
    "Lucknow", "Prayagraj", "Kanpur Nagar", "Varanasi", "Agra", "Meerut", "Ghaziabad",
    "Gorakhpur", "Bareilly", "Aligarh", "Moradabad", "Jhansi", "Ayodhya", "Mathura",
    "Saharanpur", "Firozabad", "Gautam Buddha Nagar", "Muzaffarnagar", "Azamgarh", "Sitapur",
]  # fmt: skip
OPEN_STATES = ["new", "triaged", "locating", "located", "dispatched", "on_scene", "forwarded"]
POSTS = [
    "आज मैं आत्महत्या कर रहा हूं. मजबूरी है मेरी",
    "exam me fail ho gaya, ab jeene ka mann nahi",
    "I can't do this anymore, goodbye everyone",
    "sab khatam, aaj raat ko hi",
]


def _cases(n: int, open_: bool, now: datetime, rng: random.Random) -> list[Any]:
    from jeevanrekha.cases.models import Case

    rows = []
    for _ in range(n):
        opened = now - timedelta(minutes=rng.randint(1, 600 if open_ else 60 * 24 * 365))
        level = rng.choice([1, 2, 2, 3, 3, 4])
        rows.append(
            Case(
                state=rng.choice(OPEN_STATES) if open_ else "closed",
                priority=160 * level + rng.randint(0, 300),
                risk_level=level,
                imminent=rng.random() < 0.2,
                location_confidence=round(rng.random(), 3),
                post_created_at=opened - timedelta(minutes=5),
                state_name="Uttar Pradesh",
                district=rng.choice(DISTRICTS),
                police_station="Kotwali",
                location={"confidence": 0.8, "needs_trace": rng.random() < 0.3, "reasons": []},
                opened_at=opened,
                state_changed_at=opened,
                last_alert_at=opened,
            )
        )
    return rows


def _insert(model: Any, rows: list[Any]) -> list[Any]:
    made = []
    for start in range(0, len(rows), BATCH):
        made.extend(model.objects.bulk_create(rows[start : start + BATCH], batch_size=500))
    return made


def _alerts(cases: list[Any], per_case: int, rng: random.Random) -> None:
    from jeevanrekha.intake.models import Alert

    rows = [
        Alert(
            idempotency_key=f"bench:{case.pk}:{i}",
            source="bench",
            platform=rng.choice(["facebook", "instagram", "x"]),
            received_at=case.opened_at + timedelta(seconds=i),
            post_text=rng.choice(POSTS),
            post_created_at=case.post_created_at,
            account_handle=f"user{case.pk}",
            account_name=f"Person {case.pk}",
            evidence={"profile_location": case.district, "phone": "+91 94150 12345"},
            risk={"level": case.risk_level, "score": 0.8, "imminent": case.imminent, "cues": []},
            case=case,
        )
        for case in cases
        for i in range(per_case)
    ]
    _insert(Alert, rows)


def _tasks(cases: list[Any], per_case: int, now: datetime) -> list[Any]:
    from jeevanrekha.cases.models import Task

    rows = [
        Task(
            case=case,
            kind="police_station" if i % 2 == 0 else "vehicle_112",
            target=f"Kotwali {case.district}" if i % 2 == 0 else f"PRV-{case.pk:05d}",
            state="open",
            created_at=case.opened_at,
            due_at=now + timedelta(minutes=3 + i),
            detail={"vehicle": f"PRV-{case.pk:05d}"} if i % 2 else {},
        )
        for case in cases
        for i in range(per_case)
    ]
    return _insert(Task, rows)


def _notifications(tasks: list[Any], now: datetime) -> None:
    from jeevanrekha.dispatch.models import Notification

    rows = [
        Notification(
            task=task,
            case_id=task.case_id,
            fire_key=f"bench:{task.pk}",
            reason="initial",
            role="station_duty_officer",
            transport="inapp",
            address="desk",
            subject="alert",
            body="alert",
            status="sent",
            created_at=now,
            sent_at=now,
        )
        for task in tasks
    ]
    _insert(Notification, rows)


def _audit(cases: list[Any], tasks: list[Any], per_case: int) -> None:
    from jeevanrekha.audit import chain

    entries = [
        chain.Entry(c.opened_at, "source:bench", "case_opened", "case", str(c.pk)) for c in cases
    ]
    entries += [
        chain.Entry(c.opened_at, "user:bench", "case_triaged", "case", str(c.pk))
        for c in cases
        for _ in range(per_case - 1)
    ]
    entries += [
        chain.Entry(t.created_at, "user:bench", "task_created", "task", str(t.pk)) for t in tasks
    ]
    for start in range(0, len(entries), BATCH):
        with transaction.atomic():
            chain.append_many(entries[start : start + BATCH])


def _outcomes(cases: list[Any], now: datetime, rng: random.Random) -> None:
    from jeevanrekha.cases.models import Outcome

    codes = ["saved"] * 7 + ["not_found", "false_alarm", "forwarded"]
    rows = [
        Outcome(case=c, code=rng.choice(codes), recorded_at=now, recorded_by="user:bench")
        for c in cases
    ]
    _insert(Outcome, rows)


def _user(username: str, password: str) -> str:
    """A supervisor with a confirmed TOTP device; its base32 secret."""
    from django.contrib.auth import get_user_model

    from jeevanrekha.accounts.actions import do_issue_totp_device
    from jeevanrekha.accounts.totp import secret
    from jeevanrekha.cases.actions import do_create_desk_user
    from jeevanrekha.cases.models import Role

    do_create_desk_user(username, Role.SUPERVISOR, "", password, actor="bench")
    user = get_user_model().objects.get(username=username)
    device = do_issue_totp_device(
        user, confirmed=True, reset=True, actor="bench", at=timezone.now()
    )
    assert device is not None
    return secret(device)


def _settle() -> None:
    """Statistics and visibility as a running desk has them (autovacuum / ANALYZE), not as
    right after a bulk load."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def fill(open_n: int, closed_n: int, username: str, password: str) -> dict[str, Any]:
    """Open cases (alerts, tasks, messages, audit rows), closed ones (alerts, outcomes),
    two cases with 10 and 100 of everything (for the N+1 check), and the desk user."""
    rng, now = random.Random(11), timezone.now()
    open_cases = _insert(type(_cases(1, True, now, rng)[0]), _cases(open_n, True, now, rng))
    closed = _insert(type(open_cases[0]), _cases(closed_n, False, now, rng))
    _alerts(open_cases + closed, 1, rng)
    tasks = _tasks(open_cases[: open_n // 3], 2, now)
    _notifications(tasks, now)
    _audit(open_cases + closed, tasks, 2)
    _outcomes(closed, now, rng)
    small, large = _insert(type(open_cases[0]), _cases(2, True, now, rng))
    for case, n in ((small, 10), (large, 100)):
        _alerts([case], n, rng)
        made = _tasks([case], n, now)
        _notifications(made, now)
        _audit([case], made, n)
    _settle()
    return {
        "counts": {"open": open_n, "closed": closed_n, "alerts": open_n + closed_n + 110},
        "open_case_ids": [c.pk for c in open_cases],
        "probe_cases": [small.pk, large.pk],
        "totp_secret": _user(username, password),
    }


def _queries(view: Any, request: Any, *args: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = view(request, *args)
        assert response.status_code == 200, response.status_code
    return len(captured)


def count_queries(username: str, small: int, large: int) -> dict[str, Any]:
    """SQL queries of the queue (10 and 100 rows) and of case pages (10 and 100 of each)."""
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from jeevanrekha.web import views

    user = get_user_model().objects.get(username=username)
    factory = RequestFactory()

    def get(path: str, **query: str) -> Any:
        request = factory.get(path, query)
        request.user = user
        return request

    views.case_detail(get(f"/cases/{small}/"), small)  # load the map's outlines once
    pages = {
        "queue": [_queries(views.desk, get("/", limit=str(n))) for n in (10, 100)],
        "queue_partial": [
            _queries(views.desk_queue, get("/desk/queue/", limit=str(n))) for n in (10, 100)
        ],
        "case": [_queries(views.case_detail, get(f"/cases/{c}/"), c) for c in (small, large)],
    }
    return {
        "pages": pages,
        "rows": [10, 100],
        "constant": all(a == b for a, b in pages.values()),
    }
