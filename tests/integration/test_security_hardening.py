"""Issue #10, hardening: security headers and CSP on every page, CSRF on every POST, the desk's
body and file limits, and one session per person. The URL list is the access matrix's
(docs/access-matrix.md, read by tests/integration/test_access_matrix.py), so a new page is
covered here as soon as it has its row there."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import resolve

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases.actions import do_create_desk_user
from jeevanrekha.cases.models import Role
from jeevanrekha.web.security import content_security_policy
from tests.conftest import DESK_PASSWORD, PostAlert, desk_user, fixture_alert, sign_in
from tests.integration.test_access_matrix import (
    fresh_client,
    make_sample,
    matrix_rows,
    sample_path,
    signed_in_session,
)

pytestmark = pytest.mark.django_db
# The only state-changing URLs without a CSRF token: signed API calls (HMAC, no cookie)
# and one-tap links (the signed single-use token in the URL is the credential, no session).
CSRF_EXEMPT = re.compile(r"^(api/|t/<str:token>$)")
SCRIPT = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE = re.compile(r"<style\b([^>]*)>", re.IGNORECASE)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def _get_pages(sample: Any, session: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every GET row of the matrix, asked with this session: (path, response)."""
    pages = []
    for row in matrix_rows():
        if row.method != "GET":
            continue
        path = sample_path(row.route, sample)
        pages.append((path, fresh_client(session).get(path)))
    return pages


def test_every_answer_carries_the_security_headers(post_alert: PostAlert, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sample = make_sample(post_alert)
    for column in ("anonymous", "admin"):
        for path, response in _get_pages(sample, signed_in_session(column)):
            csp = response.get("Content-Security-Policy", "")
            assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, path
            script_src = re.search(r"script-src ([^;]*)", csp)
            assert script_src and "unsafe-inline" not in script_src.group(1), path
            assert "unsafe-eval" not in csp, path
            assert response["X-Content-Type-Options"] == "nosniff", path
            assert response["Referrer-Policy"] == "same-origin", path  # ADR 0009
            assert response["X-Frame-Options"] == "DENY", path
            assert "camera=()" in response["Permissions-Policy"], path
            assert response["Cross-Origin-Opener-Policy"] == "same-origin", path


def test_no_inline_script_or_style_without_the_nonce(post_alert: PostAlert, settings: Any) -> None:
    """Every HTML page a role can open: inline scripts and styles carry the answer's nonce,
    no element has an inline event handler (onclick=...), which no nonce can allow."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sample = make_sample(post_alert)
    checked = 0
    for column in ("anonymous", "operator", "admin"):
        for path, response in _get_pages(sample, signed_in_session(column)):
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            checked += 1
            page = response.content.decode()
            nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
            assert nonce, path
            for attrs in SCRIPT.findall(page):
                data_block = "application/json" in attrs  # data, never run
                assert "src=" in attrs or data_block or f'nonce="{nonce.group(1)}"' in attrs, (
                    path,
                    attrs,
                )
            for attrs in STYLE.findall(page):
                if path.startswith("/admin/"):
                    continue  # Django's change list has one unnonced <style> (cosmetic only)
                assert f'nonce="{nonce.group(1)}"' in attrs, (path, attrs)
            assert not HANDLER.search(page.replace("htmx-config", "")), path
    assert checked > 30  # the desk pages, the admin, the sign-in, the one-tap link


def test_an_alerts_markup_is_shown_as_text(post_alert: PostAlert) -> None:
    """A malicious payload (T6): markup in the post, the name and the handle is escaped on
    the queue and the case page."""
    alert = fixture_alert("alert_full")
    alert["post"]["text"] = 'aaj khatam <script>alert("x")</script><img src=x onerror=alert(1)>'
    alert["account"]["name"] = "<b onmouseover=alert(2)>Name</b>"
    alert["account"]["handle"] = '"><svg onload=alert(3)>'
    case_id = post_alert(alert).json()["case_id"]
    client = desk_user("sup.xss", Role.SUPERVISOR)
    for path in ("/", "/desk/queue/", f"/cases/{case_id}/"):
        page = client.get(path).content.decode()
        for raw in ('<script>alert("x")', "<img src=x", "<b onmouseover", "<svg onload"):
            assert raw not in page, (path, raw)
    page = client.get(f"/cases/{case_id}/").content.decode()
    assert "&lt;script&gt;" in page or "&lt;script" in page


def test_hsts_is_sent_when_debug_is_off(settings: Any) -> None:
    settings.DEBUG, settings.SECURE_HSTS_SECONDS = False, 31536000
    assert Client().get("/healthz")["Strict-Transport-Security"] == "max-age=31536000"
    settings.DEBUG = True
    assert "Strict-Transport-Security" not in Client().get("/healthz")


def test_the_csp_allows_only_this_site_and_the_nonce() -> None:
    csp = content_security_policy("abc")
    assert "script-src 'self' 'nonce-abc'" in csp and "style-src 'self' 'nonce-abc'" in csp
    assert "default-src 'self'" in csp and "form-action 'self'" in csp and "http" not in csp


def _post_without_token(client: Client, method: str, path: str) -> Any:
    return getattr(client, method.lower())(path)


def test_every_post_without_a_csrf_token_is_refused(post_alert: PostAlert, settings: Any) -> None:
    """Every URL of the app (all of the matrix's rows), POSTed by a signed-in administrator
    without the CSRF token: 403 from the CSRF check; only the signed APIs and the one-tap
    links are exempt, and they answer as their own credential says (401, 400)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sample = make_sample(post_alert)
    wrong, exempt_seen, refused = [], set(), 0
    for column in ("admin", "anonymous"):
        session = signed_in_session(column)
        for row in matrix_rows():
            path = sample_path(row.route, sample)
            client = fresh_client(session)
            client.handler.enforce_csrf_checks = True
            method = row.method if row.method in {"POST", "PUT"} else "POST"
            response = _post_without_token(client, method, path)
            if getattr(resolve(path).func, "csrf_exempt", False):
                assert CSRF_EXEMPT.match(row.route), f"{row.route} is csrf_exempt"
                exempt_seen.add(row.route)
                assert response.status_code in {400, 401, 404, 405, 422}, (path, response)
            elif response.status_code == 403 and b"CSRF" in response.content:
                refused += 1
            else:  # the CSRF check runs before the view, so even a GET-only view says 403
                wrong.append(f"{column} {method} {path}: {response.status_code}")
    assert not wrong, "accepted without a CSRF token:\n" + "\n".join(wrong)
    assert refused > 100
    assert "t/<str:token>" in exempt_seen and "api/v1/alerts" in exempt_seen


def test_desk_forms_refuse_files_and_oversized_bodies(settings: Any) -> None:
    do_create_desk_user("op.upload", Role.OPERATOR, "", DESK_PASSWORD, actor="test")
    client = sign_in(Client(), "op.upload")
    upload = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "image/png")
    response = client.post("/phone-in/", {"text": "hello", "file": upload})
    assert response.status_code == 415
    settings.DESK_MAX_BODY_BYTES = 1000
    response = client.post("/phone-in/", {"text": "x" * 2000})
    assert response.status_code == 413
    settings.DESK_MAX_BODY_BYTES = 256 * 1024
    assert client.post("/phone-in/", {"text": "x" * 2000}).status_code == 200  # a form error


def test_the_signed_apis_keep_their_own_size_limit(post_alert: PostAlert, settings: Any) -> None:
    settings.DESK_MAX_BODY_BYTES = 10  # the desk's limit does not apply to the intake
    assert post_alert({"source": "x", "platform": "x", "post": {"text": "t"}}).status_code == 422


def test_a_new_sign_in_ends_the_persons_other_session() -> None:
    do_create_desk_user("op.twice", Role.OPERATOR, "", DESK_PASSWORD, actor="test")
    first = sign_in(Client(), "op.twice")
    assert first.get("/").status_code == 200
    second = sign_in(Client(), "op.twice")
    assert second.get("/").status_code == 200
    ended = first.get("/")
    assert ended.status_code == 302 and ended["Location"].startswith("/login/")
    page = first.get(ended["Location"]).content.decode()
    assert "signed in somewhere else" in page
    assert second.get("/").status_code == 200  # the newest session goes on
    reasons = [
        e.after["reason"] for e in AuditEvent.objects.filter(action="signed_out").order_by("seq")
    ]
    assert reasons == ["signed_in_elsewhere"]


def test_an_htmx_poll_of_an_ended_session_takes_the_page_to_sign_in() -> None:
    do_create_desk_user("op.poll", Role.OPERATOR, "", DESK_PASSWORD, actor="test")
    first = sign_in(Client(), "op.poll")
    sign_in(Client(), "op.poll")
    response = first.get("/desk/queue/", headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/login/")


def test_several_sessions_when_the_rule_is_off(settings: Any) -> None:
    settings.SESSION_ONE_PER_PERSON = False
    do_create_desk_user("op.many", Role.OPERATOR, "", DESK_PASSWORD, actor="test")
    first = sign_in(Client(), "op.many")
    sign_in(Client(), "op.many")
    assert first.get("/").status_code == 200
