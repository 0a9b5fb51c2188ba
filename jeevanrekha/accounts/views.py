"""Sign-in in two steps (password, then a TOTP code), first-time enrolment, sign-out.

Nobody is signed in (Django's `login`) before both factors pass: after the password the
session only remembers who is half-way, for a few minutes. Signing in rotates the session
id (at each step). Failures of either step count towards the lock-out.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any, cast

import django_otp
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from jeevanrekha.accounts import actions, conf, session, totp
from jeevanrekha.accounts.forms import CodeForm, PasswordForm


def is_verified(user: Any) -> bool:
    """Signed in with both factors (OTPMiddleware gives signed-in users `is_verified`)."""
    check = getattr(user, "is_verified", None)
    return bool(user.is_authenticated and check is not None and check())


def _safe_next(request: HttpRequest, value: str) -> str:
    allowed = url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return value if value and allowed else ""


def _locked_message(until: datetime) -> str:
    when = timezone.localtime(until).strftime("%H:%M")
    return _("Too many failed attempts. Sign-in is locked until %(time)s.") % {"time": when}


def _notice(request: HttpRequest) -> str:
    reason = request.session.pop(session.SIGNED_OUT, "")
    if reason == "idle":
        minutes = conf.idle_seconds() // 60
        return _("You were signed out after %(minutes)d minutes without activity.") % {
            "minutes": minutes
        }
    if reason == "signed_out":
        return _("You are signed out.")
    if reason == "signed_in_elsewhere":
        return _("You were signed out because your account signed in somewhere else.")
    if reason in {"expired", "no_second_factor"}:
        return _("Please sign in again.")
    return ""


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def sign_in(request: HttpRequest) -> HttpResponse:
    """Step one: account name and password; then the code (or enrolment) step."""
    wanted = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if is_verified(request.user):
        return redirect(wanted or resolve_url(settings.LOGIN_REDIRECT_URL))
    form = PasswordForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        username, password = form.cleaned_data["username"], form.cleaned_data["password"]
        address, now = session.client_address(request), timezone.now()
        until = actions.locked_until(username, address, now)
        user = None if until else auth.authenticate(request, username=username, password=password)
        if user is not None:
            _start_pending(request, user, wanted)
            return redirect("login-code" if totp.confirmed_device(user) else "login-enrol")
        if until is None:
            until = actions.do_record_sign_in_failure(username, address, "password", at=now)
        if until is not None:
            form.add_error(None, _locked_message(until))
            status = 429
        else:
            form.add_error(None, _("That user name and password do not match."))
    context = {"form": form, "notice": _notice(request), "next": wanted}
    return render(request, "registration/login.html", context, status=status)


def _start_pending(request: HttpRequest, user: AbstractBaseUser, wanted: str) -> None:
    request.session.cycle_key()  # a new id as soon as the password is known good
    request.session[session.PENDING_USER] = str(user.pk)
    request.session[session.PENDING_AT] = time.time()
    request.session[session.PENDING_BACKEND] = str(getattr(user, "backend", ""))
    request.session[session.NEXT] = wanted


def _forget_pending(request: HttpRequest) -> None:
    for key in (session.PENDING_USER, session.PENDING_AT, session.PENDING_BACKEND, session.NEXT):
        request.session.pop(key, None)


def _pending_user(request: HttpRequest) -> AbstractBaseUser | None:
    """The person half-way through signing in, if they passed step one a short while ago."""
    user_id = request.session.get(session.PENDING_USER)
    started = float(request.session.get(session.PENDING_AT) or 0)
    if not user_id or time.time() - started > conf.PENDING_SECONDS:
        return None
    user: AbstractBaseUser | None = (
        auth.get_user_model().objects.filter(pk=user_id, is_active=True).first()
    )
    return user


def _start_again(request: HttpRequest) -> HttpResponse:
    _forget_pending(request)
    request.session[session.SIGNED_OUT] = "expired"
    return redirect("login")


@csrf_protect
@never_cache
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """Step two: the code from the person's authenticator app."""
    user = _pending_user(request)
    if user is None:
        return _start_again(request)
    device = totp.confirmed_device(user)
    if device is None:
        return redirect("login-enrol")
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = _try_code(request, user, device, form, enrolling=False)
        if done is not None:
            return done
    return render(request, "registration/totp_code.html", {"form": form}, status=status)


@csrf_protect
@never_cache
def sign_in_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: show the secret (QR code and text) and take one code to confirm it."""
    user = _pending_user(request)
    if user is None:
        return _start_again(request)
    if totp.confirmed_device(user) is not None:
        return redirect("login-code")
    now = timezone.now()
    device = actions.do_issue_totp_device(
        user, confirmed=False, reset=False, actor=actions.actor_of(user), at=now
    )
    assert device is not None  # not enrolled yet, so a device to enrol is issued
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        done, status = _try_code(request, user, device, form, enrolling=True)
        if done is not None:
            return done
    context = {
        "form": form,
        "qr_svg": mark_safe(totp.qr_svg(device)),  # SVG made by segno from our own URI
        "secret": totp.grouped_secret(device),
        "otpauth_uri": totp.otpauth_uri(device),
    }
    return render(request, "registration/totp_enrol.html", context, status=status)


def _try_code(
    request: HttpRequest,
    user: AbstractBaseUser,
    device: TOTPDevice,
    form: CodeForm,
    *,
    enrolling: bool,
) -> tuple[HttpResponse | None, int]:
    """Check the code: sign in (a response), or an error on the form and the status."""
    address, now = session.client_address(request), timezone.now()
    until = actions.locked_until(user.get_username(), address, now)
    if until is None:
        if actions.verify_code(device, form.cleaned_data["code"]):
            if enrolling:
                actions.do_confirm_totp_device(user, device, at=now)
            return _finish(request, user, device, enrolled=enrolling), 200
        until = actions.do_record_sign_in_failure(user.get_username(), address, "code", at=now)
    if until is not None:
        _forget_pending(request)
        form.add_error(None, _locked_message(until))
        return None, 429
    form.add_error("code", _("That code is not right. Codes change every 30 seconds."))
    return None, 200


def _finish(
    request: HttpRequest, user: AbstractBaseUser, device: TOTPDevice, *, enrolled: bool
) -> HttpResponse:
    wanted = str(request.session.get(session.NEXT) or "")
    backend = str(request.session.get(session.PENDING_BACKEND) or "") or None
    _forget_pending(request)
    auth.login(request, cast(Any, user), backend=backend)  # rotates the session id again
    django_otp.login(request, device)
    request.session[session.LAST_ACTIVE] = time.time()
    request.session[session.SIGN_IN_SERIAL] = actions.do_complete_sign_in(
        user, session.client_address(request), enrolled=enrolled, at=timezone.now()
    )
    return redirect(wanted or resolve_url(settings.LOGIN_REDIRECT_URL))


@require_POST
@csrf_protect
def sign_out(request: HttpRequest) -> HttpResponse:
    """End the session (a POST, so that a link or a prefetch cannot sign anyone out)."""
    user = request.user
    if user.is_authenticated:
        actions.do_sign_out(user, "signed_out", at=timezone.now())
    auth.logout(request)
    request.session[session.SIGNED_OUT] = "signed_out"
    return redirect("login")
