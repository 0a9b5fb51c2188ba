"""Find the alert's fields in the text of a platform alert email.

Pure (no Django, no I/O). The format (docs/alert-format.md, "Platform alert email") is a
list of `Label: value` lines, in English or Hindi, anywhere in the text: in the platform's
own mail, in an HTML table (cells separated by a tab), or quoted (`> `) in a forward. A
value may go on over the next lines until a blank line or the next label.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from ipaddress import ip_address

# field → the labels that name it (compared lower-cased, without trailing punctuation).
LABELS: dict[str, tuple[str, ...]] = {
    "alert_id": (
        "alert id", "alert reference", "reference", "reference number", "reference no",
        "report id", "case id", "case number", "ticket", "अलर्ट आईडी", "संदर्भ संख्या",
    ),
    "platform": ("platform", "service", "प्लेटफ़ॉर्म", "प्लेटफार्म", "प्लेटफॉर्म"),
    "post_url": (
        "content url", "post url", "post link", "link to content", "content link", "url",
        "link", "पोस्ट लिंक", "पोस्ट का लिंक",
    ),
    "post_text": (
        "content", "post text", "post", "text", "caption", "comment", "message",
        "content text", "पोस्ट", "पोस्ट का पाठ", "सामग्री", "संदेश",
    ),
    "posted_at": (
        "posted at", "post time", "time of post", "content created", "created at", "posted",
        "पोस्ट का समय",
    ),
    "handle": (
        "username", "user name", "handle", "account", "account username", "account id",
        "user id", "उपयोगकर्ता नाम", "हैंडल", "यूज़रनेम",
    ),
    "name": ("name", "account name", "display name", "full name", "नाम", "खाते का नाम"),
    "profile_url": ("profile url", "profile", "profile link", "प्रोफ़ाइल लिंक", "प्रोफाइल लिंक"),
    "email": ("registered email", "account email", "email", "e-mail", "ईमेल"),
    "phone": (
        "phone", "phone number", "registered phone", "mobile", "mobile number",
        "contact number", "मोबाइल", "मोबाइल नंबर", "फ़ोन", "फोन", "फ़ोन नंबर",
    ),
    "ip": ("ip", "ip address", "last login ip", "login ip", "upload ip", "आईपी", "आईपी पता"),
    "location": (
        "location", "city", "profile location", "current city", "hometown", "स्थान", "शहर",
    ),
    "address": ("address", "पता"),
}  # fmt: skip
_FIELD_OF = {label: name for name, labels in LABELS.items() for label in labels}
# Label, then ":" (or the full-width colon U+FF1A, or a table cell's tab), then the value.
_LABEL_LINE = re.compile(r"^\s*(?:>\s*)*([^:\t\uff1a]{1,40}?)\s*[:\t\uff1a]\s*(.*)$")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
# Fields whose value may run over several lines.
MULTILINE = frozenset({"post_text", "address"})

FORWARD_MARKERS = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|original message|अग्रेषित संदेश|फ़ॉरवर्ड किया गया संदेश)"
    r"\s*-{2,}|begin forwarded message:)\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def field_of(label: str) -> str | None:
    """The field a label names, if it is one of ours."""
    key = re.sub(r"[\s*_]+", " ", label).strip(" .-*").lower()
    return _FIELD_OF.get(key)


def find_fields(text: str) -> dict[str, str]:
    """The first value of each labelled field in the text."""
    found: dict[str, str] = {}
    current: str | None = None
    for raw_line in text.splitlines():
        line = _QUOTE.sub("", raw_line).rstrip()
        match = _LABEL_LINE.match(line)
        name = field_of(match.group(1)) if match else None
        if match and name:
            current = name if name not in found else None
            if current:
                found[current] = match.group(2).strip()
            continue
        if not line.strip():
            current = None
        elif current in MULTILINE:
            found[current] = f"{found[current]}\n{line.strip()}".strip()
        else:
            current = None
    return {k: v for k, v in found.items() if v}


def split_forward(text: str) -> tuple[str, str]:
    """(what the forwarder wrote above the forward, the forwarded part) or (text, "")."""
    match = FORWARD_MARKERS.search(text)
    if not match:
        return text, ""
    return text[: match.start()].strip(), text[match.end() :]


def forwarded_sender(forwarded: str) -> str:
    """The address on the first `From:` line of a forwarded part, lower-cased."""
    for line in forwarded.splitlines()[:30]:
        match = re.match(r"^\s*(?:>\s*)*(?:from|प्रेषक|से)\s*:\s*(.*)$", line, re.IGNORECASE)
        if match:
            address = re.search(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", match.group(1))
            return address.group(0).lower() if address else ""
    return ""


_URL = re.compile(r"https?://[^\s<>\"'()\[\]]{1,1990}")


def first_url(value: str) -> str | None:
    """The first http(s) URL in a value."""
    match = _URL.search(value)
    return match.group(0).rstrip(".,;") if match else None


def phone(value: str) -> str | None:
    """The first run that looks like a phone number, as written."""
    match = re.search(r"\+?\d[\d ()\-]{5,38}\d", value)
    return match.group(0).strip() if match else None


def ip(value: str) -> str | None:
    """The first valid IPv4 or IPv6 address in a value."""
    for token in re.findall(r"[0-9A-Fa-f:.]{3,45}", value):
        try:
            return str(ip_address(token.strip(".:") if token.count(":") < 2 else token))
        except ValueError:
            continue
    return None


def handle(value: str) -> str:
    """An account handle: the first word, without a leading @."""
    words = value.split()
    return words[0].lstrip("@")[:200] if words else ""


_ZONES = {
    "IST": timedelta(hours=5, minutes=30),
    "UTC": timedelta(0),
    "GMT": timedelta(0),
    "Z": timedelta(0),
    "PST": timedelta(hours=-8),
    "PDT": timedelta(hours=-7),
    "EST": timedelta(hours=-5),
    "EDT": timedelta(hours=-4),
}
_STAMP = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{1,2}:\d{2}(?::\d{2})?)\s*"
    r"(Z|[+-]\d{2}:?\d{2}|[A-Z]{1,4})?(?:\s*\(?(UTC|GMT)?([+-]\d{1,2}:?\d{2})?\)?)?"
)


def when(value: str) -> datetime | None:
    """A time with its zone (ISO 8601, RFC 2822, or `YYYY-MM-DD HH:MM IST`); never a guess:
    a time without a zone is None."""
    value = value.strip()
    try:
        stamp = parsedate_to_datetime(value)
        if stamp.tzinfo is not None:
            return stamp
    except (TypeError, ValueError, IndexError):
        pass
    match = _STAMP.search(value)
    if not match:
        return None
    zone = match.group(3) or match.group(5)
    offset = _offset(zone) if zone else None
    if offset is None:
        return None
    try:
        naive = datetime.fromisoformat(f"{match.group(1)}T{match.group(2)}")
    except ValueError:
        return None
    return naive.replace(tzinfo=UTC if not offset else timezone(offset))


def _offset(zone: str) -> timedelta | None:
    if zone.upper() in _ZONES:
        return _ZONES[zone.upper()]
    match = re.fullmatch(r"([+-])(\d{1,2}):?(\d{2})", zone)
    if not match:
        return None
    sign = -1 if match.group(1) == "-" else 1
    delta = timedelta(hours=int(match.group(2)), minutes=int(match.group(3)))
    return sign * delta if delta < timedelta(hours=15) else None
