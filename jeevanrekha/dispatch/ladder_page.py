"""The admin's page of escalation ladders: who is paged for each kind of task, how soon
the next rung is woken, and whether any contact holds each rung's role.

Ladders are deployment settings (`DISPATCH_LADDERS`, docs/dispatch.md), not rows: this
page shows the ladders in effect and where they come from, so an administrator can see a
rung that nobody would answer before an alert finds it (docs/adr/0008-admin-pages.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from jeevanrekha.cases.models import TaskKind
from jeevanrekha.dispatch import conf
from jeevanrekha.dispatch.models import Contact


@dataclass(frozen=True)
class Rung:
    number: int
    role: str
    ack_minutes: float
    renotify_minutes: float | None
    contacts: int  # active contacts holding the role, in any scope


@dataclass(frozen=True)
class Ladder:
    kind: str
    label: str
    rungs: list[Rung]
    remind_minutes: float | None


def ladders_in_effect() -> list[Ladder]:
    """Every task kind's ladder, with the number of active contacts per rung's role."""
    held = dict(
        Contact.objects.filter(active=True)
        .values("role")
        .annotate(n=Count("id"))
        .values_list("role", "n")
    )
    found = []
    for kind, policy in sorted(conf.ladders().items()):
        rungs = [
            Rung(
                n,
                step.notify,
                step.ack_within.total_seconds() / 60,
                step.renotify_every.total_seconds() / 60 if step.renotify_every else None,
                held.get(step.notify, 0),
            )
            for n, step in enumerate(policy.steps, start=1)
        ]
        remind = policy.remind_after_ack.total_seconds() / 60 if policy.remind_after_ack else None
        label = TaskKind(kind).label if kind in TaskKind.values else kind
        found.append(Ladder(kind, str(label), rungs, remind))
    return found


def ladders_page(request: HttpRequest, context: dict[str, object]) -> HttpResponse:
    """The page (the admin site wraps it: administrators with both factors only)."""
    configured = getattr(settings, "DISPATCH_LADDERS", "") or ""
    source = (
        configured[1:] if configured.startswith("@") else ("DISPATCH_LADDERS" if configured else "")
    )
    return TemplateResponse(
        request,
        "admin/ladders.html",
        {
            **context,
            "title": "Escalation ladders",
            "ladders": ladders_in_effect(),
            "source": source,
        },
    )
