"""The console commands: geo import-stations, demo-stations and info; locate resolve."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jeevanrekha.geo.models import Station

pytestmark = pytest.mark.django_db


def run(*args: Any) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_stations_reports_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "thanas.csv"
    path.write_text(
        "name,district,lat,lon\nHazratganj,Lucknow,26.85,80.946\nKotwali,Lucknow,,\n",
        encoding="utf-8",
    )
    out, err = run("geo", "import-stations", str(path))
    assert "created 1" in out and "rejected 1" in out
    assert "thanas.csv: line 3: missing or unreadable coordinates" in err
    with pytest.raises(CommandError):
        run("geo", "import-stations", str(tmp_path / "missing.csv"))


def test_demo_stations_then_locate_resolve(tmp_path: Path) -> None:
    demo = tmp_path / "demo.csv"
    out, _ = run("geo", "demo-stations", str(demo))
    assert "75 demo stations" in out
    run("geo", "import-stations", str(demo))
    assert Station.objects.count() == 75
    info, _ = run("geo", "info")
    assert "districts: 780" in info or "districts:" in info
    lines = [
        {"id": "a", "evidence": {"address": "gram Bhitauli, jila Barabanki"}},
        {"id": "b", "evidence": {"tower": {"lat": 26.45, "lon": 80.33, "radius_m": 800}}},
        {"id": "c", "evidence": {"post_text": "aaj sab khatam"}},
    ]
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text("\n".join(json.dumps(x) for x in lines) + "\nnot json\n", encoding="utf-8")
    run("locate", "resolve", "--jsonl", str(source), "--out", str(target))
    got = [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()]
    assert [g["id"] for g in got] == ["a", "b", "c", None]
    keys = {
        "id",
        "state",
        "district",
        "sub_district",
        "station",
        "lat",
        "lon",
        "radius_m",
        "confidence",
        "other_state",
        "needs_trace",
        "reasons",
    }
    assert all(keys <= set(g) for g in got)
    assert got[0]["district"] == "Barabanki"
    assert got[1]["district"] == "Kanpur Nagar" and got[1]["station"] == "Demo thana Kanpur Nagar"
    assert got[2]["needs_trace"] and got[3]["needs_trace"]
