"""Parsers for single pieces of evidence: PIN codes, phone numbers, IPs, tower fixes.

Each parser takes whatever arrived (any type) and returns a typed value or None; none of
them raises on bad input. Free text (addresses, posts) is parsed in `address.py`.
"""

from __future__ import annotations

import csv
import ipaddress
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_DEV_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")
# A PIN is six digits, first 1-8, optionally written "226 001"; not part of a longer number.
_PIN = re.compile(r"(?<![\d+])([1-8]\d{2})[ ]?(\d{3})(?![\d])")
_PHONE_CHARS = re.compile(r"[^\d+]")

# STD codes of landlines -> (state, district): the project's own table of the big ones.
STD_CODES: dict[str, tuple[str, str]] = {
    "522": ("Uttar Pradesh", "Lucknow"),
    "512": ("Uttar Pradesh", "Kanpur Nagar"),
    "532": ("Uttar Pradesh", "Prayagraj"),
    "542": ("Uttar Pradesh", "Varanasi"),
    "551": ("Uttar Pradesh", "Gorakhpur"),
    "562": ("Uttar Pradesh", "Agra"),
    "565": ("Uttar Pradesh", "Mathura"),
    "571": ("Uttar Pradesh", "Aligarh"),
    "581": ("Uttar Pradesh", "Bareilly"),
    "591": ("Uttar Pradesh", "Moradabad"),
    "121": ("Uttar Pradesh", "Meerut"),
    "120": ("Uttar Pradesh", "Ghaziabad"),
    "510": ("Uttar Pradesh", "Jhansi"),
    "5278": ("Uttar Pradesh", "Ayodhya"),
    "132": ("Uttar Pradesh", "Saharanpur"),
    "11": ("Delhi", ""),
}

# Telecom circle -> states it covers (DoT licence areas; Delhi takes in Noida and Ghaziabad).
CIRCLE_STATES: dict[str, tuple[str, ...]] = {
    "UE": ("Uttar Pradesh",),
    "UW": ("Uttar Pradesh", "Uttarakhand"),
    "DL": ("Delhi", "Uttar Pradesh", "Haryana"),
    "BR": ("Bihar", "Jharkhand"),
    "MP": ("Madhya Pradesh", "Chhattisgarh"),
    "RJ": ("Rajasthan",),
    "HR": ("Haryana",),
    "PB": ("Punjab", "Chandigarh"),
    "HP": ("Himachal Pradesh",),
    "MH": ("Maharashtra", "Goa"),
    "MU": ("Maharashtra",),
    "GJ": ("Gujarat",),
    "KO": ("West Bengal",),
    "WB": ("West Bengal", "Sikkim"),
    "OR": ("Odisha",),
    "AS": ("Assam",),
    "NE": ("Meghalaya", "Manipur", "Mizoram", "Nagaland", "Tripura", "Arunachal Pradesh"),
    "JK": ("Jammu And Kashmir", "Ladakh"),
    "KA": ("Karnataka",),
    "KL": ("Kerala",),
    "TN": ("Tamil Nadu",),
    "CH": ("Tamil Nadu",),
    "AP": ("Andhra Pradesh", "Telangana"),
}


def find_pins(text: Any) -> list[int]:
    """Six-digit Indian PIN codes in a text, in order, without repeats."""
    if not isinstance(text, str):
        return []
    found: list[int] = []
    for match in _PIN.finditer(text.translate(_DEV_DIGITS)):
        pin = int(match.group(1) + match.group(2))
        if pin not in found:
            found.append(pin)
    return found


@dataclass(frozen=True)
class Phone:
    """An Indian phone number: national digits, mobile or landline, and its STD code."""

    national: str
    mobile: bool
    std: str = ""

    @property
    def e164(self) -> str:
        """The number in E.164 form (+91...)."""
        return "+91" + self.national


def parse_phone(value: Any) -> Phone | None:
    """An Indian number from E.164 (+91...), 0-prefixed, 91-prefixed or bare forms."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    raw = _PHONE_CHARS.sub("", str(value).translate(_DEV_DIGITS))
    if raw.startswith("+"):
        if not raw.startswith("+91"):
            return None  # a foreign number says nothing about a district here
        digits = raw[3:]
    else:
        digits = raw.lstrip("+")
        if len(digits) == 12 and digits.startswith("91"):
            digits = digits[2:]
        elif len(digits) == 11 and digits.startswith("0"):
            digits = digits[1:]
    if len(digits) != 10 or not digits.isdigit():
        return None
    if digits[0] in "6789":
        return Phone(digits, mobile=True)
    for size in (4, 3, 2):
        if digits[:size] in STD_CODES:
            return Phone(digits, mobile=False, std=digits[:size])
    return Phone(digits, mobile=False) if digits[0] in "12345" else None


class CircleTable:
    """Mobile series (first four digits) -> telecom circle code, from an imported CSV."""

    def __init__(self, series: dict[str, str]) -> None:
        self.series = series

    @classmethod
    def from_csv(cls, path: Path) -> CircleTable:
        """Read `series4,...,circle_code,...` rows (the DoT series list layout)."""
        series: dict[str, str] = {}
        with open(path, encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                code = (row.get("circle_code") or "").strip()
                if code and (row.get("series4") or "").isdigit():
                    series[row["series4"]] = code
        return cls(series)

    def circle(self, phone: Phone) -> str:
        """The circle a mobile number was first allotted in ('' when unknown)."""
        return self.series.get(phone.national[:4], "") if phone.mobile else ""


def parse_ip(value: Any) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """A public IP address, or None for garbage, private, loopback and reserved addresses."""
    if not isinstance(value, str):
        return None
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    return address if address.is_global else None


@dataclass(frozen=True)
class Tower:
    """A location fix from a telecom/STF trace: point, accuracy radius, when."""

    lat: float
    lon: float
    radius_m: float
    observed_at: datetime | None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def parse_tower(value: Any) -> Tower | None:
    """A tower fix from {"lat", "lon", "radius_m", "observed_at"?}; None if unusable."""
    if not isinstance(value, dict):
        return None
    lat, lon = _number(value.get("lat")), _number(value.get("lon"))
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    radius = _number(value.get("radius_m"))
    radius = 1000.0 if radius is None or radius <= 0 else min(radius, 100_000.0)
    when = _when(value.get("observed_at") or value.get("time"))
    return Tower(lat, lon, radius, when)
