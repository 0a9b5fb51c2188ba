"""Structured logs: one JSON object per line, carrying the request id the audit trail has.

LOG_FORMAT=json (the production setting) selects it; the default is plain text.
Personal data never goes into a log line on purpose: log ids (case, raw alert), not posts.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from jeevanrekha.audit.context import current_request_id


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            # Django logs a refused request (4xx, 5xx) after the middleware has left, with
            # the request itself attached: take the id from there.
            request = getattr(record, "request", None)
            record.request_id = current_request_id.get() or getattr(request, "request_id", "")
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
            "process": record.process,
        }
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
