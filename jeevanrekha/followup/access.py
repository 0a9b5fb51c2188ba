"""Who may see and do what with follow-ups (house rule 7; rules beside cases/access.py).

A counsellor works every follow-up (they are all assigned to counselling) but sees only
what the call needs: the case number, the person's first name and handle, the phone, the
district, the schedule and the results. Never the post, the location evidence or the
police tasks: the follow-up page shows those fields only, and the counsellor still has
no case page (cases/access.py). The desk sees and records too; a district officer reads
their district's; the supervisor (and admin, auditor) sees adherence.
"""

from __future__ import annotations

from django.db.models import QuerySet

from jeevanrekha.cases import access
from jeevanrekha.cases.models import Role
from jeevanrekha.followup.models import FollowUp, FollowUpCheck

RECORDING_ROLES = access.DESK_WORK_ROLES | {Role.COUNSELLOR}
ADHERENCE_ROLES = {Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR}


def can_see_follow_ups(user: access.AnyUser) -> bool:
    """May open the follow-up list (desk roles, counsellors, district officers)."""
    role = access.role_of(user)
    return role in access.WHOLE_DESK_ROLES or role in (Role.COUNSELLOR, Role.DISTRICT_OFFICER)


def follow_ups_visible_to(user: access.AnyUser) -> QuerySet[FollowUp]:
    """The follow-ups this user may see."""
    role = access.role_of(user)
    if role in access.WHOLE_DESK_ROLES or role == Role.COUNSELLOR:
        return FollowUp.objects.all()
    if role == Role.DISTRICT_OFFICER:
        return FollowUp.objects.filter(case__in=access.cases_visible_to(user))
    return FollowUp.objects.none()


def can_record_checks(user: access.AnyUser) -> bool:
    """May record a check's result (counsellors and the desk that works alerts)."""
    return access.role_of(user) in RECORDING_ROLES


def check_for(user: access.AnyUser, check_id: int) -> FollowUpCheck | None:
    """One check if this user may see its follow-up, else None (the view answers 404)."""
    return (
        FollowUpCheck.objects.filter(pk=check_id, follow_up__in=follow_ups_visible_to(user))
        .select_related("follow_up")
        .first()
    )


def can_see_adherence(user: access.AnyUser) -> bool:
    """May read adherence per case (supervision: on time, late, missed)."""
    return access.role_of(user) in ADHERENCE_ROLES


def can_open_cases(user: access.AnyUser) -> bool:
    """Whether links to case pages make sense for this user (not for counsellors)."""
    return access.role_of(user) not in access.TASK_ONLY_ROLES
