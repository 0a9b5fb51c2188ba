"""The desk's resolver, built once per process from settings (the Django side of geo).

Settings (all optional, see docs/locate.md): HOME_STATE, GEO_DATA_DIR, GEO_NODE_MODULES,
GEO_PHONE_SERIES_CSV; each may also come from the environment variable of the same name.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings

from jeevanrekha.geo.aliases import HOME_STATE_DEFAULT
from jeevanrekha.geo.fusion import Context
from jeevanrekha.geo.gazetteer import Gazetteer, StationPoint
from jeevanrekha.geo.runtime import Paths, load_gazetteer, make_context

_lock = threading.Lock()
_context: Context | None = None
_stamp: tuple[int, Any] | None = None
_checked = 0.0
STATIONS_RECHECK_S = 30.0  # another process (an import) may have changed the stations


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, None) or os.environ.get(name) or default


def home_state() -> str:
    """The desk's own state: a resolved state other than this is 'other_state'."""
    return str(_setting("HOME_STATE", HOME_STATE_DEFAULT))


def paths() -> Paths:
    """Where the gazetteer artefact and the npm packages are."""
    base = Path(settings.BASE_DIR)
    series = _setting("GEO_PHONE_SERIES_CSV", "")
    return Paths(
        data_dir=Path(_setting("GEO_DATA_DIR", base / "var" / "geo")),
        node_modules=Path(_setting("GEO_NODE_MODULES", base / "node_modules")),
        circles_csv=Path(series) if series else None,
    )


def station_points() -> list[StationPoint]:
    """Every imported station, for the gazetteer's station layer."""
    from shapely.geometry import shape

    from jeevanrekha.geo.models import Station

    out = []
    for s in Station.objects.all().iterator():
        polygon = shape(s.jurisdiction) if s.jurisdiction else None
        out.append(StationPoint(s.name, s.state, s.district, s.lat, s.lon, polygon))
    return out


def gazetteer() -> Gazetteer:
    """The process's gazetteer (loaded on first use; stations not attached)."""
    return context().gazetteer


def _stations_stamp() -> tuple[int, Any]:
    from django.db.models import Count, Max

    from jeevanrekha.geo.models import Station

    row = Station.objects.aggregate(n=Count("id"), last=Max("imported_at"))
    return int(row["n"]), row["last"]


def context(*, refresh: bool = False) -> Context:
    """The process's resolver context, with the imported stations attached.

    The station layer is re-read when the stations table changed (checked at most every
    STATIONS_RECHECK_S seconds, or now when `refresh`).
    """
    global _context, _stamp, _checked
    with _lock:
        if _context is None:
            gaz, _ = load_gazetteer(paths())
            _context = make_context(gaz, paths(), home_state())
        now = time.monotonic()
        if refresh or _stamp is None or now - _checked > STATIONS_RECHECK_S:
            stamp = _stations_stamp()
            if stamp != _stamp:
                _context.gazetteer.set_stations(station_points())
                _stamp = stamp
            _checked = now
        return _context


def stations_changed() -> None:
    """Re-read the station layer now (after an import commits)."""
    context(refresh=True)
