"""Text normalisation for place names in Latin and Devanagari script.

Three forms are used for matching:

- `latin_key`: lower-case ASCII letters and digits only ("Gautam Buddha Nagar" ->
  "gautambuddhanagar").
- `romanize`: Devanagari to a plain Latin spelling as people type it in Hinglish
  ("लखनऊ" -> "lakhanaoo"); Latin text passes through.
- `skeleton`: a consonant skeleton that forgives vowel spelling, aspiration and the
  inherent vowel, so "Lucknow", "Lakhnau" and "लखनऊ" share one key ("lkn").

Pure functions, no Django.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_CONSONANTS = {
    "क": "k",
    "ख": "kh",
    "ग": "g",
    "घ": "gh",
    "ङ": "n",
    "च": "ch",
    "छ": "chh",
    "ज": "j",
    "झ": "jh",
    "ञ": "n",
    "ट": "t",
    "ठ": "th",
    "ड": "d",
    "ढ": "dh",
    "ण": "n",
    "त": "t",
    "थ": "th",
    "द": "d",
    "ध": "dh",
    "न": "n",
    "प": "p",
    "फ": "ph",
    "ब": "b",
    "भ": "bh",
    "म": "m",
    "य": "y",
    "र": "r",
    "ल": "l",
    "व": "v",
    "श": "sh",
    "ष": "sh",
    "स": "s",
    "ह": "h",
    "ळ": "l",
}
# NFC splits क़ ज़ ड़ ... into base + nukta; the nukta changes the sound of the base.
_NUKTA_SOUNDS = {"k": "q", "j": "z", "d": "r", "dh": "rh", "ph": "f"}
_VOWELS = {
    "अ": "a",
    "आ": "aa",
    "इ": "i",
    "ई": "ee",
    "उ": "u",
    "ऊ": "oo",
    "ऋ": "ri",
    "ए": "e",
    "ऐ": "ai",
    "ओ": "o",
    "औ": "au",
    "ऑ": "o",
    "ऍ": "e",
}
_MATRAS = {
    "ा": "aa",
    "ि": "i",
    "ी": "ee",
    "ु": "u",
    "ू": "oo",
    "ृ": "ri",
    "े": "e",
    "ै": "ai",
    "ो": "o",
    "ौ": "au",
    "ॅ": "e",
    "ॉ": "o",
}
_VIRAMA, _NUKTA_SIGN = "्", "़"
_NASALS = {"\u0902": "n", "\u0901": "n", "\u0903": "h"}  # anusvara, chandrabindu, visarga
_DEV_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")

_WORD = re.compile(r"[0-9a-z]+|[\u0900-\u097f]+", re.IGNORECASE)
_NON_KEY = re.compile(r"[^0-9a-z]+")
_SKELETON_RULES = (
    ("chh", "c"),
    ("ch", "c"),
    ("ck", "k"),
    ("sh", "s"),
    ("kh", "k"),
    ("gh", "g"),
    ("th", "t"),
    ("dh", "d"),
    ("ph", "p"),
    ("bh", "b"),
    ("jh", "j"),
    ("rh", "r"),
    ("f", "p"),
    ("z", "j"),
    ("q", "k"),
    ("x", "ks"),
    ("w", "v"),
    ("mb", "nb"),
    ("mp", "np"),
)
_DROPPED = set("aeiouyvh")


def has_devanagari(text: str) -> bool:
    """True if the text holds any Devanagari letter."""
    return any("\u0900" <= ch <= "\u097f" for ch in text)


def _romanize_word(word: str) -> str:
    out: list[str] = []
    pending_a = False  # a consonant waits for its inherent vowel
    for ch in word:
        if ch in _CONSONANTS:
            if pending_a:
                out.append("a")
            out.append(_CONSONANTS[ch])
            pending_a = True
        elif ch in _MATRAS:
            out.append(_MATRAS[ch])
            pending_a = False
        elif ch == _VIRAMA:
            pending_a = False
        elif ch in _VOWELS:
            if pending_a:
                out.append("a")
            out.append(_VOWELS[ch])
            pending_a = False
        elif ch == _NUKTA_SIGN:
            if out and pending_a:
                out[-1] = _NUKTA_SOUNDS.get(out[-1], out[-1])
        elif ch in _NASALS:
            if pending_a:
                out.append("a")
            out.append(_NASALS[ch])
            pending_a = False
    # The inherent vowel of the last consonant is not spoken (schwa deletion).
    return "".join(out)


@lru_cache(maxsize=65536)
def romanize(text: str) -> str:
    """Devanagari words to Hinglish-style Latin; other text is lower-cased, digits kept."""
    text = unicodedata.normalize("NFC", text).translate(_DEV_DIGITS)
    if not has_devanagari(text):
        return text.lower()
    parts: list[str] = []
    last = 0
    for match in re.finditer(r"[\u0900-\u097f]+", text):
        parts.append(text[last : match.start()].lower())
        parts.append(_romanize_word(match.group()))
        last = match.end()
    parts.append(text[last:].lower())
    return "".join(parts)


@lru_cache(maxsize=131072)
def latin_key(text: str) -> str:
    """Lower-case ASCII letters and digits only, after romanising Devanagari."""
    folded = unicodedata.normalize("NFKD", romanize(text)).encode("ascii", "ignore").decode()
    return _NON_KEY.sub("", folded.lower())


@lru_cache(maxsize=131072)
def skeleton(text: str) -> str:
    """Consonant skeleton of a name: vowels, h, y, v dropped; aspirates folded; runs collapsed."""
    key = latin_key(text)
    if not key:
        return ""
    initial_vowel = key[0] in "aeiou"
    for old, new in _SKELETON_RULES:
        key = key.replace(old, new)
    letters = [ch for ch in key if ch not in _DROPPED]
    collapsed: list[str] = []
    for ch in letters:
        if not collapsed or collapsed[-1] != ch:
            collapsed.append(ch)
    return ("a" if initial_vowel else "") + "".join(collapsed)


def words(text: str) -> list[str]:
    """Words of a text (Latin or Devanagari runs), romanised and lower-cased."""
    text = unicodedata.normalize("NFC", text).translate(_DEV_DIGITS)
    return [romanize(w) if has_devanagari(w) else w.lower() for w in _WORD.findall(text)]
