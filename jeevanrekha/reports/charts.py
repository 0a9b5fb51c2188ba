"""The page's charts and district map, drawn server-side as hand-written SVG.

Hand-written rather than matplotlib for the page: the browser draws the SVG's text, so
Hindi labels are shaped correctly (matplotlib does not shape Devanagari), and the SVG
is a few kilobytes. The PDF draws the same figures with matplotlib (pdf.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

BAR_WIDTH = 300  # px for the largest value
LABEL_WIDTH = 250
ROW = 24
# Light to dark: the choropleth's classes (ColorBrewer "Blues"; 0 has its own grey). With
# fewer than five classes they are spread so that the top class is always the darkest.
SHADES = ("#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
ZERO = "#f4f4f4"
MAP_WIDTH = 560


def bar_chart(rows: Sequence[tuple[str, float]], *, title: str, unit: str = "") -> str:
    """Horizontal bars, one per (label, value), the value written after each bar."""
    if not rows:
        return ""
    top = max((v for _, v in rows), default=0) or 1
    height = ROW * len(rows) + 8
    width = LABEL_WIDTH + BAR_WIDTH + 90
    parts = [_open(width, height, title)]
    for i, (label, value) in enumerate(rows):
        y = 4 + i * ROW
        length = max(1.0, BAR_WIDTH * value / top) if value else 0.0
        shown = f"{value:g}{unit}"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{length:.1f}" height="{ROW - 8}"'
            f' fill="#3182bd"><title>{escape(label)}: {escape(shown)}</title></rect>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 16}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _open(width: float, height: float, title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
        f'aria-label="{escape(title)}" font-size="13" fill="currentColor">'
        f"<title>{escape(title)}</title>"
    )


def classes(values: Iterable[int]) -> list[int]:
    """Upper bounds of the map's classes: equal steps up to the largest value (at most 5)."""
    top = max(values, default=0)
    if top <= 0:
        return []
    step = max(1, math.ceil(top / len(SHADES)))
    return [step * (i + 1) for i in range(min(len(SHADES), math.ceil(top / step)))]


def shade(value: int, bounds: Sequence[int]) -> str:
    """The fill of a value: grey for 0, else its class's blue."""
    if value <= 0 or not bounds:
        return ZERO
    index = next((i for i, bound in enumerate(bounds) if value <= bound), len(bounds) - 1)
    return SHADES[_spread_index(index, len(bounds))]


def _spread_index(index: int, count: int) -> int:
    if count <= 1:
        return len(SHADES) - 1
    return round(index * (len(SHADES) - 1) / (count - 1))


def district_map(geojson: dict[str, Any], values: dict[str, int], *, title: str) -> str:
    """A choropleth of the districts' values (keys: district names, any case), one path per
    district with its name and value as a tooltip; a legend of the classes below."""
    features = [f for f in geojson.get("features", []) if f.get("geometry")]
    rings = [(f, list(_rings(f["geometry"]))) for f in features]
    points = [p for _, fr in rings for ring in fr for p in ring]
    if not points:
        return ""
    project, height = _projection(points)
    folded = {k.casefold(): v for k, v in values.items()}
    bounds = classes(folded.values())
    parts = [_open(MAP_WIDTH, height + 40, title)]
    for feature, feature_rings in rings:
        name = str(feature.get("properties", {}).get("name", ""))
        value = folded.get(name.casefold(), 0)
        path = " ".join(
            "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in map(project, ring)) + " Z"
            for ring in feature_rings
        )
        parts.append(
            f'<path d="{path}" fill="{shade(value, bounds)}" stroke="#777" stroke-width="0.5" '
            f'data-district="{escape(name)}"><title>{escape(name)}: {value}</title></path>'
        )
    parts.append(_legend(bounds, height + 10))
    parts.append("</svg>")
    return "".join(parts)


def _rings(geometry: dict[str, Any]) -> Iterable[list[tuple[float, float]]]:
    """Outer rings of a Polygon or MultiPolygon (holes are not drawn at this scale)."""
    if geometry.get("type") == "Polygon":
        yield [(float(x), float(y)) for x, y, *_ in geometry["coordinates"][0]]
    elif geometry.get("type") == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield [(float(x), float(y)) for x, y, *_ in polygon[0]]


def _projection(points: list[tuple[float, float]]) -> tuple[Any, float]:
    """Equirectangular, scaled by cos(latitude) at the middle: true enough for one state."""
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    squeeze = math.cos(math.radians((south + north) / 2))
    scale = (MAP_WIDTH - 20) / max(1e-9, (east - west) * squeeze)

    def project(point: tuple[float, float]) -> tuple[float, float]:
        return 10 + (point[0] - west) * squeeze * scale, 10 + (north - point[1]) * scale

    return project, (north - south) * scale + 20


def _legend(bounds: Sequence[int], y: float) -> str:
    items = [(ZERO, "0")]
    low = 1
    for i, bound in enumerate(bounds):
        fill = SHADES[_spread_index(i, len(bounds))]
        items.append((fill, f"{low}" if low == bound else f"{low}\u2013{bound}"))
        low = bound + 1
    return "".join(
        f'<rect x="{10 + i * 80}" y="{y:.0f}" width="16" height="16" fill="{fill}" '
        f'stroke="#777"/><text x="{32 + i * 80}" y="{y + 13:.0f}">{text}</text>'
        for i, (fill, text) in enumerate(items)
    )
