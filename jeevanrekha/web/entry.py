"""Desk pages where a person puts alerts in: the phone-in form and the quarantine.

Both need a desk role that works alerts (operator, supervisor, admin); the auditor may read
the quarantine. Every raw alert viewed here is audited, every action is a `do_*` action.
"""

from __future__ import annotations

import json
import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from jeevanrekha.cases import access
from jeevanrekha.cases.actions import NotAwaitingReview, do_confirm_review, do_dismiss_review
from jeevanrekha.intake.actions import Arrival, Outcome, do_intake
from jeevanrekha.intake.checks import Checks
from jeevanrekha.intake.models import RawAlert
from jeevanrekha.intake.quarantine import (
    WAITING,
    NotInQuarantine,
    do_case_from_raw_alert,
    do_note_raw_alert_viewed,
    do_reparse_raw_alert,
)
from jeevanrekha.intake.sources.api.parse import AlertIn
from jeevanrekha.web.forms import TypedAlertForm, typed_alert

FORM_CHECKS = Checks(authenticate=False, check_window=False)
PREVIEW_BYTES = 64 * 1024


def _actor(request: HttpRequest) -> str:
    return f"user:{request.user.get_username()}"


def _require_desk_work(request: HttpRequest) -> None:
    if not access.can_work_alerts(request.user):
        raise PermissionDenied("your role does not take alerts")


@login_required
def phone_in(request: HttpRequest) -> HttpResponse:
    """Record a call in under 30 seconds, keyboard only; it becomes an alert like any other."""
    _require_desk_work(request)
    form = TypedAlertForm(request.POST or None)
    entry = request.POST.get("entry") or uuid.uuid4().hex
    if request.method == "POST" and form.is_valid():
        now = timezone.now()
        document = typed_alert(form.cleaned_data, source="phone-in", received_at=now.isoformat())
        document["source_alert_id"] = entry  # a form sent twice is one alert
        body = json.dumps(document, ensure_ascii=False).encode()
        arrival = Arrival(
            channel="form",
            source_name=f"desk:{request.user.get_username()}"[:60],
            headers={},
            body=body,
            body_size=len(body),
            remote_addr=request.META.get("REMOTE_ADDR"),
            request_id=getattr(request, "request_id", ""),
            received_at=now,
        )
        (outcome,) = do_intake([arrival], FORM_CHECKS)
        if outcome.case_id:
            messages.success(request, _("Call recorded."))
            return redirect("case", outcome.case_id)
        for error in outcome.refusal.errors if outcome.refusal else []:
            form.add_error(None, f"{'.'.join(map(str, error.get('loc', [])))}: {error['msg']}")
    return render(request, "web/phone_in.html", {"form": form, "entry": entry})


@login_required
def quarantine_list(request: HttpRequest) -> HttpResponse:
    """Raw alerts that did not pass the checks, newest first, with the reason."""
    if access.role_of(request.user) not in access.WHOLE_DESK_ROLES:
        raise PermissionDenied("the quarantine is the desk's")
    raws = (
        access.raw_alerts_visible_to(request.user)
        .filter(status__in=WAITING)
        .order_by("-received_at")
        .defer("body")[:200]
    )
    return render(request, "web/quarantine.html", {"raws": raws})


def _raw_for(request: HttpRequest, raw_id: int) -> RawAlert:
    raw = access.raw_alerts_visible_to(request.user).filter(pk=raw_id).first()
    if raw is None:
        raise Http404("no such raw alert")
    return raw


@login_required
def quarantine_detail(request: HttpRequest, raw_id: int) -> HttpResponse:
    """One raw alert as it arrived, why it was refused, and what the desk can do."""
    raw = _raw_for(request, raw_id)
    do_note_raw_alert_viewed(raw.pk, actor=_actor(request), at=timezone.now())
    body = bytes(raw.body)
    preview = body[:PREVIEW_BYTES].decode("utf-8", errors="replace")
    form = TypedAlertForm(initial=_initial_from(body))
    context = {
        "raw": raw,
        "preview": preview,
        "preview_cut": len(body) > PREVIEW_BYTES or raw.body_truncated,
        "form": form,
        "can_act": access.can_work_alerts(request.user) and raw.status in WAITING,
    }
    return render(request, "web/quarantine_detail.html", context)


def _initial_from(body: bytes) -> dict[str, str]:
    """What can be read from a body that is JSON of roughly the right shape."""
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return {}
    if not isinstance(value, dict):
        return {}

    def text(*path: str) -> str:
        node: object = value
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        return node if isinstance(node, str) else ""

    return {
        "said": text("post", "text"),
        "platform": text("platform").lower() or "other",
        "handle": text("account", "handle"),
        "person_name": text("account", "name"),
        "person_phone": text("evidence", "phone"),
        "location": text("evidence", "address") or text("evidence", "profile_location"),
        "post_url": text("post", "url"),
    }


def _report(request: HttpRequest, outcome: Outcome) -> HttpResponse:
    if outcome.case_id:
        messages.success(
            request, _("Raw alert #%(id)s is now an alert.") % {"id": outcome.raw_alert_id}
        )
        return redirect("case", outcome.case_id)
    code = outcome.refusal.code if outcome.refusal else outcome.status
    messages.error(request, _("Still refused: %(code)s.") % {"code": code})
    return redirect("quarantine-detail", outcome.raw_alert_id)


@login_required
@require_POST
def quarantine_reparse(request: HttpRequest, raw_id: int) -> HttpResponse:
    """Run the checks again (after a parser fix or a corrected source key)."""
    _require_desk_work(request)
    raw = _raw_for(request, raw_id)
    try:
        outcome = do_reparse_raw_alert(raw.pk, actor=_actor(request), at=timezone.now())
    except NotInQuarantine as exc:
        messages.error(request, str(exc))
        return redirect("quarantine")
    return _report(request, outcome)


@login_required
@require_POST
def quarantine_by_hand(request: HttpRequest, raw_id: int) -> HttpResponse:
    """Accept a raw alert as what a desk user read from it and typed in."""
    _require_desk_work(request)
    raw = _raw_for(request, raw_id)
    form = TypedAlertForm(request.POST)
    if form.is_valid():
        now = timezone.now()
        document = typed_alert(
            form.cleaned_data,
            source=f"manual:{raw.source_name or raw.channel}"[:60],
            received_at=raw.received_at.isoformat(),
        )
        try:
            alert = AlertIn.model_validate(document)
        except ValidationError as exc:
            for error in exc.errors(include_url=False, include_input=False):
                form.add_error(None, f"{'.'.join(map(str, error['loc']))}: {error['msg']}")
        else:
            try:
                outcome = do_case_from_raw_alert(raw.pk, alert, actor=_actor(request), at=now)
            except NotInQuarantine as exc:
                messages.error(request, str(exc))
                return redirect("quarantine")
            return _report(request, outcome)
    body = bytes(raw.body)
    context = {
        "raw": raw,
        "preview": body[:PREVIEW_BYTES].decode("utf-8", errors="replace"),
        "preview_cut": len(body) > PREVIEW_BYTES or raw.body_truncated,
        "form": form,
        "can_act": True,
    }
    return render(request, "web/quarantine_detail.html", context, status=400)


@login_required
@require_POST
def review_confirm(request: HttpRequest, case_id: int) -> HttpResponse:
    """Confirm a case the watch raised: the desk may now act on it."""
    _require_desk_work(request)
    case = access.case_for(request.user, case_id)
    if case is None:
        raise Http404("no such case")
    try:
        do_confirm_review(case.pk, actor=_actor(request), at=timezone.now())
        messages.success(
            request, _("%(case)s confirmed: the desk may act on it.") % {"case": case.reference}
        )
    except NotAwaitingReview as exc:
        messages.error(request, str(exc))
    return redirect("case", case.pk)


@login_required
@require_POST
def review_dismiss(request: HttpRequest, case_id: int) -> HttpResponse:
    """Dismiss a case the watch raised (no risk), with the reason."""
    _require_desk_work(request)
    case = access.case_for(request.user, case_id)
    if case is None:
        raise Http404("no such case")
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Say why it is not a risk."))
        return redirect("case", case.pk)
    try:
        do_dismiss_review(case.pk, reason, actor=_actor(request), at=timezone.now())
        messages.success(request, _("%(case)s dismissed.") % {"case": case.reference})
    except NotAwaitingReview as exc:
        messages.error(request, str(exc))
    return redirect("desk")
