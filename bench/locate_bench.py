#!/usr/bin/env python3
"""Speed of `locate`: resolutions per second on one core, latency, load time, memory.

The mix is drawn from the gazetteer itself with the project's own sentence templates
(bench/locate_cases.py), in the proportions the desk sees: mostly free text (post, profile,
address) in English, Hinglish and Hindi, a third with a phone, a fifth with an IP, some
with a PIN, some with a tower fix, some with nothing usable. It runs in this one process,
pinned to one CPU, --rounds times, and reports the median round.

    .venv/bin/python bench/locate_bench.py                  # 20,000 resolutions x 3 rounds
    .venv/bin/python bench/locate_bench.py --count 5000 --rounds 1

Exit status: 0 when the targets (>= 2,000/s, p99 <= 5 ms) are met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from locate_cases import DISTRICT_POST, NEAR, PIN_ADDRESS, STRUCTURED, to_devanagari  # noqa: E402

from jeevanrekha.geo.fusion import resolve  # noqa: E402
from jeevanrekha.geo.gazetteer import Gazetteer  # noqa: E402
from jeevanrekha.geo.runtime import Paths, load_gazetteer, make_context  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "locate.json"
TARGET_PER_S = 2000.0
TARGET_P99_MS = 5.0
NOW = datetime(2026, 6, 1, 3, 25, tzinfo=UTC)
NOTHING = [
    "aaj sab khatam kar dunga, alvida",
    "I can't take it anymore",
    "आज मैं आत्महत्या कर रहा हूं. मजबूरी है मेरी",
    "koi nahi samjhta mujhe",
]


def rss_mb() -> float:
    """Resident memory of this process now, in MB."""
    with open("/proc/self/statm", encoding="ascii") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def make_mix(gaz: Gazetteer, count: int, seed: int) -> list[dict[str, Any]]:
    """`count` evidence dicts in a realistic mix (see the module docstring)."""
    rng = random.Random(seed)
    home = [d for d in gaz.districts if d.state == "Uttar Pradesh"]
    localities = [
        p
        for ps in gaz.exact.values()
        for p in ps
        if p.kind == "locality" and p.state == "Uttar Pradesh" and p.pin
    ][:20000]
    out = []
    for _ in range(count):
        lang = rng.choice(("en", "hinglish", "hi"))
        place = rng.choice(localities)
        district = gaz.districts[place.district].name
        d_text = to_devanagari(district) if lang == "hi" else district
        o_text = to_devanagari(place.name) if lang == "hi" else place.name
        ev: dict[str, Any] = {}
        kind = rng.random()
        if kind < 0.3:
            ev["post_text"] = rng.choice(DISTRICT_POST[lang]).format(d=d_text)
        elif kind < 0.5:
            ev["address"] = rng.choice(STRUCTURED[lang]).format(o=o_text, d=d_text, t=o_text)
        elif kind < 0.65:
            ev["post_text"] = rng.choice(NEAR[lang]).format(o=o_text, d=d_text)
        elif kind < 0.8:
            text = rng.choice(PIN_ADDRESS[lang])
            ev["address"] = text.format(o=o_text, d=d_text, p=place.pin)
        elif kind < 0.9:
            ev["post_text"] = rng.choice(NOTHING)
        else:
            d = rng.choice(home)
            ev["tower"] = {
                "lat": d.lat + rng.uniform(-0.01, 0.01),
                "lon": d.lon + rng.uniform(-0.01, 0.01),
                "radius_m": 500,
                "observed_at": (NOW - timedelta(minutes=5)).isoformat(),
            }
        if rng.random() < 0.4:
            ev["profile_location"] = rng.choice(home).name
        if rng.random() < 0.33:
            ev["phone"] = "+91 " + rng.choice("6789") + "".join(rng.choices("0123456789", k=9))
        if rng.random() < 0.2:
            first = rng.choice((49, 106, 117, 157, 223))
            ev["ip"] = f"{first}.{rng.randrange(256)}.{rng.randrange(256)}.7"
        out.append(ev)
    return out


def one_round(mix: list[dict[str, Any]], ctx: Any) -> dict[str, float]:
    latencies, cpu = [], []
    started = time.perf_counter()
    for ev in mix:
        t0, c0 = time.perf_counter(), time.thread_time()
        resolve(ev, ctx)
        latencies.append(time.perf_counter() - t0)
        cpu.append(time.thread_time() - c0)
    wall = time.perf_counter() - started
    latencies.sort()
    cpu.sort()

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(p * len(values)))] * 1000

    # Wall-clock latency includes time the shared machine gave to other processes; the
    # CPU-time p99 shows what the resolver itself costs.
    return {
        "per_s": len(mix) / wall,
        "p50_ms": pct(latencies, 0.50),
        "p95_ms": pct(latencies, 0.95),
        "p99_ms": pct(latencies, 0.99),
        "max_ms": latencies[-1] * 1000,
        "cpu_p99_ms": pct(cpu, 0.99),
        "wall_s": wall,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cpu", type=int, default=None, help="CPU to pin to (default: first)")
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "geo")
    parser.add_argument("--node-modules", type=Path, default=ROOT / "node_modules")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    cpus = sorted(os.sched_getaffinity(0))
    cpu = args.cpu if args.cpu is not None else cpus[0]
    os.sched_setaffinity(0, {cpu})
    before = rss_mb()
    paths = Paths(args.data_dir, args.node_modules)
    gaz, load_s = load_gazetteer(paths)
    loaded = rss_mb()
    ctx = make_context(gaz, paths)
    ctx.now = NOW
    mix = make_mix(gaz, args.count, args.seed)
    for ev in mix[:500]:
        resolve(ev, ctx)  # warm-up: caches and lazy imports
    rounds = []
    for number in range(args.rounds):
        figures = one_round(mix, ctx)
        rounds.append(figures)
        print(
            f"round {number + 1}: {figures['per_s']:,.0f}/s  p50 {figures['p50_ms']:.3f} ms  "
            f"p95 {figures['p95_ms']:.3f} ms  p99 {figures['p99_ms']:.3f} ms  "
            f"max {figures['max_ms']:.1f} ms  (CPU-time p99 {figures['cpu_p99_ms']:.3f} ms)"
        )
    median = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ok = median["per_s"] >= TARGET_PER_S and median["p99_ms"] <= TARGET_P99_MS
    print(
        f"\nmedian of {len(rounds)} rounds of {len(mix):,} on CPU {cpu}: "
        f"{median['per_s']:,.0f} resolutions/s (target >= {TARGET_PER_S:,.0f}), "
        f"p99 {median['p99_ms']:.3f} ms (target <= {TARGET_P99_MS})"
    )
    print(
        f"gazetteer load {load_s:.2f} s; resident memory {before:.0f} MB before load, "
        f"{loaded:.0f} MB after, {rss_mb():.0f} MB at the end (peak {peak:.0f} MB)"
    )
    print("PASS" if ok else "FAIL")
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "nproc": os.cpu_count(),
            "cpu_pinned": cpu,
            "python": platform.python_version(),
            "loadavg": os.getloadavg(),
        },
        "settings": {"count": len(mix), "rounds": args.rounds, "seed": args.seed},
        "targets": {"per_s": TARGET_PER_S, "p99_ms": TARGET_P99_MS},
        "median": median,
        "rounds": rounds,
        "gazetteer": {
            "load_s": load_s,
            "rss_before_mb": before,
            "rss_loaded_mb": loaded,
            "rss_end_mb": rss_mb(),
            "peak_rss_mb": peak,
            "sources": gaz.sources,
        },
        "pass": ok,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
