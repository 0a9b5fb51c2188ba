"""`jeevanrekha risk train|eval|score|explain`: the risk model's commands (issue #3).

jeevanrekha risk train [--data DIR] [--out PATH]
jeevanrekha risk eval [--data DIR] [--systems jeevanrekha,keyword,tfidf,e5,tfidf_e5] [--folds 5]
                      [--protocol issue|pooled|both]
jeevanrekha risk score --jsonl IN --out OUT
jeevanrekha risk explain "text"
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jeevanrekha.risk import LEVELS, assess, assess_many

SCORE_BATCH = 256


class Command(BaseCommand):
    help = "Risk model: train, eval (with the peers), score a JSONL file, explain one post."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["train", "eval", "score", "explain"])
        parser.add_argument("text", nargs="?", default=None, help="explain: the post")
        parser.add_argument(
            "--data",
            default=None,
            help="shared data (default $RISK_DATA_DIR or ../shared/data/risk)",
        )
        parser.add_argument("--out", default=None, help="train: artefact; score: output JSONL")
        parser.add_argument("--jsonl", default=None, help="score: input lines {id, text}")
        parser.add_argument("--systems", default="jeevanrekha,keyword,tfidf,e5,tfidf_e5")
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument(
            "--protocol",
            choices=["issue", "pooled", "both"],
            default="both",
            help="eval: English benchmarks each on its own (issue), pooled, or both",
        )
        parser.add_argument(
            "--cache",
            default="var/risk-cache/e5.npz",
            help="eval: embedding cache for the e5 peers ('' for none)",
        )
        parser.add_argument("--results", default=None, help="eval: JSON output")
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        operation = options["operation"]
        if operation == "train":
            self._train(options)
        elif operation == "eval":
            self._eval(options)
        elif operation == "score":
            self._score(options)
        else:
            self._explain(options)

    def _train(self, options: dict[str, Any]) -> None:
        from jeevanrekha.risk import datasets, train
        from jeevanrekha.risk.evaluate import load
        from jeevanrekha.risk.model import ARTEFACT

        base = datasets.shared_dir(options["data"])
        if not base.exists():
            raise CommandError(f"no shared data at {base} (set --data or RISK_DATA_DIR)")
        data = load(base)
        rows = data.cssrs7 + data.twitter + data.rest
        started = time.perf_counter()
        version = f"{time.strftime('risk-%Y%m%d')}-{datasets.rows_digest(rows)[:6]}"
        model = train.fit(rows, seed=options["seed"], version=version)
        out = Path(options["out"]) if options["out"] else ARTEFACT
        model.save(out)
        self.stdout.write(
            f"trained on {len(rows)} rows in {time.perf_counter() - started:.0f} s; "
            f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB), version {version}, "
            f"clear < {model.clear:.4f}, thresholds {model.thresholds}"
        )

    def _eval(self, options: dict[str, Any]) -> None:
        from jeevanrekha.risk import datasets, evaluate

        base = datasets.shared_dir(options["data"])
        if not base.exists():
            raise CommandError(f"no shared data at {base} (set --data or RISK_DATA_DIR)")
        systems = [s.strip() for s in options["systems"].split(",") if s.strip()]
        cache = Path(options["cache"]) if options["cache"] else None
        report = evaluate.run(
            base, systems, options["folds"], cache, self.stdout.write, options["protocol"]
        )
        self.stdout.write(evaluate.table(report))
        out = Path(options["results"]) if options["results"] else evaluate.RESULTS
        evaluate.write(report, out)
        self.stdout.write(f"wrote {out}")

    def _score(self, options: dict[str, Any]) -> None:
        if not options["jsonl"] or not options["out"]:
            raise CommandError("score needs --jsonl IN and --out OUT")
        source = Path(options["jsonl"])
        with source.open("rb") as inp, Path(options["out"]).open("w", encoding="utf-8") as out:
            batch: list[tuple[Any, str]] = []
            for raw in inp:
                batch.append(_parse_line(raw))
                if len(batch) >= SCORE_BATCH:
                    _write(batch, out)
                    batch = []
            _write(batch, out)

    def _explain(self, options: dict[str, Any]) -> None:
        text = options["text"] if options["text"] is not None else sys.stdin.read()
        result = assess(text)
        self.stdout.write(
            f"level {result.level} ({LEVELS[result.level]}), score {result.score:.3f}, "
            f"imminent {'yes' if result.imminent else 'no'}, lang {result.lang}, "
            f"model {result.model_version}"
        )
        for cue in result.cues:
            sign = "+" if cue.effect == "raised" else "-"
            self.stdout.write(f"  {sign} {cue.kind:13} [{cue.start}:{cue.end}] {cue.text!r}")


def _parse_line(raw: bytes) -> tuple[Any, str]:
    """(id, text) from one input line; a bad line scores as its raw text with a null id."""
    line = raw.decode("utf-8", "replace").strip()
    try:
        doc = json.loads(line) if line else {}
    except ValueError:
        return None, line
    if not isinstance(doc, dict):
        return None, line
    text = doc.get("text", "")
    return doc.get("id"), text if isinstance(text, str) else json.dumps(text)


def _write(batch: list[tuple[Any, str]], out: Any) -> None:
    if not batch:
        return
    for (ident, _text), result in zip(batch, assess_many([t for _i, t in batch]), strict=True):
        doc = {"id": ident, **result.as_dict()}
        doc.pop("model_version")
        out.write(json.dumps(doc, ensure_ascii=False) + "\n")
