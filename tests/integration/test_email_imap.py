"""`jeevanrekha imap-poll` against a real IMAP server (pymap) over TLS on loopback."""

from __future__ import annotations

import asyncio
import imaplib
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trustme
from django.core.management import CommandError, call_command

from jeevanrekha.intake.models import Alert, RawAlert, RawAlertStatus
from jeevanrekha.intake.sources.email import imap, store
from tests.integration.email_support import ALLOWED, fixture_eml, free_port, wait_for_port

pytestmark = pytest.mark.django_db

USER, PASSWORD = "desk", "imap-test-password"


@dataclass
class ImapServer:
    """pymap (in-memory mailboxes) with a certificate from a test CA; STARTTLS on `port`,
    implicit TLS on `tls_port` (a TLS-terminating relay in front of it)."""

    port: int
    tls_port: int
    ca_file: Path

    def config(self, **overrides: Any) -> imap.ImapConfig:
        values: dict[str, Any] = {
            "host": "127.0.0.1",
            "port": self.port,
            "user": USER,
            "password": PASSWORD,
            "tls": "starttls",
            "ca_file": str(self.ca_file),
            "timeout": 10.0,
        }
        values.update(overrides)
        return imap.ImapConfig(**values)

    def client(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.starttls(ssl_context=ssl.create_default_context(cafile=str(self.ca_file)))
        conn.login(USER, PASSWORD)
        return conn


def _relay_tls(listen_port: int, target_port: int, context: ssl.SSLContext) -> None:
    """Implicit TLS on listen_port, plain to target_port (runs forever in a daemon thread)."""

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", target_port)
        await asyncio.gather(pipe(reader, up_writer), pipe(up_reader, writer))

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", listen_port, ssl=context)
        await server.serve_forever()

    asyncio.run(main())


@pytest.fixture(scope="module")
def imap_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ImapServer]:
    folder = tmp_path_factory.mktemp("imap")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert.private_key_pem.write_to_path(folder / "key.pem")
    cert.cert_chain_pems[0].write_to_path(folder / "cert.pem")
    ca.cert_pem.write_to_path(folder / "ca.pem")
    port, tls_port = free_port(), free_port()
    pymap = Path(sys.executable).parent / "pymap"
    args = ["--host", "127.0.0.1", "--port", str(port)]
    args += ["--cert", str(folder / "cert.pem"), "--key", str(folder / "key.pem")]
    args += ["dict", "--demo-user", USER, "--demo-password", PASSWORD]
    log = open(folder / "pymap.log", "wb")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([str(pymap), *args], stdout=log, stderr=subprocess.STDOUT)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    threading.Thread(target=_relay_tls, args=(tls_port, port, context), daemon=True).start()
    try:
        wait_for_port(port)
        wait_for_port(tls_port)
        yield ImapServer(port, tls_port, folder / "ca.pem")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture
def mailbox(imap_server: ImapServer, settings: Any) -> Iterator[imaplib.IMAP4]:
    """An empty INBOX (and an empty Done folder) on the server, logged in."""
    settings.INTAKE_EMAIL_SENDER_DOMAINS = ALLOWED
    conn = imap_server.client()
    conn.create("Done")
    for folder in ("Done", "INBOX"):
        conn.select(folder)
        conn.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
        conn.expunge()
    conn.select("INBOX")
    yield conn
    conn.logout()


def put(conn: imaplib.IMAP4, *names: str) -> None:
    for name in names:
        assert conn.append("INBOX", None, None, fixture_eml(name))[0] == "OK"


def unseen(conn: imaplib.IMAP4, folder: str = "INBOX") -> list[bytes]:
    conn.select(folder)
    return conn.uid("SEARCH", "UNSEEN")[1][0].split()


def count(conn: imaplib.IMAP4, folder: str) -> int:
    return int(conn.select(folder)[1][0] or 0)


def test_poll_stores_each_message_then_marks_it_seen(
    imap_server: ImapServer, mailbox: imaplib.IMAP4
) -> None:
    put(mailbox, "meta_facebook_hindi", "instagram_html_only_base64", "unknown_sender")
    result = imap.poll_once(imap_server.config())
    assert [str(o.status) for o in result.stored] == ["accepted", "accepted", "quarantined"]
    assert not result.errors and unseen(mailbox) == []
    assert Alert.objects.count() == 2
    quarantined = RawAlert.objects.get(status=RawAlertStatus.QUARANTINED)
    assert quarantined.error_code == "sender_not_allowed"
    assert quarantined.headers["via"] == "imap" and quarantined.headers["mailbox"] == "INBOX"
    assert bytes(quarantined.body) == fixture_eml("unknown_sender")
    assert imap.poll_once(imap_server.config()).stored == []  # nothing new


def test_a_message_polled_twice_is_one_case(
    imap_server: ImapServer, mailbox: imaplib.IMAP4
) -> None:
    put(mailbox, "x_hinglish_windows1252")
    imap.poll_once(imap_server.config())
    mailbox.select("INBOX")
    mailbox.store("1:*", "-FLAGS.SILENT", r"(\Seen)")  # as if we died before marking it
    (again,) = imap.poll_once(imap_server.config()).stored
    assert again.status == RawAlertStatus.DUPLICATE
    assert Alert.objects.count() == 1 and RawAlert.objects.count() == 2


def test_nothing_is_marked_until_it_is_stored(
    imap_server: ImapServer, mailbox: imaplib.IMAP4, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(mailbox, "meta_facebook_hindi")

    def fail(body: bytes, transport: store.Transport) -> None:
        raise RuntimeError("database down")

    monkeypatch.setattr(store, "store_message", fail)
    with pytest.raises(RuntimeError):
        imap.poll_once(imap_server.config())
    assert len(unseen(mailbox)) == 1 and RawAlert.objects.count() == 0


def test_implicit_tls_and_moving_to_a_done_folder(
    imap_server: ImapServer, mailbox: imaplib.IMAP4
) -> None:
    put(mailbox, "forwarded_by_officer_with_screenshot", "forwarded_as_attachment_outlook")
    config = imap_server.config(tls="implicit", port=imap_server.tls_port, done_mailbox="Done")
    result = imap.poll_once(config)
    assert {str(o.status) for o in result.stored} == {"accepted"}
    assert count(mailbox, "INBOX") == 0 and count(mailbox, "Done") == 2
    alert = Alert.objects.get(source_alert_id="META-SI-20240914-0202-7720")
    assert alert.post_media[0]["content_type"] == "image/png"


def test_an_untrusted_certificate_is_refused(imap_server: ImapServer, tmp_path: Path) -> None:
    other = trustme.CA()
    other.cert_pem.write_to_path(tmp_path / "other-ca.pem")
    with pytest.raises(imap.POLL_ERRORS):
        imap.poll_once(imap_server.config(ca_file=str(tmp_path / "other-ca.pem")))
    with pytest.raises(imap.POLL_ERRORS):
        imap.poll_once(imap_server.config(password="wrong"))


def test_the_imap_poll_command(
    imap_server: ImapServer, mailbox: imaplib.IMAP4, settings: Any, capsys: Any
) -> None:
    settings.IMAP_HOST, settings.IMAP_PORT = "127.0.0.1", imap_server.port
    settings.IMAP_USER, settings.IMAP_PASSWORD = USER, PASSWORD
    settings.IMAP_TLS, settings.IMAP_CA_FILE = "starttls", str(imap_server.ca_file)
    put(mailbox, "wrong_declared_charset")
    call_command("imap-poll", "--once")
    assert "accepted: 1" in capsys.readouterr().out
    settings.IMAP_PASSWORD = "wrong"
    with pytest.raises(CommandError):
        call_command("imap-poll", "--once")
