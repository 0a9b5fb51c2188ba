"""`{% follow_up_panel case %}`: the follow-up section of the case page (desk roles only:
counsellors have no case page), with the linked case a new risk opened, either way."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import timezone

from jeevanrekha.cases.models import Case
from jeevanrekha.followup import pages
from jeevanrekha.followup.models import FollowUp, FollowUpCheck

register = template.Library()


@register.inclusion_tag("followup/_case_panel.html")
def follow_up_panel(case: Case) -> dict[str, Any]:
    """The schedule, results and links of this case's follow-up (empty when it has none)."""
    now = timezone.now()
    follow_up = FollowUp.objects.filter(case_id=case.pk).first()
    opened_by = (
        FollowUpCheck.objects.filter(new_case_id=case.pk).select_related("follow_up__case").first()
    )
    context: dict[str, Any] = {"follow_up": follow_up, "opened_by": opened_by}
    if follow_up is not None:
        checks = follow_up.checks.select_related("new_case").order_by("number")
        context["checks"] = [pages.check_row(c, follow_up.ended_at, now) for c in checks]
        context["state"] = str(pages.FOLLOW_UP_STATES.get(follow_up.state, follow_up.state))
    return context
