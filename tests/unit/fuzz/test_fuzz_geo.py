"""Fuzzing the locate parsers: PIN codes, phone numbers, IP addresses, tower fixes, place
mentions in free text (against the real gazetteer), station names, transliteration. Each
returns its value or None (an empty list); none may raise, whatever the input."""

from __future__ import annotations

import ipaddress
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jeevanrekha.cases.subjects import normalise_phone
from jeevanrekha.geo import address, evidence, text
from jeevanrekha.geo.gazetteer import Gazetteer
from jeevanrekha.geo.runtime import load_gazetteer
from tests.unit.fuzz.corpus import FUZZ, seeds, texts
from tests.unit.geo.conftest import geo_paths

# Digits and marks that place text is made of, in both scripts: finds more than st.text().
PLACE_CHARS = st.sampled_from(
    list("0123456789०१२३४५६७८९ +-()/.,:;#")  # noqa: RUF001
    + list("abcdefghijklmnopqrstuvwxyz")
    + list("कखगघचजटडतदनपबमयरलवशसहािीुूेैोौंःँ्")
)
place_text = st.text(PLACE_CHARS, max_size=120) | st.text(max_size=120)
any_value = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=60)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    gazetteer, _ = load_gazetteer(geo_paths())
    return gazetteer


def scalar_parsers(value: Any) -> None:
    pins = evidence.find_pins(value)
    assert all(100000 <= pin <= 999999 for pin in pins)
    phone = evidence.parse_phone(value)
    assert phone is None or (len(phone.national) == 10 and phone.e164.startswith("+91"))
    ip = evidence.parse_ip(value)
    assert ip is None or (isinstance(ip, ipaddress.IPv4Address | ipaddress.IPv6Address))
    if isinstance(value, str):
        assert isinstance(normalise_phone(value), str)
        assert isinstance(text.romanize(value), str) and isinstance(text.skeleton(value), str)
        assert isinstance(text.latin_key(value), str) and isinstance(text.words(value), list)
        assert isinstance(address.station_names(value), list)


def tower(value: Any) -> None:
    fix = evidence.parse_tower(value)
    if fix is not None:
        assert -90 <= fix.lat <= 90 and -180 <= fix.lon <= 180 and 0 < fix.radius_m <= 100_000


@pytest.mark.parametrize("value", texts("geo_text"), ids=lambda t: str(len(t)))
def test_geo_text_corpus(value: str, gaz: Gazetteer) -> None:
    scalar_parsers(value)
    assert isinstance(address.mentions(gaz, value), list)


@FUZZ
@given(value=any_value | place_text)
def test_scalar_parsers_take_anything(value: Any) -> None:
    scalar_parsers(value)


@FUZZ
@given(value=place_text)
def test_place_mentions_in_any_text(value: str, gaz: Gazetteer) -> None:
    for mention in address.mentions(gaz, value):
        assert isinstance(mention, address.Mention) and mention.role


@pytest.mark.parametrize("body", seeds("geo_tower"), ids=lambda b: str(len(b)))
def test_tower_corpus(body: bytes) -> None:
    tower(json.loads(body))


@FUZZ
@given(
    value=any_value
    | st.dictionaries(
        st.sampled_from(["lat", "lon", "radius_m", "observed_at", "time"]), any_value, max_size=5
    )
)
def test_tower_fixes_of_any_shape(value: Any) -> None:
    tower(value)
