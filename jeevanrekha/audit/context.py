"""The request id of the work in progress, so that audit rows and outbox rows carry it."""

from __future__ import annotations

from contextvars import ContextVar

current_request_id: ContextVar[str] = ContextVar("current_request_id", default="")
