"""Follow-up pages: the list a counsellor works from, recording a check, and adherence for
the supervisor. Access is decided in followup/access.py; changes go through actions."""

from __future__ import annotations

from collections import Counter

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from jeevanrekha.cases.models import Case
from jeevanrekha.followup import access, pages
from jeevanrekha.followup.actions import CheckClosed, do_record_check
from jeevanrekha.followup.models import CheckResult, FollowUpState


class CheckResultForm(forms.Form):
    """A check's result as the counsellor enters it (parsed at the edge)."""

    result = forms.ChoiceField(choices=CheckResult.choices)
    note = forms.CharField(max_length=2000, required=False, strip=True)


@login_required
@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """Active follow-ups, overdue and due checks first, with the form on each due check."""
    if not access.can_see_follow_ups(request.user):
        raise PermissionDenied("your role has no follow-ups")
    now = timezone.now()
    visible = access.follow_ups_visible_to(request.user).filter(state=FollowUpState.ACTIVE)
    context = {
        "rows": pages.follow_up_rows(visible.order_by("started_at"), now),
        "can_record": access.can_record_checks(request.user),
        "case_links": access.can_open_cases(request.user),
        "results": [(value, pages.RESULTS[value]) for value in CheckResult.values],
        "now": now,
    }
    return render(request, "followup/list.html", context)


@login_required
@require_POST
def record_check(request: HttpRequest, check_id: int) -> HttpResponse:
    """Record a check's result from the list; back to the list with a message."""
    if not access.can_record_checks(request.user):
        raise PermissionDenied("your role does not record follow-up checks")
    check = access.check_for(request.user, check_id)
    if check is None:
        raise Http404("no such check")
    form = CheckResultForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what the check found."))
        return redirect("followup-list")
    actor = f"user:{request.user.get_username()}"
    result = CheckResult(form.cleaned_data["result"])
    try:
        done = do_record_check(
            check.pk, result, form.cleaned_data["note"], actor=actor, at=timezone.now()
        )
    except CheckClosed:
        messages.error(request, _("This check already has a result."))
        return redirect("followup-list")
    messages.success(request, _("Check %(number)s recorded.") % {"number": done.number})
    if done.new_case_id:
        reference = Case.objects.get(pk=done.new_case_id).reference
        messages.warning(
            request, _("New risk: case %(case)s opened for the desk.") % {"case": reference}
        )
    return redirect("followup-list")


@login_required
@require_GET
def adherence_page(request: HttpRequest) -> HttpResponse:
    """Per case: checks done on time, late, missed, pending; the newest follow-ups first."""
    if not access.can_see_adherence(request.user):
        raise PermissionDenied("adherence is for supervisors")
    now = timezone.now()
    rows = pages.follow_up_rows(
        access.follow_ups_visible_to(request.user).order_by("-started_at"), now
    )
    rows.sort(key=lambda r: r.follow_up.started_at, reverse=True)
    totals: Counter[str] = Counter()
    for row in rows:
        totals.update(row.counts)
    labels = [(code, pages.ADHERENCE[code]) for code in pages.ADHERENCE]
    context = {"rows": rows, "totals": [(word, totals[code]) for code, word in labels]}
    context |= {"labels": labels, "now": now}
    return render(request, "followup/adherence.html", context)
