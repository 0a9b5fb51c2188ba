"""How people write places, in Hinglish, Hindi and English: hand-written, not generated."""

from __future__ import annotations

import pytest

from jeevanrekha.geo.fusion import Context, resolve

HOME = [
    ("mai lucknow ke hazratganj me rehta hu", "Lucknow"),
    ("Kanpur ke kidwai nagar me hu bhai", "Kanpur Nagar"),
    ("allahabad civil lines", "Prayagraj"),
    ("prayagraj ke jhunsi me", "Prayagraj"),
    ("varansi me hu", "Varanasi"),
    ("gaziabad indirapuram", "Ghaziabad"),
    ("greater noida west gaur city", "Gautam Buddha Nagar"),
    ("agra ke tajganj me", "Agra"),
    ("vrindavan me hu", "Mathura"),
    ("मैं गोरखपुर में हूँ", "Gorakhpur"),
    ("वाराणसी के लंका में", "Varanasi"),
    ("ज़िला बलिया, थाना सिकंदरपुर", "Ballia"),
    ("प्रयागराज के झूंसी में रहता हूँ", "Prayagraj"),
    ("नोएडा सेक्टर 62", "Gautam Buddha Nagar"),
    ("जनपद आजमगढ़ ग्राम रानीपुर", "Azamgarh"),
    ("Indira Nagar, Lucknow 226016", "Lucknow"),
    ("Vill- Rampur, Post- Bhatni, PS- Bhatni, Distt- Deoria (UP)", "Deoria"),
    ("Vill. Mohanpur, P.O. Saidpur, Distt. Ghazipur, U.P.", "Ghazipur"),
    ("ग्राम-सरैया, पोस्ट-हंडिया, जिला-प्रयागराज", "Prayagraj"),
    ("Bareli ka hu", "Bareilly"),
    ("rae bareli ke lalganj me", "Rae Bareli"),
    ("lakhimpur kheri", "Kheri"),
    ("sitapur road lucknow", "Lucknow"),
    ("Hazratganj thane ke peeche", "Lucknow"),
    ("फैजाबाद", "Ayodhya"),
    ("sahjahanpur", "Shahjahanpur"),
    ("लखीमपुर खीरी", "Kheri"),
    ("बस्ती जिले के", "Basti"),
    ("mau me hu", "Mau"),
    ("chitrakoot dham karwi", "Chitrakoot"),
    ("थाना कोतवाली, जनपद हरदोई", "Hardoi"),
    ("लखनऊ के आलमबाग में", "Lucknow"),
    ("गाज़ियाबाद के खोड़ा में", "Ghaziabad"),
    ("बनारस घाट पर हूँ", "Varanasi"),
    ("सीतापुर रोड लखनऊ", "Lucknow"),
    ("नोयडा", "Gautam Buddha Nagar"),
    ("पिन कोड २२६०१०", "Lucknow"),
    ("झाँसी रेलवे स्टेशन", "Jhansi"),
    ("aazamgarh", "Azamgarh"),
    ("ambedkarnagar akbarpur", "Ambedkar Nagar"),
    ("आंबेडकर नगर", "Ambedkar Nagar"),
    ("संतकबीरनगर", "Sant Kabir Nagar"),
    ("I live in Kanpur", "Kanpur Nagar"),
]
ELSEWHERE = [
    ("मैं आगरा से हूँ अभी दिल्ली में हूँ", "Delhi", None),
    ("main bihar ke patna se hu", "Bihar", "Patna"),
    ("Gurgaon sector 29", "Haryana", "Gurugram"),
    ("MP ke Gwalior me", "Madhya Pradesh", "Gwalior"),
    ("कोलकाता में हूँ", "West Bengal", "Kolkata"),
    ("aurangabad bihar", "Bihar", "Aurangabad"),
    ("Hamirpur HP", "Himachal Pradesh", "Hamirpur"),
    ("Uttarakhand ke Rudrapur me", "Uttarakhand", None),
    ("from Lucknow, currently in Pune for job", "Maharashtra", "Pune"),
    ("दिल्ली के लक्ष्मी नगर में", "Delhi", None),
]


@pytest.mark.parametrize(("text", "district"), HOME)
def test_home_state_places(ctx: Context, text: str, district: str) -> None:
    got = resolve({"post_text": text}, ctx)
    assert (got.state, got.district, got.other_state) == ("Uttar Pradesh", district, False)


@pytest.mark.parametrize(("text", "state", "district"), ELSEWHERE)
def test_other_states(ctx: Context, text: str, state: str, district: str | None) -> None:
    got = resolve({"post_text": text}, ctx)
    assert got.state == state and got.other_state
    if district:
        assert got.district == district
