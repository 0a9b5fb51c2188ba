"""`{% dispatch_panel case %}`: the case page's dispatch section (tasks, buttons, failures)."""

from __future__ import annotations

from typing import Any

from django import template

from jeevanrekha.cases.models import Case, TaskKind, TaskState
from jeevanrekha.dispatch.actions import REPORTS
from jeevanrekha.dispatch.dispatching import dispatch_ready, home_state
from jeevanrekha.dispatch.models import Notification, NotificationStatus

register = template.Library()


@register.inclusion_tag("dispatch/_panel.html", takes_context=True)
def dispatch_panel(context: dict[str, Any], case: Case) -> dict[str, Any]:
    """Everything the panel shows for one case."""
    tasks = list(case.tasks.order_by("-created_at"))
    failed = Notification.objects.filter(case_id=case.pk, status=NotificationStatus.DEAD)
    return {
        "case": case,
        "tasks": tasks,
        "open_states": {TaskState.OPEN, TaskState.ACKNOWLEDGED},
        "trace_kind": TaskKind.TRACE,
        "failed": failed.order_by("-created_at")[:20],
        "ready_why": dispatch_ready(case),
        "other_state": bool(case.state_name) and case.state_name != home_state(),
        "reports": REPORTS,
        "csrf_token": context.get("csrf_token"),
    }
