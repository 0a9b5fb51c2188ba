"""Importing police stations: bad rows reported by line, good rows imported, all or nothing."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.bus.models import OutboxMessage
from jeevanrekha.geo import actions, conf
from jeevanrekha.geo.actions import do_import_stations
from jeevanrekha.geo.models import Station

pytestmark = pytest.mark.django_db
AT = datetime(2026, 6, 1, 3, 25, tzinfo=UTC)
SHARED = Path(
    os.environ.get(
        "GEO_SHARED_DIR", Path(__file__).resolve().parents[2].parent / "shared" / "data" / "geo"
    )
)

GOOD_AND_BAD = "\n".join(
    [
        "name,district,state,lat,lon,code",
        "Hazratganj,Lucknow,Uttar Pradesh,26.8500,80.9460,LKO01",  # 2 good
        "Gomti Nagar,Lucknow,,26.8550,81.0000,LKO02",  # 3 good (state defaults)
        "Kotwali,Kanpur Nagar,Uttar Pradesh,,,KNP01",  # 4 missing coordinates
        "Charbagh,Lucknow,Uttar Pradesh,26.4499,80.3319,LKO03",  # 5 point in Kanpur Nagar
        "Hazratganj,Lucknow,Uttar Pradesh,26.8510,80.9470,LKO04",  # 6 duplicate of line 2
        "Nowhere,Atlantis,Uttar Pradesh,26.85,80.95,X",  # 7 unknown district
        "Kalyanpur,Kanpur Nagar,Uttar Pradesh,26.5200,80.2500,KNP02",  # 8 good
    ]
).encode()


def run(data: bytes, name: str = "stations.csv", **kw: Any) -> actions.ImportReport:
    return do_import_stations(
        data,
        name,
        gazetteer=conf.gazetteer(),
        home_state="Uttar Pradesh",
        actor="test",
        at=AT,
        **kw,
    )


def test_bad_rows_are_reported_by_line_and_good_rows_imported() -> None:
    report = run(GOOD_AND_BAD)
    lines = {e.line: e.message for e in report.errors}
    assert sorted(lines) == [4, 5, 6, 7]
    assert "coordinates" in lines[4]
    assert "outside Lucknow" in lines[5] and "Kanpur Nagar" in lines[5]
    assert "duplicate" in lines[6] and "line 2" in lines[6]
    assert "unknown district" in lines[7]
    assert report.created == 3
    assert set(Station.objects.values_list("name", flat=True)) == {
        "Hazratganj",
        "Gomti Nagar",
        "Kalyanpur",
    }
    event = AuditEvent.objects.get(action="stations_imported")
    assert event.after is not None
    assert event.after["created"] == 3 and event.after["rejected_lines"] == [4, 5, 6, 7]
    assert OutboxMessage.objects.filter(topic="geo.stations_imported").count() == 1


def test_wrong_encoding_is_reported_per_line() -> None:
    latin1 = "Sarojini Nagar,Lucknow,Uttar Pradesh,26.79,80.89,café".encode("latin-1")
    mojibake = "Aliganj,Lucknow,Uttar Pradesh,26.89,80.94,à¤¥à¤¾à¤¨à¤¾".encode()
    data = b"\n".join(
        [
            b"name,district,state,lat,lon,code",
            latin1,
            mojibake,
            b"Alambagh,Lucknow,Uttar Pradesh,26.81,80.90,",
        ]
    )
    report = run(data)
    lines = {e.line: e.message for e in report.errors}
    assert "UTF-8" in lines[2] and "double-encoded" in lines[3]
    assert report.created == 1 and Station.objects.get().name == "Alambagh"


def test_reimport_updates_in_place() -> None:
    run(GOOD_AND_BAD)
    again = run(GOOD_AND_BAD)
    assert (again.created, again.updated) == (0, 3)
    assert Station.objects.count() == 3


def test_nothing_is_half_imported_on_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    real = actions._upsert
    calls = []

    def crash_on_second(*args: Any) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        real(*args)

    monkeypatch.setattr(actions, "_upsert", crash_on_second)
    with pytest.raises(RuntimeError):
        run(GOOD_AND_BAD)
    assert Station.objects.count() == 0
    assert not AuditEvent.objects.filter(action="stations_imported").exists()
    assert not OutboxMessage.objects.filter(topic="geo.stations_imported").exists()


def test_dry_run_writes_nothing() -> None:
    report = run(GOOD_AND_BAD, dry_run=True)
    assert len(report.errors) == 4 and Station.objects.count() == 0


def test_geojson_with_jurisdiction_polygons() -> None:
    doc = json.loads((SHARED / "datameet-municipal" / "Police_Jurisdiction.geojson").read_text())
    for feature in doc["features"]:
        feature["properties"] = {
            "name": feature["properties"]["Name"],
            "district": "Khordha",
            "state": "Odisha",
        }
    doc["features"].append(
        {
            "type": "Feature",
            "properties": {"name": "No place"},
            "geometry": {"type": "Point", "coordinates": []},
        }
    )
    report = run(json.dumps(doc).encode(), "bhubaneswar.geojson")
    assert report.created == 17
    assert [e.line for e in report.errors] == [18]
    capital = Station.objects.get(name="Capital Police Station")
    assert capital.jurisdiction and capital.jurisdiction["type"] in ("Polygon", "MultiPolygon")
