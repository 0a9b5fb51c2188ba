"""Evidence -> claims: each piece of evidence, what it is worth and which districts it means.

A claim's strength is what the evidence is worth when it is right (a fresh tower fix 1.0, a
PIN 0.85, a district named in an address 0.9, a profile city 0.3 ...); its districts carry
shares that add up to one (an ambiguous name spreads over every district it may mean).
Weak state-level hints (phone circle, IP, a state named in text) are kept apart: they only
break ties between districts other evidence already points at.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from jeevanrekha.geo import address, evidence
from jeevanrekha.geo.aliases import CITY_STATES, HOME_STATE_DEFAULT, PIN_CIRCLE_STATES, POST_WORDS
from jeevanrekha.geo.gazetteer import Gazetteer, Place
from jeevanrekha.geo.iplookup import IpLocator

BORDER_METRES = 2000.0
FIELD_WEIGHT = {"address": 1.0, "post_text": 0.8, "profile_location": 0.35}
ROLE_STRENGTH = {
    "district": 0.9,
    "subdistrict": 0.75,
    "station": 0.7,
    "locality": 0.65,
    "post": 0.65,
    "near": 0.65,
}
KIND_STRENGTH = {
    "district": 0.8,
    "city": 0.8,
    "landmark": 0.7,
    "subdistrict": 0.6,
    "locality": 0.4,
    "state": 0.0,
}


@dataclass
class Claim:
    """One piece of evidence: its worth, the districts it points at, a point if it has one."""

    source: str
    strength: float
    districts: dict[int, float]  # district index -> share (shares sum to 1)
    points: dict[int, tuple[float, float, float]] = field(default_factory=dict)  # lat, lon, m
    subs: dict[int, str] = field(default_factory=dict)  # district index -> sub-district
    label: str = ""


@dataclass
class Context:
    """What the resolver needs besides the evidence."""

    gazetteer: Gazetteer
    home_state: str = HOME_STATE_DEFAULT
    ip: IpLocator | None = None
    circles: evidence.CircleTable | None = None
    now: datetime | None = None


def tower_claims(ctx: Context, raw: Any) -> tuple[list[Claim], list[str]]:
    tower = evidence.parse_tower(raw)
    if tower is None:
        return [], ["tower: unusable fix ignored"] if raw else []
    gaz = ctx.gazetteer
    strength, notes = 1.0, []
    if tower.observed_at and ctx.now:
        hours = max(0.0, (ctx.now - tower.observed_at).total_seconds() / 3600)
        strength = max(0.5, 1.0 - hours / 48)
        if hours > 6:
            notes.append(f"tower: fix is {hours:.0f} h old")
    near = gaz.districts_near(tower.lat, tower.lon, max(BORDER_METRES, tower.radius_m))
    inside = gaz.district_at(tower.lat, tower.lon)
    if inside is None and not near:
        return [], ["tower: fix is outside India"]
    main = inside if inside is not None else near[0][0]
    shares = {main: 1.0}
    margin = max(500.0, tower.radius_m * 0.5)
    for index, metres in near:
        if index != main and metres <= margin:
            shares[index] = 0.25
    total = sum(shares.values())
    point = (tower.lat, tower.lon, tower.radius_m)
    label = f"tower fix ±{tower.radius_m:.0f} m"
    shares = {k: v / total for k, v in shares.items()}
    claim = Claim("tower", strength, shares, dict.fromkeys(shares, point), {}, label)
    return [claim], notes


def _pin_claims(ctx: Context, text: str, source: str, weight: float) -> list[Claim]:
    claims = []
    for code in evidence.find_pins(text)[:3]:
        info = ctx.gazetteer.pin(code)
        if info is None:
            continue
        shares = {info.district: info.share}
        for other in info.others:
            shares[other] = (1 - info.share) / max(1, len(info.others))
        circle = PIN_CIRCLE_STATES.get(str(code)[:2])
        if circle:  # districts outside the PIN's postal circle are the directory's errors
            shares = {
                d: share
                for d, share in shares.items()
                if ctx.gazetteer.districts[d].state in circle
            }
            if not shares:
                continue
        points = {}
        if info.district in shares and not math.isnan(info.lat):
            points = {info.district: (info.lat, info.lon, 5000.0)}
        subs = {info.district: info.sub_district} if info.sub_district and points else {}
        strength = 0.85 * max(weight, 0.8)
        claims.append(Claim("pin", strength, shares, points, subs, f"PIN {code}"))
    return claims


def _mention_claim(ctx: Context, mention: address.Mention, source: str) -> Claim | None:
    places = [p for p in mention.places if p.kind != "state"]
    if not places:
        return None
    if mention.how != "exact" and mention.role in ("plain", "origin") and source != "address":
        # Outside an address only well-known names may be matched loosely.
        places = [p for p in places if p.kind in ("district", "city")]
        if not places:
            return None
    best_kind = max(places, key=lambda p: _kind_order(p.kind)).kind
    if any(p.state == ctx.home_state for p in places if p.kind == "locality"):
        # Villages of one name are everywhere; an alert to this desk means the home state's.
        places = [p for p in places if p.kind != "locality" or p.state == ctx.home_state]
    if mention.role in ("plain", "origin"):
        strength = KIND_STRENGTH.get(best_kind, 0.4)
        if best_kind == "locality" and source != "address":
            strength = 0.25 if " " in mention.text else 0.15
    else:
        strength = ROLE_STRENGTH.get(mention.role, 0.5)
    if mention.how != "exact":
        strength *= 0.85 if best_kind != "locality" else 0.6
    strength *= FIELD_WEIGHT.get(source, 0.8)
    by_district: dict[int, Place] = {}
    for place in sorted(places, key=lambda p: -_kind_order(p.kind)):
        by_district.setdefault(place.district, place)
    share = 1.0 / len(by_district)
    points, subs = {}, {}
    for index, place in by_district.items():
        if not math.isnan(place.lat) and place.kind in ("locality", "landmark", "subdistrict"):
            points[index] = (place.lat, place.lon, 3000.0 if place.kind != "subdistrict" else 15e3)
        if place.sub_district:
            subs[index] = place.sub_district
    shares = dict.fromkeys(by_district, share)
    return Claim(source, strength, shares, points, subs, f"{source}: '{mention.text}'")


def _within(mention: address.Mention, fits: Callable[[Place], bool]) -> address.Mention:
    """Keep only the places of that name that fit other evidence in the same text
    (the state written beside it, the PIN's district), when any do."""
    inside = tuple(p for p in mention.candidates if p.kind != "state" and fits(p))
    if not inside or all(fits(p) for p in mention.places if p.kind != "state"):
        return mention
    places = address.filter_places(list(inside), mention.role)
    return address.Mention(
        mention.text, mention.role, places, mention.how, mention.devanagari, mention.candidates
    )


def _in_states(states: set[str]) -> Callable[[Place], bool]:
    return lambda place: place.state in states


def _in_districts(districts: set[int]) -> Callable[[Place], bool]:
    return lambda place: place.district in districts


def _city_state_claim(ctx: Context, state: str, weight: float, text: str) -> Claim:
    """Delhi named as a place: a claim on the city, spread over its districts."""
    mine = [d.index for d in ctx.gazetteer.districts if d.state == state]
    shares = dict.fromkeys(mine, 1.0 / max(1, len(mine)))
    return Claim("text", KIND_STRENGTH["city"] * weight, shares, {}, {}, f"text: '{text}'")


def _kind_order(kind: str) -> int:
    return {"district": 5, "city": 4, "landmark": 3, "subdistrict": 2, "locality": 1}.get(kind, 0)


def text_claims(ctx: Context, ev: Mapping[str, Any]) -> tuple[list[Claim], dict[str, float]]:
    """Claims and state hints from the post, the profile location and the address."""
    claims: list[Claim] = []
    state_hints: dict[str, float] = defaultdict(float)
    for source in ("address", "post_text", "profile_location"):
        text = ev.get(source)
        if isinstance(text, str):
            claims += _claims_of_text(ctx, text, source, state_hints)
    return claims, state_hints


_MAJOR = frozenset({"state", "district", "city"})


def _names_a_place_in_a_post(mention: address.Mention, named_states: set[str]) -> bool:
    """Whether a mention in a post's running text is a place, not an everyday word.

    One word of a post names a place when it is spelt exactly as the place is and is not
    also a common Hindi word ("gaya": went; "sakta": can) — unless the post names the
    place's state too ("Gaya, Bihar"); a loose spelling counts only for a district, city
    or state ("lakhnau"), never for a village or locality ("karna" is not Kairana)."""
    if len(mention.text.split()) > 1:
        return True
    if mention.text in POST_WORDS:
        return any(p.state in named_states for p in mention.places if p.kind != "state")
    return mention.how == "exact" or any(p.kind in _MAJOR for p in mention.places)


def _claims_of_text(
    ctx: Context, text: str, source: str, state_hints: dict[str, float]
) -> list[Claim]:
    weight = FIELD_WEIGHT[source]
    pins = _pin_claims(ctx, text, source, weight)
    pin_districts = {d for c in pins for d in c.districts}
    found = address.mentions(ctx.gazetteer, text)
    named_states = {p.state for m in found for p in m.places if p.kind == "state"}
    if source == "post_text":
        found = [m for m in found if _names_a_place_in_a_post(m, named_states)]
    claims: list[Claim] = list(pins)
    origins: list[Claim] = []
    for mention in found:
        states = {p.state for p in mention.places if p.kind == "state"}
        for state in states:
            state_hints[state] += 0.5 * weight / len(states)
            if state in CITY_STATES:
                claims.append(_city_state_claim(ctx, state, weight, mention.text))
        narrowed = _within(mention, _in_states(named_states))
        agrees = narrowed is not mention or (
            bool(named_states) and all(p.state in named_states for p in mention.places)
        )
        mention = _within(narrowed, _in_districts(pin_districts))
        claim = _mention_claim(ctx, mention, source)
        if claim is None:
            continue
        if agrees:
            claim.strength = min(0.9, claim.strength * 1.5)  # name and state agree
        elif named_states and not states:
            claim.strength *= 0.5  # the text names another state than this place's
        if pin_districts and not pin_districts & set(claim.districts):
            claim.strength *= 0.3 if mention.role not in ("district", "plain", "origin") else 0.7
        (origins if mention.role == "origin" else claims).append(claim)
    if len(claims) > len(pins):
        for claim in origins:
            claim.strength *= 0.6  # "from X ... now in Y": where they are now wins
    return claims + origins


def hint_claims(ctx: Context, ev: Mapping[str, Any]) -> tuple[list[Claim], dict[str, float]]:
    claims: list[Claim] = []
    hints: dict[str, float] = defaultdict(float)
    phone = evidence.parse_phone(ev.get("phone"))
    if phone and phone.std:
        state, district = evidence.STD_CODES[phone.std]
        index = ctx.gazetteer.district_index(state, district) if district else None
        if index is not None:
            label = f"landline STD 0{phone.std}"
            claims.append(Claim("phone", 0.45, {index: 1.0}, {}, {}, label))
        hints[state] += 0.2
    elif phone and ctx.circles:
        circle = ctx.circles.circle(phone)
        for state in evidence.CIRCLE_STATES.get(circle, ()):
            hints[state] += 0.15 / len(evidence.CIRCLE_STATES[circle])
    ip = evidence.parse_ip(ev.get("ip"))
    if ip is not None and ctx.ip is not None:
        state = ctx.ip.state(ip)
        if state:
            hints[state] += 0.1
    return claims, hints
