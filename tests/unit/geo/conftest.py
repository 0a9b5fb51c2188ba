"""The gazetteer for geo tests: the real artefact, built from the installed packages once."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from jeevanrekha.geo.fusion import Context
from jeevanrekha.geo.gazetteer import Gazetteer
from jeevanrekha.geo.runtime import Paths, load_gazetteer

ROOT = Path(__file__).resolve().parents[3]
NOW = datetime(2026, 6, 1, 3, 25, tzinfo=UTC)
SHARED = Path(os.environ.get("GEO_SHARED_DIR", ROOT.parent / "shared" / "data" / "geo"))


def geo_paths() -> Paths:
    """Where the artefact is (GEO_DATA_DIR or var/geo) and the npm packages."""
    data = Path(os.environ.get("GEO_DATA_DIR", ROOT / "var" / "geo"))
    return Paths(data, ROOT / "node_modules")


@pytest.fixture(scope="session")
def gaz() -> Gazetteer:
    gazetteer, _ = load_gazetteer(geo_paths())
    return gazetteer


@pytest.fixture(scope="session")
def ctx(gaz: Gazetteer) -> Context:
    return Context(gaz, now=NOW)
