"""Parsers of single pieces of evidence: PIN, phone, IP, tower fix."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from jeevanrekha.geo.evidence import CircleTable, find_pins, parse_ip, parse_phone, parse_tower

pins = st.integers(min_value=110000, max_value=855999)
mobiles = st.from_regex(r"[6-9][0-9]{9}", fullmatch=True)
filler = st.text(alphabet=st.characters(categories=("L", "P", "Z")), max_size=20)


@given(pins, filler, filler)
def test_a_pin_in_any_text_is_found(pin: int, before: str, after: str) -> None:
    assert pin in find_pins(f"{before} {pin} {after}")
    spaced = f"{str(pin)[:3]} {str(pin)[3:]}"
    assert pin in find_pins(f"{before} pin {spaced}, {after}")


def test_pins_in_hindi_digits_and_not_inside_longer_numbers() -> None:
    assert find_pins("पिन २२६००१") == [226001]
    assert find_pins("call 9415012345 or 0522-2612345") == []
    assert find_pins("226001 and again 226001, 208001") == [226001, 208001]
    assert find_pins(None) == [] and find_pins(226001) == []


@given(mobiles)
def test_every_written_form_of_a_mobile_is_one_number(number: str) -> None:
    forms = [
        number,
        "+91" + number,
        "+91 " + number[:5] + " " + number[5:],
        "0" + number,
        "91" + number,
        "+91-" + number,
        "(+91) " + number,
    ]
    parsed = {parse_phone(form) for form in forms}
    assert len(parsed) == 1
    phone = parsed.pop()
    assert phone is not None and phone.mobile and phone.e164 == "+91" + number


def test_landlines_carry_their_std_code_and_foreign_numbers_are_ignored() -> None:
    phone = parse_phone("0522-2612345")
    assert phone is not None and not phone.mobile and phone.std == "522"
    assert parse_phone("+1 415 555 0100") is None
    assert parse_phone("12345") is None and parse_phone(True) is None


@given(st.one_of(st.text(), st.integers(), st.none(), st.floats(), st.booleans()))
def test_phone_and_ip_parsers_never_raise(value: object) -> None:
    parse_phone(value)
    parse_ip(value)


@given(st.ip_addresses())
def test_only_public_addresses_count(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    parsed = parse_ip(str(address))
    assert (parsed is not None) == address.is_global


def test_circle_table_gives_the_allotment_circle() -> None:
    table = CircleTable({"9415": "UE", "9810": "DL"})
    lucknow = parse_phone("+91 94150 12345")
    assert lucknow is not None and table.circle(lucknow) == "UE"
    landline = parse_phone("0522 2612345")
    assert landline is not None and table.circle(landline) == ""


@given(
    st.dictionaries(
        st.sampled_from(["lat", "lon", "radius_m", "observed_at", "x"]),
        st.one_of(st.floats(), st.text(), st.integers(), st.none()),
    )
)
def test_tower_parser_never_raises_and_keeps_only_real_points(raw: dict[str, object]) -> None:
    tower = parse_tower(raw)
    if tower is not None:
        assert -90 <= tower.lat <= 90 and -180 <= tower.lon <= 180
        assert 0 < tower.radius_m <= 100_000


def test_tower_fix_with_time() -> None:
    tower = parse_tower(
        {"lat": "26.85", "lon": 80.95, "radius_m": 300, "observed_at": "2026-06-01T03:20:00Z"}
    )
    assert tower is not None and tower.radius_m == 300 and tower.observed_at is not None
    assert parse_tower({"lat": 91, "lon": 80}) is None and parse_tower("26.8,80.9") is None
