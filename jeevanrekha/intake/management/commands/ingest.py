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

from jeevanrekha.intake import pipeline
from jeevanrekha.intake.actions import Arrival, do_intake
from jeevanrekha.intake.checks import Checks

FILE_CHECKS = Checks(authenticate=False, check_window=False)


def claimed_source(line: bytes) -> str:
    """The `source` the line names, if it is readable JSON; "" otherwise."""
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return ""
    return str(value.get("source", ""))[:60] if isinstance(value, dict) else ""


BATCH = 200


class Command(BaseCommand):
    help = "Ingest a JSONL file of alerts (- for stdin) through the intake pipeline."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
        counts: Counter[int] = Counter()
        batch: list[tuple[int, Arrival]] = []
        with stream:
            for number, line in enumerate(stream, start=1):
                line = line.rstrip(b"\r\n")
                if line.strip():
                    batch.append((number, arrival_from_line(line, number)))
                if len(batch) >= BATCH:
                    self.ingest(batch, counts)
            self.ingest(batch, counts)
        names = {202: "accepted", 200: "duplicate", 503: "failed"}
        summary = ", ".join(
            f"{names.get(k, f'quarantined ({k})')}: {v}" for k, v in sorted(counts.items())
        )
        self.stdout.write(f"ingested {sum(counts.values())} lines — {summary or 'nothing'}")

    def ingest(self, batch: list[tuple[int, Arrival]], counts: Counter[int]) -> None:
        """Store and process a batch of lines in one transaction; report refusals."""
        outcomes = do_intake([arrival for _, arrival in batch], FILE_CHECKS)
        for (number, _), outcome in zip(batch, outcomes, strict=True):
            reply = pipeline.reply_for(outcome)
            counts[reply.status] += 1
            if reply.status >= 400:
                self.stderr.write(f"line {number}: {reply.status} {reply.body.get('error')}")
        batch.clear()


def arrival_from_line(line: bytes, number: int) -> Arrival:
    """One line of the file as an arrival on the `file` channel."""
    return Arrival(
        channel="file",
        source_name=claimed_source(line),
        headers={},
        body=line,
        body_size=len(line),
        remote_addr=None,
        request_id=f"ingest-{number}",
        received_at=timezone.now(),
    )
