"""Who may read which report (house rule 7: access decisions in a few functions).

Reports are for those who supervise or answer for the desk's work: the supervisor, the
auditor and the administrator read every district and the whole state; a district
officer reads their own district only. Operators, STF analysts and counsellors do not:
the figures are supervision, not the work of the queue (docs/reports.md).
"""

from __future__ import annotations

from jeevanrekha.cases.access import AnyUser, role_of
from jeevanrekha.cases.models import DeskProfile, Role

WHOLE_STATE_ROLES = {Role.SUPERVISOR, Role.AUDITOR, Role.ADMIN}
REPORT_ROLES = WHOLE_STATE_ROLES | {Role.DISTRICT_OFFICER}


def can_see_reports(user: AnyUser) -> bool:
    """May open the reports page at all (the view answers 403 otherwise)."""
    return role_of(user) in REPORT_ROLES


def own_district(user: AnyUser) -> str | None:
    """A district officer's district (None for every other role)."""
    if role_of(user) != Role.DISTRICT_OFFICER:
        return None
    district = DeskProfile.objects.filter(user_id=int(str(user.pk))).values_list(
        "district", flat=True
    )
    return district.first() or ""


def report_scope(user: AnyUser, asked: str) -> str | None:
    """The district this user's report covers ("" for state-wide), or None when the user
    may not read what was asked (the view answers 404: another district's officer cannot
    tell what is there). A district officer's report is always their own district."""
    role = role_of(user)
    if role in WHOLE_STATE_ROLES:
        return asked
    if role == Role.DISTRICT_OFFICER:
        own = own_district(user)
        if not own or (asked and asked.casefold() != own.casefold()):
            return None
        return own
    return None
