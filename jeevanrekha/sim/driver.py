"""One turn of the whole machine, in-process: the pipeline stages, the timers, the agencies.

The demo runs this in a loop on the wall clock; the integration tests run it on a simulated
clock. Nothing here decides anything: stages, timers and agencies call the real actions.
"""

from __future__ import annotations

import logging
from datetime import datetime

from jeevanrekha.sim.agencies import Agencies

log = logging.getLogger(__name__)


def run_stages(rounds: int = 20) -> int:
    """Handle outbox events with every pipeline stage until none is left; how many."""
    from jeevanrekha.bus.consumers import run_in_process
    from jeevanrekha.stages import stages

    total = 0
    for _ in range(rounds):
        handled = 0
        for stage in stages().values():
            try:
                handled += run_in_process(stage)
            except Exception:  # keep going; the stage logs what failed
                log.exception("sim: stage %s failed", stage.name)
        total += handled
        if not handled:
            break
    return total


def turn(agencies: Agencies, now: datetime, worker: str = "sim") -> dict[str, int]:
    """Stages, then the agencies act, then stages again, then the timers (escalation,
    follow-up checks falling due, notifications); what the agencies did."""
    from jeevanrekha.dispatch.timers import sweep

    run_stages()
    acts = agencies.step(now)
    run_stages()
    try:
        sweep(worker, now)
    except Exception:
        log.exception("sim: timer sweep failed")
    return acts
