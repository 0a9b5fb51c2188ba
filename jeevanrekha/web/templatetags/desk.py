"""Template filters of the desk pages: `{% load desk %}`.

{{ 1234567|indian }}            12,34,567
{{ when|ist }} / {{ when|ist_full }}   03:25:41 / 7 Sep 2022, 03:25 IST
{{ delta|short_age }}           2 h 05 min
{{ code|label:"case_states" }}  the translated word for a stored code
{{ 0.982|percent }}             98%
{% post_cues alert %}           the post with its risk cues marked
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import template
from django.http import HttpRequest
from django.urls import reverse
from django.utils import dateformat
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from jeevanrekha.cases import access
from jeevanrekha.followup import access as followup_access
from jeevanrekha.reports import access as reports_access
from jeevanrekha.web import formatting, labels

register = template.Library()

TABLES = {
    "case_states": labels.CASE_STATES,
    "bands": labels.BANDS,
    "task_kinds": labels.TASK_KINDS,
    "task_states": labels.TASK_STATES,
    "reports": labels.REPORTS,
    "outcomes": labels.OUTCOMES,
    "reasons": labels.REASONS,
    "vehicle_statuses": labels.VEHICLE_STATUSES,
    "cues": labels.CUES,
    "evidence": labels.EVIDENCE_KINDS,
    "timeline": labels.TIMELINE,
    "identifiers": labels.IDENTIFIERS,
}


@register.filter
def indian(value: Any) -> str:
    """A number in the Indian system."""
    return formatting.indian_number(value)


@register.filter
def ist(value: datetime | None) -> str:
    """Time of day in IST."""
    return dateformat.format(formatting.in_ist(value), "H:i:s") if value else ""


@register.filter
def ist_full(value: datetime | None) -> str:
    """Date and time in IST (month names in the page's language)."""
    return dateformat.format(formatting.in_ist(value), "j M Y, H:i") + " IST" if value else ""


@register.filter
def iso(value: datetime | None) -> str:
    """Machine-readable instant (for <time datetime> and the countdown script)."""
    return value.isoformat() if value else ""


@register.filter
def short_age(value: timedelta | None) -> str:
    """A duration the short way."""
    return formatting.short_age(value) if value is not None else ""


@register.filter
def label(code: Any, table: str) -> str:
    """The translated word for a stored code."""
    if table == "risk_levels":
        return str(labels.RISK_LEVELS.get(code, code)) if code is not None else ""
    return labels.label(TABLES[table], None if code is None else str(code))


@register.filter
def percent(value: float | None) -> str:
    """A 0..1 confidence as a whole percentage."""
    return formatting.percent(value)


@register.simple_tag
def post_cues(text: str, risk: Any) -> SafeString:
    """The post with its risk cues highlighted."""
    return formatting.post_with_cues(text, risk)


@register.simple_tag
def desk_nav(request: HttpRequest) -> list[dict[str, Any]]:
    """The header's links that this user's role can use (one query: the role)."""
    role = access.role_of(request.user)
    whole, works = role in access.WHOLE_DESK_ROLES, role in access.DESK_WORK_ROLES
    links = [
        ("desk", _("Live queue"), "q", role is not None),
        ("review", _("Review"), "v", role is not None),
        ("phone-in", _("Phone-in"), "n", works),
        ("vehicles", _("Vehicles"), "", role is not None),
        ("my-tasks", _("Requests"), "r", role is not None),
        ("followup-list", _("Follow-up"), "", followup_access.can_see_follow_ups(request.user)),
        ("quarantine", _("Quarantine"), "", whole),
        ("reports", _("Reports"), "", reports_access.can_see_reports(request.user)),
    ]
    out = []
    for name, text, key, shown in links:
        if shown:
            url = reverse(name)
            current = request.path == url or (name == "desk" and request.path == "/desk/queue/")
            out.append({"url": url, "text": text, "key": key, "current": current})
    return out
