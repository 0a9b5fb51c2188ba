#!/usr/bin/env python3
"""The labelled evaluation set for `locate`, generated (seeded) from ../shared/data/geo.

Ground truth never comes from the resolver: a post office's district is where the HT/Srishti
UP district polygons put its coordinates, and a case is kept only when the India Post
directory agrees (names compared through the project's alias table, which only says that
"Allahabad" and "Prayagraj" are one district). Other states' truth is the directory's state,
checked against the HT state polygons. Border cases are office points within 2 km of the
Ghaziabad/Delhi, Gautam Buddha Nagar/Delhi and Kanpur Nagar/Kanpur Dehat borders.

The sentences are the project's own templates in English, Hinglish and Hindi (Devanagari
district names from GeoNames where it has them, a crude transliteration otherwise).

    .venv/bin/python bench/locate_evalset.py --out var/locate_evalset.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import Point

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from locate_truth import (  # noqa: E402
    HOME,
    Office,
    _display,
    _features,
    devanagari_names,
    ip_ranges,
    load_offices,
    phone_series,
    shared_dir,
    tehsils,
)

from jeevanrekha.geo.text import latin_key  # noqa: E402

NOW = datetime(2026, 6, 1, 3, 25, tzinfo=UTC)
SEED = 20260601
LANGS = ("en", "hinglish", "hi")
BORDERS = (
    ("Ghaziabad", "Delhi"),
    ("Gautam Buddha Nagar", "Delhi"),
    ("Kanpur Nagar", "Kanpur Dehat"),
)
AMBIGUOUS = ("Aurangabad", "Pratapgarh", "Bilaspur", "Hamirpur", "Rampur", "Balrampur")
OLD_NAMES = {
    "Allahabad": "Prayagraj",
    "Faizabad": "Ayodhya",
    "Noida": "Gautam Buddha Nagar",
    "Bhadohi": "Bhadohi",
    "Sant Ravidas Nagar": "Bhadohi",
    "Greater Noida": "Gautam Buddha Nagar",
    "Lakhimpur Kheri": "Kheri",
    "Banaras": "Varanasi",
}
NO_PLACE = {
    "en": [
        "I can't take it anymore, today is my last day",
        "goodbye everyone, I am ending it",
        "nobody cares, I will jump tonight",
        "sorry mom, I am done with this life",
    ],
    "hinglish": [
        "aaj sab khatam kar dunga, alvida",
        "mujhse ab nahi jiya jata, bye sabko",
        "ghar wale maaf karna, aaj last din hai",
        "koi nahi samjhta, main ja raha hoon",
    ],
    "hi": [
        "आज मैं आत्महत्या कर रहा हूं. मजबूरी है मेरी",
        "अब और नहीं सहा जाता, अलविदा",
        "माफ करना माँ, आज आखिरी दिन है",
        "कोई नहीं समझता, मैं जा रहा हूँ",
    ],
}


@dataclass
class Case:
    """One evaluation case: evidence in, truth out, language and difficulty tags."""

    id: str
    lang: str
    tags: list[str]
    evidence: dict[str, Any]
    state: str | None
    district: str | None
    other_state: bool
    usable: bool
    extra: dict[str, Any] = field(default_factory=dict)


class Maker:
    """Draws cases of each kind from the verified offices."""

    def __init__(self, base: Path, rng: random.Random) -> None:
        from locate_cases import to_devanagari

        self.rng, self.dev = rng, to_devanagari
        self.up, self.other = load_offices(base)
        self.clean = [o for o in self.up if o.border_m >= 1500 and len(o.name) >= 4]
        counts: dict[str, set[str]] = defaultdict(set)
        for o in self.up:
            counts[latin_key(o.name)].add(o.district)
        self.unique = [
            o
            for o in self.clean
            if len(counts[latin_key(o.name)]) == 1 and len(latin_key(o.name)) >= 7
        ]
        self.by_district: dict[str, list[Office]] = defaultdict(list)
        for o in self.clean:
            self.by_district[o.district].append(o)
        self.hindi = devanagari_names(base)
        self.tehsil = tehsils(base)
        self.series = phone_series(base)
        self.ips = ip_ranges(base, {"Uttar Pradesh", "Maharashtra", "Karnataka", "Delhi", "Bihar"})
        self.n = 0

    def case(
        self,
        lang: str,
        tags: list[str],
        ev: dict[str, Any],
        state: str | None,
        district: str | None,
        usable: bool = True,
    ) -> Case:
        self.n += 1
        other = state is not None and state != HOME
        return Case(f"ev{self.n:04d}", lang, tags, ev, state, district, other, usable)

    def dname(self, district: str, lang: str) -> str:
        if lang == "hi":
            return self.hindi.get(latin_key(district)) or self.dev(district)
        return district.lower() if lang == "hinglish" and self.rng.random() < 0.5 else district

    def oname(self, office: Office, lang: str) -> str:
        if lang == "hi":
            return self.dev(office.name)
        return office.name.lower() if lang == "hinglish" else office.name

    def phone(self, circle: str) -> str:
        series = self.rng.choice(self.series[circle])
        rest = "".join(str(self.rng.randrange(10)) for _ in range(6))
        return self.rng.choice(("+91", "0", "", "+91 ")) + series + rest

    def ip(self, state: str) -> str:
        import ipaddress

        start, end = self.rng.choice(self.ips[state])
        low, high = int(ipaddress.ip_address(start)), int(ipaddress.ip_address(end))
        return str(ipaddress.ip_address(self.rng.randint(low, high)))

    def tower(self, lat: float, lon: float, minutes: int = 5, radius: float = 0) -> dict[str, Any]:
        jitter = 0.0015
        return {
            "lat": round(lat + self.rng.uniform(-jitter, jitter), 6),
            "lon": round(lon + self.rng.uniform(-jitter, jitter), 6),
            "radius_m": radius or self.rng.choice((150, 300, 600, 1200)),
            "observed_at": (NOW - timedelta(minutes=minutes)).isoformat(),
        }

    # -- kinds of case ------------------------------------------------------------------

    def pin_address(self, lang: str) -> Case:
        from locate_cases import PIN_ADDRESS

        o = self.rng.choice(self.clean)
        text = self.rng.choice(PIN_ADDRESS[lang]).format(
            o=self.oname(o, lang), d=self.dname(o.district, lang), p=o.pin
        )
        return self.case(lang, ["pin"], {"address": text}, HOME, o.district)

    def tower_fresh(self, lang: str) -> Case:
        o = self.rng.choice(self.clean)
        ev = {"tower": self.tower(o.lat, o.lon), "post_text": self.rng.choice(NO_PLACE[lang])}
        return self.case(lang, ["tower"], ev, HOME, o.district)

    def structured(self, lang: str) -> Case:
        from locate_cases import STRUCTURED

        o = self.rng.choice(self.clean)
        template = self.rng.choice(STRUCTURED[lang])
        tehsil = self.tehsil.get(o.pin, o.name)
        text = template.format(
            o=self.oname(o, lang),
            d=self.dname(o.district, lang),
            t=self.dev(tehsil) if lang == "hi" else tehsil,
        )
        return self.case(lang, ["structured_address"], {"address": text}, HOME, o.district)

    def district_post(self, lang: str) -> Case:
        from locate_cases import DISTRICT_POST

        district = self.rng.choice(sorted(self.by_district))
        text = self.rng.choice(DISTRICT_POST[lang]).format(d=self.dname(district, lang))
        field_name = self.rng.choice(("post_text", "post_text", "profile_location"))
        tags = ["district_mention"] + (["profile_only"] if field_name == "profile_location" else [])
        return self.case(lang, tags, {field_name: text}, HOME, district)

    def near_landmark(self, lang: str) -> Case:
        from locate_cases import NEAR

        o = self.rng.choice(self.clean)
        text = self.rng.choice(NEAR[lang]).format(
            o=self.oname(o, lang), d=self.dname(o.district, lang)
        )
        return self.case(lang, ["landmark"], {"post_text": text}, HOME, o.district)

    def locality_only(self, lang: str) -> Case:
        from locate_cases import LOCALITY

        o = self.rng.choice(self.unique)
        text = self.rng.choice(LOCALITY[lang]).format(o=self.oname(o, lang))
        return self.case(lang, ["locality_only"], {"address": text}, HOME, o.district)

    def typo(self, lang: str) -> Case:
        from locate_cases import DISTRICT_POST, typo

        district = self.rng.choice([d for d in sorted(self.by_district) if len(d) >= 6])
        written = typo(district, self.rng)
        if lang == "hi":
            written = self.dev(typo(district.lower(), self.rng))
        text = self.rng.choice(DISTRICT_POST[lang]).format(d=written)
        return self.case(lang, ["typo"], {"post_text": text}, HOME, district)

    def old_name(self, lang: str) -> Case:
        from locate_cases import DISTRICT_POST

        old = self.rng.choice(sorted(OLD_NAMES))
        written = self.dev(old) if lang == "hi" else old
        text = self.rng.choice(DISTRICT_POST[lang]).format(d=written)
        return self.case(lang, ["old_name"], {"post_text": text}, HOME, OLD_NAMES[old])

    def stale_vs_fresh(self, lang: str) -> Case:
        o = self.rng.choice(self.clean)
        elsewhere = self.rng.choice([d for d in sorted(self.by_district) if d != o.district])
        ev = {
            "profile_location": self.dname(elsewhere, lang),
            "post_text": self.rng.choice(NO_PLACE[lang]),
            "tower": self.tower(o.lat, o.lon, minutes=self.rng.randrange(2, 30)),
        }
        return self.case(lang, ["stale_vs_fresh", "tower"], ev, HOME, o.district)

    def no_evidence(self, lang: str) -> Case:
        ev: dict[str, Any] = {"post_text": self.rng.choice(NO_PLACE[lang])}
        extra = self.rng.random()
        if extra < 0.3:
            ev["ip"] = self.ip("Uttar Pradesh")
        elif extra < 0.6:
            ev["phone"] = self.phone(self.rng.choice(("UE", "UW", "DL")))
        return self.case(lang, ["no_evidence"], ev, None, None, usable=False)

    def _targets(self, name: str) -> list[Office]:
        key = latin_key(name)
        pool = [o for o in self.clean if latin_key(o.district) == key]
        pool += [o for o in self.other if latin_key(o.district) == key]
        return pool

    def ambiguous(self, lang: str) -> Case:
        from locate_cases import STATE_HI

        name = self.rng.choice(AMBIGUOUS)
        pool = self._targets(name)
        states = sorted({o.state for o in pool})
        o = self.rng.choice([p for p in pool if p.state == self.rng.choice(states)])
        written = self.dev(name) if lang == "hi" else name
        how = self.rng.choice(("state", "pin", "tower", "phone"))
        ev: dict[str, Any] = {
            "post_text": f"{written} "
            + {"en": "is where I am", "hinglish": "me hoon", "hi": "में हूँ"}[lang]
        }
        if how == "state":
            state = STATE_HI.get(o.state, o.state) if lang == "hi" else o.state
            ev["post_text"] = f"{written}, {state} " + ev["post_text"].split(" ", 1)[1]
        elif how == "pin":
            ev["address"] = f"{self.oname(o, lang)}, {o.pin}"
        elif how == "tower":
            ev["tower"] = self.tower(o.lat, o.lon)
        else:
            circle = {
                "Uttar Pradesh": "UE",
                "Bihar": "BR",
                "Rajasthan": "RJ",
                "Maharashtra": "MH",
                "Himachal Pradesh": "HP",
                "Chhattisgarh": "MP",
            }.get(o.state, "")
            if not circle:
                ev["address"] = f"{o.pin}"
            else:
                ev["phone"] = self.phone(circle)
        tags = ["ambiguous", f"ambiguous_by_{how}"]
        return self.case(lang, tags, ev, o.state, o.district)

    def ambiguous_alone(self, lang: str) -> Case:
        name = self.rng.choice(("Pratapgarh", "Hamirpur", "Balrampur"))  # in UP and elsewhere
        written = self.dev(name) if lang == "hi" else name
        text = {
            "en": f"{written}, that's where I am",
            "hinglish": f"{written} me hoon abhi",
            "hi": f"{written} में हूँ अभी",
        }[lang]
        return self.case(lang, ["ambiguous_alone"], {"post_text": text}, None, None, usable=False)

    def other_state(self, lang: str) -> Case:
        from locate_cases import STATE_HI, STATE_POST

        o = self.rng.choice([p for p in self.other if len(p.name) >= 4])
        how = self.rng.choice(("pin", "tower", "text"))
        if how == "text":
            o = self.rng.choice([p for p in self.other if len(p.district) >= 4])
        ev: dict[str, Any] = {"post_text": self.rng.choice(NO_PLACE[lang])}
        if how == "pin":
            ev["address"] = f"{self.oname(o, lang)}, {o.pin}"
        elif how == "tower":
            ev["tower"] = self.tower(o.lat, o.lon, radius=300)
        else:
            state = STATE_HI.get(o.state, o.state) if lang == "hi" else o.state
            district = self.dev(o.district) if lang == "hi" else o.district
            ev["post_text"] = self.rng.choice(STATE_POST[lang]).format(d=district, s=state)
        tags = ["other_state", f"other_state_by_{how}"]
        return self.case(lang, tags, ev, o.state, o.district or None)

    def border(self, lang: str) -> Case | None:
        o = self.rng.choice(self.border_offices)
        tower = self.tower(o.lat, o.lon, radius=self.rng.choice((150, 300, 500)))
        tower["lat"], tower["lon"] = o.lat, o.lon  # the office point itself: truth is checked there
        ev = {"tower": tower, "post_text": self.rng.choice(NO_PLACE[lang])}
        return self.case(lang, ["border"], ev, o.state, o.district or None)

    def find_border_offices(self, base: Path) -> None:
        up = dict(_features(base / "ht-shapefiles" / "uttarpradesh_district.json", "district"))
        states = dict(_features(base / "ht-shapefiles" / "india_state.json", "ST_NM"))
        polys = {_display(k): v for k, v in up.items()} | {"Delhi": states["NCT of Delhi"]}
        found = []
        for a, b in BORDERS:
            for o in self.up + [p for p in self.other if p.state == "Delhi"]:
                here = o.district if o.state == HOME else "Delhi"
                if here not in (a, b):
                    continue
                partner = b if here == a else a
                metres = float(shapely.distance(polys[partner], Point(o.lon, o.lat))) * 111_320
                if 150 <= metres <= 2000:
                    found.append(o)
        self.border_offices = found


KINDS = (
    ("pin_address", 45),
    ("tower_fresh", 40),
    ("structured", 45),
    ("district_post", 40),
    ("near_landmark", 30),
    ("locality_only", 20),
    ("typo", 30),
    ("old_name", 15),
    ("stale_vs_fresh", 20),
    ("no_evidence", 40),
    ("ambiguous", 30),
    ("ambiguous_alone", 12),
    ("other_state", 40),
    ("border", 24),
)


def make_cases(base: Path | None = None, seed: int = SEED) -> list[Case]:
    """The whole evaluation set, deterministic for a seed."""
    base = base or shared_dir()
    rng = random.Random(seed)
    maker = Maker(base, rng)
    maker.find_border_offices(base)
    cases = []
    for kind, count in KINDS:
        for i in range(count):
            case = getattr(maker, kind)(LANGS[i % 3])
            if case is not None:
                cases.append(case)
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "locate_evalset.jsonl")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args()
    cases = make_cases(seed=args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as handle:
        for case in cases:
            handle.write(json.dumps(asdict(case), ensure_ascii=False) + "\n")
    print(f"{len(cases)} cases -> {args.out}")


if __name__ == "__main__":
    main()
