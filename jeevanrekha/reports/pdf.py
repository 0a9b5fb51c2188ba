"""The PDF export: the figures' tables and charts (matplotlib, Agg, as PNG) with fpdf2.

Every page carries the watermark (who exported it, when) in its header and across the
page, and the footer says the document holds aggregates only. English only: the PDF's
core font has no Devanagari, and shaping it would need a text-shaping package the
project does not ship (docs/reports.md).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils import translation
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from jeevanrekha.reports import charts, words
from jeevanrekha.reports.exports import NO_PERSONAL_DATA, Watermark
from jeevanrekha.reports.figures import Figures


def _latin(text: str) -> str:
    """The core fonts are Latin-1: arrows and dashes become plain ASCII."""
    text = text.replace("→", "->").replace("\u2013", "-").replace("\u2014", "-")
    return text.encode("latin-1", "replace").decode("latin-1")


class _Document(FPDF):
    def __init__(self, mark: Watermark) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.mark = mark
        self.set_auto_page_break(auto=True, margin=18)

    def header(self) -> None:
        self.set_font("Helvetica", size=8)
        self.set_text_color(110)
        self.cell(0, 5, _latin(self.mark.text), align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        # Across the middle of the page, light grey, under the content (drawn first; the
        # charts are transparent PNGs): a printout or a photo of it still names its exporter.
        self.set_font("Helvetica", "B", 20)
        self.set_text_color(215)
        mark = _latin(self.mark.text)
        half = self.get_string_width(mark) / 2
        with self.rotation(angle=35, x=self.w / 2, y=self.h / 2):
            self.text(self.w / 2 - half, self.h / 2, mark)
        self.set_text_color(0)
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", size=7)
        self.set_text_color(110)
        self.cell(0, 5, _latin(f"Jeevan Rekha report - {NO_PERSONAL_DATA} - page {self.page_no()}"))
        self.set_text_color(0)


def _png(figure: Any) -> io.BytesIO:
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=110, bbox_inches="tight", transparent=True)
    out.seek(0)
    return out


def bar_png(rows: Sequence[tuple[str, float]], title: str) -> io.BytesIO:
    """A horizontal bar chart as PNG (matplotlib, Agg)."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(6.4, 0.45 * len(rows) + 0.9))
    axes = figure.subplots()
    labels = [_latin(r[0]) for r in rows][::-1]
    values = [r[1] for r in rows][::-1]
    bars = axes.barh(labels, values, color=charts.SHADES[3])
    axes.bar_label(bars, fmt="%g", padding=3)
    axes.set_title(_latin(title), fontsize=10, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.margins(x=0.15)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    return _png(figure)


def map_png(geojson: dict[str, Any], values: dict[str, int], title: str) -> io.BytesIO:
    """The district choropleth as PNG (the same classes as the page's SVG)."""
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure

    folded = {k.casefold(): v for k, v in values.items()}
    bounds = charts.classes(folded.values())
    polygons, colours = [], []
    for feature in geojson.get("features", []):
        name = str(feature.get("properties", {}).get("name", "")).casefold()
        for ring in charts._rings(feature.get("geometry") or {}):
            polygons.append(ring)
            colours.append(charts.shade(folded.get(name, 0), bounds))
    figure = Figure(figsize=(6.4, 5.6))
    axes = figure.subplots()
    axes.add_collection(PolyCollection(polygons, facecolors=colours, edgecolors="#666666", lw=0.3))
    axes.autoscale_view()
    axes.set_aspect(1.1)
    axes.set_axis_off()
    axes.set_title(_latin(title), fontsize=10, loc="left")
    return _png(figure)


def to_pdf(fig: Figures, mark: Watermark, geojson: dict[str, Any] | None) -> bytes:
    """The whole report as a PDF document."""
    doc = _Document(mark)
    doc.add_page()
    doc.set_font("Helvetica", "B", 16)
    doc.cell(
        0, 9, _latin(f"Jeevan Rekha - report {fig.period.key}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    doc.set_font("Helvetica", size=10)
    first, last = fig.period.first.isoformat(), fig.period.last.isoformat()
    doc.cell(
        0,
        6,
        _latin(f"{first} to {last} (IST) - {fig.scope_label}"),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    doc.ln(2)
    _table(doc, _headline(fig))
    for title, bars in _charts(fig):
        if bars:
            doc.image(bar_png(bars, title), w=150)
    if geojson and fig.by_district:
        cases = {d.district: d.cases for d in fig.by_district if d.district}
        doc.image(map_png(geojson, cases, "Cases by district"), w=150)
    rows = [
        (d.district or "(not located)", f"{d.cases} cases, {d.saved} saved")
        for d in fig.by_district
    ]
    if rows:
        doc.set_font("Helvetica", "B", 11)
        doc.cell(0, 7, "Cases and lives saved by district", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        _table(doc, rows)
    return bytes(doc.output())


def _headline(fig: Figures) -> list[tuple[str, str]]:
    def minutes(value: float | None) -> str:
        return "-" if value is None else f"{value:g} min"

    lines = [
        ("Alerts received", str(fig.alerts)),
        ("Cases opened", str(fig.cases_opened)),
        ("Lives saved", str(fig.lives_saved)),
        ("Failed (not found, unreachable, deceased)", str(fig.failed)),
        ("No outcome yet", str(fig.no_outcome_yet)),
        ("Repeat cases / people with several cases", f"{fig.repeat_cases} / {fig.repeat_subjects}"),
    ]
    for name, value in (
        ("Alert -> dispatch", fig.alert_to_dispatch),
        ("Dispatch -> on scene", fig.dispatch_to_scene),
        ("Alert -> on scene", fig.alert_to_scene),
    ):
        lines.append(
            (
                f"{name}: median / p90 (n)",
                f"{minutes(value.median)} / {minutes(value.p90)} ({value.n})",
            )
        )
    f = fig.followup
    checks = (
        f"{f.due} due: {f.on_time} on time, {f.late} late, {f.missed} missed, {f.pending} open"
        if f.available
        else "not available"
    )
    lines.append(("Follow-up checks", checks))
    return lines


def _table(doc: FPDF, lines: list[tuple[str, str]]) -> None:
    doc.set_font("Helvetica", size=10)
    for label, value in lines:
        doc.cell(95, 6, _latin(label), border="B")
        doc.cell(0, 6, _latin(value), border="B", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.ln(3)


def _charts(fig: Figures) -> list[tuple[str, list[tuple[str, float]]]]:
    """Each chart's title and bars, in English (the PDF's language)."""
    with translation.override("en"):
        return [
            ("Alerts by channel", _bars(words.CHANNELS, fig.alerts_by_channel)),
            ("Outcomes", _bars(words.OUTCOMES, fig.outcomes)),
            ("Reasons for failure", _bars(words.REASONS, fig.failure_reasons)),
            ("Response times, minutes (median / p90)", _time_rows(fig)),
        ]


def _bars(table: dict[str, Any], counts: dict[str, int]) -> list[tuple[str, float]]:
    return [(name, float(n)) for name, n in words.named(table, counts)]


def _time_rows(fig: Figures) -> list[tuple[str, float]]:
    out = []
    for name, value in (
        ("alert -> dispatch", fig.alert_to_dispatch),
        ("dispatch -> on scene", fig.dispatch_to_scene),
        ("alert -> on scene", fig.alert_to_scene),
    ):
        if value.median is not None and value.p90 is not None:
            out += [(f"{name} median", value.median), (f"{name} p90", value.p90)]
    return out
