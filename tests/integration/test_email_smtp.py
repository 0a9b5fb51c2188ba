"""Real SMTP: smtplib → `jeevanrekha smtpd`'s receiver on loopback → raw alerts and cases."""

from __future__ import annotations

import os
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.intake.models import Alert, RawAlert, RawAlertStatus
from jeevanrekha.intake.sources.email import smtpd
from tests.integration.email_support import (
    ALLOWED,
    fixture_eml,
    free_port,
    shared_connection_executor,
)

pytestmark = pytest.mark.django_db

TO = "socialmedia@uppolice.gov.in"
SENDERS = {
    "meta_facebook_hindi": "lert-noreply@fb.com",
    "instagram_html_only_base64": "no-reply@mail.instagram.com",
    "x_hinglish_windows1252": "le-response@x.com",
    "wrong_declared_charset": "lert-noreply@fb.com",
    "forwarded_by_officer_with_screenshot": "si.ramesh.gkp@uppolice.gov.in",
    "forwarded_as_attachment_outlook": "cr.varanasi@uppolice.gov.in",
}
LIMITS = smtpd.SmtpConfig(max_bytes=32 * 1024 * 1024, max_recipients=100, recipients=frozenset())


@contextmanager
def running(config: smtpd.SmtpConfig) -> Iterator[int]:
    """The receiver on a free loopback port, storing on the test's connection."""
    port = free_port()
    with shared_connection_executor() as executor:
        controller = smtpd.start(f"127.0.0.1:{port}", config, executor)
        try:
            yield port
        finally:
            smtpd.stop(controller)


@pytest.fixture
def receiver(settings: Any) -> Iterator[int]:
    """The SMTP receiver, with the test's sender domains and a 1 MiB alert limit."""
    settings.INTAKE_EMAIL_SENDER_DOMAINS = ALLOWED
    settings.INTAKE_EMAIL_MAX_BYTES = 1024 * 1024
    with running(LIMITS) as port:
        yield port


def send(port: int, body: bytes, sender: str, to: list[str] | None = None) -> Any:
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
        return client.sendmail(sender, to or [TO], body)


def test_fixture_emails_become_cases(receiver: int) -> None:
    for name, sender in SENDERS.items():
        assert send(receiver, fixture_eml(name), sender) == {}
    alerts = Alert.objects.order_by("id")
    assert alerts.count() == len(SENDERS)
    by_id = {a.source_alert_id: a for a in alerts}
    meta = by_id["META-SI-20220907-0325-1182"]
    assert meta.platform == "facebook" and meta.case_id
    assert meta.post_text == "आज मैं आत्महत्या कर रहा हूं. मजबूरी है मेरी"
    forwarded = by_id["META-SI-20240914-0202-7720"]
    assert forwarded.post_media[0]["name"] == "screenshot-7720.png"
    raws = RawAlert.objects.filter(channel="email")
    assert {r.status for r in raws} == {RawAlertStatus.ACCEPTED}
    raw = raws.get(alert=meta)
    assert bytes(raw.body) == fixture_eml("meta_facebook_hindi")
    assert raw.headers["mail_from"] == "lert-noreply@fb.com" and raw.headers["via"] == "smtp"
    assert raw.remote_addr == "127.0.0.1"


def test_the_reply_comes_after_the_commit_and_names_the_case(receiver: int) -> None:
    with smtplib.SMTP("127.0.0.1", receiver, timeout=30) as client:
        client.ehlo()
        client.mail("lert-noreply@fb.com")
        client.rcpt(TO)
        code, text = client.data(fixture_eml("meta_facebook_hindi"))
        raw = RawAlert.objects.get()  # already committed when the reply arrives
        assert code == 250 and f"raw alert #{raw.pk}" in text.decode()
        assert f"case #{raw.alert.case_id}" in text.decode()  # type: ignore[union-attr]
        client.mail("lert-noreply@fb.com")
        client.rcpt(TO)
        code, text = client.data(fixture_eml("meta_facebook_hindi"))
        assert code == 250 and b"already received" in text
    assert Alert.objects.count() == 1 and RawAlert.objects.count() == 2


def test_unknown_sender_is_refused_at_rcpt_and_audited(receiver: int) -> None:
    with pytest.raises(smtplib.SMTPRecipientsRefused) as err:
        send(receiver, fixture_eml("unknown_sender"), "alerts@meta-safety-alerts.example")
    code, text = err.value.recipients[TO]
    assert code == 550
    assert b"meta-safety-alerts.example is not an authorised alert sender" in text
    assert RawAlert.objects.count() == 0
    event = AuditEvent.objects.get(action="email_sender_refused")
    assert event.after["mail_from"] == "alerts@meta-safety-alerts.example"


def test_from_header_of_an_unknown_domain_is_stored_and_quarantined(receiver: int) -> None:
    send(receiver, fixture_eml("unknown_sender"), "relay@uppolice.gov.in")
    raw = RawAlert.objects.get()
    assert raw.status == RawAlertStatus.QUARANTINED and raw.error_code == "sender_not_allowed"


def test_five_thousand_recipients_do_not_break_it(receiver: int) -> None:
    rcpts = [f"desk{i}@uppolice.gov.in" for i in range(5000)]
    refused = send(receiver, fixture_eml("meta_facebook_hindi"), "lert-noreply@fb.com", rcpts)
    assert len(refused) == 4900 and {c for c, _ in refused.values()} == {452}
    raw = RawAlert.objects.get()
    assert raw.status == RawAlertStatus.ACCEPTED and raw.headers["rcpt_count"] == "100"
    with smtplib.SMTP("127.0.0.1", receiver, timeout=10) as client:
        assert client.noop()[0] == 250


def test_oversized_message_is_recorded_cut_short_and_refused(receiver: int) -> None:
    msg = EmailMessage()
    msg["From"] = "lert-noreply@fb.com"
    msg["Subject"] = "big"
    msg.set_content("Username: big.one\nContent: goodbye\n")
    msg.add_attachment(os.urandom(2 * 1024 * 1024), maintype="image", subtype="png")
    with pytest.raises(smtplib.SMTPDataError) as err:
        send(receiver, msg.as_bytes(policy=policy.SMTP), "lert-noreply@fb.com")
    assert err.value.smtp_code == 552
    raw = RawAlert.objects.get()
    assert raw.error_code == "too_large" and raw.body_truncated
    assert raw.body_size > 2 * 1024 * 1024 and len(bytes(raw.body)) == 64 * 1024


def test_over_the_smtp_size_limit_is_refused_unread(settings: Any) -> None:
    settings.INTAKE_EMAIL_SENDER_DOMAINS = ALLOWED
    config = smtpd.SmtpConfig(max_bytes=100_000, max_recipients=10, recipients=frozenset())
    with running(config) as port, pytest.raises(smtplib.SMTPSenderRefused) as err:
        send(port, b"From: a@fb.com\r\n\r\n" + b"x" * 200_000, "a@fb.com")
    assert err.value.smtp_code == 552
    assert RawAlert.objects.count() == 0


def test_only_configured_recipients(settings: Any) -> None:
    settings.INTAKE_EMAIL_SENDER_DOMAINS = ALLOWED
    config = smtpd.SmtpConfig(max_bytes=10**6, max_recipients=10, recipients=frozenset({TO}))
    with running(config) as port:
        body = fixture_eml("meta_facebook_hindi")
        refused = send(port, body, "lert-noreply@fb.com", [TO, "x@y.z"])
    assert refused["x@y.z"][0] == 550
    assert RawAlert.objects.count() == 1
