"""Fusion: all the evidence of a case -> one jurisdiction with an honest confidence.

Every piece of evidence becomes a *claim*: a strength (how much it is worth when right)
spread over the districts it could mean. Scores add up per district; the best district
wins, and confidence is its strongest supporting claim times its share of all the score.
So a fresh tower fix (1.0) outweighs a stale profile city (0.3), a PIN (0.85) outweighs an
IP (0.1, state only), weak hints only break ties, and strong claims that disagree pull the
confidence down and say so in `reasons`.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from jeevanrekha.geo import address
from jeevanrekha.geo.claims import Claim, Context, hint_claims, text_claims, tower_claims

__all__ = ["Context", "Resolution", "resolve"]

NEEDS_TRACE_BELOW = 0.5
MIN_SUPPORT = 0.2  # evidence worth less than this is noise (a stray word), not a lead
OTHER_STATE_FROM = 0.3  # forwarding to another state needs at least this much


@dataclass
class Resolution:
    """Where the person most likely is, how sure we are, and why."""

    state: str | None = None
    district: str | None = None
    sub_district: str | None = None
    station: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_m: float | None = None
    confidence: float = 0.0
    other_state: bool = False
    needs_trace: bool = True
    reasons: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The output line of `locate resolve` (without the id)."""
        return {
            "state": self.state,
            "district": self.district,
            "sub_district": self.sub_district,
            "station": self.station,
            "lat": self.lat,
            "lon": self.lon,
            "radius_m": self.radius_m,
            "confidence": round(self.confidence, 3),
            "other_state": self.other_state,
            "needs_trace": self.needs_trace,
            "reasons": self.reasons,
            "candidates": self.candidates,
        }


def _scores(claims: list[Claim]) -> dict[int, float]:
    scores: dict[int, float] = defaultdict(float)
    for claim in claims:
        for index, share in claim.districts.items():
            scores[index] += claim.strength * share
    return scores


def _support(claims: list[Claim], best: int) -> float:
    missing = 1.0
    for claim in claims:
        share = claim.districts.get(best, 0.0)
        missing *= 1.0 - claim.strength * min(1.0, share * 1.25)
    return 1.0 - missing


def _opposition(claims: list[Claim], best: int) -> float:
    """How much the evidence points anywhere else (an n-way ambiguous name counts 1/n)."""
    total = 0.0
    for claim in claims:
        elsewhere = [share for index, share in claim.districts.items() if index != best]
        if elsewhere:
            total += claim.strength * max(elsewhere)
    return total


def _settle(claims: list[Claim], best: int) -> list[Claim]:
    """An ambiguous name that fits the district other evidence points at means that one."""
    settled = []
    for claim in claims:
        share = claim.districts.get(best, 0.0)
        others = sum(c.strength * c.districts.get(best, 0.0) for c in claims if c is not claim)
        if 0 < share < 1 and others > 0:
            claim = Claim(
                claim.source, claim.strength, {best: 1.0}, claim.points, claim.subs, claim.label
            )
        settled.append(claim)
    return settled


def _state_only(ctx: Context, state: str | None, weight: float, out: Resolution) -> Resolution:
    if state and weight >= 0.2:
        out.state = state
        out.confidence = round(min(0.4, weight), 3)
        out.other_state = state != ctx.home_state and weight >= OTHER_STATE_FROM
        out.reasons.append(f"state only: {state}")
    out.reasons.append("no district: ask for a trace")
    return out


def _best_state(
    ctx: Context, scores: dict[int, float], hints: dict[str, float]
) -> tuple[str | None, float]:
    """The state the evidence points at most (district scores plus state-level hints)."""
    by_state: dict[str, float] = defaultdict(float)
    for index, score in scores.items():
        by_state[ctx.gazetteer.districts[index].state] += score
    for state, weight in hints.items():
        by_state[state] += weight
    if not by_state:
        return None, 0.0
    state = max(by_state, key=lambda s: by_state[s] + (0.01 if s == ctx.home_state else 0))
    return state, by_state[state]


def _ranked(ctx: Context, claims: list[Claim], hints: dict[str, float]) -> list[tuple[int, float]]:
    scores = _scores(claims)
    for index in scores:
        state = ctx.gazetteer.districts[index].state
        scores[index] += hints.get(state, 0.0) * 0.5 + (0.01 if state == ctx.home_state else 0)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def _place_details(
    ctx: Context, claims: list[Claim], best: int, out: Resolution, stations_written: list[str]
) -> None:
    gaz = ctx.gazetteer
    mine = [c for c in claims if c.districts.get(best, 0) >= 0.5]
    points = [c.points[best] for c in mine if best in c.points]
    if points:
        lat, lon, radius = min(points, key=lambda p: p[2])
    else:
        district = gaz.districts[best]
        lat, lon = district.lat, district.lon
        radius = math.sqrt(gaz.geoms[best].area / math.pi) * 111_320.0
    out.lat, out.lon, out.radius_m = round(lat, 5), round(lon, 5), round(radius)
    for claim in sorted(mine, key=lambda c: -c.strength):
        if claim.subs.get(best):
            out.sub_district = claim.subs[best]
            break
    named = gaz.station_named(best, stations_written) if stations_written else None
    if named:
        out.station = named
        out.reasons.append("station: named in the text")
        return
    station = gaz.station_for(best, lat, lon)
    if station:
        out.station = station[0]
        if station[1]:
            out.reasons.append("station: nearest in district (approximate)")


def _decide(
    ctx: Context, claims: list[Claim], hints: dict[str, float], stations_written: list[str]
) -> Resolution:
    out = Resolution()
    gaz = ctx.gazetteer
    ranked = _ranked(ctx, claims, hints)
    state, state_weight = _best_state(ctx, dict(ranked), hints)
    mine = [(index, score) for index, score in ranked if gaz.districts[index].state == state]
    if not mine:
        return _state_only(ctx, state, state_weight, out)
    claims = _settle(claims, mine[0][0])
    ranked = _ranked(ctx, claims, hints)
    scores = dict(ranked)
    best, top = next((i, s) for i, s in ranked if gaz.districts[i].state == state)
    agreement = top / (top + _opposition(claims, best))
    support = _support(claims, best)
    out.confidence = round(support * agreement, 3)
    district = gaz.districts[best]
    if support < MIN_SUPPORT:
        out.reasons.append(f"best guess {district.name} is too weak to report")
        out.confidence = 0.0
        return _state_only(ctx, state, state_weight, out)
    out.state, out.district = district.state, district.name
    elsewhere = sum(v for k, v in scores.items() if gaz.districts[k].state != ctx.home_state)
    strongest = max((c.strength for c in claims if c.districts), default=0.0)
    other_confidence = elsewhere / sum(scores.values()) * strongest
    out.other_state = district.state != ctx.home_state and other_confidence >= OTHER_STATE_FROM
    for index, score in [pair for pair in ranked if pair[0] != best][:3]:
        if score >= 0.5 * top:
            other = gaz.districts[index]
            out.candidates.append(f"{other.name}, {other.state}")
    for claim in claims:
        if claim.source == "tower" and len(claim.districts) > 1:
            for index in claim.districts:
                other = gaz.districts[index]
                if index != best and f"{other.name}, {other.state}" not in out.candidates:
                    out.candidates.append(f"{other.name}, {other.state}")
            out.reasons.append("tower fix is near a district border")
    if out.candidates:
        out.candidates.insert(0, f"{district.name}, {district.state}")
        out.reasons.append("also possible: " + "; ".join(out.candidates[1:]))
    strong = {
        max(c.districts, key=lambda k: c.districts[k])
        for c in claims
        if c.strength >= 0.6 and max(c.districts.values()) >= 0.75
    }
    if len(strong) > 1:
        out.reasons.append("strong evidence disagrees: confidence lowered")
    _place_details(ctx, claims, best, out, stations_written)
    out.needs_trace = out.confidence < NEEDS_TRACE_BELOW
    return out


def resolve(ev: Any, ctx: Context) -> Resolution:
    """Resolve one case's evidence. Never raises: bad input gives 'needs a trace'."""
    if not isinstance(ev, Mapping):
        ev = {}
    if ctx.now is None:
        ctx = Context(ctx.gazetteer, ctx.home_state, ctx.ip, ctx.circles, datetime.now(UTC))
    claims, notes = tower_claims(ctx, ev.get("tower"))
    from_text, hints = text_claims(ctx, ev)
    extra, weak = hint_claims(ctx, ev)
    for state, weight in weak.items():
        hints[state] = hints.get(state, 0.0) + weight
    written = [n for k in ("address", "post_text") for n in address.station_names(ev.get(k))]
    out = _decide(ctx, claims + from_text + extra, hints, written)
    for claim in sorted(claims + from_text + extra, key=lambda c: -c.strength)[:6]:
        names = ", ".join(ctx.gazetteer.districts[d].name for d in list(claim.districts)[:3])
        out.reasons.append(f"{claim.label} -> {names} ({claim.strength:.2f})")
    out.reasons.extend(notes)
    return out
