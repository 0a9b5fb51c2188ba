"""E-mail over SMTP (DISPATCH_SMTP_*), with the one-tap link and any attachment (CAP XML).

It uses Django's SMTP backend directly, not EMAIL_BACKEND, so that the desk's own mail
settings (and the test runner's in-memory outbox) do not decide where police mail goes.
"""

from __future__ import annotations

import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.smtp import EmailBackend

from jeevanrekha.dispatch.transports import Outgoing, SendError


def _backend() -> EmailBackend:
    return EmailBackend(
        host=settings.DISPATCH_SMTP_HOST,
        port=settings.DISPATCH_SMTP_PORT,
        username=settings.DISPATCH_SMTP_USER or None,
        password=settings.DISPATCH_SMTP_PASSWORD or None,
        use_tls=settings.DISPATCH_SMTP_STARTTLS,
        timeout=settings.DISPATCH_SEND_TIMEOUT_SECONDS,
        fail_silently=False,
    )


def send(message: Outgoing) -> None:
    """Send one e-mail; a refused recipient is permanent, anything else is retried."""
    body = message.body
    if message.link_url:
        body += f"\n\nAcknowledge / report (one tap, no login):\n{message.link_url}\n"
    mail = EmailMessage(
        subject=message.subject,
        body=body,
        from_email=settings.DISPATCH_MAIL_FROM,
        to=[message.address],
        headers={"X-JR-Notification": str(message.notification_id)},
    )
    for item in message.attachments:
        mail.attach(item["name"], item["text"], item.get("type", "application/octet-stream"))
    try:
        with _backend() as connection:
            connection.send_messages([mail])
    except smtplib.SMTPRecipientsRefused as exc:
        raise SendError(f"recipient refused: {exc.recipients}", permanent=True) from exc
    except (TimeoutError, smtplib.SMTPException, OSError) as exc:
        raise SendError(f"smtp: {type(exc).__name__}: {exc}") from exc
