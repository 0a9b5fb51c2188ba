"""Fuzzing the intake parsers: the JSON alert (api, file, form, monitor channels), the
platform alert e-mail (MIME and its labelled fields). Each may only return an alert or raise
its documented `ParseError`; nothing else escapes, whatever the bytes."""

from __future__ import annotations

import json
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jeevanrekha.intake.sources.api.parse import AlertIn, ParseError
from jeevanrekha.intake.sources.api.parse import parse as parse_json
from jeevanrekha.intake.sources.email import fields
from jeevanrekha.intake.sources.email.parse import EmailRules
from jeevanrekha.intake.sources.email.parse import parse as parse_mail
from tests.unit.fuzz.corpus import FUZZ, files, seeds, texts

RULES = EmailRules(sender_domains=frozenset({"facebookmail.com", "example.org"}))
KEYS = ["source", "platform", "post", "text", "url", "account", "handle", "name", "phones"]
KEYS += ["emails", "ips", "evidence", "tower", "lat", "lon", "posted_at", "profile", "media"]
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats()
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=6)
    ),
    max_leaves=25,
)


def files_index(name: str) -> int:
    return [p.name for p in files("intake_json")].index(name)


def json_alert(body: bytes) -> None:
    """The one contract: an AlertIn with something to act on, or a ParseError."""
    try:
        alert = parse_json(body)
    except ParseError as exc:
        assert exc.status in {400, 422} and exc.code and isinstance(exc.errors, list)
        return
    assert isinstance(alert, AlertIn) and alert.has_something_to_act_on()


def mail_alert(body: bytes) -> None:
    try:
        alert = parse_mail(body, RULES)
    except ParseError as exc:
        assert exc.status in {403, 422} and exc.code
        return
    assert isinstance(alert, AlertIn)


@pytest.mark.parametrize("body", seeds("intake_json"), ids=lambda b: str(len(b)))
def test_json_alert_corpus(body: bytes) -> None:
    json_alert(body)


def test_offsets_postgresql_cannot_store_become_utc() -> None:
    """Found by schemathesis on PostgreSQL (corpus: found-offset-*.json): an offset beyond
    ±15:59 is stored as the same instant in UTC; one that leaves the calendar is refused."""
    far = parse_json(seeds("intake_json")[files_index("found-offset-beyond-postgresql.json")])
    assert far.received_at is not None and far.received_at.utcoffset() == timedelta(0)
    assert far.received_at.isoformat() == "4433-09-18T17:42:54.663553+00:00"
    with pytest.raises(ParseError, match="invalid_fields"):
        parse_json(seeds("intake_json")[files_index("found-offset-overflow.json")])


@FUZZ
@given(body=st.binary(max_size=2000))
def test_json_alert_from_any_bytes(body: bytes) -> None:
    json_alert(body)


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, allow_nan=True).encode("utf-8", "surrogatepass")


@FUZZ
@given(value=json_values)
def test_json_alert_from_json_of_the_right_words(value: Any) -> None:
    json_alert(_dumps(value))


@FUZZ
@given(
    base=st.sampled_from(seeds("intake_json")),
    cut=st.integers(min_value=0, max_value=4000),
    junk=st.binary(max_size=8),
)
def test_json_alert_from_damaged_corpus(base: bytes, cut: int, junk: bytes) -> None:
    json_alert(base[:cut] + junk + base[cut:])


@pytest.mark.parametrize("body", seeds("intake_email"), ids=lambda b: str(len(b)))
def test_email_alert_corpus(body: bytes) -> None:
    mail_alert(body)


@FUZZ
@given(body=st.binary(max_size=3000))
def test_email_alert_from_any_bytes(body: bytes) -> None:
    mail_alert(body)


# Header text the stdlib lets a sender write (no control or line-separator characters).
HEADER_CHARS = st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp"))


@st.composite
def messages(draw: st.DrawFn) -> bytes:
    """Well-formed messages from an allowed sender with labelled fields of random values."""
    msg = EmailMessage()
    msg["From"] = draw(st.sampled_from(["Meta <alerts@facebookmail.com>", "x@example.org", ""]))
    msg["Subject"] = draw(st.text(HEADER_CHARS, max_size=30))
    labels = ["Post text", "Post URL", "Phone", "IP address", "Username", "Name", "Time", "City"]
    lines = [
        f"{draw(st.sampled_from(labels))}: {draw(st.text(max_size=40))}"
        for _ in range(draw(st.integers(0, 6)))
    ]
    body = "\n".join(lines).replace("\r", " ")
    subtype = draw(st.sampled_from(["plain", "html"]))
    charset = draw(st.sampled_from(["utf-8", "latin-1", "windows-1252", "x-unknown"]))
    try:
        msg.set_content(body, subtype=subtype, charset=charset)
    except (LookupError, UnicodeEncodeError, ValueError):
        msg.set_content(body, subtype=subtype)
    raw = msg.as_bytes()
    cut = draw(st.integers(0, len(raw)))
    return raw if draw(st.booleans()) else raw[:cut]


@FUZZ
@given(body=messages())
def test_email_alert_from_generated_messages(body: bytes) -> None:
    mail_alert(body)


@pytest.mark.parametrize("text", texts("email_fields"), ids=lambda t: str(len(t)))
def test_email_field_corpus(text: str) -> None:
    email_fields(text)


def email_fields(text: str) -> None:
    """The labelled-field readers of the e-mail parser: values or None, never an error."""
    found = fields.find_fields(text)
    assert isinstance(found, dict)
    fields.split_forward(text)
    fields.forwarded_sender(text)
    for value in [text, *found.values()]:
        fields.first_url(value)
        fields.phone(value)
        fields.ip(value)
        fields.handle(value)
        fields.when(value)


@FUZZ
@given(text=st.text(max_size=400))
def test_email_fields_from_any_text(text: str) -> None:
    email_fields(text)
