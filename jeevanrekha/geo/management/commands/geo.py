"""`jeevanrekha geo build | info | import-stations FILE | demo-stations OUT`."""

from __future__ import annotations

import csv
import resource
import sys
import time
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jeevanrekha.geo import conf
from jeevanrekha.geo.actions import do_import_stations
from jeevanrekha.geo.models import Station
from jeevanrekha.geo.runtime import ensure_built, load_gazetteer
from jeevanrekha.geo.sources import SourceMissing
from jeevanrekha.geo.stations import demo_rows


class Command(BaseCommand):
    help = "Gazetteer and police stations: build, info, import-stations, demo-stations."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        build = sub.add_parser("build", help="build the gazetteer from the installed packages")
        build.add_argument("--rebuild", action="store_true", help="even if it exists")
        sub.add_parser("info", help="where the gazetteer is, what is in it, load time")
        imp = sub.add_parser("import-stations", help="import a CSV or GeoJSON station file")
        imp.add_argument("file", type=Path)
        imp.add_argument("--dry-run", action="store_true", help="validate only")
        demo = sub.add_parser("demo-stations", help="write an illustrative station CSV (demo)")
        demo.add_argument("out", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "build":
                self._build(options["rebuild"])
            elif action == "info":
                self._info()
            elif action == "import-stations":
                self._import(options["file"], options["dry_run"])
            else:
                self._demo(options["out"])
        except SourceMissing as exc:
            raise CommandError(str(exc)) from None

    def _build(self, rebuild: bool) -> None:
        started = time.perf_counter()
        path = ensure_built(conf.paths(), rebuild=rebuild)
        took = time.perf_counter() - started
        self.stdout.write(f"gazetteer: {path} ({path.stat().st_size / 1e6:.1f} MB, {took:.1f} s)")

    def _info(self) -> None:
        paths = conf.paths()
        gaz, took = load_gazetteer(paths)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"artefact: {paths.artefact}")
        self.stdout.write(f"load time: {took:.2f} s, peak resident memory: {rss:.0f} MB")
        self.stdout.write(
            f"states: {len(gaz.states)}, districts: {len(gaz.districts)}, "
            f"PIN codes: {len(gaz.pins)}, names: {len(gaz.exact)}"
        )
        self.stdout.write(f"sources: {gaz.sources}")
        self.stdout.write(f"home state: {conf.home_state()}; stations: {Station.objects.count()}")

    def _import(self, path: Path, dry_run: bool) -> None:
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        report = do_import_stations(
            path.read_bytes(),
            path.name,
            gazetteer=conf.gazetteer(),
            home_state=conf.home_state(),
            actor="cli:geo",
            at=timezone.now(),
            dry_run=dry_run,
        )
        for error in report.errors:
            self.stderr.write(f"{path.name}: {error}")
        verb = "would import" if dry_run else "imported"
        self.stdout.write(
            f"{verb}: created {report.created}, updated {report.updated}, "
            f"rejected {len(report.errors)}"
        )

    def _demo(self, out: Path) -> None:
        rows = demo_rows(conf.gazetteer(), conf.home_state())
        if str(out) == "-":
            _write_csv(sys.stdout, rows)
            return
        with open(out, "w", encoding="utf-8", newline="") as handle:
            _write_csv(handle, rows)
        self.stdout.write(f"{len(rows)} demo stations (illustrative, not real) -> {out}")


def _write_csv(handle: IO[str], rows: list[dict[str, str]]) -> None:
    writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
