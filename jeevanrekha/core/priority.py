"""Order of the live queue: one integer per case, higher means "look at this first".

The score is a sum of four parts, each bounded so that a weaker signal can never overturn a
stronger one::

    score = 160 * level                  # 0..640, level = risk_level, or 3 when not assessed
          + 240 * imminent               # 0 or 240: one and a half levels
          +  60 * min(age, 6 h) / 6 h    # 0..60, rounded down
          +  15 * location_confidence    # 0..15, rounded down; unknown counts as 0

Why these weights:

* **Unassessed counts as level 3.** An alert from a platform has already been judged by a person
  at the platform, who thought it worth sending to the police; waiting for our own model must
  not push it to the bottom of the queue.
* **Imminence is worth one and a half levels.** An imminent level 2 ("I'll do it tonight",
  live video) outranks any non-imminent level 3, because time is the one thing the desk can
  still change; but it stays below a non-imminent level 4, whose definition already includes
  "imminent" as judged from the content.
* **Waiting and location together stay under half a level** (60 + 15 < 80). So among cases with
  the same risk and imminence the older one rises, and a case whose place is known comes first
  (the desk can act on it at once), but neither ever lifts a case above one with a higher level
  at the same imminence, nor moves it across the half-level steps that imminence creates.
* **Age saturates at six hours**: waiting only ever makes a case more urgent, and after six hours
  all old cases are equally overdue; the cap also keeps the bound above.

The maximum is 640 + 240 + 60 + 15 = 955, within the promised 0..1000.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

LEVEL_POINTS = 160
IMMINENT_POINTS = 240
AGE_POINTS = 60
LOCATION_POINTS = 15
AGE_CAP = timedelta(hours=6)
UNASSESSED_LEVEL = 3
MAX_LEVEL = 4
MAX_SCORE = 1000

# Band thresholds in score points; see priority_band for what each captures.
_CRITICAL_FROM = LEVEL_POINTS * 7 // 2  # 560: level 4, or imminent at level 2 and above
_HIGH_FROM = LEVEL_POINTS * 5 // 2  # 400: level 3, or imminent at level 1
_MEDIUM_FROM = LEVEL_POINTS * 3 // 2  # 240: level 2, or imminent at level 0


@dataclass(frozen=True)
class PriorityInput:
    """What the queue knows about a case when it orders it.

    ``risk_level`` is 0..4 or None (not yet assessed); ``location_confidence`` is 0..1 or None
    (no location yet). ``post_age`` is the time since the post; negative ages (clock skew
    between the platform and us) are accepted and count as zero.
    """

    risk_level: int | None
    imminent: bool
    post_age: timedelta
    location_confidence: float | None

    def __post_init__(self) -> None:
        """Refuse values outside the documented ranges, so a bad score can never be computed."""
        level = self.risk_level
        # bool is an int subclass; True as a level is a bug upstream, not level 1.
        if level is not None and (isinstance(level, bool) or not 0 <= level <= MAX_LEVEL):
            raise ValueError(f"risk_level must be 0..{MAX_LEVEL} or None, got {level!r}")
        conf = self.location_confidence
        # NaN fails every comparison, so "not 0 <= conf <= 1" also rejects it.
        if conf is not None and not 0.0 <= conf <= 1.0:
            raise ValueError(f"location_confidence must be 0..1 or None, got {conf!r}")


def _age_points(post_age: timedelta) -> int:
    """Points for waiting: linear from 0 to AGE_POINTS over AGE_CAP, flat afterwards."""
    age = min(max(post_age, timedelta(0)), AGE_CAP)
    # Integer microseconds keep this exact, hence monotone; floats could wobble at the edges.
    one_us = timedelta(microseconds=1)
    return AGE_POINTS * (age // one_us) // (AGE_CAP // one_us)


def priority(inp: PriorityInput) -> int:
    """Score a case for the live queue: 0..1000, higher is more urgent (see module docstring)."""
    level = UNASSESSED_LEVEL if inp.risk_level is None else inp.risk_level
    score = LEVEL_POINTS * level
    if inp.imminent:
        score += IMMINENT_POINTS
    score += _age_points(inp.post_age)
    if inp.location_confidence is not None:
        score += math.floor(LOCATION_POINTS * inp.location_confidence)
    return score


def priority_band(score: int) -> str:
    """Name the band of a score for display: "critical", "high", "medium" or "low".

    The thresholds sit on the half-level steps of the score, so age and location (worth less
    than half a level) never move a case from one band to another across a level boundary.
    """
    if not 0 <= score <= MAX_SCORE:
        raise ValueError(f"score must be 0..{MAX_SCORE}, got {score!r}")
    if score >= _CRITICAL_FROM:
        return "critical"
    if score >= _HIGH_FROM:
        return "high"
    if score >= _MEDIUM_FROM:
        return "medium"
    return "low"
