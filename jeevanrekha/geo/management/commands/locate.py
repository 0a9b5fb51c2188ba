"""`jeevanrekha locate resolve --jsonl IN --out OUT`: resolve evidence lines to jurisdictions.

Each input line is {"id": ..., "evidence": {"post_text", "profile_location", "address",
"phone", "ip", "tower": {"lat", "lon", "radius_m"}}} (any subset); each output line is
{"id", "state", "district", "sub_district", "station", "lat", "lon", "radius_m",
"confidence", "other_state", "needs_trace", "reasons", "candidates"}. A line that is not
JSON gets an output line with needs_trace true and the error in reasons.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jeevanrekha.geo import conf
from jeevanrekha.geo.fusion import Resolution, resolve
from jeevanrekha.geo.sources import SourceMissing


class Command(BaseCommand):
    help = "Resolve location evidence to state, district and police station."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("resolve", help="resolve a JSONL file of evidence")
        run.add_argument("--jsonl", required=True, help="input file, or - for stdin")
        run.add_argument("--out", required=True, help="output file, or - for stdout")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            ctx = conf.context(refresh=True)
        except SourceMissing as exc:
            raise CommandError(f"{exc} (run `jeevanrekha geo build`)") from None
        source = sys.stdin if options["jsonl"] == "-" else _open(options["jsonl"], "r")
        target = sys.stdout if options["out"] == "-" else _open(options["out"], "w")
        count = 0
        try:
            for number, line in enumerate(source, start=1):
                if line.strip():
                    target.write(json.dumps(_one(line, number, ctx), ensure_ascii=False) + "\n")
                    count += 1
        finally:
            for handle in (source, target):
                if handle not in (sys.stdin, sys.stdout):
                    handle.close()
        self.stderr.write(f"resolved {count} lines")


def _open(name: str, mode: str) -> IO[str]:
    path = Path(name)
    if mode == "r" and not path.exists():
        raise CommandError(f"{name}: no such file")
    return open(path, mode, encoding="utf-8")


def _one(line: str, number: int, ctx: Any) -> dict[str, Any]:
    try:
        doc = json.loads(line)
    except json.JSONDecodeError as exc:
        out = Resolution(reasons=[f"line {number}: not JSON ({exc.msg})"])
        return {"id": None, **out.as_dict()}
    doc = doc if isinstance(doc, dict) else {}
    evidence = doc.get("evidence")
    return {"id": doc.get("id"), **resolve(evidence, ctx).as_dict()}
