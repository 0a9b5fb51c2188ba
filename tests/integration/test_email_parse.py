"""The platform alert email parser on the fixture messages and on hostile input (no DB)."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jeevanrekha.intake.sources.api.parse import ParseError
from jeevanrekha.intake.sources.email import fields
from jeevanrekha.intake.sources.email.mime import decode_text
from jeevanrekha.intake.sources.email.parse import EmailRules, parse, parse_platforms
from tests.integration.email_support import ALLOWED, all_fixtures, fixture_eml

RULES = EmailRules(frozenset(ALLOWED))


def test_meta_alert_with_a_hindi_subject_in_quoted_printable() -> None:
    alert = parse(fixture_eml("meta_facebook_hindi"), RULES)
    assert alert.source == "email:fb.com" and alert.platform == "facebook"
    assert alert.source_alert_id == "META-SI-20220907-0325-1182"
    assert alert.post.text == "आज मैं आत्महत्या कर रहा हूं. मजबूरी है मेरी"
    assert alert.post.url == "https://www.facebook.com/story.php?story_fbid=1182&id=4471"
    assert (
        alert.post.created_at and alert.post.created_at.isoformat() == "2022-09-07T03:12:00+05:30"
    )
    assert (alert.account.handle, alert.account.name) == ("ankit.verma.4471", "Ankit Verma")
    assert alert.evidence.phone == "+91 94150 12345"
    assert alert.evidence.ip == "2401:4900:1c3a:8f2::1"
    assert alert.evidence.profile_location == "Lucknow, Uttar Pradesh"
    assert "[तत्काल] आत्महत्या जोखिम अलर्ट" in alert.reporter.note  # RFC 2047 subject
    assert alert.received_at and alert.received_at.isoformat() == "2022-09-06T21:55:41+00:00"


def test_html_only_base64_instagram_mail() -> None:
    alert = parse(fixture_eml("instagram_html_only_base64"), RULES)
    assert alert.platform == "instagram" and alert.source == "email:mail.instagram.com"
    assert alert.account.handle == "priya_k_2007" and alert.account.name == "Priya K"
    assert alert.post.text.startswith("I can't do this anymore. Tonight I end everything.")
    assert alert.post.text.endswith("💔")  # an HTML character reference
    assert alert.post.url == "https://www.instagram.com/p/C9xQ2rLs7Tb/"  # from the link
    assert alert.evidence.ip == "49.36.121.14"
    assert "Helvetica" not in alert.post.text


def test_hinglish_in_windows_1252() -> None:
    alert = parse(fixture_eml("x_hinglish_windows1252"), RULES)
    assert alert.platform == "x" and alert.account.handle == "rahul_pyj11"
    assert alert.post.text.endswith("khatam kar dunga “bye”")
    assert "\u2013" in alert.reporter.note  # windows-1252 0x96 (en dash) in the subject
    assert alert.evidence.phone == "98390 55310"


def test_utf8_body_declared_as_latin1_is_read_as_utf8() -> None:
    alert = parse(fixture_eml("wrong_declared_charset"), RULES)
    assert alert.post.text.startswith("मैं अपनी ज़िंदगी खत्म करने जा रहा हूँ")


def test_inline_forward_by_an_officer_with_a_screenshot() -> None:
    alert = parse(fixture_eml("forwarded_by_officer_with_screenshot"), RULES)
    assert alert.source == "email:uppolice.gov.in"
    assert alert.platform == "facebook"
    assert alert.source_alert_id == "META-SI-20240914-0202-7720"
    assert alert.post.text == "अब और नहीं सह सकता, आज रात ज़हर खा लूँगा"
    assert alert.account.handle == "sunil.nishad.9931"
    assert alert.reporter.email == "si.ramesh.gkp@uppolice.gov.in"
    assert "originally from lert-noreply@fb.com" in alert.reporter.note
    assert "screenshot attached" in alert.reporter.note
    (shot,) = alert.post.media
    assert (shot.name, shot.content_type, shot.kind) == (
        "screenshot-7720.png",
        "image/png",
        "image",
    )
    assert shot.size and shot.size > 50
    assert shot.sha256 and len(shot.sha256) == 64


def test_forward_as_an_attached_message() -> None:
    alert = parse(fixture_eml("forwarded_as_attachment_outlook"), RULES)
    assert alert.platform == "instagram" and alert.source == "email:uppolice.gov.in"
    assert alert.source_alert_id == "META-SI-20240920-1105-3318"
    assert alert.account.handle == "neha.vns.22"
    assert alert.evidence.ip == "2409:40e3:1019:8ab2::7"


def test_unknown_sender_domain_is_refused_with_a_clear_code() -> None:
    with pytest.raises(ParseError) as err:
        parse(fixture_eml("unknown_sender"), RULES)
    assert err.value.code == "sender_not_allowed" and err.value.status == 403
    assert "meta-safety-alerts.example" in err.value.errors[0]["msg"]


def test_no_configured_domains_refuses_everything() -> None:
    for name in all_fixtures():
        with pytest.raises(ParseError) as err:
            parse(fixture_eml(name), EmailRules(frozenset()))
        assert err.value.code == "sender_not_allowed"


def test_a_lookalike_domain_is_not_a_subdomain() -> None:
    body = fixture_eml("meta_facebook_hindi").replace(b"@fb.com>", b"@evilfb.com>")
    with pytest.raises(ParseError) as err:
        parse(body, RULES)
    assert err.value.code == "sender_not_allowed"


def test_platform_map_from_settings_text() -> None:
    assert parse_platforms("alerts.example.org=sharechat, x.com = X") == {
        "alerts.example.org": "sharechat",
        "x.com": "x",
    }
    assert parse_platforms("")["fb.com"] == "facebook"


def test_attachment_listing_has_the_hash_of_the_bytes() -> None:
    msg = EmailMessage()
    msg["From"] = "lert-noreply@fb.com"
    msg["Subject"] = "alert"
    msg.set_content("Username: someone.1\nContent: I will end it today\n")
    data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40
    msg.add_attachment(data, maintype="image", subtype="png", filename="shot.png")
    alert = parse(msg.as_bytes(), RULES)
    (media,) = alert.post.media
    assert media.sha256 == hashlib.sha256(data).hexdigest() and media.size == len(data)


def test_bad_optional_values_are_left_out_not_fatal() -> None:
    msg = EmailMessage()
    msg["From"] = "lert-noreply@fb.com"
    msg.set_content("Username: someone.2\nEmail: a@@b\nContent: alvida\nIP: 999.1.1.1\n")
    alert = parse(msg.as_bytes(), RULES)
    assert alert.account.handle == "someone.2" and alert.evidence.ip is None
    assert alert.account.email is None and "account.email" in alert.reporter.note


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "empty_message"),
        (b"\r\n\r\n", "empty_message"),
        (b"Subject: hi\r\n\r\nContent: x\r\n", "no_sender"),
        (b"From: a@fb.com\r\nContent-Type: image/png\r\n\r\n\x89PNG", "no_text"),
        (b"From: a@fb.com\r\n\r\nHello, nothing labelled here.\r\n", "nothing_to_act_on"),
        (bytes(range(256)) * 8, "no_sender"),
    ],
)
def test_refusals_have_stable_codes(body: bytes, code: str) -> None:
    with pytest.raises(ParseError) as err:
        parse(body, RULES)
    assert err.value.code == code


def test_charset_fallbacks() -> None:
    assert decode_text("नमस्ते".encode(), "iso-8859-1") == "नमस्ते"
    assert decode_text("café".encode("cp1252"), "utf-8") == "café"
    assert decode_text(b"caf\xe9", "x-no-such-charset") == "café"
    assert decode_text("hi".encode("utf-16"), "utf-16") == "hi"


def test_times_need_a_zone() -> None:
    assert fields.when("2022-09-07 03:12 IST").isoformat() == "2022-09-07T03:12:00+05:30"  # type: ignore[union-attr]
    assert fields.when("2022-09-07T03:12:00Z").isoformat() == "2022-09-07T03:12:00+00:00"  # type: ignore[union-attr]
    assert fields.when("2022-09-07 03:12") is None
    assert fields.when("Tue, 06 Sep 2022 21:55:41 +0000") is not None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4000))
def test_any_bytes_parse_or_raise_parse_error(body: bytes) -> None:
    try:
        parse(b"From: a@fb.com\r\n" + body, RULES)
    except ParseError as err:
        assert err.code


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.sampled_from(["Username", "Content", "Phone", "IP", "Profile URL", "Posted at"]),
        st.text(max_size=200),
    ),
    st.sampled_from(["utf-8", "iso-8859-1", "windows-1252", "utf-16", "x-bogus", "ascii"]),
    st.sampled_from(["7bit", "8bit", "base64", "quoted-printable", "x-weird"]),
)
def test_labelled_text_in_any_encoding(labels: dict[str, str], charset: str, cte: str) -> None:
    text = "\n".join(f"{k}: {v}" for k, v in labels.items())
    data = text.encode("utf-8", "surrogatepass")
    head = (
        f"From: lert@fb.com\r\nContent-Type: text/plain; charset={charset}\r\n"
        f"Content-Transfer-Encoding: {cte}\r\n\r\n"
    )
    try:
        alert = parse(head.encode() + data, RULES)
    except ParseError as err:
        assert err.code in {"nothing_to_act_on", "no_text", "invalid_fields", "empty_message"}
    else:
        assert "\x00" not in alert.post.text
