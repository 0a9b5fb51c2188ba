"""A simple generator of realistic platform alerts, for `jeevanrekha demo`.

The posts echo what the desk really sees (Hindi in Devanagari, Hinglish, English); the
names, handles and numbers are invented. About one alert in twenty is deliberately broken,
so the demo also shows the quarantine. The full simulator is issue #8's.
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
