"""Outbound webhook: a JSON POST signed like the intake's requests (HMAC-SHA256).

Headers: X-JR-Source (DISPATCH_WEBHOOK_SENDER), X-JR-Timestamp and X-JR-Signature =
``sha256=hex(HMAC(DISPATCH_WEBHOOK_SECRET, timestamp + "." + body))``, so a partner checks it
with the same code as the desk's own intake (docs/alert-format.md).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.conf import settings

from jeevanrekha.dispatch.transports import Outgoing, SendError
from jeevanrekha.intake.signing import signed_headers


def payload_of(message: Outgoing) -> bytes:
    """The JSON document posted for one notification."""
    doc = {
        "notification_id": message.notification_id,
        "task_id": message.task_id,
        "case_id": message.case_id,
        "role": message.role,
        "subject": message.subject,
        "text": message.body,
        "ack_url": message.link_url,
        "attachments": message.attachments,
    }
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def send(message: Outgoing) -> None:
    """POST the signed document; 2xx is success, retry on 408/429/5xx and network errors."""
    secret = settings.DISPATCH_WEBHOOK_SECRET
    if not secret:
        raise SendError("DISPATCH_WEBHOOK_SECRET is not set", permanent=True)
    body = payload_of(message)
    headers = signed_headers(settings.DISPATCH_WEBHOOK_SENDER, secret, body)
    request = urllib.request.Request(message.address, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.DISPATCH_SEND_TIMEOUT_SECONDS):
            return
    except urllib.error.HTTPError as exc:
        permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
        raise SendError(f"webhook answered {exc.code} {exc.reason}", permanent=permanent) from exc
    except (urllib.error.URLError, ValueError, OSError) as exc:
        raise SendError(f"webhook unreachable: {exc}") from exc
