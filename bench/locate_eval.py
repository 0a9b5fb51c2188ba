#!/usr/bin/env python3
"""Accuracy of `locate` on the labelled evaluation set (bench/locate_evalset.py).

Prints accuracy of state and district, other-state precision/recall/F1 and needs_trace
rates, overall, per language and per difficulty tag, against the issue's targets, and
writes bench/results/locate_eval.json (figures only: the cases come from shared data).

    .venv/bin/python bench/locate_eval.py                 # builds the set from ../shared/data/geo
    .venv/bin/python bench/locate_eval.py --show-misses 40

Exit status: 0 when every target is met, 1 when one is missed.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from locate_evalset import NOW, Case, make_cases  # noqa: E402
from locate_truth import canon, shared_dir  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

from jeevanrekha.geo.fusion import Context, Resolution, resolve  # noqa: E402
from jeevanrekha.geo.runtime import Paths, load_gazetteer, make_context  # noqa: E402
from jeevanrekha.geo.text import latin_key  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "locate_eval.json"
TARGETS = {
    "district_overall": 0.92,
    "district_hi": 0.88,
    "district_hinglish": 0.88,
    "other_state_f1": 0.95,
    "needs_trace_no_evidence": 0.90,
    "needs_trace_with_pin_or_tower_max": 0.05,
}
_PIN = re.compile(r"(?<!\d)[1-8]\d{2} ?\d{3}(?!\d)")


def same_district(predicted: str | None, truth: str) -> bool:
    """Names of one district: equal after the alias table, or the same name spelt apart."""
    if not predicted:
        return False
    if canon(predicted) == canon(truth):
        return True
    a, b = latin_key(predicted), latin_key(truth)
    return fuzz.ratio(a, b) >= 85 or (min(len(a), len(b)) >= 5 and (a in b or b in a))


def has_fix(case: Case) -> bool:
    """A PIN or a tower fix is in the evidence (judged from the raw evidence, not the resolver)."""
    ev = case.evidence
    texts = " ".join(str(ev.get(k, "")) for k in ("address", "post_text", "profile_location"))
    return "tower" in ev or bool(_PIN.search(texts))


class Tally:
    """Counts for one slice of the set."""

    def __init__(self) -> None:
        self.n = 0
        self.state = [0, 0]
        self.district = [0, 0]
        self.trace = [0, 0]

    def add(self, case: Case, got: Resolution) -> None:
        self.n += 1
        if case.state:
            self.state[1] += 1
            self.state[0] += int(latin_key(got.state or "") == latin_key(case.state))
        if case.district:
            self.district[1] += 1
            self.district[0] += int(same_district(got.district, case.district))
        self.trace[1] += 1
        self.trace[0] += int(got.needs_trace)

    def row(self) -> dict[str, Any]:
        def rate(pair: list[int]) -> float | None:
            return round(pair[0] / pair[1], 4) if pair[1] else None

        return {
            "n": self.n,
            "state_acc": rate(self.state),
            "district_acc": rate(self.district),
            "needs_trace_rate": rate(self.trace),
            "district_n": self.district[1],
        }


def evaluate(cases: list[Case], ctx: Context) -> tuple[dict[str, Any], list[tuple[Case, Any]]]:
    overall = Tally()
    by_lang: dict[str, Tally] = defaultdict(Tally)
    by_tag: dict[str, Tally] = defaultdict(Tally)
    tp = fp = fn = 0
    no_ev, with_fix = [0, 0], [0, 0]
    misses = []
    for case in cases:
        got = resolve(case.evidence, ctx)
        for tally in (overall, by_lang[case.lang], *(by_tag[t] for t in case.tags)):
            tally.add(case, got)
        tp += int(case.other_state and got.other_state)
        fp += int(not case.other_state and got.other_state)
        fn += int(case.other_state and not got.other_state)
        if not case.usable:
            no_ev[1] += 1
            no_ev[0] += int(got.needs_trace)
        if has_fix(case):
            with_fix[1] += 1
            with_fix[0] += int(got.needs_trace)
        wrong = case.district and not same_district(got.district, case.district)
        if wrong or (not case.usable and not got.needs_trace):
            misses.append((case, got))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    figures = {
        "overall": overall.row(),
        "by_language": {k: v.row() for k, v in sorted(by_lang.items())},
        "by_tag": {k: v.row() for k, v in sorted(by_tag.items())},
        "other_state": {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "positives": tp + fn,
        },
        "needs_trace": {
            "no_usable_evidence": round(no_ev[0] / no_ev[1], 4) if no_ev[1] else None,
            "no_usable_evidence_n": no_ev[1],
            "with_pin_or_tower": round(with_fix[0] / with_fix[1], 4) if with_fix[1] else None,
            "with_pin_or_tower_n": with_fix[1],
        },
    }
    return figures, misses


def verdicts(fig: dict[str, Any]) -> dict[str, tuple[float | None, bool]]:
    lang = fig["by_language"]
    got = {
        "district_overall": fig["overall"]["district_acc"],
        "district_hi": lang.get("hi", {}).get("district_acc"),
        "district_hinglish": lang.get("hinglish", {}).get("district_acc"),
        "other_state_f1": fig["other_state"]["f1"],
        "needs_trace_no_evidence": fig["needs_trace"]["no_usable_evidence"],
        "needs_trace_with_pin_or_tower_max": fig["needs_trace"]["with_pin_or_tower"],
    }
    out = {}
    for name, target in TARGETS.items():
        value = got[name]
        ok = value is not None and (value <= target if name.endswith("_max") else value >= target)
        out[name] = (value, ok)
    return out


def _print(fig: dict[str, Any], checks: dict[str, tuple[float | None, bool]]) -> None:
    def line(name: str, row: dict[str, Any]) -> None:
        def cell(v: float | None) -> str:
            return "   -  " if v is None else f"{v:6.3f}"

        print(
            f"{name:28} {row['n']:5} {cell(row['state_acc'])} {cell(row['district_acc'])}"
            f" {cell(row['needs_trace_rate'])}"
        )

    print(f"{'slice':28} {'n':>5} {'state':>6} {'distr':>6} {'trace':>6}")
    line("overall", fig["overall"])
    for name, row in fig["by_language"].items():
        line(f"lang={name}", row)
    for name, row in fig["by_tag"].items():
        line(f"tag={name}", row)
    o = fig["other_state"]
    print(
        f"\nother_state: precision {o['precision']:.3f} recall {o['recall']:.3f} "
        f"F1 {o['f1']:.3f} (positives {o['positives']})"
    )
    t = fig["needs_trace"]
    print(
        f"needs_trace: no usable evidence {t['no_usable_evidence']} (n={t['no_usable_evidence_n']})"
        f", with PIN or tower {t['with_pin_or_tower']} (n={t['with_pin_or_tower_n']})"
    )
    print("\ntargets:")
    for name, (value, ok) in checks.items():
        bound = "<=" if name.endswith("_max") else ">="
        print(f"  {name:36} {value!s:>8}  {bound} {TARGETS[name]}  {'PASS' if ok else 'FAIL'}")


def _git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var" / "geo")
    parser.add_argument("--node-modules", type=Path, default=ROOT / "node_modules")
    parser.add_argument("--shared", type=Path, default=None)
    parser.add_argument("--show-misses", type=int, default=0)
    parser.add_argument("--seed", type=int, default=None, help="another draw of the set")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    base = args.shared or shared_dir()
    started = time.perf_counter()
    cases = make_cases(base) if args.seed is None else make_cases(base, seed=args.seed)
    made = time.perf_counter() - started
    series = base / "telecom-circle-series" / "mobile_series_4digit.csv"
    paths = Paths(args.data_dir, args.node_modules, series)
    gazetteer, load_s = load_gazetteer(paths)
    ctx = make_context(gazetteer, paths)
    ctx.now = NOW
    fig, misses = evaluate(cases, ctx)
    checks = verdicts(fig)
    print(f"{len(cases)} cases (set built in {made:.1f} s, gazetteer loaded in {load_s:.2f} s)\n")
    _print(fig, checks)
    for case, got in misses[: args.show_misses]:
        print(f"\nMISS {case.id} {case.lang} {case.tags} truth={case.state}/{case.district}")
        print(f"  evidence: {json.dumps(case.evidence, ensure_ascii=False)}")
        print(f"  got: {got.state}/{got.district} conf={got.confidence} trace={got.needs_trace}")
        print(f"  reasons: {got.reasons[:5]}")
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git_commit(),
        "python": platform.python_version(),
        "cases": len(cases),
        "languages": {k: v["n"] for k, v in fig["by_language"].items()},
        "figures": fig,
        "targets": TARGETS,
        "verdicts": {k: {"value": v, "pass": ok} for k, (v, ok) in checks.items()},
        "gazetteer": gazetteer.sources,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0 if all(ok for _, ok in checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
