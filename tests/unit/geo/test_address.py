"""Place mentions in addresses and posts, with the role the words around them give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from jeevanrekha.geo.address import mentions, station_names
from jeevanrekha.geo.gazetteer import Gazetteer


def roles(gaz: Gazetteer, text: str) -> dict[str, str]:
    return {m.text: m.role for m in mentions(gaz, text)}


def districts(gaz: Gazetteer, text: str) -> set[str]:
    return {
        gaz.districts[p.district].name
        for m in mentions(gaz, text)
        for p in m.places
        if p.kind == "district"
    }


def test_hinglish_structured_address(gaz: Gazetteer) -> None:
    found = [
        (m.text, m.role)
        for m in mentions(gaz, "gram Rampur, thana Sidhauli, tehsil Sidhauli, jila Sitapur")
    ]
    assert found == [
        ("rampur", "locality"),
        ("sidhauli", "station"),
        ("sidhauli", "subdistrict"),
        ("sitapur", "district"),
    ]


def test_hindi_address_with_janpad(gaz: Gazetteer) -> None:
    assert "Gorakhpur" in districts(gaz, "ग्राम बहादुरपुर, पोस्ट सराय, जनपद गोरखपुर")
    assert "Lucknow" in districts(gaz, "मैं लखनऊ के चारबाग स्टेशन के पीछे हूँ")


def test_marker_after_the_name(gaz: Gazetteer) -> None:
    assert roles(gaz, "Charbagh station ke peeche")["charbagh station"] == "near"
    assert roles(gaz, "Unnao district me")["unnao"] == "district"


def test_old_names_short_forms_and_typos(gaz: Gazetteer) -> None:
    assert districts(gaz, "Allahabad") == {"Prayagraj"}
    assert districts(gaz, "Faizabad se") == {"Ayodhya"}
    assert districts(gaz, "lko") == {"Lucknow"}
    assert districts(gaz, "noida sector 62") == {"Gautam Buddha Nagar"}
    assert districts(gaz, "Gorakpur me") == {"Gorakhpur"}
    assert districts(gaz, "Mirzapr") == {"Mirzapur"}
    assert "Kanpur Dehat" in districts(gaz, "Kanpur Dehat")
    assert "Kanpur Nagar" in districts(gaz, "Kanpur Nagar")


def test_everyday_words_are_not_places(gaz: Gazetteer) -> None:
    for text in (
        "aaj main mar jaunga, sab khatam",
        "आज मैं आत्महत्या कर रहा हूं. मजबूरी है मेरी",
        "I am done with this life, goodbye",
        "ghar pe koi nahi hai",
    ):
        assert not [
            m
            for m in mentions(gaz, text)
            if m.how != "exact" or m.role != "plain" or any(p.kind != "locality" for p in m.places)
        ], text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_mentions_never_raise(gaz: Gazetteer, text: str) -> None:
    mentions(gaz, text)


def test_station_names_are_read_before_and_after_the_marker() -> None:
    assert station_names("gram Rampur, thana Sidhauli, jila Sitapur") == ["sidhauli"]
    assert station_names("Hazratganj thane ke peeche") == ["hazratganj"]
    assert station_names("ग्राम बरौली, थाना-मलिहाबाद, जनपद लखनऊ") == ["malihaabaad"]
    assert station_names("P.S. Kotwali Nagar, Distt. Etah") == ["kotwali nagar"]
    assert station_names("thana kotwali, janpad Hardoi") == ["kotwali"]
    assert station_names(None) == []
