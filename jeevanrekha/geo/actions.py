"""State changes of the geo app, each one `do_*` action (house rule 2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.outbox import emit
from jeevanrekha.geo.gazetteer import Gazetteer
from jeevanrekha.geo.models import Station
from jeevanrekha.geo.stations import RowError, StationRow, parse_station_file


@dataclass
class ImportReport:
    """What an import did: counts, and every refused row with its line number."""

    source: str
    created: int = 0
    updated: int = 0
    errors: list[RowError] = field(default_factory=list)
    dry_run: bool = False

    @property
    def imported(self) -> int:
        """Rows written (created or updated)."""
        return self.created + self.updated


def do_import_stations(
    data: bytes,
    filename: str,
    *,
    gazetteer: Gazetteer,
    home_state: str,
    actor: str,
    at: datetime,
    dry_run: bool = False,
) -> ImportReport:
    """Validate a station file and import its good rows, all or nothing, with an audit event.

    A station already known by (state, district, name) is updated in place; bad rows are
    reported and skipped. If anything fails while writing, nothing is written.
    """
    rows, errors = parse_station_file(data, filename, gazetteer, home_state)
    report = ImportReport(source=filename, errors=errors, dry_run=dry_run)
    if dry_run or not rows:
        return report
    with transaction.atomic():
        for row in rows:
            _upsert(row, filename, at, report)
        after = {
            "source": filename,
            "created": report.created,
            "updated": report.updated,
            "rejected_lines": [e.line for e in errors],
        }
        audit.append(
            at=at,
            actor=actor,
            action="stations_imported",
            object_type="station_import",
            object_id=filename,
            after=after,
        )
        emit("geo.stations_imported", after, at=at, key=filename)
        transaction.on_commit(_refresh_resolver)
    return report


def _upsert(row: StationRow, source: str, at: datetime, report: ImportReport) -> None:
    fields = {
        "code": row.code,
        "lat": row.lat,
        "lon": row.lon,
        "jurisdiction": row.jurisdiction,
        "source": source,
        "approximate": row.approximate,
        "imported_at": at,
    }
    station = (
        Station.objects.select_for_update()
        .filter(state=row.state, district=row.district, name=row.name)
        .first()
    )
    if station is None:
        Station.objects.create(state=row.state, district=row.district, name=row.name, **fields)
        report.created += 1
        return
    for key, value in fields.items():
        setattr(station, key, value)
    station.save()
    report.updated += 1


def _refresh_resolver() -> None:
    from jeevanrekha.geo import conf

    conf.stations_changed()
