#!/usr/bin/env python3
"""Monitor benchmark: posts/s through `jeevanrekha monitor` on one core.

Builds a JSONL stream of 100,000 mixed-language public posts (Hinglish background tweets
and English tweets from ../shared/data/risk, the project's own Hindi/Hinglish examples,
each post with its own id), then runs `jeevanrekha monitor --jsonl FILE` as a separate
process pinned to one CPU, on a fresh embedded database, three times. It prints the
posts/s of the whole process (start-up and model load included) and of the stream itself
(as the command reports it), how many posts were raised for review, the target and
PASS/FAIL, and writes bench/results/monitor.json.

    .venv/bin/python bench/monitor_bench.py               # 100,000 posts, 3 runs
    .venv/bin/python bench/monitor_bench.py --posts 20000 --runs 1

Exit status: 0 when the target is met, 1 when not, 2 on error.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from intake import field_keys, machine_info, write_results

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "monitor.json"
TARGET_POSTS_PER_S = 1500.0
OWN_DATA = ROOT / "jeevanrekha" / "risk" / "data"
# The mix of a realistic public stream: nearly all everyday chatter (Hinglish background,
# English tweets without suicidal intent), a few hard negatives and distress, ~1% at risk.
MIX = {
    "hinglish_background": 0.70,
    "english_everyday": 0.24,
    "own_harmless": 0.04,
    "english_at_risk": 0.01,
    "own_at_risk": 0.01,
}


def shared_risk_dir() -> Path:
    return Path(os.environ.get("RISK_DATA_DIR", ROOT.parent / "shared" / "data" / "risk"))


def load_texts() -> dict[str, list[str]]:
    base = shared_risk_dir()
    with open(base / "hinglish_sentimix" / "data.csv", encoding="utf-8") as f:
        background = [row["text"] for row in csv.DictReader(f) if row.get("text")]
    with open(base / "twitter_intention" / "data.csv", encoding="utf-8") as f:
        english = [
            (row["tweet"], row["intention"]) for row in csv.DictReader(f) if row.get("tweet")
        ]
    own: dict[bool, list[str]] = {True: [], False: []}
    for path in sorted(OWN_DATA.glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) >= 3 and parts[0].strip().isdigit():
                own[int(parts[0]) >= 2].append(parts[-1])
    return {
        "hinglish_background": background,
        "english_everyday": [t for t, intent in english if intent == "0"],
        "english_at_risk": [t for t, intent in english if intent == "1"],
        "own_harmless": own[False],
        "own_at_risk": own[True],
    }


def build_stream(path: Path, count: int, seed: int) -> dict[str, int]:
    texts = load_texts()
    rng = random.Random(seed)
    kinds = list(MIX)
    weights = [MIX[k] for k in kinds]
    made: dict[str, int] = dict.fromkeys(kinds, 0)
    with open(path, "w", encoding="utf-8") as out:
        for number in range(count):
            kind = rng.choices(kinds, weights)[0]
            pool = texts[kind] or texts["hinglish_background"]
            text = rng.choice(pool)
            made[kind] += 1
            post = {
                "id": f"bench-{seed}-{number}",
                "text": text,
                "platform": rng.choice(["x", "facebook", "instagram", "youtube"]),
                "handle": f"user{rng.randrange(10**7)}",
            }
            out.write(json.dumps(post, ensure_ascii=False) + "\n")
    return made


SUMMARY = re.compile(
    r"read (\d+) posts \((\d+) malformed\) in ([\d.]+) s \(([\d,]+) posts/s\); "
    r"raised (\d+) for review: (\d+) new"
)


def run_once(stream: Path, cpu: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="jr-monitor-bench-") as data_dir:
        env = {
            **os.environ,
            "DATA_DIR": data_dir,
            "SECRET_KEY": "bench-" + "x" * 50,
            "FIELD_KEYS": os.environ.get("FIELD_KEYS") or field_keys(),
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("DATABASE_URL", None)
        binary = str(Path(sys.executable).parent / "jeevanrekha")
        subprocess.run([binary, "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT)

        def pin() -> None:
            os.sched_setaffinity(0, {cpu})

        started = time.perf_counter()
        done = subprocess.run(
            [binary, "monitor", "--jsonl", str(stream)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            preexec_fn=pin,
            check=False,
        )
        wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"monitor failed ({done.returncode}):\n{done.stderr[-3000:]}")
    match = SUMMARY.search(done.stdout)
    if not match:
        raise SystemExit(f"unexpected monitor output: {done.stdout[-500:]}")
    read, malformed, seconds, _, raised, new = match.groups()
    return {
        "posts": int(read),
        "malformed": int(malformed),
        "raised": int(raised),
        "new_cases": int(new),
        "wall_s": round(wall, 3),
        "posts_per_s_process": round(int(read) / wall, 1),
        "posts_per_s_stream": round(int(read) / float(seconds), 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--cpu", type=int, default=max(os.sched_getaffinity(0)))
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    machine = machine_info()
    with tempfile.TemporaryDirectory(prefix="jr-monitor-stream-") as tmp:
        stream = Path(tmp) / "posts.jsonl"
        made = build_stream(stream, args.posts, args.seed)
        print(f"stream: {args.posts:,} posts {made} ({stream.stat().st_size / 2**20:.1f} MiB)")
        runs = []
        for n in range(args.runs):
            run = run_once(stream, args.cpu)
            runs.append(run)
            print(
                f"  run {n + 1}: {run['posts_per_s_process']:,.0f} posts/s (process), "
                f"{run['posts_per_s_stream']:,.0f} posts/s (stream), raised {run['raised']:,}"
            )
    process = statistics.median(r["posts_per_s_process"] for r in runs)
    steady = statistics.median(r["posts_per_s_stream"] for r in runs)
    raised = runs[len(runs) // 2]["raised"]
    verdict = "PASS" if process >= TARGET_POSTS_PER_S else "FAIL"
    print(f"\nmonitor, one core (cpu {args.cpu}), median of {len(runs)} runs:")
    target = f"target >= {TARGET_POSTS_PER_S:,.0f}"
    print(f"  posts/s (whole process)  {process:,.0f}   {target}  {verdict}")
    print(f"  posts/s (stream only)    {steady:,.0f}")
    print(f"  raised for review        {raised:,} of {args.posts:,} ({raised / args.posts:.2%})")
    write_results(
        args.output,
        {
            "benchmark": "monitor",
            "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "machine": machine,
            "settings": {"posts": args.posts, "runs": args.runs, "seed": args.seed, "mix": MIX},
            "stream": made,
            "runs": runs,
            "median": {"posts_per_s_process": process, "posts_per_s_stream": steady},
            "raised": raised,
            "target_posts_per_s": TARGET_POSTS_PER_S,
            "result": verdict,
        },
    )
    print(f"results written to {args.output}")
    return 0 if verdict == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
