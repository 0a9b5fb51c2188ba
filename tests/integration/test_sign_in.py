"""Issue #7: sign-in with a password and a TOTP code, enrolment, sign-out, the admin's door."""

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases.actions import do_create_desk_user
from jeevanrekha.cases.models import Role
from tests.conftest import DESK_PASSWORD, desk_user, enrolled_device, fresh_code, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings: Any) -> None:
    """Hashing strength is not under test here; many sign-ins are."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def account(name: str = "op1", role: Role = Role.OPERATOR) -> Any:
    do_create_desk_user(name, role, "", DESK_PASSWORD, actor="test")
    return get_user_model().objects.get(username=name)


def password_step(client: Client, name: str = "op1", password: str = DESK_PASSWORD) -> Any:
    return client.post("/login/", {"username": name, "password": password})


def code_from_secret(base32: str) -> str:
    """What an authenticator app given this secret shows now."""
    import base64

    key = base64.b32decode(base32.replace(" ", ""))
    return f"{TOTP(key).token():06d}"


def actions_of(name: str) -> list[str]:
    return list(AuditEvent.objects.filter(actor=f"user:{name}").values_list("action", flat=True))


def test_sign_in_takes_the_password_then_the_code() -> None:
    account()
    device = enrolled_device("op1")
    client = Client()
    assert client.get("/").status_code == 302
    reply = password_step(client)
    assert reply.status_code == 302 and reply["Location"] == "/login/code/"
    # Half-way is not signed in: the desk still sends you to the sign-in.
    assert client.get("/")["Location"].startswith("/login/")
    page = client.get("/login/code/")
    assert page.status_code == 200 and b'autocomplete="one-time-code"' in page.content
    not_it = f"{(int(fresh_code(device)) + 500_000) % 1_000_000:06d}"
    wrong = client.post("/login/code/", {"code": not_it})
    assert wrong.status_code == 200 and b"That code is not right" in wrong.content
    done = client.post("/login/code/", {"code": fresh_code(device)})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").status_code == 200
    assert "signed_in" in actions_of("op1")
    failed = AuditEvent.objects.filter(action="sign_in_failed").get()
    assert failed.after == {"username": "op1", "address": "127.0.0.1", "reason": "code"}


def test_a_code_works_once() -> None:
    account()
    device = enrolled_device("op1")
    code = fresh_code(device)
    first, second = Client(), Client()
    password_step(first)
    assert first.post("/login/code/", {"code": code}).status_code == 302
    password_step(second)
    again = second.post("/login/code/", {"code": code})
    assert again.status_code == 200 and b"That code is not right" in again.content


def test_the_session_id_changes_at_each_step() -> None:
    account()
    device = enrolled_device("op1")
    client = Client()
    client.get("/login/")
    client.cookies["sessionid"] = "attacker-chosen-session-id"
    password_step(client)
    after_password = client.cookies["sessionid"].value
    assert after_password != "attacker-chosen-session-id"
    client.post("/login/code/", {"code": fresh_code(device)})
    assert client.cookies["sessionid"].value not in {after_password, ""}


def test_a_password_only_session_is_not_signed_in() -> None:
    """Django's own login (no code) makes a session the desk refuses and ends."""
    account()
    client = Client()
    assert client.login(username="op1", password=DESK_PASSWORD)
    reply = client.get("/")
    assert reply.status_code == 302 and reply["Location"].startswith("/login/")
    assert AuditEvent.objects.filter(action="signed_out").get().after == {
        "reason": "no_second_factor"
    }


def test_wrong_password_says_so_without_naming_which_part() -> None:
    account()
    for name, password in (("op1", "not-the-password-at-all"), ("nobody", DESK_PASSWORD)):
        reply = password_step(Client(), name, password)
        assert reply.status_code == 200
        assert b"That user name and password do not match." in reply.content


def test_first_sign_in_enrols_an_authenticator() -> None:
    account()
    client = Client()
    reply = password_step(client)
    assert reply["Location"] == "/login/enrol/"
    page = client.get("/login/enrol/").content.decode()
    assert "<svg" in page and "otpauth://totp/Jeevan%20Rekha%3Aop1?secret=" in page
    secret = re.search(r"data-secret>([A-Z2-7 ]+)<", page)
    assert secret
    # Reloading the page shows the same secret (it was not confirmed yet).
    assert secret.group(1) in client.get("/login/enrol/").content.decode()
    assert client.post("/login/enrol/", {"code": "12345"}).status_code == 200
    done = client.post("/login/enrol/", {"code": code_from_secret(secret.group(1))})
    assert done.status_code == 302 and done["Location"] == "/"
    assert client.get("/").status_code == 200
    assert TOTPDevice.objects.get(user__username="op1").confirmed
    assert {"totp_enrolled", "signed_in"} <= set(actions_of("op1"))
    # From now on, the code step.
    assert password_step(Client())["Location"] == "/login/code/"


def test_createuser_prints_the_secret_the_first_sign_in_confirms() -> None:
    out = StringIO()
    call_command("createuser", "sup9", "--role", "supervisor", "--qr", stdout=out)
    text = out.getvalue()
    password = re.search(r"^password: (\S+)$", text, re.M)
    secret = re.search(r"^TOTP secret: ([A-Z2-7]+)$", text, re.M)
    assert password and secret
    assert "otpauth://totp/Jeevan%20Rekha%3Asup9?secret=" + secret.group(1) in text
    assert "█" in text or "▀" in text  # the terminal QR code
    client = Client()
    assert password_step(client, "sup9", password.group(1))["Location"] == "/login/enrol/"
    assert re.sub(" ", "", secret.group(1)) in client.get("/login/enrol/").content.decode().replace(
        " ", ""
    )
    client.post("/login/enrol/", {"code": code_from_secret(secret.group(1))})
    assert client.get("/").status_code == 200
    # Run again (e.g. a new password): enrolled stays enrolled, unless --reset-totp.
    again = StringIO()
    call_command("createuser", "sup9", "--role", "supervisor", stdout=again)
    assert "already enrolled" in again.getvalue()
    reset = StringIO()
    call_command("createuser", "sup9", "--role", "supervisor", "--reset-totp", stdout=reset)
    assert "TOTP secret: " in reset.getvalue()
    assert not TOTPDevice.objects.filter(user__username="sup9", confirmed=True).exists()


def test_next_page_after_sign_in_and_no_open_redirect() -> None:
    account()
    device = enrolled_device("op1")
    client = Client()
    client.post("/login/?next=/quarantine/", {"username": "op1", "password": DESK_PASSWORD})
    assert client.post("/login/code/", {"code": fresh_code(device)})["Location"] == "/quarantine/"
    other = Client()
    other.post(
        "/login/", {"username": "op1", "password": DESK_PASSWORD, "next": "https://evil.test/"}
    )
    assert other.post("/login/code/", {"code": fresh_code(device)})["Location"] == "/"


def test_sign_out_is_a_post_and_is_audited() -> None:
    account()
    client = sign_in(Client(), "op1")
    assert client.get("/logout/").status_code == 405
    reply = client.post("/logout/")
    assert reply.status_code == 302 and reply["Location"] == "/login/"
    assert b"You are signed out." in client.get("/login/").content
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action="signed_out").get().after == {"reason": "signed_out"}


def test_the_admin_needs_the_desk_sign_in() -> None:
    account("boss", Role.ADMIN)
    # Django's password-only admin login is not there: it sends you to the desk's sign-in.
    assert Client().get("/admin/login/")["Location"].startswith("/login/")
    assert Client().get("/admin/")["Location"].startswith("/login/?next=/admin/")
    password_only = Client()
    password_only.login(username="boss", password=DESK_PASSWORD)
    assert password_only.get("/admin/").status_code == 302
    admin = sign_in(Client(), "boss")
    assert admin.get("/admin/").status_code == 200
    assert admin.get("/admin/otp_totp/totpdevice/").status_code == 200
    operator = desk_user("op1", Role.OPERATOR)
    assert operator.get("/admin/").status_code == 403
    assert operator.get("/admin/login/").status_code == 403
