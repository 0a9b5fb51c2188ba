"""The dispatch stage: when a case's jurisdiction changes on new evidence (the locate stage,
not only a trace fix), the station and vehicle asked before are withdrawn and the right
ones asked (dispatching.retarget). Idempotent: nothing happens when the open station task
already names the case's station (a trace fix re-targets at once, in its own action)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.consumers import Stage
from jeevanrekha.bus.relay import Event
from jeevanrekha.cases.models import Case, TaskKind
from jeevanrekha.dispatch.dispatching import ACTIVE, retarget


def retarget_if_moved(case_id: int, *, actor: str = "stage:dispatch") -> bool:
    """Re-target the case's station and vehicle tasks if they point elsewhere."""
    with transaction.atomic(), audit.deferred():
        case = Case.objects.select_for_update().get(pk=case_id)
        stale = (
            case.tasks.filter(state__in=ACTIVE, kind=TaskKind.POLICE_STATION)
            .exclude(target=case.police_station)
            .exists()
        )
        if not stale or not case.police_station:
            return False
        retarget(case, actor=actor, at=timezone.now())
        return True


def handle(event: Event) -> None:
    payload = event.payload if isinstance(event.payload, dict) else {}
    case_id = payload.get("case_id")
    if isinstance(case_id, int):
        retarget_if_moved(case_id)


STAGE = Stage("dispatch", frozenset({"case_jurisdiction_changed"}), handle)
