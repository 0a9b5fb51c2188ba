"""Case templates for the locate evaluation set (the project's own text; see locate_evalset)."""

from __future__ import annotations

import random
import re

_V_INIT = {
    "aa": "आ",
    "a": "अ",
    "i": "इ",
    "ee": "ई",
    "u": "उ",
    "oo": "ऊ",
    "e": "ए",
    "ai": "ऐ",
    "o": "ओ",
    "au": "औ",
}
_V_SIGN = {
    "aa": "ा",
    "a": "",
    "i": "ि",
    "ee": "ी",
    "u": "ु",
    "oo": "ू",
    "e": "े",
    "ai": "ै",
    "o": "ो",
    "au": "ौ",
}
_CONS = {
    "chh": "छ",
    "kh": "ख",
    "gh": "घ",
    "ch": "च",
    "jh": "झ",
    "th": "थ",
    "dh": "ध",
    "ph": "फ",
    "bh": "भ",
    "sh": "श",
    "k": "क",
    "g": "ग",
    "j": "ज",
    "t": "त",
    "d": "द",
    "n": "न",
    "p": "प",
    "b": "ब",
    "m": "म",
    "y": "य",
    "r": "र",
    "l": "ल",
    "v": "व",
    "w": "व",
    "s": "स",
    "h": "ह",
    "z": "ज़",
    "f": "फ़",
    "q": "क",
    "c": "क",
    "x": "क्स",
}
_TOKEN = re.compile(r"chh|kh|gh|ch|jh|th|dh|ph|bh|sh|aa|ee|oo|ai|au|[a-z]")


def to_devanagari(text: str) -> str:
    """A crude Latin -> Devanagari spelling, the way a hurried Hindi typist might write it."""
    out = []
    for word in text.lower().split():
        parts = _TOKEN.findall(word)
        letters: list[str] = []
        prev_cons = False
        for i, part in enumerate(parts):
            if part in _CONS:
                if prev_cons:
                    letters.append("्")
                letters.append(_CONS[part])
                prev_cons = True
            elif part in _V_SIGN:
                last = i == len(parts) - 1
                sign = "ा" if (part == "a" and last and prev_cons) else _V_SIGN[part]
                letters.append(sign if prev_cons else _V_INIT[part])
                prev_cons = False
        out.append("".join(letters))
    return " ".join(out)


def typo(name: str, rng: random.Random) -> str:
    """One realistic typo: a dropped, doubled or swapped letter, or an h dropped."""
    letters = list(name)
    inner = [i for i in range(1, len(letters) - 1) if letters[i].isalpha()]
    if not inner:
        return name
    kind, i = rng.choice(("drop", "double", "swap", "h")), rng.choice(inner)
    if kind == "h" and "h" in name[1:]:
        j = name.index("h", 1)
        return name[:j] + name[j + 1 :]
    if kind == "swap" and i + 1 < len(letters) and letters[i + 1].isalpha():
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    elif kind == "double":
        letters.insert(i, letters[i])
    else:
        del letters[i]
    return "".join(letters)


DISTRICT_POST = {
    "en": [
        "I am in {d} and I can't go on",
        "Living in {d}. This is my last post",
        "{d} - nobody will miss me",
        "at home in {d}, ending it tonight",
    ],
    "hinglish": [
        "main {d} me hoon, ab jeena nahi",
        "{d} se hu, aaj sab khatam",
        "mera ghar {d} me hai, alvida",
        "{d} wale dosto bye, main ja raha",
    ],
    "hi": [
        "मैं {d} में हूँ, अब जीना नहीं चाहता",
        "{d} से हूँ, आज सब खत्म",
        "मेरा घर {d} में है, अलविदा",
        "{d} के दोस्तों, माफ करना",
    ],
}
STRUCTURED = {
    "en": [
        "Village {o}, Post {o}, District {d}",
        "{o}, {d} district, Uttar Pradesh",
        "Vill. {o}, Tehsil {t}, Distt. {d}",
    ],
    "hinglish": [
        "gram {o}, thana {o}, jila {d}",
        "gaon {o}, tehsil {t}, jila {d}",
        "mohalla {o}, {d} jile me",
    ],
    "hi": ["ग्राम {o}, पोस्ट {o}, जनपद {d}", "ग्राम {o}, तहसील {t}, जिला {d}", "मोहल्ला {o}, जिला {d}"],
}
PIN_ADDRESS = {
    "en": ["{o}, {d} - {p}", "House 12, {o}, PIN {p}", "{o} post office, {p}"],
    "hinglish": ["ghar {o} me hai, pin {p}", "{o}, {d}, pincode {p}", "{o} ke paas, {p}"],
    "hi": ["{o}, {d} पिन {p}", "मकान 4, {o}, पिनकोड {p}", "{o} डाकघर, {p}"],
}
NEAR = {
    "en": ["near {o}, {d}", "behind {o} in {d}", "I am standing near {o}, {d}"],
    "hinglish": ["{o} ke paas hoon, {d}", "{d} me {o} ke peeche", "{o} ke saamne, {d}"],
    "hi": ["{o} के पास हूँ, {d}", "{d} में {o} के पीछे", "{o} के सामने, {d}"],
}
LOCALITY = {
    "en": ["{o}", "I live at {o}"],
    "hinglish": ["{o} me rehta hu", "ghar {o} me"],
    "hi": ["{o} में रहता हूँ", "घर {o} में"],
}
STATE_POST = {
    "en": ["I am in {d}, {s}", "{d} ({s}) - last post"],
    "hinglish": ["main {d}, {s} me hoon", "{s} ke {d} se hu"],
    "hi": ["मैं {d}, {s} में हूँ", "{s} के {d} से हूँ"],
}
STATE_HI = {
    "Rajasthan": "राजस्थान",
    "Bihar": "बिहार",
    "Maharashtra": "महाराष्ट्र",
    "Chhattisgarh": "छत्तीसगढ़",
    "Himachal Pradesh": "हिमाचल प्रदेश",
    "Uttar Pradesh": "उत्तर प्रदेश",
    "Delhi": "दिल्ली",
    "Madhya Pradesh": "मध्य प्रदेश",
    "Haryana": "हरियाणा",
    "Uttarakhand": "उत्तराखंड",
    "West Bengal": "पश्चिम बंगाल",
    "Jharkhand": "झारखंड",
    "Punjab": "पंजाब",
    "Gujarat": "गुजरात",
}
