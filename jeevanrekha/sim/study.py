"""The response-time study: one seeded alert stream through (a) today's manual desk and
(b) the automated flow, as a discrete-event model (pure Python, no database, seconds to run).

Both arms meet the same people (scenario.Arrival carries the hidden truth), so a difference
between them is the flow's, not the dice's. The desk's operators are a shared resource: an
alert waits while every operator is busy with an earlier one. Every timing is a field of
:class:`DeskParams` with its source; docs/simulation.md quotes each.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from jeevanrekha.sim.scenario import Arrival, ScenarioParams, _p

MANUAL, AUTOMATED = "manual", "automated"
CUTS_MIN = (10, 15, 30)
# Measured pipeline latencies, p50 in ms (bench/results/intake.json, risk.json, locate.json).
PIPELINE_MS = {"intake": 15.42, "risk": 2.17, "locate": 0.15}


@dataclass(frozen=True)
class DeskParams:
    """How each arm works, in minutes unless named otherwise; each with its source."""

    operators: int = _p(2, "assumption: two people on the 24-hour desk per shift")
    manual_read_min: float = _p(0.5, "assumption: the alert comes by phone and e-mail at once")
    manual_relay_min: float = _p(1.0, "assumption: the call to 112 (inside its 9 minutes)")
    manual_112_handling_min: float = _p(2.0, "fitted: 112 response = this + mean drive ≈ 9 min")
    manual_unanswered_min: float = _p(8.0, "assumption: the desk notices silence, calls again")
    manual_reading_min: float = _p(10.0, "assumption: find the place by hand in post/profile")
    unclear_search_min: float = _p(2.0, "assumption: a tower fix, no address: ask around")
    pipeline_relay_s: float = _p(2.0, "assumption: outbox relay and stage hops (in-process)")
    auto_confirm_min: float = _p(1.0, "assumption: read the case, press 'confirm & dispatch'")
    needs_trace: dict[str, float] = field(
        default_factory=lambda: {"pin": 0.0, "landmark": 0.0667, "district": 0.45, "none": 1.0},
        metadata={"source": "measured: bench/results/locate_eval.json by_tag needs_trace_rate"},
    )
    ladder_ack_within_min: float = _p(2.0, "core/escalation.py: vehicle_112 step 0 (2 min)")
    forward_min: float = _p(2.0, "assumption: CAP package to the other state's desk")


@dataclass(frozen=True)
class Result:
    """What happened to one alert in one arm."""

    number: int
    on_scene_min: float | None  # alert → police at the door; None: nobody got there
    outcome: str  # saved, lost, forwarded
    reason: str  # why lost: location_unclear, other_state, dense_area, phone_off, not_in_time


@dataclass
class _Desk:
    """The operators: a heap of the times each becomes free."""

    free_at: list[float] = field(default_factory=list)

    def take(self, at: float, busy: float) -> float:
        """Start work at the first free operator at or after `at`; returns the start."""
        start = max(at, heapq.heappop(self.free_at))
        heapq.heappush(self.free_at, start + busy)
        return start


def _ending(a: Arrival, on_scene: float) -> Result:
    """Saved if police reach the door within the person's window; else lost, with why."""
    if on_scene + a.search_min <= a.window_min:
        return Result(a.number, on_scene, "saved", "")
    reason = (
        "dense_area"
        if a.dense
        else "location_unclear"
        if a.quality == "none"
        else "phone_off"
        if a.phone_off
        else "not_in_time"
    )
    return Result(a.number, on_scene, "lost", reason)


def manual(a: Arrival, wait: float, p: DeskParams) -> tuple[float, Result]:
    """Today's desk: read, trace (phone on) or read by hand, phone 112, 112 drives.

    Returns (operator minutes, result). Another state, and a phone that is off when the
    post names no place, end the case: the published failure reasons."""
    t = wait + p.manual_read_min
    if a.other_state:
        return p.manual_read_min + p.manual_relay_min, Result(a.number, None, "lost", "other_state")
    if not a.phone_off:
        t += a.trace_min
    elif a.quality in ("pin", "landmark"):
        t += p.manual_reading_min
    else:
        reason = "phone_off" if a.quality == "district" else "location_unclear"
        return p.manual_read_min + p.manual_reading_min, Result(a.number, None, "lost", reason)
    busy = t - wait + p.manual_relay_min
    t += p.manual_112_handling_min + a.travel_min  # 112's 9 minutes count from the call
    if a.ack_missed:
        t += p.manual_unanswered_min
    if a.quality == "none":
        t += p.unclear_search_min
    return busy, _ending(a, t)


def automated(a: Arrival, wait: float, p: DeskParams) -> tuple[float, Result]:
    """Our flow: intake, risk and locate in seconds; one confirmation alerts station and
    nearest vehicle at once; a trace only when locate needs one; ladders chase silence."""
    pipeline = (sum(PIPELINE_MS.values()) / 1000.0 + p.pipeline_relay_s) / 60.0
    t = pipeline + wait + p.auto_confirm_min
    if a.other_state:
        return p.auto_confirm_min, Result(a.number, None, "forwarded", "other_state")
    if a.u_locate < p.needs_trace.get(a.quality, 1.0):
        if a.phone_off:
            reason = "phone_off" if a.quality == "district" else "location_unclear"
            return p.auto_confirm_min, Result(a.number, None, "lost", reason)
        t += a.trace_min  # STF works on it; the desk is free meanwhile
    t += a.ack_min + (p.ladder_ack_within_min if a.ack_missed else 0.0) + a.travel_min
    if a.quality == "none":
        t += p.unclear_search_min
    return p.auto_confirm_min, _ending(a, t)


def run_arm(
    arrivals: Sequence[Arrival],
    arm: Callable[[Arrival, float, DeskParams], tuple[float, Result]],
    params: DeskParams,
) -> list[Result]:
    """Events in time order; each alert waits for a free operator (the shared resource)."""
    desk = _Desk([0.0] * params.operators)
    out = []
    for a in sorted(arrivals, key=lambda x: x.at_s):
        at = a.at_s / 60.0
        start = max(at, min(desk.free_at))
        busy, result = arm(a, start - at, params)
        desk.take(at, busy)
        out.append(result)
    return out


def quantile(values: Sequence[float], q: float) -> float | None:
    """Linear-interpolated quantile (as numpy's default), None for no values."""
    if not values:
        return None
    xs = sorted(values)
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def figures(results: Sequence[Result]) -> dict[str, Any]:
    """The arm's distribution of alert → on scene and its outcomes."""
    times = [r.on_scene_min for r in results if r.on_scene_min is not None]
    n = len(results)
    median, p90 = quantile(times, 0.5), quantile(times, 0.9)
    within = {
        f"within_{c}_min": round(sum(t <= c for t in times) / n, 4) if n else 0.0 for c in CUTS_MIN
    }
    outcomes = Counter(r.outcome for r in results)
    lost = Counter(r.reason for r in results if r.outcome == "lost")
    return {
        "alerts": n,
        "reached": len(times),
        "on_scene_median_min": None if median is None else round(median, 2),
        "on_scene_p90_min": None if p90 is None else round(p90, 2),
        **within,
        "saved": outcomes["saved"],
        "saved_share": round(outcomes["saved"] / n, 4) if n else 0.0,
        "forwarded": outcomes["forwarded"],
        "lost": outcomes["lost"],
        "lost_by_reason": dict(sorted(lost.items())),
    }


def study(arrivals: Sequence[Arrival], params: DeskParams | None = None) -> dict[str, Any]:
    """Both arms over the same arrivals: figures, and the raw times for plots."""
    params = params or DeskParams()
    arms = {
        MANUAL: run_arm(arrivals, manual, params),
        AUTOMATED: run_arm(arrivals, automated, params),
    }
    return {
        "arms": {name: figures(results) for name, results in arms.items()},
        "on_scene_min": {
            name: [round(r.on_scene_min, 3) for r in results if r.on_scene_min is not None]
            for name, results in arms.items()
        },
        "desk_params": {f.name: getattr(params, f.name) for f in fields(params)},
        "desk_sources": {f.name: str(f.metadata.get("source", "")) for f in fields(params)},
        "scenario_sources": ScenarioParams.sources(),
    }


def table(doc: dict[str, Any]) -> str:
    """The two arms side by side, as the console prints them."""
    rows = [
        ("alerts", "alerts"),
        ("police reached the door", "reached"),
        ("alert → on scene, median (min)", "on_scene_median_min"),
        ("alert → on scene, p90 (min)", "on_scene_p90_min"),
        *((f"on scene within {c} min (share of alerts)", f"within_{c}_min") for c in CUTS_MIN),
        ("saved", "saved"),
        ("saved (share of alerts)", "saved_share"),
        ("forwarded to the other state", "forwarded"),
        ("lost", "lost"),
    ]
    a, b = doc["arms"][MANUAL], doc["arms"][AUTOMATED]
    lines = [f"{'':44} {'manual desk':>14} {'automated':>14}"]
    lines += [f"{label:44} {_cell(a[key]):>14} {_cell(b[key]):>14}" for label, key in rows]
    reasons = sorted(set(a["lost_by_reason"]) | set(b["lost_by_reason"]))
    for r in reasons:
        left, right = a["lost_by_reason"].get(r, 0), b["lost_by_reason"].get(r, 0)
        lines.append(f"{'  lost: ' + r:44} {left:>14} {right:>14}")
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    return f"{value:.2f}" if isinstance(value, float) else str(value)
