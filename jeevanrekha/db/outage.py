"""Background workers ride out a database outage (a restart, a fail-over) instead of dying.

A worker loop calls its step inside `riding_out(...)`: when the database is unreachable
(Django's OperationalError or InterfaceError), the broken connection is closed, the worker
waits (0.5 s, doubling to 30 s) and tries again with a new connection. Whatever the step had
not committed is rolled back by the database and done again: every step is an idempotent
action or a claim that expires (docs/reliability.md). Other errors are not caught here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import InterfaceError, OperationalError, connections

log = logging.getLogger(__name__)
DATABASE_DOWN = (OperationalError, InterfaceError)


@dataclass
class Backoff:
    """How long to wait before the next try; reset after a step that reached the database."""

    first: float = 0.5
    most: float = 30.0
    next: float = 0.5

    def wait(self) -> float:
        waited = self.next
        time.sleep(waited)
        self.next = min(self.next * 2, self.most)
        return waited

    def reset(self) -> None:
        self.next = self.first


@contextmanager
def riding_out(what: str, backoff: Backoff) -> Iterator[None]:
    """Run a worker's step; on a database outage, log, reconnect later, and return normally
    (the loop goes round again)."""
    try:
        yield
    except DATABASE_DOWN as exc:
        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
            if connection.connection is not None and not connection.in_atomic_block:
                connection.close()
        log.warning(
            "%s: the database is unreachable (%s); retrying in %.1f s", what, exc, backoff.next
        )
        backoff.wait()
    else:
        backoff.reset()
