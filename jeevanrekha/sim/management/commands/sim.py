"""`jeevanrekha sim study --days 30 [--seed N]`: the response-time study (sim/study.py).

Prints both arms side by side from one seeded alert stream, and writes the figures as JSON
and two plots to bench/results/ (or --out-dir). Needs the gazetteer (for real places), not
the database.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from jeevanrekha.sim import study as study_mod
from jeevanrekha.sim.scenario import generate


def run_study(seed: int, days: float, out_dir: Path | None, plots: bool) -> dict[str, Any]:
    """Generate, run both arms, write JSON (+ plots); the figures document."""
    from jeevanrekha.sim.places import up_places

    arrivals = generate(seed, days, up_places())
    doc = {"seed": seed, "days": days, **study_mod.study(arrivals)}
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        if plots:
            from jeevanrekha.sim.plots import write_plots

            doc["plots"] = [str(p) for p in write_plots(doc, out_dir)]
        (out_dir / "study.json").write_text(json.dumps(doc, indent=1, ensure_ascii=False))
    return doc


class Command(BaseCommand):
    help = "The simulator: `sim study --days 30 --seed 7` compares the manual desk and ours."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        study = sub.add_parser("study", help="manual desk vs automated flow, same alerts")
        study.add_argument("--days", type=float, default=30.0)
        study.add_argument("--seed", type=int, default=7)
        study.add_argument(
            "--out-dir", type=Path, default=Path(settings.BASE_DIR) / "bench" / "results"
        )
        study.add_argument("--no-plots", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        doc = run_study(
            options["seed"], options["days"], options["out_dir"], not options["no_plots"]
        )
        self.stdout.write(
            f"Study: {options['days']:g} simulated days, seed {options['seed']}, "
            f"{doc['arms']['manual']['alerts']} alerts (assumptions: docs/simulation.md)\n"
        )
        self.stdout.write(study_mod.table(doc))
        self.stdout.write(f"\nfigures: {options['out_dir'] / 'study.json'}")
        for path in doc.get("plots", []):
            self.stdout.write(f"plot: {path}")
