"""Text handling for the risk model: clean-up, Devanagari to Latin, Hinglish spelling, language.

Pure functions, no I/O. Devanagari is romanised the way Hindi is typed in Latin letters on
social media ("आत्महत्या" -> "aatmhatya", "ज़िंदगी" -> "zindagi"), so that Hindi and Hinglish
posts share character n-grams; `fold` then folds the common spelling variants of Hinglish
(mai/main/mein, nahi/nhi/nahin, zindagi/jindagi, khudkushi/khudkhushi) onto one form.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 5_000  # the model reads at most this much of a post (cues and features)

_CONS = {
    "क": "k", "ख": "kh", "ग": "g", "घ": "gh", "ङ": "n", "च": "ch", "छ": "chh", "ज": "j",
    "झ": "jh", "ञ": "n", "ट": "t", "ठ": "th", "ड": "d", "ढ": "dh", "ण": "n", "त": "t",
    "थ": "th", "द": "d", "ध": "dh", "न": "n", "प": "p", "फ": "ph", "ब": "b", "भ": "bh",
    "म": "m", "य": "y", "र": "r", "ल": "l", "व": "v", "श": "sh", "ष": "sh", "स": "s",
    "ह": "h", "ळ": "l", "क़": "q", "ख़": "kh", "ग़": "g", "ज़": "z", "ड़": "r", "ढ़": "rh",
    "फ़": "f", "य़": "y",
}  # fmt: skip
_NUKTA = {"क": "q", "ख": "kh", "ग": "g", "ज": "z", "ड": "r", "ढ": "rh", "फ": "f", "य": "y"}
_VOWELS = {
    "अ": "a", "आ": "aa", "इ": "i", "ई": "ee", "उ": "u", "ऊ": "oo", "ऋ": "ri", "ए": "e",
    "ऐ": "ai", "ओ": "o", "औ": "au", "ऑ": "o", "ऍ": "e",
}  # fmt: skip
_MATRAS = {
    "ा": "aa", "ि": "i", "ी": "ee", "ु": "u", "ू": "oo", "ृ": "ri", "े": "e", "ै": "ai",
    "ो": "o", "ौ": "au", "ॉ": "o", "ॅ": "e",
}  # fmt: skip
_SIGNS = {"ं": "n", "ँ": "n", "\u0903": "h", "।": ".", "॥": ".", "ॐ": "om"}
_DIGITS = {chr(0x0966 + d): str(d) for d in range(10)}
_VIRAMA, _NUKTA_SIGN = "्", "़"

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200e\u200f\ufeff]")
_REPEAT = re.compile(r"(.)\1{2,}")
_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_LATIN = re.compile(r"[a-zA-Z]")


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_HI_WORDS = _wordset(
    "hai hain h nahi nhi nahin nai na mai main mein me mujhe mujhse mera meri mere ko ki ka ke "
    "se hu hoon hun ho tha thi the kya kyu kyun ye yeh wo woh aaj kal bhi toh to sab koi kuch "
    "bahut bhut bht yaar yr bhai raha rahi rha rhi karna kar karo kr diya liya gaya gayi jaa "
    "ja aur par pe ab jab tab abhi sirf zindagi jindagi jeena marna dil mann mn kyunki lekin "
    "ne kis kisne sabse accha acha achha kiya kiye phir fir liye jiye agle pichle dosto log "
    "gya gyi gye jaunga jaungi jayega jayegi karunga karungi hoga hogi hota hoti rha rhe rhi "
    "nai nahii kuchh kuch bas sabko humko tumko mujhko aap apna apni apne unka uska iska "
    "kaise kaisa kab kahan kidhar idhar udhar wala wali wale waise aisa aise jaisa yahan wahan "
    "tha thi thay hua hui hue jao aao chalo dekho suno bolo karke kr ke krna krke zara mat "
    "bhai behen didi mummy papa maa beta yaar dost pyaar pyar ishq mohabbat khush dukh"
)
_EN_WORDS = _wordset(
    "the is are was were i im i'm you he she it we they my your this that to of and in on "
    "for with not no be have has had do does did am just so but what when how all can will "
    "would dont don't can't cant feel life want like know really about me"
)
# Words that are Hinglish and English alike ("to", "the", "me"): they count towards Hindi only
# beside at least one word that is Hindi alone, so that "i need someone to talk to" stays `en`.
_HOMOGRAPHS = _wordset("to the me main na ho par pe hi")
_TOKEN = re.compile(r"[a-z0-9']+")


def clean(text: str) -> str:
    """NFKC, control characters out, at most `MAX_CHARS` characters; offsets kept otherwise.

    NFKC can change lengths, so cue spans are computed on this cleaned text, which is also
    what `assess` reports spans against.
    """
    text = text[: MAX_CHARS * 2].encode("utf-8", "replace").decode("utf-8")  # lone surrogates
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return text[:MAX_CHARS]


def _word_to_latin(word: str) -> str:
    """One Devanagari word to Latin, with the usual final and medial schwa deletion."""
    syllables: list[list[str]] = []  # [consonants, vowel, coda]
    i = 0
    while i < len(word):
        ch = word[i]
        nxt = word[i + 1] if i + 1 < len(word) else ""
        if ch in _CONS:
            cons = _NUKTA.get(ch, _CONS[ch]) if nxt == _NUKTA_SIGN else _CONS[ch]
            i += 2 if nxt == _NUKTA_SIGN else 1
            nxt = word[i] if i < len(word) else ""
            if nxt == _VIRAMA:
                syllables.append([cons, "", ""])
                i += 1
            elif nxt in _MATRAS:
                syllables.append([cons, _MATRAS[nxt], ""])
                i += 1
            else:
                syllables.append([cons, "a*", ""])  # inherent vowel, may be deleted
        elif ch in _VOWELS:
            syllables.append(["", _VOWELS[ch], ""])
            i += 1
        elif ch in _SIGNS and syllables:
            syllables[-1][2] += _SIGNS[ch]
            i += 1
        else:
            syllables.append(["", "", _SIGNS.get(ch, _DIGITS.get(ch, ch))])
            i += 1
    return _schwa(syllables)


def _schwa(syllables: list[list[str]]) -> str:
    n = len(syllables)
    if n > 1 and syllables[-1][1] == "a*" and not syllables[-1][2]:
        syllables[-1][1] = ""
    for k in range(n - 2, 0, -1):  # VC(a)CV -> drop the a
        _cons, vowel, coda = syllables[k]
        before, after = syllables[k - 1], syllables[k + 1]
        if vowel == "a*" and not coda and before[1] != "" and after[0] and after[1] != "":
            syllables[k][1] = ""
    return "".join(c + v.replace("*", "") + t for c, v, t in syllables)


_DEVA_WORD = re.compile(r"[\u0900-\u097f]+")


def to_latin(text: str) -> str:
    """Devanagari runs romanised; everything else unchanged."""
    if not _DEVANAGARI.search(text):
        return text
    return _DEVA_WORD.sub(lambda m: _word_to_latin(m.group(0)), text)


_FOLDS = (
    (re.compile(r"ph"), "f"),
    (re.compile(r"aa+"), "a"),
    (re.compile(r"ee+|ii+"), "i"),
    (re.compile(r"oo+|uu+"), "u"),
    (re.compile(r"(?<=[kgcjtdpbs])h"), ""),
    (re.compile(r"z"), "j"),
    (re.compile(r"w"), "v"),
    (re.compile(r"q"), "k"),
    (re.compile(r"([b-df-hj-np-tv-z])\1+"), r"\1"),
)


def fold(text: str) -> str:
    """Lower-case Latin with Hinglish spelling variants folded (khudkhushi -> kudkusi)."""
    text = _REPEAT.sub(r"\1\1", text.lower())
    for pattern, repl in _FOLDS:
        text = pattern.sub(repl, text)
    return text


_NOISE = re.compile(r"https?\s?:?\s?/\s?/\s?\S+(?:\s?/\s?\S+)*|www\.\S+|@\s?\w+|\S{40,}")


def normalise(text: str) -> str:
    """The feature text: cleaned, links, handles and long junk out, romanised, folded."""
    return fold(to_latin(_NOISE.sub(" ", clean(text))))


def skeleton(token: str) -> str:
    """A folded token's consonant skeleton, nasal endings dropped: nahi/nhi -> nh, mai/main -> m."""
    token = re.sub(r"(?<=[aeiou])n$", "", token)
    return token[:1] + re.sub(r"[aeiouy]", "", token[1:])


def language(text: str) -> str:
    """`hi` (Devanagari), `hinglish` (Hindi in Latin letters), `en`, or `mixed`.

    `mixed` is returned for posts with both scripts in earnest, and for posts with no letters
    at all (only emojis, digits or punctuation), where no language can be told.
    """
    sample = text[:2_000]
    deva = len(_DEVANAGARI.findall(sample))
    latin = len(_LATIN.findall(sample))
    if deva + latin == 0:
        return "mixed"
    if deva >= 0.8 * (deva + latin):
        return "hi"
    if deva > 0.2 * (deva + latin):
        return "mixed"
    tokens = _TOKEN.findall(sample.lower())
    hi = sum(1 for t in tokens if t in _HI_WORDS)
    en = sum(1 for t in tokens if t in _EN_WORDS)
    sure = sum(1 for t in tokens if t in _HI_WORDS and t not in _HOMOGRAPHS)
    if sure >= 1 and hi >= 0.5 * en:
        return "hinglish"
    return "en"
