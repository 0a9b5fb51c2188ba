"""The SMTP receiver behind `jeevanrekha smtpd` (aiosmtpd).

- An unknown sender domain (envelope MAIL FROM) is refused at RCPT with 550 5.7.1, logged,
  and audited (`email_sender_refused`, at most once per domain per 10 minutes): there is no
  message yet to keep. A message whose From header names an unknown domain despite an
  allowed envelope is stored and quarantined (`sender_not_allowed`) by the parser.
- Every message taken at DATA is stored as a RawAlert through `do_intake`, and only after
  that commit does the sender get 250. If storing fails the reply is 451 (try again): the
  sending MTA keeps the message, so nothing is lost.
- SIZE is INTAKE_SMTP_MAX_BYTES (32 MiB): a message between INTAKE_EMAIL_MAX_BYTES and that
  is recorded cut short and answered 552; a larger one is refused by aiosmtpd unread.
- Recipients beyond INTAKE_SMTP_MAX_RECIPIENTS get 452 (the message is stored once).
- Lines longer than RFC 5321's 1000 octets are taken (kept verbatim), up to 1 MiB.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import close_old_connections, connections

from jeevanrekha.intake.actions import Outcome
from jeevanrekha.intake.sources.email import store
from jeevanrekha.intake.sources.email.parse import domain_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SmtpConfig:
    """The receiver's limits (from settings by default)."""

    max_bytes: int
    max_recipients: int
    recipients: frozenset[str]

    @classmethod
    def from_settings(cls) -> SmtpConfig:
        return cls(
            max_bytes=int(settings.INTAKE_SMTP_MAX_BYTES),
            max_recipients=int(settings.INTAKE_SMTP_MAX_RECIPIENTS),
            recipients=frozenset(settings.INTAKE_SMTP_RECIPIENTS),
        )


def parse_bind(bind: str) -> tuple[str, int]:
    """ "127.0.0.1:2525" or "[::1]:2525" → (host, port)."""
    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        raise ValueError(f"bind address must be HOST:PORT, got {bind!r}")
    return host.strip("[]"), int(port)


class AlertHandler:
    """aiosmtpd hooks: sender and recipient checks, then store before replying."""

    def __init__(self, config: SmtpConfig, executor: Executor | None = None) -> None:
        self.config = config
        # One thread does the database work: Django's ORM is synchronous, and one writer
        # is what SQLite wants anyway. (Tests pass an executor that uses their connection.)
        self.owns_executor = executor is None
        self.executor = executor or ThreadPoolExecutor(1, thread_name_prefix="smtpd-store")

    async def _in_db_thread(self, fn: Any, *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        if self.owns_executor:
            return await loop.run_in_executor(self.executor, _with_connection, fn, *args)
        return await loop.run_in_executor(self.executor, fn, *args)

    async def handle_RCPT(  # aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        mail_from = envelope.mail_from or ""
        domain = domain_of(mail_from)
        if not store.sender_allowed(domain):
            peer = _peer(session)
            log.warning("smtpd: refused sender %r (to %r) from %s", mail_from, address, peer)
            try:
                await self._in_db_thread(store.do_note_refused_sender, mail_from, address, peer)
            except Exception:
                log.exception("smtpd: could not audit a refused sender")
            return f"550 5.7.1 Sender domain {domain or '(none)'} is not an authorised alert sender"
        if self.config.recipients and address.lower() not in self.config.recipients:
            return f"550 5.1.1 <{address}>: no such alert mailbox here"
        if len(envelope.rcpt_tos) >= self.config.max_recipients:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        return "250 2.1.5 OK"

    async def handle_DATA(  # aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        body = envelope.original_content or b""
        transport = store.Transport(
            via="smtp",
            peer=_peer(session),
            mail_from=envelope.mail_from or "",
            rcpt_to=tuple(envelope.rcpt_tos),
        )
        try:
            outcome: Outcome = await self._in_db_thread(store.store_message, body, transport)
        except Exception:
            log.exception("smtpd: could not store a message of %d bytes", len(body))
            return "451 4.3.0 Could not store the message; try again later"
        return reply_for(outcome)

    async def handle_exception(self, error: Exception) -> str:
        log.exception("smtpd: error in the SMTP session", exc_info=error)
        return "451 4.3.0 Temporary failure; try again later"

    def close(self) -> None:
        """Close the database thread's connection and stop it (if it is ours)."""
        if self.owns_executor:
            self.executor.submit(connections.close_all).result(timeout=30)
            self.executor.shutdown(wait=True)


def reply_for(outcome: Outcome) -> str:
    """The SMTP reply once the message is stored."""
    if outcome.refusal is not None and outcome.refusal.code == "too_large":
        limit = settings.INTAKE_EMAIL_MAX_BYTES
        return (
            f"552 5.3.4 Message too big for an alert (limit {limit} bytes); "
            f"the start was kept as raw alert #{outcome.raw_alert_id}"
        )
    return f"250 2.0.0 {store.describe(outcome)}"


def _with_connection(fn: Any, *args: Any) -> Any:
    # As Django does around a request: drop a connection that is broken or too old.
    close_old_connections()
    try:
        return fn(*args)
    finally:
        close_old_connections()


def _peer(session: Session) -> str:
    peer = session.peer
    if isinstance(peer, tuple | list) and peer:
        return str(peer[0])
    return str(peer or "")


class _AlertSMTP(SMTP):
    """aiosmtpd's SMTP, taking long lines (some platforms' HTML comes on one line)."""

    line_length_limit = 1024 * 1024


class AlertController(Controller):
    """A threaded aiosmtpd server with our handler and protocol class."""

    def factory(self) -> SMTP:
        return _AlertSMTP(self.handler, **self.SMTP_kwargs)


def start(
    bind: str, config: SmtpConfig | None = None, executor: Executor | None = None
) -> AlertController:
    """Start the receiver in a background thread; `stop(controller)` ends it."""
    host, port = parse_bind(bind)
    config = config or SmtpConfig.from_settings()
    controller = AlertController(
        AlertHandler(config, executor),
        hostname=host,
        port=port,
        data_size_limit=config.max_bytes,
        server_hostname="jeevanrekha",
        ident="Jeevan Rekha alert intake",
        enable_SMTPUTF8=True,
        timeout=120,
    )
    controller.start()
    return controller


def stop(controller: AlertController) -> None:
    """Stop listening, then close the database thread."""
    controller.stop()
    handler = controller.handler
    if isinstance(handler, AlertHandler):
        handler.close()
