"""The cost of encryption at rest (#10): intake throughput and case page time, with and
without field encryption, in the same run.

Each round runs two child processes on fresh databases of one engine, one with
FIELD_ENCRYPTION=1 and one with FIELD_ENCRYPTION=0 (the baseline; a setting for this bench
only, refused with DEBUG=0), alternating which goes first. A child:

1. migrates a fresh database (a SQLite file in a temporary directory, or a new PostgreSQL
   database on the server of DATABASE_URL);
2. **intake**: `--alerts` realistic alerts (jeevanrekha.sim.feed) through the intake action
   `do_intake` in batches of `--batch` (what the group committer hands it), each timed with
   perf_counter: alerts/s from the median batch time. The HTTP server is left out, so
   the overhead is shown against the action alone (the server's own time would make it
   smaller);
3. **case page**: `--pages` GETs of the case page view (`web.views.case_detail`, a signed-in
   supervisor, RequestFactory) for cases picked at random: median server time in ms.

The parent prints each round and the medians over rounds, with the overhead in % (target
≤ 10 % on each), and writes them to bench/results/crypto_bench.json.

    .venv/bin/python bench/crypto_bench.py                       # SQLite, default sizes
    .venv/bin/python bench/crypto_bench.py --engine postgresql --rounds 5
    .venv/bin/python bench/crypto_bench.py --alerts 200 --pages 20 --rounds 1   # smoke
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "crypto_bench.json"
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")


def child(alerts: int, batch: int, pages: int, seed: int) -> dict[str, Any]:
    """Inside a child process with Django set up for one fresh database."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return {
        "encryption": settings.FIELD_ENCRYPTION,
        "intake": _intake(alerts, batch, seed),
        "case_page": _case_page(pages, seed),
    }


def _intake(alerts: int, batch: int, seed: int) -> dict[str, Any]:
    from django.utils import timezone

    from jeevanrekha.intake.actions import Arrival, do_intake
    from jeevanrekha.intake.checks import Checks
    from jeevanrekha.sim.feed import alert

    rng, checks = random.Random(seed), Checks(authenticate=False, check_window=False)
    bodies = [
        json.dumps(alert(rng, "bench", n), ensure_ascii=False).encode() for n in range(alerts)
    ]

    def arrival(body: bytes) -> Arrival:
        return Arrival("file", "bench", {}, body, len(body), "10.0.0.1", "", timezone.now())

    do_intake([arrival(b) for b in bodies[:batch]], checks)  # warm-up (not timed)
    times = []
    for start in range(batch, alerts, batch):
        arrivals = [arrival(b) for b in bodies[start : start + batch]]
        started = time.perf_counter()
        do_intake(arrivals, checks)
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    return {
        "alerts": alerts - batch,
        "seconds": round(sum(times), 3),
        "batch_median_ms": round(median * 1000, 3),
        # from the median batch: a moment when another process took the CPU moves one
        # batch's time, not the figure (the machine is shared)
        "per_s": batch / median,
        "per_s_overall": (alerts - batch) / sum(times),
    }


def _case_page(pages: int, seed: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from jeevanrekha.cases.actions import do_create_desk_user
    from jeevanrekha.cases.models import Case, Role
    from jeevanrekha.web import views

    do_create_desk_user("bench", Role.SUPERVISOR, "", secrets.token_urlsafe(16), actor="bench")
    user = get_user_model().objects.get(username="bench")
    ids = list(Case.objects.values_list("pk", flat=True))
    rng, factory, times = random.Random(seed), RequestFactory(), []
    for n in range(pages + 5):
        case_id = rng.choice(ids)
        request = factory.get(f"/cases/{case_id}/")
        request.user = user
        started = time.perf_counter()
        response = views.case_detail(request, case_id)
        took = time.perf_counter() - started
        assert response.status_code == 200, response.status_code
        if n >= 5:  # the first few load caches (the map's outlines)
            times.append(took * 1000)
    return {"pages": pages, "median_ms": statistics.median(times)}


def _database(engine: str, tmp: Path) -> tuple[str, str]:
    """(DATABASE_URL, PostgreSQL database name to drop or '') of a fresh database."""
    if engine == "sqlite":
        return f"sqlite:///{tmp / 'bench.sqlite3'}", ""
    import psycopg

    name = f"jr_cbench_{secrets.token_hex(4)}"
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return f"{PG_URL}/{name}", name


def _drop(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_child(args: argparse.Namespace, encrypt: bool, seed: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        url, name = _database(args.engine, Path(tmp))
        env = {
            **os.environ,
            "DEBUG": "1",  # FIELD_ENCRYPTION=0 is refused otherwise
            "DATA_DIR": tmp,
            "DATABASE_URL": url,
            "FIELD_ENCRYPTION": "1" if encrypt else "0",
            "PYTHONPATH": str(ROOT),
            "LOG_LEVEL": "WARNING",
        }
        env.pop("FIELD_KEYS", None)
        env.pop("FIELD_KEY_FILE", None)  # a key file of its own, in DATA_DIR
        argv = [sys.executable, __file__, "--child", "--alerts", str(args.alerts)]
        argv += ["--batch", str(args.batch), "--pages", str(args.pages), "--seed", str(seed)]
        try:
            done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
        finally:
            if name:
                _drop(name)
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def summary(rounds: list[dict[str, dict[str, Any]]]) -> dict[str, Any]:
    def med(mode: str, part: str, key: str) -> float:
        return float(statistics.median(r[mode][part][key] for r in rounds))

    on_rate, off_rate = med("on", "intake", "per_s"), med("off", "intake", "per_s")
    on_ms, off_ms = med("on", "case_page", "median_ms"), med("off", "case_page", "median_ms")

    def paired(part: str, key: str) -> float:  # each round's on/off ran back to back
        return float(statistics.median(r["on"][part][key] / r["off"][part][key] for r in rounds))

    return {
        "intake_alerts_per_s": {"encrypted": on_rate, "plain": off_rate},
        "intake_overhead_pct": 100 * (off_rate - on_rate) / off_rate,
        "intake_overhead_pct_paired": 100 * (1 / paired("intake", "per_s") - 1),
        "case_page_median_ms": {"encrypted": on_ms, "plain": off_ms},
        "case_page_overhead_pct": 100 * (on_ms - off_ms) / off_ms,
        "case_page_overhead_pct_paired": 100 * (paired("case_page", "median_ms") - 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--alerts", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.alerts, args.batch, args.pages, args.seed)))
        return 0
    rounds = []
    for n in range(args.rounds):
        order = [True, False] if n % 2 == 0 else [False, True]
        got = {("on" if e else "off"): run_child(args, e, args.seed + n) for e in order}
        rounds.append(got)
        print(
            f"round {n + 1}: intake {got['on']['intake']['per_s']:.0f} alerts/s encrypted, "
            f"{got['off']['intake']['per_s']:.0f} plain; case page "
            f"{got['on']['case_page']['median_ms']:.2f} ms encrypted, "
            f"{got['off']['case_page']['median_ms']:.2f} ms plain",
            flush=True,
        )
    result = summary(rounds)
    print(
        f"median over {args.rounds} rounds: intake overhead {result['intake_overhead_pct']:.1f} %,"
        f" case page overhead {result['case_page_overhead_pct']:.1f} % (target ≤ 10 % each)"
        f"\nmedian of the rounds' paired ratios: intake "
        f"{result['intake_overhead_pct_paired']:.1f} %, case page "
        f"{result['case_page_overhead_pct_paired']:.1f} %"
    )
    document = {
        "bench": "crypto_bench",
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "engine": args.engine,
        "sizes": {"alerts": args.alerts, "batch": args.batch, "pages": args.pages},
        "rounds": rounds,
        **result,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"written to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
