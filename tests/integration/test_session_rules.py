"""Issue #7: the idle sign-out, the lock-out after failed sign-ins, password rules, and the
auditor who reads everything, changes nothing and leaves a trail of every page."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from jeevanrekha.audit import chain
from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases.actions import do_create_desk_user
from jeevanrekha.cases.models import Role
from tests.conftest import DESK_PASSWORD, desk_user, enrolled_device, fresh_code
from tests.unit.dispatch.support import make_case

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 9, 7, 3, 25, tzinfo=UTC)
WRONG = "not-the-right-password"


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    """Hashing strength is not under test here; many sign-ins are."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clock() -> Any:
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def attempt(name: str, password: str, address: str = "127.0.0.1") -> Any:
    return Client(REMOTE_ADDR=address).post("/login/", {"username": name, "password": password})


def make_account(name: str = "op1", role: Role = Role.OPERATOR) -> None:
    do_create_desk_user(name, role, "", DESK_PASSWORD, actor="test")
    enrolled_device(name)


# --- idle sign-out -------------------------------------------------------------------------


def test_a_session_idle_for_30_minutes_is_signed_out(clock: Any) -> None:
    desk = desk_user("op1", Role.OPERATOR)
    clock.shift(timedelta(minutes=29))
    assert desk.get("/").status_code == 200  # an action: the 30 minutes start again
    clock.shift(timedelta(minutes=29))
    assert desk.get("/phone-in/").status_code == 200
    clock.shift(timedelta(minutes=30, seconds=1))
    reply = desk.get("/phone-in/")
    assert reply.status_code == 302 and reply["Location"] == "/login/?next=/phone-in/"
    assert b"signed out after 30 minutes without activity" in desk.get("/login/").content
    ended = AuditEvent.objects.filter(action="signed_out", actor="user:op1").get()
    assert ended.after == {"reason": "idle"}
    assert desk.get("/").status_code == 302  # and it stays signed out


def test_the_queue_polling_by_itself_does_not_keep_the_desk_open(clock: Any) -> None:
    desk = desk_user("op1", Role.OPERATOR)
    for _ in range(6):
        clock.shift(timedelta(minutes=5))
        assert desk.get("/desk/queue/", headers={"HX-Request": "true"}).status_code == 200
    clock.shift(timedelta(minutes=1))
    poll = desk.get(
        "/desk/queue/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/?district=Agra"},
    )
    # HTMX is told to take the whole page to the sign-in, not to put it in the queue's box.
    assert poll.status_code == 204
    assert poll["HX-Redirect"] == "/login/?next=%2F%3Fdistrict%3DAgra"


def test_a_poll_after_the_session_ended_takes_the_page_to_the_sign_in(client: Client) -> None:
    poll = client.get(
        "/desk/queue/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/cases/4/"},
    )
    assert poll.status_code == 204 and poll["HX-Redirect"] == "/login/?next=%2Fcases%2F4%2F"
    assert client.get("/desk/queue/")["Location"] == "/login/?next=/desk/queue/"


def test_the_idle_time_is_a_setting(settings: Any, clock: Any) -> None:
    settings.SESSION_IDLE_SECONDS = 5 * 60
    desk = desk_user("op1", Role.OPERATOR)
    clock.shift(timedelta(minutes=5, seconds=1))
    assert desk.get("/").status_code == 302


def test_the_policy_numbers_come_from_the_environment() -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    show = "import config.settings as s; print(s.SESSION_IDLE_SECONDS, s.LOGIN_MAX_FAILURES, "
    show += "s.LOGIN_LOCKOUT_MINUTES)"
    run = [sys.executable, "-c", show]
    default = subprocess.run(run, env={**env, "DEBUG": "1"}, capture_output=True, text=True)
    assert default.stdout.split() == ["1800", "5", "15"], default.stderr
    given = {"SESSION_IDLE_MINUTES": "10", "LOGIN_MAX_FAILURES": "3", "LOGIN_LOCKOUT_MINUTES": "60"}
    changed = subprocess.run(
        run, env={**env, **given, "DEBUG": "1"}, capture_output=True, text=True
    )
    assert changed.stdout.split() == ["600", "3", "60"], changed.stderr


# --- lock-out -------------------------------------------------------------------------------


def test_five_failures_lock_the_account_for_15_minutes(clock: Any) -> None:
    make_account()
    for _ in range(4):
        reply = attempt("op1", WRONG, "10.0.0.1")
        assert reply.status_code == 200 and b"do not match" in reply.content
    fifth = attempt("OP1", WRONG, "10.0.0.2")  # names are counted case-blind
    assert fifth.status_code == 429 and b"locked until 09:10" in fifth.content  # IST
    # Locked: even the right password, from anywhere, is not checked.
    assert attempt("op1", DESK_PASSWORD, "10.0.0.3").status_code == 429
    locked = AuditEvent.objects.get(action="sign_in_locked")
    assert (locked.object_type, locked.object_id) == ("sign_in_account", "op1")
    assert AuditEvent.objects.filter(action="sign_in_failed").count() == 5
    clock.shift(timedelta(minutes=15, seconds=1))
    assert attempt("op1", DESK_PASSWORD, "10.0.0.3").status_code == 302


def test_five_failures_from_one_address_lock_that_address(clock: Any) -> None:
    make_account()
    for n in range(5):
        attempt(f"guess{n}", WRONG, "203.0.113.9")
    assert attempt("op1", DESK_PASSWORD, "203.0.113.9").status_code == 429
    assert attempt("op1", DESK_PASSWORD, "198.51.100.7").status_code == 302
    locked = AuditEvent.objects.get(action="sign_in_locked")
    assert (locked.object_type, locked.object_id) == ("sign_in_address", "203.0.113.9")


def test_wrong_codes_count_too_and_end_the_half_signed_in_session(clock: Any) -> None:
    make_account()
    device = enrolled_device("op1")
    not_it = f"{(int(fresh_code(device)) + 500_000) % 1_000_000:06d}"
    client = Client()
    client.post("/login/", {"username": "op1", "password": DESK_PASSWORD})
    for _ in range(4):
        assert client.post("/login/code/", {"code": not_it}).status_code == 200
    assert client.post("/login/code/", {"code": not_it}).status_code == 429
    assert client.get("/login/code/")["Location"] == "/login/"
    assert attempt("op1", DESK_PASSWORD).status_code == 429


def test_a_success_clears_the_accounts_failures(clock: Any) -> None:
    make_account()
    for _ in range(4):
        attempt("op1", WRONG, "10.0.0.1")
    desk_client = Client(REMOTE_ADDR="10.0.0.9")
    desk_client.post("/login/", {"username": "op1", "password": DESK_PASSWORD})
    code = fresh_code(enrolled_device("op1"))
    assert desk_client.post("/login/code/", {"code": code}).status_code == 302
    for _ in range(4):
        assert attempt("op1", WRONG, "10.0.0.2").status_code == 200


def test_failures_older_than_the_lockout_period_are_forgotten(clock: Any) -> None:
    make_account()
    for _ in range(4):
        attempt("op1", WRONG)
    clock.shift(timedelta(minutes=16))
    for _ in range(4):
        assert attempt("op1", WRONG).status_code == 200


def test_the_limits_come_from_settings(settings: Any, clock: Any) -> None:
    settings.LOGIN_MAX_FAILURES = 2
    settings.LOGIN_LOCKOUT_MINUTES = 1
    make_account()
    attempt("op1", WRONG)
    assert attempt("op1", WRONG).status_code == 429
    clock.shift(timedelta(seconds=61))
    assert attempt("op1", DESK_PASSWORD).status_code == 302


# --- password rules -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("eleven-char", "at least 12 characters"),
        ("password1234", "too common"),
        ("123456789012345", "entirely numeric"),
        ("ramesh.kumar.up", "too similar"),
    ],
)
def test_password_rules(password: str, why: str) -> None:
    do_create_desk_user("ramesh.kumar.up", Role.OPERATOR, "", DESK_PASSWORD, actor="test")
    user = get_user_model().objects.get(username="ramesh.kumar.up")
    with pytest.raises(ValidationError, match=why):
        validate_password(password, user)


def test_createuser_refuses_a_weak_password(monkeypatch: Any) -> None:
    monkeypatch.setattr("sys.stdin", StringIO("short-pw\n"))
    with pytest.raises(CommandError, match="at least 12 characters"):
        call_command("createuser", "op2", "--role", "operator", "--password-stdin")
    assert not get_user_model().objects.filter(username="op2").exists()


# --- the auditor ----------------------------------------------------------------------------


def test_the_auditor_reads_everything_and_every_view_is_audited() -> None:
    case = make_case(T0)
    auditor = desk_user("aud1", Role.AUDITOR)
    assert auditor.get(f"/cases/{case.pk}/").status_code == 200
    assert auditor.get("/desk/queue/").status_code == 200
    viewed = AuditEvent.objects.filter(actor="user:aud1", action="viewed")
    on_case = viewed.get(object_type="case")
    assert on_case.object_id == str(case.pk)
    assert on_case.after == {"page": "case", "path": f"/cases/{case.pk}/"}
    assert viewed.filter(object_type="page", object_id="desk-queue").exists()
    # Nothing changes by the auditor's hand; signing out still works.
    assert auditor.post("/phone-in/", {"said": "x"}).status_code == 403
    assert auditor.post(f"/cases/{case.pk}/dispatch/confirm").status_code == 403
    assert auditor.post("/logout/").status_code == 302
    # Other roles' page views are not written one by one.
    operator = desk_user("op1", Role.OPERATOR)
    operator.get(f"/cases/{case.pk}/")
    assert not AuditEvent.objects.filter(actor="user:op1", action="viewed").exists()
    assert chain.verify()[1] is None
