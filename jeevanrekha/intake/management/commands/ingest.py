"""`jeevanrekha ingest FILE.jsonl`: one alert per line, through the same path as the API.

Lines are not signed (whoever runs this command already has the deployment's keys), but
they are stored verbatim, checked, de-duplicated and quarantined exactly as API requests.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from jeevanrekha.intake import pipeline, signing


def claimed_source(line: bytes) -> str:
    """The `source` the line names, if it is readable JSON; "" otherwise."""
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return ""
    return str(value.get("source", ""))[:60] if isinstance(value, dict) else ""


class Command(BaseCommand):
    help = "Ingest a JSONL file of alerts (- for stdin) through the intake pipeline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        stream = sys.stdin.buffer if options["file"] == "-" else open(options["file"], "rb")  # noqa: SIM115
        counts: Counter[int] = Counter()
        with stream:
            for number, line in enumerate(stream, start=1):
                line = line.rstrip(b"\r\n")
                if not line.strip():
                    continue
                reply = pipeline.receive(
                    channel="file",
                    headers={signing.SOURCE_HEADER: claimed_source(line)},
                    body=line,
                    body_size=len(line),
                    remote_addr=None,
                    request_id=f"ingest-{number}",
                    now=timezone.now(),
                    authenticate=False,
                )
                counts[reply.status] += 1
                if reply.status >= 400:
                    self.stderr.write(f"line {number}: {reply.status} {reply.body.get('error')}")
        names = {202: "accepted", 200: "duplicate", 503: "failed"}
        summary = ", ".join(
            f"{names.get(k, f'quarantined ({k})')}: {v}" for k, v in sorted(counts.items())
        )
        self.stdout.write(f"ingested {sum(counts.values())} lines — {summary or 'nothing'}")
