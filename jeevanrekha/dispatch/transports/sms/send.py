"""SMS through an HTTP gateway: a generic adapter configured by settings, not code.

DISPATCH_SMS_URL is the gateway's endpoint; DISPATCH_SMS_TEMPLATE is the request body with
``{to}`` and ``{text}`` placeholders (JSON-escaped when the content type is JSON, URL-encoded
for forms); DISPATCH_SMS_HEADERS (JSON object) adds headers such as an API key. A 2xx answer
is success; 408, 429 and 5xx and network errors are retried; any other 4xx is permanent.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

from jeevanrekha.dispatch.transports import Outgoing, SendError

SMS_MAX_CHARS = 640  # four concatenated parts; the link comes first so that it survives


def text_of(message: Outgoing) -> str:
    """The SMS text: the subject, the one-tap link, then as much body as fits."""
    parts = [message.subject]
    if message.link_url:
        parts.append(message.link_url)
    parts.append(message.body)
    return "\n".join(parts)[:SMS_MAX_CHARS]


def _escape(value: str, content_type: str) -> str:
    if "json" in content_type:
        return json.dumps(value)[1:-1]
    if "x-www-form-urlencoded" in content_type:
        return urllib.parse.quote_plus(value)
    return value


def build_request(message: Outgoing) -> urllib.request.Request:
    """The gateway request for one SMS."""
    url = settings.DISPATCH_SMS_URL
    if not url:
        raise SendError("DISPATCH_SMS_URL is not set", permanent=True)
    headers = {"Content-Type": "application/json", **json.loads(settings.DISPATCH_SMS_HEADERS)}
    content_type = headers.get("Content-Type", "")
    body = settings.DISPATCH_SMS_TEMPLATE.replace(
        "{to}", _escape(message.address, content_type)
    ).replace("{text}", _escape(text_of(message), content_type))
    return urllib.request.Request(url, data=body.encode("utf-8"), headers=headers, method="POST")


def send(message: Outgoing) -> None:
    """Hand one SMS to the gateway."""
    request = build_request(message)
    try:
        with urllib.request.urlopen(request, timeout=settings.DISPATCH_SEND_TIMEOUT_SECONDS):
            return
    except urllib.error.HTTPError as exc:
        permanent = 400 <= exc.code < 500 and exc.code not in (408, 429)
        raise SendError(f"gateway answered {exc.code} {exc.reason}", permanent=permanent) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise SendError(f"gateway unreachable: {exc}") from exc
