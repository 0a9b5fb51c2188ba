"""Who may see which case (house rule 7). Views never query cases directly.

Desk roles (operator, supervisor, admin, auditor) see every case; a district officer
sees only cases of their district; roles with no case work (STF analyst, counsellor)
see none here — their own queues come with their issues.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import QuerySet

from jeevanrekha.cases.models import Case, DeskProfile, Role
from jeevanrekha.intake.models import RawAlert

WHOLE_DESK_ROLES = {Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR}
# Roles that take calls and act on alerts (the auditor only reads).
DESK_WORK_ROLES = {Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN}


def role_of(user: AbstractBaseUser | AnonymousUser) -> Role | None:
    """The user's desk role, or None (anonymous, or a user without a desk profile)."""
    if not user.is_authenticated or user.pk is None:
        return None
    profile = DeskProfile.objects.filter(user_id=int(str(user.pk))).only("role").first()
    return Role(profile.role) if profile else None


def cases_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Case]:
    """The cases this user may see."""
    role = role_of(user)
    if role in WHOLE_DESK_ROLES:
        return Case.objects.all()
    if role == Role.DISTRICT_OFFICER:
        district = DeskProfile.objects.get(user_id=int(str(user.pk))).district
        return Case.objects.filter(district__iexact=district) if district else Case.objects.none()
    return Case.objects.none()


def case_for(user: AbstractBaseUser | AnonymousUser, case_id: int) -> Case | None:
    """One case if this user may see it, else None (the view answers 404)."""
    return cases_visible_to(user).filter(pk=case_id).first()


def can_work_alerts(user: AbstractBaseUser | AnonymousUser) -> bool:
    """May record a phone-in alert and act on quarantined raw alerts."""
    return role_of(user) in DESK_WORK_ROLES


def raw_alerts_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[RawAlert]:
    """Raw alerts (what arrived, before any check): the desk sees them, nobody else."""
    if role_of(user) in WHOLE_DESK_ROLES:
        return RawAlert.objects.all()
    return RawAlert.objects.none()
