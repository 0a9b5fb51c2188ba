"""Transports, one folder each (house rule 5): every one has `send(message) -> None`.

A transport raises :class:`SendError` when the message did not go out; ``permanent`` says
that trying again will not help (a refused address, a 4xx answer), so the notification is
given up at once instead of after the last retry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Outgoing:
    """One message as a transport sees it."""

    notification_id: int
    task_id: int
    case_id: int
    role: str
    address: str
    subject: str
    body: str
    link_url: str = ""
    attachments: list[dict[str, Any]] = field(default_factory=list)


class SendError(Exception):
    """The message did not go out; `permanent` when retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


Sender = Callable[[Outgoing], None]
KINDS = ("email", "sms", "webhook", "inapp")


def sender_for(kind: str) -> Sender:
    """The send function of a transport kind; SendError(permanent) for an unknown one."""
    if kind == "email":
        from jeevanrekha.dispatch.transports.email.send import send
    elif kind == "sms":
        from jeevanrekha.dispatch.transports.sms.send import send
    elif kind == "webhook":
        from jeevanrekha.dispatch.transports.webhook.send import send
    elif kind == "inapp":
        from jeevanrekha.dispatch.transports.inapp.send import send
    else:
        raise SendError(f"unknown transport {kind!r}", permanent=True)
    return send
