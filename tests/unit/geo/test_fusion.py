"""Fusion: the rules the desk relies on, and `resolve` never raising on any input."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jeevanrekha.geo.fusion import Context, resolve
from jeevanrekha.geo.gazetteer import StationPoint

KANPUR_NAGAR = {
    "lat": 26.4499,
    "lon": 80.3319,
    "radius_m": 300,
    "observed_at": "2026-06-01T03:20:00+00:00",
}


def test_fresh_tower_beats_stale_profile(ctx: Context) -> None:
    got = resolve({"profile_location": "Lucknow", "tower": KANPUR_NAGAR}, ctx)
    assert (got.district, got.needs_trace) == ("Kanpur Nagar", False)
    assert got.radius_m == 300 and abs((got.lat or 0) - 26.4499) < 1e-3


def test_pin_beats_ip_and_weak_hints_never_override(ctx: Context) -> None:
    got = resolve(
        {"address": "House 4, Aminabad, PIN 226018", "ip": "49.36.0.1", "phone": "+91 98100 12345"},
        ctx,
    )
    assert (got.state, got.district, got.needs_trace) == ("Uttar Pradesh", "Lucknow", False)


def test_the_two_source_stories(ctx: Context) -> None:
    lucknow = resolve(
        {"post_text": "आज मैं आत्महत्या कर रहा हूं. मजबूरी है मेरी", "profile_location": "Lucknow, India"},
        ctx,
    )
    assert lucknow.district == "Lucknow" and lucknow.needs_trace  # a profile city is not enough
    prayagraj = resolve(
        {"post_text": "fail ho gaya, Allahabad me hoon, kal ka din nahi dekhunga"}, ctx
    )
    assert prayagraj.district == "Prayagraj"


def test_ambiguous_name_is_reported_or_settled_by_other_evidence(ctx: Context) -> None:
    alone = resolve({"post_text": "Pratapgarh me hoon"}, ctx)
    assert alone.needs_trace and any("Rajasthan" in c for c in alone.candidates)
    assert not alone.other_state
    with_state = resolve({"post_text": "Pratapgarh, Rajasthan me hoon"}, ctx)
    assert (with_state.state, with_state.other_state) == ("Rajasthan", True)
    with_pin = resolve({"post_text": "Hamirpur me hoon", "address": "PIN 210301"}, ctx)
    assert (with_pin.state, with_pin.district) == ("Uttar Pradesh", "Hamirpur")


def test_border_point_reports_both_candidates(ctx: Context) -> None:
    got = resolve({"tower": {"lat": 28.6735, "lon": 77.3235, "radius_m": 1500}}, ctx)
    assert got.district == "Ghaziabad"
    assert any("Delhi" in c for c in got.candidates)


def test_other_state_is_detected(ctx: Context) -> None:
    for ev in (
        {"address": "Boring Road, Patna 800001"},
        {"post_text": "Patna, Bihar se hoon"},
        {"tower": {"lat": 28.6139, "lon": 77.209, "radius_m": 200}},
    ):
        got = resolve(ev, ctx)
        assert got.other_state and got.state in ("Bihar", "Delhi"), ev


def test_conflicting_strong_evidence_lowers_confidence(ctx: Context) -> None:
    alone = resolve({"tower": KANPUR_NAGAR}, ctx)
    torn = resolve({"tower": KANPUR_NAGAR, "address": "Hazratganj, Lucknow 226001"}, ctx)
    assert torn.confidence < alone.confidence
    assert any("disagrees" in r for r in torn.reasons)


def test_no_usable_evidence_asks_for_a_trace(ctx: Context) -> None:
    for ev in (
        {},
        {"post_text": "aaj sab khatam kar dunga"},
        {"ip": "10.0.0.1"},
        {"phone": "+91 98390 00000"},
        {"tower": {"lat": "x"}},
    ):
        got = resolve(ev, ctx)
        assert got.needs_trace and got.district is None, ev


def test_station_from_jurisdiction_or_nearest(ctx: Context) -> None:
    from shapely.geometry import box

    gaz = ctx.gazetteer
    area = box(80.30, 26.43, 80.36, 26.47)
    gaz.set_stations(
        [
            StationPoint("Thana A", "Uttar Pradesh", "Kanpur Nagar", 26.45, 80.33, area),
            StationPoint("Thana B", "Uttar Pradesh", "Kanpur Nagar", 26.40, 80.40),
        ]
    )
    try:
        inside = resolve({"tower": KANPUR_NAGAR}, ctx)
        assert inside.station == "Thana A" and not any("approximate" in r for r in inside.reasons)
        outside = resolve({"tower": {"lat": 26.401, "lon": 80.401, "radius_m": 100}}, ctx)
        assert outside.station == "Thana B" and any("approximate" in r for r in outside.reasons)
        named = resolve({"address": "gram Bithoor, thana B, jila Kanpur Nagar"}, ctx)
        assert named.station == "Thana B" and "station: named in the text" in named.reasons
    finally:
        gaz.set_stations([])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=80),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
evidence = st.fixed_dictionaries(
    {},
    optional={
        "post_text": st.text(max_size=200) | json_values,
        "profile_location": json_values,
        "address": st.text(max_size=120) | json_values,
        "phone": st.text(max_size=20) | json_values,
        "ip": st.ip_addresses().map(str) | json_values,
        "tower": st.fixed_dictionaries(
            {}, optional={"lat": json_values, "lon": json_values, "radius_m": json_values}
        )
        | json_values,
    },
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(evidence, json_values))
def test_resolve_never_raises(ctx: Context, ev: Any) -> None:
    got = resolve(ev, ctx)
    assert 0.0 <= got.confidence <= 1.0
    assert got.needs_trace or got.district is not None
    assert not got.reasons or all(isinstance(r, str) for r in got.reasons)


def test_everyday_words_of_a_post_are_not_places(ctx: Context) -> None:
    """Found by the simulator: 'gaya' (went) read as Gaya, Bihar, 'सकता' (can) as Sakti,
    Chhattisgarh, over the person's Uttar Pradesh profile; loose spellings of common
    words read as villages ('karna' as Kairana)."""
    for post in (
        "exam me fail ho gaya, ab jeene ka koi matlab nahi. bye everyone",
        "अब और नहीं सह सकता, आज रात के बाद किसी को परेशान नहीं करूंगा",
        "माफ़ करना पापा, आपकी बेटी हार गई। अलविदा",
        "agar kal main na rahun to kisi ko fark nahi padega, mann nahi lagta",
    ):
        got = resolve({"post_text": post, "profile_location": "Lucknow"}, ctx)
        assert (got.state, got.district) == ("Uttar Pradesh", "Lucknow"), (post, got.reasons)
        assert not any("post_text" in r for r in got.reasons), got.reasons


def test_a_post_still_names_places(ctx: Context) -> None:
    named = resolve({"post_text": "Gaya, Bihar me hoon, ab sab khatam"}, ctx)
    assert (named.state, named.district) == ("Bihar", "Gaya")  # beside its state
    news = resolve({"post_text": "kota me is saal 20 chhatron ki aatmahatya"}, ctx)
    assert news.district == "Kota"
    local = resolve({"post_text": "Sigra ke paas wali chhat pe hoon, bas ab"}, ctx)
    assert local.district == "Varanasi"


def test_a_pin_placed_in_another_postal_circle_is_not_believed(ctx: Context) -> None:
    """The PIN directory puts 230134 (Patti, Pratapgarh, Uttar Pradesh) in Raipur: a PIN
    beginning 23 is in Uttar Pradesh's postal circle, so that district is dropped and the
    address's own words decide."""
    got = resolve({"address": "Lalganj, Pratapgarh 230134"}, ctx)
    assert (got.state, got.district) == ("Uttar Pradesh", "Pratapgarh"), got.reasons
    assert not got.other_state
    right = resolve({"address": "Hazratganj 226001"}, ctx)
    assert (right.state, right.district) == ("Uttar Pradesh", "Lucknow")
