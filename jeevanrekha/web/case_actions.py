"""Case page buttons: a note or a call for the call log; record the outcome (with the
field's reason codes) and close. Each is a POST to `do_*` actions; a refusal comes back as
a message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jeevanrekha.cases import access
from jeevanrekha.cases.actions import (
    NoteIn,
    do_add_case_note,
    do_apply_case_command,
    do_record_outcome,
)
from jeevanrekha.cases.models import CallResult, Case, NoteKind, Outcome, OutcomeCode, ReasonCode
from jeevanrekha.core.lifecycle import CaseCommand, CaseState, IllegalTransition, allowed_commands
from jeevanrekha.web import labels


def _actor(request: HttpRequest) -> str:
    return f"user:{request.user.get_username()}"


def _case(request: HttpRequest, case_id: int) -> Case:
    if not access.can_work_alerts(request.user):
        raise PermissionDenied("your role does not act on cases")
    case = access.case_for(request.user, case_id)
    if case is None:
        raise Http404("no such case")
    return case


def record_and_resolve(
    case: Case, code: OutcomeCode, reasons: list[str], note: str, *, actor: str
) -> bool:
    """The outcome, and the case resolved when its state allows: one transaction.
    True when the case was resolved too."""
    at = timezone.now()
    with transaction.atomic():
        do_record_outcome(case.pk, code, reasons, note, actor=actor, at=at)
        if CaseCommand.RESOLVE not in allowed_commands(CaseState(case.state)):
            return False
        do_apply_case_command(case.pk, CaseCommand.RESOLVE, actor=actor, at=at)
        return True


@login_required
@require_POST
def record_outcome(request: HttpRequest, case_id: int) -> HttpResponse:
    """How the case ended: saved, not found, false alarm, ... with reason codes and a note."""
    case = _case(request, case_id)
    code = request.POST.get("code", "")
    reasons = [r for r in request.POST.getlist("reasons") if r in ReasonCode.values]
    note = request.POST.get("note", "").strip()[:2000]
    if code not in OutcomeCode.values:
        messages.error(request, _("Choose an outcome."))
        return redirect("case", case.pk)
    if Outcome.objects.filter(case_id=case.pk).exists():
        messages.error(request, _("An outcome is already recorded for this case."))
        return redirect("case", case.pk)
    try:
        resolved = record_and_resolve(case, OutcomeCode(code), reasons, note, actor=_actor(request))
    except IntegrityError:
        messages.error(request, _("An outcome is already recorded for this case."))
        return redirect("case", case.pk)
    word = labels.label(labels.OUTCOMES, code)
    if resolved:
        messages.success(
            request, _("Outcome recorded: %(outcome)s. The case is resolved.") % {"outcome": word}
        )
        if code == OutcomeCode.SAVED:
            messages.info(request, _("Follow-up started: a counselling referral and the checks."))
    else:
        messages.success(request, _("Outcome recorded: %(outcome)s.") % {"outcome": word})
    return redirect("case", case.pk)


@login_required
@require_POST
def close_case(request: HttpRequest, case_id: int) -> HttpResponse:
    """Close a resolved, followed-up or forwarded case."""
    case = _case(request, case_id)
    try:
        do_apply_case_command(case.pk, CaseCommand.CLOSE, actor=_actor(request), at=timezone.now())
    except IllegalTransition:
        state = labels.label(labels.CASE_STATES, case.state)
        messages.error(
            request, _("A case that is %(state)s cannot be closed yet.") % {"state": state}
        )
    else:
        messages.success(request, _("%(case)s closed.") % {"case": case.reference})
    return redirect("case", case.pk)


@login_required
@require_POST
def add_note(request: HttpRequest, case_id: int) -> HttpResponse:
    """A note, or a call for the call log: who, which way, how it went, what was said."""
    case = _case(request, case_id)
    kind = request.POST.get("kind", "")
    result = request.POST.get("result", "")
    text = request.POST.get("text", "").strip()[:4000]
    if kind not in NoteKind.values:
        messages.error(request, _("Choose a note or a phone call."))
        return redirect("case", case.pk)
    if kind == NoteKind.CALL and result not in CallResult.values:
        messages.error(request, _("Say how the call went."))
        return redirect("case", case.pk)
    if kind == NoteKind.NOTE and not text:
        messages.error(request, _("Write the note first."))
        return redirect("case", case.pk)
    note = NoteIn(
        kind=NoteKind(kind),
        text=text,
        party=request.POST.get("party", "")[:200],
        incoming=request.POST.get("incoming") == "1",
        result=CallResult(result) if kind == NoteKind.CALL else None,
    )
    do_add_case_note(case.pk, note, actor=_actor(request), at=timezone.now())
    if kind == NoteKind.CALL:
        messages.success(request, _("Call logged."))
    else:
        messages.success(request, _("Note added."))
    return redirect("case", case.pk)
