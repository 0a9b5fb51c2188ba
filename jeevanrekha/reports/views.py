"""The reports page and its exports (CSV, PDF). Access: reports/access.py."""

from __future__ import annotations

import json
import logging
from datetime import date, datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from jeevanrekha.reports import access, charts, exports, periods, words
from jeevanrekha.reports.actions import do_record_export
from jeevanrekha.reports.figures import Figures, compute

log = logging.getLogger(__name__)


def period_from(query: QueryDict, now: datetime) -> periods.Period:
    """The period asked for: `period`, else `from`+`to` days, `month`, `week`; else this week."""
    asked = {name: str(query.get(name, "")).strip() for name in ("period", "from", "to")}
    asked |= {name: str(query.get(name, "")).strip() for name in ("month", "week")}
    if asked["period"]:
        return periods.parse(asked["period"])
    if asked["from"] and asked["to"]:
        try:
            first, last = date.fromisoformat(asked["from"]), date.fromisoformat(asked["to"])
        except ValueError as exc:
            raise periods.BadPeriod(str(exc)) from exc
        return periods.days(first, last)
    for name in ("month", "week"):
        if asked[name]:
            return periods.parse(asked[name])
    return periods.current_week(now)


def _scope(request: HttpRequest) -> str:
    """The district of the report ("" state-wide); 403/404 for who may not read it."""
    if not access.can_see_reports(request.user):
        raise PermissionDenied("your role does not read reports")
    district = access.report_scope(request.user, request.GET.get("district", "").strip()[:80])
    if district is None:
        raise Http404("no such report for you")
    return district


def district_outlines() -> dict[str, Any] | None:
    """The home state's district outlines (the gazetteer's), or None without a gazetteer."""
    from jeevanrekha.geo.conf import home_state
    from jeevanrekha.web import outlines

    try:
        return dict(json.loads(outlines.districts_geojson(home_state())))
    except (OSError, ValueError, KeyError):
        log.warning("reports: no district outlines (gazetteer artefact missing?)")
        return None


def district_names() -> list[str]:
    from jeevanrekha.geo.conf import home_state
    from jeevanrekha.web import outlines

    try:
        return outlines.districts_by_state().get(home_state(), [])
    except (OSError, ValueError):
        return []


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The report of a period and scope: tables, charts, the district map, export links."""
    district = _scope(request)
    now = timezone.now()
    context: dict[str, Any] = {
        "district": district,
        "fixed_district": access.own_district(request.user) is not None,
        "districts": district_names(),
    }
    try:
        period = period_from(request.GET, now)
    except periods.BadPeriod as exc:
        context["error"] = str(exc)
        return render(request, "reports/index.html", context, status=400)
    fig = compute(period, district, now=now)
    context |= _page(fig)
    return render(request, "reports/index.html", context)


def _page(fig: Figures) -> dict[str, Any]:
    by_channel = words.named(words.CHANNELS, fig.alerts_by_channel)
    outcomes = words.named(words.OUTCOMES, fig.outcomes)
    reasons = words.named(words.REASONS, fig.failure_reasons)
    states = words.named(words.CASE_STATES, fig.cases_by_state)
    times = [
        (_("Alert → dispatch"), fig.alert_to_dispatch),
        (_("Dispatch → on scene"), fig.dispatch_to_scene),
        (_("Alert → on scene"), fig.alert_to_scene),
    ]
    time_bars = [
        (f"{name} · {word}", value)
        for name, spread in times
        for word, value in ((_("median"), spread.median), (_("p90"), spread.p90))
        if value is not None
    ]
    outlines = district_outlines() if fig.by_district else None
    cases = {d.district: d.cases for d in fig.by_district if d.district}
    query = f"period={fig.period.key}" + (f"&district={fig.district}" if fig.district else "")
    return {
        "fig": fig,
        "period": fig.period,
        "earlier": periods.previous(fig.period).key,
        "later": periods.following(fig.period).key,
        "query": query,
        "by_channel": by_channel,
        "by_platform": list(fig.alerts_by_platform.items()),
        "states": states,
        "outcomes": outcomes,
        "reasons": reasons,
        "times": times,
        "chart_channels": charts.bar_chart(by_channel, title=_("Alerts by channel")),
        "chart_outcomes": charts.bar_chart(outcomes, title=_("Outcomes")),
        "chart_reasons": charts.bar_chart(reasons, title=_("Reasons for failure")),
        "chart_times": charts.bar_chart(time_bars, title=_("Response times (minutes)")),
        "map": charts.district_map(outlines, cases, title=_("Cases by district"))
        if outlines
        else "",
    }


def _export(request: HttpRequest, kind: str) -> tuple[Figures, exports.Watermark]:
    district = _scope(request)
    now = timezone.now()
    try:
        period = period_from(request.GET, now)
    except periods.BadPeriod as exc:
        raise Http404(str(exc)) from exc
    actor = f"user:{request.user.get_username()}"
    do_record_export(kind, period.key, district, actor=actor, at=now, via="page")
    return compute(period, district, now=now), exports.Watermark(actor, now)


def _download(body: bytes, fig: Figures, kind: str, content_type: str) -> HttpResponse:
    scope = fig.district.replace(" ", "_") or "state"
    response = HttpResponse(body, content_type=content_type)
    name = f"jeevanrekha-report-{fig.period.key}-{scope}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def export_csv(request: HttpRequest) -> HttpResponse:
    """The report as CSV (section, item, value), watermarked; the export is audited."""
    fig, mark = _export(request, "csv")
    return _download(exports.to_csv(fig, mark), fig, "csv", "text/csv; charset=utf-8")


@login_required
def export_pdf(request: HttpRequest) -> HttpResponse:
    """The report as PDF with its charts and map, watermarked; the export is audited."""
    from jeevanrekha.reports.pdf import to_pdf

    fig, mark = _export(request, "pdf")
    outlines = district_outlines() if fig.by_district else None
    return _download(to_pdf(fig, mark, outlines), fig, "pdf", "application/pdf")
