"""200 crafted bad messages, and hypothesis-made ones, through the real SMTP receiver.

Each must be stored as a raw alert and either parsed or quarantined with a reason, and the
receiver must go on answering. The corpus is made here by code (seeded), not kept as files.
"""

# ruff: noqa: E501  (the corpus table below is one line per kind of bad message)

from __future__ import annotations

import base64
import random
import smtplib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jeevanrekha.intake.models import RawAlert, RawAlertStatus
from jeevanrekha.intake.sources.email import smtpd
from tests.integration.email_support import ALLOWED, fixture_eml, free_port
from tests.integration.email_support import shared_connection_executor as db_executor

pytestmark = pytest.mark.django_db

SENDER, TO = "lert-noreply@fb.com", ["socialmedia@uppolice.gov.in"]
HEAD = "From: Meta <lert-noreply@fb.com>\r\nTo: desk@uppolice.gov.in\r\nSubject: alert\r\n"
ALERT = "Alert ID: BAD-{n}\r\nUsername: someone.{n}\r\nContent: aaj sab khatam {n}\r\n"


def _crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8", "surrogateescape")


def _multipart(n: int, body: str, boundary: str = "b1", close: bool = True) -> bytes:
    end = f"--{boundary}--\r\n" if close else ""
    return _crlf(
        f"{HEAD}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary={boundary}\r\n\r\n"
        f"--{boundary}\r\nContent-Type: text/plain\r\n\r\n{body}\r\n{end}"
    )


def _nested(depth: int) -> bytes:
    opening = "".join(
        f"--n{i}\r\nContent-Type: multipart/mixed; boundary=n{i + 1}\r\n\r\n" for i in range(depth)
    )
    return _crlf(f"{HEAD}Content-Type: multipart/mixed; boundary=n0\r\n\r\n{opening}x\r\n")


def _attached_messages(depth: int, n: int) -> bytes:
    inner = f"From: lert-noreply@fb.com\r\n\r\n{ALERT.format(n=n)}"
    for _ in range(depth):
        inner = (
            f"From: a@fb.com\r\nContent-Type: message/rfc822\r\n\r\n{inner}"
            if _ % 2
            else f"From: a@fb.com\r\nContent-Type: multipart/mixed; boundary=m\r\n\r\n"
            f"--m\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--m--\r\n"
        )
    return _crlf(inner)


def _big_attachment(megabytes: int) -> bytes:
    data = base64.encodebytes(random.Random(7).randbytes(megabytes * 1024 * 1024 * 3 // 4))
    return _multipart(0, ALERT.format(n="big"), "big", close=False) + (
        b"--big\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + data.replace(b"\n", b"\r\n")
        + b"--big--\r\n"
    )


def corpus() -> Iterator[tuple[str, bytes]]:
    """(what is wrong with it, the message): 200 of them."""
    rnd = random.Random(20240914)
    makers: list[tuple[str, Callable[[int], bytes]]] = [
        ("empty", lambda n: b""),
        ("blank lines", lambda n: b"\r\n" * (n % 5 + 1)),
        ("headers only", lambda n: _crlf(HEAD)),
        ("binary garbage", lambda n: rnd.randbytes(50 + n * 37)),
        ("garbage after From", lambda n: _crlf(HEAD + "\r\n") + rnd.randbytes(500)),
        ("no From", lambda n: _crlf(f"Subject: x\r\n\r\n{ALERT.format(n=n)}")),
        ("From without domain", lambda n: _crlf(f"From: nobody\r\n\r\n{ALERT.format(n=n)}")),
        ("unknown domain", lambda n: _crlf(f"From: a@evil{n}.example\r\n\r\n{ALERT}")),
        ("boundary never closed", lambda n: _multipart(n, ALERT.format(n=n), close=False)),
        ("missing boundary", lambda n: _crlf(f"{HEAD}Content-Type: multipart/mixed\r\n\r\nx")),
        ("wrong boundary", lambda n: _multipart(n, ALERT.format(n=n)).replace(b"--b1", b"--zz")),
        ("nested multiparts", lambda n: _nested(20 + n)),
        ("attached messages", lambda n: _attached_messages(3 + n % 12, n)),
        ("unknown charset", lambda n: _crlf(f"{HEAD}Content-Type: text/plain; charset=x-{n}\r\n\r\n{ALERT.format(n=n)}")),
        ("wrong charset", lambda n: _crlf(f"{HEAD}Content-Type: text/plain; charset=utf-16\r\n\r\n{ALERT.format(n=n)}")),
        ("latin-1 bytes as utf-8", lambda n: _crlf(f"{HEAD}\r\n").replace(b"alert", b"al\xe9rt") + b"Content: caf\xe9 \xff\xfe\r\nUsername: u\r\n"),
        ("bad base64", lambda n: _crlf(f"{HEAD}Content-Transfer-Encoding: base64\r\n\r\n!!!{n}***==\r\n")),
        ("bad quoted-printable", lambda n: _crlf(f"{HEAD}Content-Transfer-Encoding: quoted-printable\r\n\r\nContent: =ZZ=4=\r\nUsername: q{n}=\r\n")),
        ("broken encoded words", lambda n: _crlf(f"From: =?utf-8?B?###?= <a@fb.com>\r\nSubject: =?x-bad?Q?=E0=A4?= =?utf-8?q?{n}\r\n\r\n{ALERT.format(n=n)}")),
        ("raw 8-bit headers", lambda n: f"From: आलर्ट <lert@fb.com>\r\nSubject: नमस्ते {n}\r\n\r\n{ALERT.format(n=n)}".encode()),
        ("NUL bytes", lambda n: _crlf(HEAD + "\r\n" + ALERT.format(n=n)).replace(b"aaj", b"a\x00aj")),
        ("long header", lambda n: _crlf(f"{HEAD}X-Long: {'y' * (5000 + n)}\r\n\r\n{ALERT.format(n=n)}")),
        ("long body line", lambda n: _crlf(f"{HEAD}\r\nContent: {'z' * (50_000 + n)}\r\nUsername: l{n}\r\n")),
        ("5,000 addresses in To", lambda n: _crlf(f"From: a@fb.com\r\nTo: {', '.join(f'u{i}@x.in' for i in range(5000))}\r\n\r\n{ALERT.format(n=n)}")),
        ("many attachments", lambda n: _multipart(n, ALERT.format(n=n), close=False) + b"".join(b"--b1\r\nContent-Type: image/png\r\n\r\nPNG\r\n" for _ in range(300)) + b"--b1--\r\n"),
        ("html only, all script", lambda n: _crlf(f"{HEAD}Content-Type: text/html\r\n\r\n<script>{'x' * n}</script><style>p{{}}</style>")),
        ("broken html", lambda n: _crlf(f"{HEAD}Content-Type: text/html\r\n\r\n<table><tr><td>Username<td>h{n}<td>Content</td><td>bye <b><i></table></p></div>&#xffffff;&bogus;")),
        ("valid", lambda n: _crlf(HEAD + "\r\n" + ALERT.format(n=n))),
        ("bad values", lambda n: _crlf(f"{HEAD}\r\nUsername: v{n}\r\nPhone: +++\r\nIP: 300.1.1.1\r\nProfile URL: javascript:x\r\nPosted at: yesterday\r\nEmail: a@b@c\r\n")),
    ]  # fmt: skip
    count = 0
    while count < 197:
        for name, make in makers:
            if count < 197:
                yield name, make(count)
                count += 1
    yield "20 MB attachment", _big_attachment(20)
    yield "5,000 recipients", _crlf(HEAD + "\r\n" + ALERT.format(n="rcpt"))
    yield "fixture, again", fixture_eml("meta_facebook_hindi")


@pytest.fixture
def receiver(settings: Any) -> Iterator[int]:
    settings.INTAKE_EMAIL_SENDER_DOMAINS = ALLOWED
    port = free_port()
    config = smtpd.SmtpConfig(
        max_bytes=32 * 1024 * 1024, max_recipients=100, recipients=frozenset()
    )
    with db_executor() as executor:
        controller = smtpd.start(f"127.0.0.1:{port}", config, executor)
        try:
            yield port
        finally:
            smtpd.stop(controller)


def assert_each_stored_with_a_reason(expected: int) -> None:
    raws = list(RawAlert.objects.values_list("status", "error_code"))
    assert len(raws) == expected
    done = {RawAlertStatus.ACCEPTED, RawAlertStatus.DUPLICATE, RawAlertStatus.QUARANTINED}
    for status, code in raws:
        assert status in done, (status, code)
        assert (status == RawAlertStatus.QUARANTINED) == bool(code)


def test_two_hundred_bad_messages(receiver: int) -> None:
    messages = list(corpus())
    assert len(messages) == 200
    replies: dict[str, int] = {}
    with smtplib.SMTP("127.0.0.1", receiver, timeout=60) as client:
        for name, body in messages:
            rcpts = (
                [f"d{i}@uppolice.gov.in" for i in range(5000)] if name == "5,000 recipients" else TO
            )
            try:
                client.sendmail(SENDER, rcpts, body)
                replies[name] = 250
            except smtplib.SMTPDataError as err:
                replies[name] = err.smtp_code
                client.rset()
        assert client.noop()[0] == 250
    assert replies["20 MB attachment"] == 552
    assert_each_stored_with_a_reason(200)
    codes = set(RawAlert.objects.values_list("error_code", flat=True))
    assert {"empty_message", "no_sender", "sender_not_allowed", "too_large"} <= codes
    assert RawAlert.objects.filter(status=RawAlertStatus.ACCEPTED).count() >= 7


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    headers=st.lists(
        st.tuples(
            st.sampled_from(["From", "Subject", "Content-Type", "Content-Transfer-Encoding", "X"]),
            st.text(st.characters(blacklist_categories=["Cs"]), max_size=80),
        ),
        max_size=6,
    ),
    body=st.binary(max_size=3000) | st.text(max_size=1000).map(str.encode),
)
def test_hypothesis_messages(receiver: int, headers: list[tuple[str, str]], body: bytes) -> None:
    before = RawAlert.objects.count()
    head = "".join(f"{k}: {' '.join(v.split())}\r\n" for k, v in headers)
    message = head.encode("utf-8") + b"\r\n" + body.replace(b"\r", b"")
    with smtplib.SMTP("127.0.0.1", receiver, timeout=30) as client:
        client.sendmail(SENDER, TO, message)
        assert client.noop()[0] == 250
    assert RawAlert.objects.count() == before + 1
    raw = RawAlert.objects.latest("id")
    assert raw.status != RawAlertStatus.FAILED
    assert (raw.status == RawAlertStatus.QUARANTINED) == bool(raw.error_code)
