"""Place mentions in free text: addresses, posts and profile fields, in Hindi, Hinglish, English.

Recognises the markers people write around place names, before or after them:
"gram X, thana Y, tehsil Z, jila W", "ग्राम X पोस्ट Y जनपद W", "X district", "near X",
"Charbagh station ke peeche"; then looks the names up in the gazetteer exactly, by
consonant skeleton (spelling and script variants) and by fuzzy match (typos).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz import fuzz

from jeevanrekha.geo.aliases import STATE_SHORT, STOPWORDS
from jeevanrekha.geo.gazetteer import Gazetteer, Place
from jeevanrekha.geo.text import has_devanagari, latin_key, romanize, skeleton

# marker word (romanised, lower case) -> the role of the name next to it
MARKERS: dict[str, str] = {}
for _role, _words in {
    "district": "jila jilaa jilla zila zilaa zilla jile jille zile zilla jilaadhikaaree district "
    "distt dist janpad janapad jnpd dt",
    "subdistrict": "tehsil tahsil tahaseel tehseel tehasil teh tah tahaseela subdivision",
    "station": "thana thaanaa thaana thane thaane ps kotwali kotavaalee kotwaali chowki chauki "
    "chaukee police",
    "locality": "gram graam gaon gaanv gaav gav gaanw village vill vil mohalla mohallaa muhalla "
    "mohalle ward colony kaalonee nagar",
    "post": "post po daakaghar dakghar dakkhana",
    "near": "near nr paas pass peeche pichhe peechhe piche peechhe samne saamane saamne saamene "
    "nazdeek najadeek nazadeek najdik nazdik behind opposite opp",
}.items():
    for _word in _words.split():
        MARKERS.setdefault(_word, _role)
# Markers that follow the name only make sense there ("X ke paas", "X district").
_SPLIT = re.compile(r"[,;|\n/()\[\]{}:।\-\u2013]+|\.(?!\w\.)|\s\.\s")
_JOINERS = {
    "ke",
    "ki",
    "ka",
    "se",
    "me",
    "men",
    "mem",
    "mein",
    "main",
    "mai",
    "in",
    "at",
    "of",
    "par",
    "pe",
}
# "Vill- X", "Distt. Y", "P.S.: Z", "जिला-W": the punctuation binds the marker to the name.
_MARKER_PUNCT = re.compile(
    r"\b(vill|village|gram|gaon|post|p\.?o|p\.?s|thana|distt|dist|district|teh|tehsil|jila|"
    r"zila|mohalla|block)\s*[-:.]+\s*|(ग्राम|गांव|पोस्ट|थाना|जिला|ज़िला|जनपद|तहसील|मोहल्ला)\s*[-:]+\s*",
    re.IGNORECASE,
)
MAX_SPAN = 4
_ORIGIN_VERBS = {"hoon", "hun", "hu", "hoo", "rehne", "rahne", "rahane", "hai", "belong", "wala"}
# Generic last words of place names ("Ambedkar Nagar"): not a reason to refuse a loose match.
_SUFFIXES = {"nagar", "ganj", "pur", "bagh", "pura", "bazar", "colony", "khurd", "kalan", "nagr"}
ROAD_WORDS = {"road", "rd", "rod", "marg", "highway", "bypass", "expressway", "sadak", "sarak"}


@dataclass(frozen=True)
class Mention:
    """A place name found in text, the role the text gives it, and the places it may be."""

    text: str
    role: str
    places: tuple[Place, ...]
    how: str
    devanagari: bool
    candidates: tuple[Place, ...] = ()  # every place of that name, before the role filter


def _tokens(segment: str) -> list[tuple[str, bool]]:
    out = []
    for raw in re.findall(r"[0-9A-Za-z]+|[\u0900-\u097f]+", segment):
        dev = has_devanagari(raw)
        out.append((romanize(raw) if dev else raw.lower(), dev))
    return out


def _role_around(tokens: list[tuple[str, bool]], i: int, j: int) -> str:
    if j < len(tokens) and tokens[j][0] in ROAD_WORDS:
        return "road"  # "Sitapur Road" is a road in Lucknow, not Sitapur
    if i > 0 and tokens[i - 1][0] in MARKERS:
        return MARKERS[tokens[i - 1][0]]
    k = j
    while k < len(tokens) and k < j + 2 and tokens[k][0] in _JOINERS:
        k += 1
    if k < len(tokens) and tokens[k][0] in MARKERS:
        role = MARKERS[tokens[k][0]]
        return "locality" if role == "post" else role
    return "origin" if _is_origin(tokens, i, j) else "plain"


def _is_origin(tokens: list[tuple[str, bool]], i: int, j: int) -> bool:
    """ "from X", "X se hoon", "X ka rehne wala": where someone is from, maybe not where now."""
    if i > 0 and tokens[i - 1][0] == "from":
        return True
    after = [t[0] for t in tokens[j : j + 3]]
    return len(after) >= 2 and after[0] in ("se", "ka", "ki") and after[1] in _ORIGIN_VERBS


def filter_places(places: list[Place], role: str) -> tuple[Place, ...]:
    if role == "road":
        return tuple(p for p in places if p.kind in ("locality", "landmark"))
    wanted = {
        "district": ("district", "city"),
        "subdistrict": ("subdistrict",),
        "locality": ("locality", "landmark"),
        "post": ("locality",),
        "near": ("landmark", "locality"),
    }.get(role)
    if wanted:
        chosen = [p for p in places if p.kind in wanted]
        if chosen:
            return tuple(chosen)
    if role in ("plain", "origin"):
        major = [p for p in places if p.kind in ("state", "district", "city", "landmark")]
        if major:
            return tuple(major)
    return tuple(places)


def _loose(gaz: Gazetteer, span: str, dev: bool, single: bool) -> tuple[list[Place], str]:
    """Spelling-tolerant lookup: consonant skeleton and typo distance, best candidates kept."""
    key = latin_key(span)
    pool: list[Place] = []
    if len(key) >= (5 if dev else 6) and (dev or len(key) >= 7 or not single):
        pool += gaz.lookup_skeleton(span)
    if len(key) >= 5:
        pool += gaz.fuzzy(span, cutoff=84.0)
    if not pool:
        return [], ""
    if dev:
        # Romanised Hindi is spelt far from the English name: the skeleton is the evidence,
        # and a short skeleton ("ktr") needs the spelling to agree a little too.
        floor = 45 if len(skeleton(span)) >= 4 else 62
        by_skeleton = [
            p for p in gaz.lookup_skeleton(span) if fuzz.ratio(key, latin_key(p.name)) >= floor
        ]
        major = [p for p in by_skeleton if p.kind != "locality"]
        typo = [
            p for p in pool if p not in by_skeleton and fuzz.ratio(key, latin_key(p.name)) >= 80
        ]
        chosen = major or typo or by_skeleton
        return chosen, "skeleton" if chosen else ""
    scored = [
        (fuzz.ratio(key, latin_key(p.name)) + (4 if p.kind != "locality" else 0), p) for p in pool
    ]
    best = max(score for score, _ in scored)
    if best < 82:
        return [], ""
    return [p for score, p in scored if score >= best - 3], "fuzzy"


def _skip(words: list[str]) -> bool:
    if words[0] in MARKERS or words[-1] in _JOINERS or words[0] in _JOINERS:
        return True
    if len(words) == 1:
        if words[0] in STATE_SHORT:
            return False
        return words[0] in STOPWORDS or len(words[0]) < 3 or words[0].isdigit()
    return any(w.isdigit() for w in words)


def mentions(gaz: Gazetteer, text: object) -> list[Mention]:
    """Every place mention in a text, longest match first, left to right."""
    if not isinstance(text, str) or not text.strip():
        return []
    text = unicodedata.normalize("NFC", text[:4000])
    text = _MARKER_PUNCT.sub(lambda m: (m.group(1) or m.group(2)).replace(".", "") + " ", text)
    found: list[Mention] = []
    for segment in _SPLIT.split(text):
        tokens = _tokens(segment)
        i = 0
        while i < len(tokens):
            hit = _match_at(gaz, tokens, i)
            if hit is None:
                i += 1
                continue
            mention, i = hit
            found.append(mention)
    return found


def _match_at(gaz: Gazetteer, tokens: list[tuple[str, bool]], i: int) -> tuple[Mention, int] | None:
    """The longest exact name starting at token i, else the longest loose one."""
    spans = []
    for j in range(min(len(tokens), i + MAX_SPAN), i, -1):
        words = [t[0] for t in tokens[i:j]]
        if not _skip(words):
            spans.append((j, words, any(t[1] for t in tokens[i:j])))
    for j, words, dev in spans:
        places = gaz.lookup(" ".join(words))
        if places:
            return _mention(tokens, i, j, places, "exact", dev), j
        if any(w in STOPWORDS and w not in _SUFFIXES for w in words):
            continue
        if (
            j - i > 1
            and gaz.lookup(words[0])
            and (gaz.lookup(words[-1]) or words[-1] in STATE_SHORT)
        ):
            continue  # "Hamirpur HP", "Aurangabad Bihar": two names, not one misspelt
        places, how = _loose(gaz, " ".join(words), dev, single=j - i == 1)
        if places and (j - i == 1 or any(p.kind != "locality" for p in places)):
            return _mention(tokens, i, j, places, how, dev), j
    return None


def _mention(
    tokens: list[tuple[str, bool]], i: int, j: int, places: list[Place], how: str, dev: bool
) -> Mention:
    role = _role_around(tokens, i, j)
    span = " ".join(t[0] for t in tokens[i:j])
    return Mention(span, role, filter_places(places, role), how, dev, tuple(places))


def station_names(text: object) -> list[str]:
    """Police-station names written in a text: "thana X", "PS X", "X thana", "कोतवाली X"."""
    if not isinstance(text, str):
        return []
    text = _MARKER_PUNCT.sub(lambda m: (m.group(1) or m.group(2)).replace(".", "") + " ", text)
    names = []
    for segment in _SPLIT.split(unicodedata.normalize("NFC", text[:4000])):
        words = [t[0] for t in _tokens(segment)]
        i = 0
        while i < len(words):
            if MARKERS.get(words[i]) != "station" or words[i] == "police":
                i += 1
                continue
            after = _name_words(words[i + 1 : i + 4])
            before = _name_words(list(reversed(words[max(0, i - 2) : i])))[::-1]
            names += [" ".join(ws) for ws in (after, before) if ws]
            i += 1 + len(after)
    return names


def _name_words(words: list[str]) -> list[str]:
    out: list[str] = []
    for word in words:
        stops = MARKERS.get(word) in ("district", "subdistrict", "near", "post")
        if (
            stops
            or word in _JOINERS
            or word in ROAD_WORDS
            or (not out and word in ("ps", "police"))
        ):
            break
        out.append(word)
    return out
