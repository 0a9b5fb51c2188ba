"""A trace fix, through the locate engine, into the case (the glue around the action)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from jeevanrekha.cases.models import Task
from jeevanrekha.dispatch.dispatching import do_record_trace_fix
from jeevanrekha.geo.fusion import Context, resolve


def tower_evidence(fix: dict[str, Any]) -> dict[str, Any]:
    """The locate engine's `tower` evidence from a fix (lat, lon, radius_m, observed_at)."""
    observed = fix.get("observed_at")
    return {
        "lat": float(fix["lat"]),
        "lon": float(fix["lon"]),
        "radius_m": float(fix["radius_m"]),
        "observed_at": observed.isoformat() if isinstance(observed, datetime) else observed,
    }


def record_fix(
    task_id: int, fix: dict[str, Any], *, actor: str, at: datetime, ctx: Context | None = None
) -> Task:
    """Resolve a trace fix and record it on its task and case (re-targeting if it moved)."""
    from jeevanrekha.geo import conf as geo_conf

    context = ctx or geo_conf.context()
    tower = tower_evidence(fix)
    located = Context(context.gazetteer, context.home_state, context.ip, context.circles, at)
    res = resolve({"tower": tower}, located)
    return do_record_trace_fix(task_id, tower, res=res, actor=actor, at=at)
