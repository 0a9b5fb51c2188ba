"""The session guard: two factors or out, idle sign-out, the auditor reads only and is logged.

Installed after django-otp's OTPMiddleware (which tells whether the session passed the
code step). For every signed-in request:

- a session that never passed the code step (e.g. made by a password-only login such as
  Django's own) is signed out;
- a session whose sign-in is not the person's latest (they signed in elsewhere since) is
  signed out: one session per person (SESSION_ONE_PER_PERSON);
- a session idle for longer than SESSION_IDLE_MINUTES is signed out; the next page shows
  the sign-in form with the reason. What the page polls by itself (SESSION_PASSIVE_URL_NAMES)
  is not activity, so a desk left open still locks;
- a read-only role (the auditor) cannot change anything, and every page it opens is
  written to the audit trail.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import auth
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.http import urlencode

from jeevanrekha.accounts import actions, conf, session
from jeevanrekha.accounts.views import is_verified
from jeevanrekha.cases import access

# A read-only role may still sign out and choose its language.
READ_ONLY_MAY_POST = frozenset({"logout", "set_language"})
# Service endpoints carry no personal data: no audit row for opening them.
NOT_PERSONAL = frozenset({"healthz", "readyz", "metrics", "login", "login-code", "login-enrol"})


class SessionGuardMiddleware:
    """Signs out sessions that lack the second factor or sat idle; guards read-only roles."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ended = self._check_session(request)
        if ended is not None:
            return ended
        response = self.get_response(request)
        self._note_view(request, response)
        return _for_htmx(request, response)

    def _check_session(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        if not user.is_authenticated:
            return None
        if not is_verified(user):
            _end(request, user, "no_second_factor")
            return None
        serial = str(request.session.get(session.SIGN_IN_SERIAL) or "")
        if conf.one_per_person() and not actions.is_current_sign_in(user, serial):
            _end(request, user, "signed_in_elsewhere")
            return _htmx_to_login(request) if _is_htmx(request) else None
        last = float(request.session.get(session.LAST_ACTIVE) or 0)
        if time.time() - last <= conf.idle_seconds():
            return None
        _end(request, user, "idle")
        if _is_htmx(request):
            return _htmx_to_login(request)
        return None  # carry on as anonymous: a page that needs sign-in redirects to it

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        user = request.user
        if not user.is_authenticated:
            return
        name = request.resolver_match.url_name if request.resolver_match else None
        changes = request.method not in {"GET", "HEAD", "OPTIONS"}
        if changes and name not in READ_ONLY_MAY_POST and access.is_read_only(user):
            raise PermissionDenied("this role reads only")
        if name not in conf.passive_url_names():
            request.session[session.LAST_ACTIVE] = time.time()

    def _note_view(self, request: HttpRequest, response: HttpResponse) -> None:
        user = request.user
        match = request.resolver_match
        if (
            match is None
            or request.method != "GET"
            or response.status_code != 200
            or match.url_name in NOT_PERSONAL
            or not user.is_authenticated
            or not access.views_are_audited(user)
        ):
            return
        actions.do_note_viewed(
            user,
            match.view_name,
            request.get_full_path(),
            match.kwargs,
            at=timezone.now(),
        )


def _end(request: HttpRequest, user: Any, reason: str) -> None:
    actions.do_sign_out(user, reason, at=timezone.now())
    auth.logout(request)
    request.session[session.SIGNED_OUT] = reason


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _htmx_to_login(request: HttpRequest) -> HttpResponse:
    """HTMX would swap the sign-in page into a box of the page: take the whole page there."""
    response = HttpResponse(status=204)
    response["HX-Redirect"] = _login_url(request.headers.get("HX-Current-URL", ""))
    return response


def _for_htmx(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """A signed-out HTMX request that a view sent to the sign-in page."""
    if _is_htmx(request) and response.status_code == 302:
        login = resolve_url(settings.LOGIN_URL)
        if response["Location"].split("?")[0] == login:
            return _htmx_to_login(request)
    return response


def _login_url(current: str) -> str:
    """The sign-in page, coming back to the page the browser shows (same site: path only)."""
    login = resolve_url(settings.LOGIN_URL)
    parts = urlsplit(current)
    here = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{login}?{urlencode({'next': here})}" if here.startswith("/") else login
