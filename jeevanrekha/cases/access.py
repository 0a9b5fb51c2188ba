"""Who may see and do what (house rule 7). Views never query cases or tasks directly.

Desk roles (operator, supervisor, admin, auditor) see every case; a district officer
sees only cases of their district; roles with no case work (STF analyst, counsellor)
see no case: they see only their own tasks (trace requests; counselling referrals) and
never the location history. The auditor reads everything and changes nothing; every page
an auditor opens is audited (accounts/middleware.py). docs/access-matrix.md is the
written matrix of URL x role, checked by tests/integration/test_access_matrix.py.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from jeevanrekha.cases.models import Case, DeskProfile, Role, Task, TaskKind
from jeevanrekha.dispatch.models import Vehicle
from jeevanrekha.intake.models import RawAlert

WHOLE_DESK_ROLES = {Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR}
# Roles that take calls and act on alerts (the auditor only reads).
DESK_WORK_ROLES = {Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN}
# Roles that change nothing; every page they open is written to the audit trail.
READ_ONLY_ROLES = {Role.AUDITOR}
# Roles that see only their own kind of task, never a case or its location history.
TASK_ONLY_ROLES = {Role.STF_ANALYST: TaskKind.TRACE, Role.COUNSELLOR: TaskKind.COUNSELLOR}
# Who may read where a person was looked for (evidence, points, trace fixes).
LOCATION_ROLES = WHOLE_DESK_ROLES | {Role.DISTRICT_OFFICER}
_CACHE = "_jr_desk_role"
AnyUser = AbstractBaseUser | AnonymousUser


def role_of(user: AnyUser) -> Role | None:
    """The user's desk role, or None (anonymous, or a user without a desk profile).

    Kept on the user object for the rest of the request (several checks ask per page).
    """
    if not user.is_authenticated or user.pk is None:
        return None
    cached = getattr(user, _CACHE, None)
    if cached is not None and cached[0] == user.pk:
        return cached[1]  # type: ignore[no-any-return]
    profile = DeskProfile.objects.filter(user_id=int(str(user.pk))).only("role").first()
    role = Role(profile.role) if profile else None
    setattr(user, _CACHE, (user.pk, role))
    return role


def cases_visible_to(user: AnyUser) -> QuerySet[Case]:
    """The cases this user may see."""
    role = role_of(user)
    if role in WHOLE_DESK_ROLES:
        return Case.objects.all()
    if role == Role.DISTRICT_OFFICER:
        district = DeskProfile.objects.get(user_id=int(str(user.pk))).district
        return Case.objects.filter(district__iexact=district) if district else Case.objects.none()
    return Case.objects.none()


def case_for(user: AnyUser, case_id: int) -> Case | None:
    """One case if this user may see it, else None (the view answers 404)."""
    return cases_visible_to(user).filter(pk=case_id).first()


def can_work_alerts(user: AnyUser) -> bool:
    """May record a phone-in alert and act on quarantined raw alerts."""
    return role_of(user) in DESK_WORK_ROLES


def raw_alerts_visible_to(user: AnyUser) -> QuerySet[RawAlert]:
    """Raw alerts (what arrived, before any check): the desk sees them, nobody else."""
    if role_of(user) in WHOLE_DESK_ROLES:
        return RawAlert.objects.all()
    return RawAlert.objects.none()


def is_read_only(user: AnyUser) -> bool:
    """May look but not change anything (the auditor)."""
    return role_of(user) in READ_ONLY_ROLES


def views_are_audited(user: AnyUser) -> bool:
    """Every page this user opens is written to the audit trail (the auditor's)."""
    return role_of(user) in READ_ONLY_ROLES


def vehicles_visible_to(user: AnyUser) -> QuerySet[Vehicle]:
    """The 112 vehicles this user may see: the whole desk all, a district officer their
    district's, other roles none."""
    role = role_of(user)
    if role in WHOLE_DESK_ROLES:
        return Vehicle.objects.all()
    if role == Role.DISTRICT_OFFICER:
        district = DeskProfile.objects.filter(user_id=int(str(user.pk))).values_list(
            "district", flat=True
        )
        return Vehicle.objects.filter(district__iexact=district.first() or "-")
    return Vehicle.objects.none()


def can_see_location_history(user: AnyUser) -> bool:
    """May read location evidence, points and trace fixes (not a counsellor, not STF)."""
    return role_of(user) in LOCATION_ROLES


def tasks_visible_to(user: AnyUser) -> QuerySet[Task]:
    """The tasks this user may see: those of visible cases, or their own kind of task."""
    role = role_of(user)
    own_kind = TASK_ONLY_ROLES.get(role) if role else None
    if own_kind is not None:
        return Task.objects.filter(kind=own_kind)
    if role in WHOLE_DESK_ROLES:
        return Task.objects.all()
    if role == Role.DISTRICT_OFFICER:
        return Task.objects.filter(case__in=cases_visible_to(user))
    return Task.objects.none()


def task_for(user: AnyUser, task_id: int) -> Task | None:
    """One task if this user may see it, else None (the view answers 404)."""
    return tasks_visible_to(user).filter(pk=task_id).first()


def can_work_task(user: AnyUser, task: Task) -> bool:
    """May record what happened on this task (acknowledged, a trace fix, ...)."""
    role = role_of(user)
    if role in DESK_WORK_ROLES:
        return True
    own_kind = TASK_ONLY_ROLES.get(role) if role else None
    return own_kind is not None and task.kind == own_kind
