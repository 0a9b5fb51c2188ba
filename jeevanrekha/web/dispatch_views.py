"""Desk buttons for dispatch (case page) and the one-tap link page (no login).

Every button is a POST to a `do_*` action; a refusal (not ready, task closed) comes back as
a message on the case page. The one-tap page shows its choices on GET (link previews in
phones and mail scanners fetch links, and must not use them up) and acts only on POST.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from jeevanrekha.cases import access
from jeevanrekha.cases.models import Case, Task
from jeevanrekha.dispatch import dispatching
from jeevanrekha.dispatch.actions import (
    REPORTS,
    LinkRefused,
    TaskClosed,
    do_report_task,
    do_use_link,
)
from jeevanrekha.dispatch.forwarding.handover import do_forward_case
from jeevanrekha.dispatch.models import AckLink
from jeevanrekha.dispatch.notify import link_id_of
from jeevanrekha.web.labels import REPORTS as REPORT_WORDS  # the words, translated


def _actor(request: HttpRequest) -> str:
    return f"user:{request.user.get_username()}"


def _case(request: HttpRequest, case_id: int) -> Case:
    if not access.can_work_alerts(request.user):
        raise PermissionDenied("your role does not dispatch")
    case = access.case_for(request.user, case_id)
    if case is None:
        raise Http404("no such case")
    return case


def _run(request: HttpRequest, case: Case | str, done: str, action: object) -> HttpResponse:
    """Run the action; its refusal or success as a message; back to the case (or a URL)."""
    try:
        result = action() if callable(action) else None
    except (dispatching.NotReady, TaskClosed, ValueError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done.format(result=result))
    return redirect(case) if isinstance(case, str) else redirect("case", case.pk)


@login_required
@require_POST
def confirm_dispatch(request: HttpRequest, case_id: int) -> HttpResponse:
    """One confirmation: alert the station and send the nearest vehicle."""
    case = _case(request, case_id)
    return _run(
        request,
        case,
        _("Station alerted and vehicle sent."),
        lambda: dispatching.do_confirm_dispatch(case.pk, actor=_actor(request), at=timezone.now()),
    )


@login_required
@require_POST
def alert_station(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    return _run(
        request,
        case,
        _("Police station alerted."),
        lambda: dispatching.do_alert_station(case.pk, actor=_actor(request), at=timezone.now()),
    )


@login_required
@require_POST
def send_vehicle(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    return _run(
        request,
        case,
        _("112 vehicle sent: {result.target}."),
        lambda: dispatching.do_dispatch_vehicle(case.pk, actor=_actor(request), at=timezone.now()),
    )


@login_required
@require_POST
def request_trace(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    phone = request.POST.get("phone", "").strip()
    return _run(
        request,
        case,
        _("Trace requested."),
        lambda: dispatching.do_request_trace(
            case.pk, phone, actor=_actor(request), at=timezone.now()
        ),
    )


@login_required
@require_POST
def forward(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    return _run(
        request,
        case,
        _("Handed over to {result.target}."),
        lambda: do_forward_case(case.pk, actor=_actor(request), at=timezone.now()),
    )


@login_required
@require_POST
def refer_counsellor(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case(request, case_id)
    target = request.POST.get("target", "").strip() or "Tele-MANAS 14416"
    return _run(
        request,
        case,
        _("Counselling referral sent."),
        lambda: dispatching.do_refer_counsellor(
            case.pk, target, actor=_actor(request), at=timezone.now()
        ),
    )


def _task(request: HttpRequest, task_id: int) -> tuple[Task, Case | str]:
    """A task this user may work (the desk; STF its traces; a counsellor its referrals),
    and where to go back to: the case page, or the requests page for roles without cases."""
    task = access.task_for(request.user, task_id)
    if task is None:
        raise Http404("no such task")
    if not access.can_work_task(request.user, task):
        raise PermissionDenied("your role does not work this request")
    case = access.case_for(request.user, task.case_id)
    return task, case if case is not None else reverse("my-tasks")


@login_required
@require_POST
def report_task(request: HttpRequest, task_id: int) -> HttpResponse:
    """The desk records what someone said on the phone (acknowledged, on scene, ...);
    STF and counsellors acknowledge their own requests here."""
    task, case = _task(request, task_id)
    report = request.POST.get("report", "")
    # The desk records what someone said on the phone; others report for themselves.
    myself = request.user.get_username()
    by = request.POST.get("by", "").strip() or (
        "by phone" if access.can_work_alerts(request.user) else myself
    )
    return _run(
        request,
        case,
        _("Task #%(task)s: %(report)s recorded.")
        % {"task": task.pk, "report": REPORT_WORDS.get(report, report)},
        lambda: do_report_task(
            task.pk, report, by=by, actor=_actor(request), at=timezone.now(), via="desk"
        ),
    )


@login_required
@require_POST
def trace_fix(request: HttpRequest, task_id: int) -> HttpResponse:
    """The fix of a trace: typed in by the desk from a call, or by the STF analyst."""
    from jeevanrekha.dispatch.tracing import record_fix

    task, back = _task(request, task_id)
    try:
        fix = {
            "lat": float(request.POST["lat"]),
            "lon": float(request.POST["lon"]),
            "radius_m": float(request.POST.get("radius_m") or 500),
            "observed_at": _when(request.POST.get("observed_at", "")),
        }
    except (KeyError, ValueError):
        messages.error(request, _("A fix needs numbers for lat, lon and radius."))
        return redirect(back) if isinstance(back, str) else redirect("case", back.pk)
    return _run(
        request,
        back,
        _("Trace fix recorded."),
        lambda: record_fix(task.pk, fix, actor=_actor(request), at=timezone.now()),
    )


def _when(text: str) -> datetime:
    if not text:
        return timezone.now()
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else timezone.make_aware(value)


@csrf_exempt  # no session, no cookie: the signed single-use token is the credential
def one_tap(request: HttpRequest, token: str) -> HttpResponse:
    """A notification's link: choose once, no login; every use is audited."""
    try:
        link_id = link_id_of(token)
    except signing.BadSignature as exc:
        raise Http404("unknown link") from exc
    link = AckLink.objects.select_related("task").filter(link_id=link_id).first()
    if link is None:
        raise Http404("unknown link")
    status, done = 200, ""
    if request.method == "POST":
        report = request.POST.get("report", "")
        if report not in REPORTS:
            status, done = 400, _("Choose one of the buttons.")
        else:
            try:
                do_use_link(link_id, report, remote=_remote(request), at=timezone.now())
                done = _("Recorded: %(report)s. Thank you.") % {"report": REPORT_WORDS[report]}
            except (LinkRefused, TaskClosed) as exc:
                status, done = 410, str(exc)
            link.refresh_from_db()
    context = {
        "link": link,
        "task": link.task,
        "reference": f"JR-{link.task.case_id:06d}",
        "usable": link.used_at is None and link.expires_at > timezone.now(),
        "choices": REPORT_WORDS,
        "done": done,
    }
    return render(request, "web/one_tap.html", context, status=status)


def _remote(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR", ""))[:45]
