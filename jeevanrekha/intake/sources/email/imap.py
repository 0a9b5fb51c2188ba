"""The mailbox poller behind `jeevanrekha imap-poll` (imaplib, TLS only).

Each unseen message is fetched with BODY.PEEK[] (which does not mark it), stored as a
RawAlert (store.py, committed), and only then marked \\Seen or moved to the done mailbox.
A crash between the two leaves the message unseen: the next poll stores it again, and the
alert's idempotency key (the platform's alert id, else the Message-ID) makes that a
duplicate of the first, not a second case.
"""

from __future__ import annotations

import imaplib
import logging
import re
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from jeevanrekha.intake.actions import Outcome
from jeevanrekha.intake.sources.email import store

log = logging.getLogger(__name__)

# Messages taken in one poll (the rest wait for the next one).
BATCH = 200


@dataclass(frozen=True)
class ImapConfig:
    """Where the mailbox is and how to reach it."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    mailbox: str = "INBOX"
    done_mailbox: str = ""
    tls: str = "implicit"  # or "starttls"
    ca_file: str = ""
    timeout: float = 60.0

    @classmethod
    def from_settings(cls) -> ImapConfig:
        return cls(
            host=settings.IMAP_HOST,
            port=int(settings.IMAP_PORT),
            user=settings.IMAP_USER,
            password=settings.IMAP_PASSWORD,
            mailbox=settings.IMAP_MAILBOX,
            done_mailbox=settings.IMAP_DONE_MAILBOX,
            tls=settings.IMAP_TLS,
            ca_file=settings.IMAP_CA_FILE,
        )


@dataclass
class PollResult:
    """What one poll did."""

    stored: list[Outcome] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class ImapError(Exception):
    """The server refused a step (login, select, fetch, store)."""


# What a poll can fail with: the server's refusals, protocol errors, network and TLS errors.
POLL_ERRORS = (ImapError, imaplib.IMAP4.error, OSError)


def _context(config: ImapConfig) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=config.ca_file or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


@contextmanager
def connect(config: ImapConfig) -> Iterator[imaplib.IMAP4]:
    """A logged-in connection over TLS (implicit, or STARTTLS before login)."""
    if not config.host:
        raise ImapError("IMAP_HOST is not set")
    context = _context(config)
    conn: imaplib.IMAP4
    if config.tls == "starttls":
        conn = imaplib.IMAP4(config.host, config.port, timeout=config.timeout)
        conn.starttls(ssl_context=context)
    elif config.tls == "implicit":
        conn = imaplib.IMAP4_SSL(
            config.host, config.port, ssl_context=context, timeout=config.timeout
        )
    else:
        raise ImapError(f"IMAP_TLS must be implicit or starttls, not {config.tls!r}")
    try:
        _ok(conn.login(config.user, config.password), "login")
        yield conn
    finally:
        with suppress(imaplib.IMAP4.error, OSError):
            conn.logout()


def _ok(response: tuple[str, Sequence[Any]], step: str) -> Sequence[Any]:
    status, data = response
    if status != "OK":
        raise ImapError(f"IMAP {step} failed: {status} {data!r}"[:500])
    return data


def _quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def poll_once(config: ImapConfig) -> PollResult:
    """Store every unseen message of the mailbox, marking each only after it is stored."""
    result = PollResult()
    with connect(config) as conn:
        caps = b" ".join(b for b in _ok(conn.capability(), "capability") if isinstance(b, bytes))
        can_move = b"MOVE" in caps.upper().split()
        _ok(conn.select(_quote(config.mailbox)), "select")
        found = _ok(conn.uid("SEARCH", "UNSEEN"), "search")
        uids = b" ".join(b for b in found if isinstance(b, bytes)).split()
        for uid in uids[:BATCH]:
            try:
                result.stored.append(_take(conn, config, uid.decode(), can_move))
            except (ImapError, imaplib.IMAP4.error) as exc:
                log.error("imap-poll: message uid %s: %s", uid, exc)
                result.errors.append(str(exc))
        if config.done_mailbox and result.stored and not can_move:
            conn.expunge()
    return result


def _take(conn: imaplib.IMAP4, config: ImapConfig, uid: str, can_move: bool) -> Outcome:
    data = _ok(conn.uid("FETCH", uid, "(BODY.PEEK[])"), f"fetch {uid}")
    body = _message_bytes(data)
    if body is None:
        raise ImapError(f"no message body for uid {uid}")
    transport = store.Transport(via="imap", mailbox=config.mailbox, uid=uid)
    outcome = store.store_message(body, transport)  # committed before it is marked
    _mark_done(conn, config, uid, can_move)
    return outcome


def _message_bytes(data: Sequence[Any]) -> bytes | None:
    for item in data:
        if (
            isinstance(item, tuple)
            and len(item) == 2
            and isinstance(item[0], bytes)
            and isinstance(item[1], bytes)
            and re.search(rb"BODY\[\]", item[0])
        ):
            return item[1]
    return None


def _mark_done(conn: imaplib.IMAP4, config: ImapConfig, uid: str, can_move: bool) -> None:
    if config.done_mailbox:
        target = _quote(config.done_mailbox)
        if can_move:
            _ok(conn.uid("MOVE", uid, target), f"move {uid}")
            return
        _ok(conn.uid("COPY", uid, target), f"copy {uid}")
        _ok(conn.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted \Seen)"), f"delete {uid}")
        return
    _ok(conn.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)"), f"mark {uid}")
