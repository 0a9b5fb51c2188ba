"""The report as rows (section, item, value): the CSV export, the PDF's tables, the
command's text output. Aggregates only: no names, phone numbers, handles or post text
ever reach these rows; the figures module does not read them."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from jeevanrekha.reports.figures import Figures
from jeevanrekha.reports.periods import DESK_TZ
from jeevanrekha.reports.stats import Spread

Value = str | int | float
NO_PERSONAL_DATA = "aggregates only: no names, phone numbers, handles or post text"


@dataclass(frozen=True)
class Watermark:
    """Who exported the report and when; printed on every page and in the CSV."""

    actor: str
    at: datetime

    @property
    def text(self) -> str:
        when = self.at.astimezone(DESK_TZ).strftime("%Y-%m-%d %H:%M IST")
        return f"Exported by {self.actor} at {when}"


def _spread_rows(name: str, value: Spread) -> list[tuple[str, str, Value]]:
    return [
        ("response_minutes", f"{name}_n", value.n),
        ("response_minutes", f"{name}_median", "" if value.median is None else value.median),
        ("response_minutes", f"{name}_p90", "" if value.p90 is None else value.p90),
    ]


def rows(fig: Figures) -> list[tuple[str, str, Value]]:
    """Every figure as one row."""
    out: list[tuple[str, str, Value]] = [
        ("report", "period", fig.period.key),
        ("report", "first_day", fig.period.first.isoformat()),
        ("report", "last_day", fig.period.last.isoformat()),
        ("report", "scope", fig.scope_label),
        ("alerts", "total", fig.alerts),
    ]
    out += [("alerts_by_channel", k, v) for k, v in fig.alerts_by_channel.items()]
    out += [("alerts_by_platform", k, v) for k, v in fig.alerts_by_platform.items()]
    out.append(("cases", "opened", fig.cases_opened))
    out += [("cases_by_state", k, v) for k, v in fig.cases_by_state.items()]
    out += [
        ("outcomes", "lives_saved", fig.lives_saved),
        ("outcomes", "failed", fig.failed),
        ("outcomes", "no_outcome_yet", fig.no_outcome_yet),
    ]
    out += [("outcomes_by_code", k, v) for k, v in fig.outcomes.items()]
    out += [("failure_reasons", k, v) for k, v in fig.failure_reasons.items()]
    out += _spread_rows("alert_to_dispatch", fig.alert_to_dispatch)
    out += _spread_rows("dispatch_to_scene", fig.dispatch_to_scene)
    out += _spread_rows("alert_to_scene", fig.alert_to_scene)
    f = fig.followup
    if f.available:
        out += [
            ("followup_checks", name, getattr(f, name))
            for name in ("due", "on_time", "late", "missed", "pending")
        ]
    else:
        out.append(("followup_checks", "available", "no"))
    out += [("repeats", "repeat_cases", fig.repeat_cases)]
    out += [("repeats", "people_with_several_cases", fig.repeat_subjects)]
    for d in fig.by_district:
        out += [("district_cases", d.district or "(not located)", d.cases)]
        out += [("district_saved", d.district or "(not located)", d.saved)]
    return out


def to_csv(fig: Figures, mark: Watermark) -> bytes:
    """The CSV export: `section,item,value`, the watermark rows first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "item", "value"])
    writer.writerow(["export", "exported_by", mark.actor])
    writer.writerow(["export", "exported_at", mark.at.astimezone(DESK_TZ).isoformat()])
    writer.writerow(["export", "contents", NO_PERSONAL_DATA])
    writer.writerows(rows(fig))
    return buffer.getvalue().encode("utf-8")
