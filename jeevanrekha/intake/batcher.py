"""Group commit: concurrent API requests in one server process share one transaction.

Each request thread hands its arrival to the process's committer and waits; a committer
thread (INTAKE_COMMITTERS of them) takes everything waiting (up to INTAKE_BATCH_MAX) and
runs `do_intake` on it. With
one request in flight a batch is one alert, so a lone alert waits for nobody; under load,
the transaction, its commit (an fsync), the audit-chain lock and every INSERT are shared by
the batch. See docs/adr/0003-group-commit.md.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from concurrent.futures import Future

from django.conf import settings
from django.db import close_old_connections

from jeevanrekha.intake.actions import Arrival, Outcome, do_intake
from jeevanrekha.intake.checks import Checks

log = logging.getLogger(__name__)
API_CHECKS = Checks(authenticate=True, check_window=True)
_CHECK_CONNECTION_EVERY_S = 5.0


class GroupCommitter:
    """A queue and the one thread that commits what waits in it, in batches."""

    def __init__(self, max_batch: int, threads: int = 1) -> None:
        self.max_batch = max_batch
        self.threads = threads
        self._queue: queue.SimpleQueue[tuple[Arrival, Future[Outcome]]] = queue.SimpleQueue()
        self._workers: list[threading.Thread] = []
        self._start_lock = threading.Lock()

    def submit(self, arrival: Arrival, timeout: float) -> Outcome:
        """Queue an arrival and wait until its batch has committed."""
        self._ensure_thread()
        future: Future[Outcome] = Future()
        self._queue.put((arrival, future))
        return future.result(timeout=timeout)

    def _ensure_thread(self) -> None:
        if len(self._workers) == self.threads and all(t.is_alive() for t in self._workers):
            return
        with self._start_lock:
            self._workers = [t for t in self._workers if t.is_alive()]
            while len(self._workers) < self.threads:
                name = f"intake-commit-{len(self._workers)}"
                worker = threading.Thread(target=self._run, name=name, daemon=True)
                worker.start()
                self._workers.append(worker)

    def _take_batch(self) -> list[tuple[Arrival, Future[Outcome]]]:
        batch = [self._queue.get()]
        while len(batch) < self.max_batch:
            try:
                batch.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return batch

    def _run(self) -> None:
        checked_at, failed = time.monotonic(), False
        while True:
            batch = self._take_batch()
            try:
                # Drop a connection the database has closed, or one past its age: after a
                # failure, and every few seconds. Not before every batch: with health checks
                # on (CONN_HEALTH_CHECKS) that costs a `SELECT 1` round trip each time.
                if failed or time.monotonic() - checked_at > _CHECK_CONNECTION_EVERY_S:
                    close_old_connections()
                    checked_at = time.monotonic()
                outcomes = do_intake([arrival for arrival, _ in batch], API_CHECKS)
            except BaseException as exc:  # the database is down: every waiter gets the error
                failed = True
                log.exception("intake: group commit of %d failed", len(batch))
                for _, future in batch:
                    future.set_exception(exc)
            else:
                failed = False
                for (_, future), outcome in zip(batch, outcomes, strict=True):
                    future.set_result(outcome)


_committer: GroupCommitter | None = None
_committer_lock = threading.Lock()


def committer() -> GroupCommitter:
    """This process's group committer (made on first use, after gunicorn has forked)."""
    global _committer
    with _committer_lock:
        if _committer is None:
            _committer = GroupCommitter(settings.INTAKE_BATCH_MAX, settings.INTAKE_COMMITTERS)
        return _committer
