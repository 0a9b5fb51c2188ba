"""A simple generator of realistic platform alerts, for `jeevanrekha demo`.

The posts echo what the desk really sees (Hindi in Devanagari, Hinglish, English); the
names, handles and numbers are invented. About one alert in twenty is deliberately broken,
so the demo also shows the quarantine. `post_text` and `alert_for` serve the scenario
(scenario.py): a post in the arrival's language, and evidence as good as the arrival's.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from typing import Any

POSTS = [
    "आज मैं आत्महत्या कर रहा हूं. मजबूरी है मेरी",
    "अब और नहीं सह सकता, आज रात के बाद किसी को परेशान नहीं करूंगा",
    "exam me fail ho gaya, ab jeene ka koi matlab nahi. bye everyone",
    "sab khatam. maa papa mujhe maaf kar dena 🙏",
    "I can't do this anymore. Tonight is the night. Goodbye.",
    "zindagi se thak gaya hoon, kal subah tak nahi rahunga",
    "मेरी मौत का जिम्मेदार कोई नहीं है। अलविदा 👋",
    "Nobody will miss me. Pills are ready 💊",
    "ghar walon ne shaadi se mana kar diya, ab main nahi jeena chahti",
    "नौकरी चली गई, कर्ज़ बहुत है, अब बस…",
]
PLACES = [
    "Lucknow",
    "Prayagraj",
    "Kanpur Nagar",
    "Varanasi",
    "Gorakhpur",
    "Agra",
    "Meerut",
    "Bareilly",
    "Ayodhya",
    "Gautam Buddha Nagar",
    "Jhansi",
    "Aligarh",
    "लखनऊ",
    "वाराणसी",
]
# Posts by language for the scenario. Two of the posts above are left out on purpose: the
# locate engine reads the Hinglish word "gaya" (went) as Gaya, Bihar, and "सकता" (can) as
# Sakti, Chhattisgarh, and would send those cases to another state (reported; see
# docs/simulation.md). Paraphrases without those words stand in for them.
BY_LANGUAGE = {
    "hi": [
        POSTS[0],
        "अब और नहीं सह पाऊंगा, आज रात के बाद किसी को परेशान नहीं करूंगा",
        POSTS[6],
        POSTS[9],
        "घर में सब परेशान हैं, आज आखिरी दिन है मेरा",
    ],
    "hinglish": [
        "exam me fail hua, ab jeene ka koi matlab nahi. bye everyone",
        POSTS[3],
        "zindagi se thak chuka hoon, kal subah tak nahi rahunga",
        POSTS[8],
        "bas ab aur nahi, aaj sab khatam kar dunga",
    ],
    "en": [POSTS[4], POSTS[7], "This is my last post. I am going to end my life today."],
}
NEAR = {"hi": "{place} के पास हूं", "hinglish": "{place} ke paas hoon", "en": "I am near {place}"}
NAMES = ["Rahul", "Priya", "Amit", "Sunita", "Vikas", "Neha", "Arjun", "Pooja", "Ravi", "Anjali"]
PLATFORMS = ["facebook", "instagram", "x"]


def alert(
    rng: random.Random, source: str, number: int, now: datetime | None = None
) -> dict[str, Any]:
    """One well-formed alert in the API's JSON format."""
    now = now or datetime.now(UTC)
    platform = rng.choice(PLATFORMS)
    name = rng.choice(NAMES)
    handle = f"{name.lower()}_{rng.randrange(10_000, 99_999)}"
    created = now - timedelta(minutes=rng.randrange(1, 40))
    return {
        "source": source,
        "source_alert_id": f"{source}-{number}-{rng.randrange(1 << 30)}",
        "platform": platform,
        "received_at": now.isoformat(),
        "post": {
            "url": f"https://{platform}.example/{handle}/posts/{rng.randrange(1 << 40)}",
            "text": rng.choice(POSTS),
            "created_at": created.isoformat(),
        },
        "account": {
            "handle": handle,
            "name": name,
            "profile_url": f"https://{platform}.example/{handle}",
        },
        "evidence": {
            "profile_location": rng.choice(PLACES),
            "phone": f"+91 9{rng.randrange(100_000_000, 999_999_999)}",
            "ip": f"49.36.{rng.randrange(256)}.{rng.randrange(1, 255)}",
        },
        "reporter": {"organisation": "Platform safety team"},
    }


def body(rng: random.Random, source: str, number: int) -> bytes:
    """The bytes to post: usually a good alert, sometimes a broken one (like real feeds)."""
    good = alert(rng, source, number)
    roll = rng.random()
    if roll < 0.03:
        return json.dumps(good).encode()[:-7]  # cut off in transit
    if roll < 0.05:
        good["post"] = "see attachment"  # wrong type
    return json.dumps(good, ensure_ascii=False).encode("utf-8")


def post_text(rng: random.Random, language: str) -> str:
    """A post in the language (hi, hinglish, en)."""
    return rng.choice(BY_LANGUAGE.get(language, POSTS))


def place_sentence(arrival: Any) -> str:
    """Where the post says the person is: a landmark, or a locality with its district."""
    place = arrival.place
    where = place.name if place.kind == "landmark" else f"{place.name}, {place.district}"
    return NEAR.get(arrival.language, NEAR["en"]).format(place=where)


def alert_for(arrival: Any, source: str, now: datetime) -> dict[str, Any]:
    """The API alert of a scenario arrival, with location evidence as good as its quality:
    an address with PIN, a landmark in the post, the district as profile city, or nothing."""
    place, platform = arrival.place, PLATFORMS[arrival.number % len(PLATFORMS)]
    text, evidence = arrival.text, {"phone": arrival.phone}
    if arrival.quality == "pin" and place.pin:
        evidence["address"] = f"{place.name}, {place.district}, {place.state} {place.pin}"
    elif arrival.quality in ("pin", "landmark"):
        text = f"{text} — {place_sentence(arrival)}"
    elif arrival.quality == "district":
        evidence["profile_location"] = place.district
    return {
        "source": source,
        "source_alert_id": f"{source}-{arrival.number}",
        "platform": platform,
        "received_at": now.isoformat(),
        "post": {
            "url": f"https://{platform}.example/{arrival.handle}/posts/{arrival.number}",
            "text": text,
            "created_at": (now - timedelta(minutes=3)).isoformat(),
        },
        "account": {
            "handle": arrival.handle,
            "name": arrival.handle.split("_")[0].title(),
            "profile_url": f"https://{platform}.example/{arrival.handle}",
        },
        "evidence": evidence,
        "reporter": {"organisation": "Platform safety team (simulated)"},
    }
