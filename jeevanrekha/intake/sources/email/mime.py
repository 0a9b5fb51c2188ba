"""Read a MIME message the way the desk needs it: readable text, senders, attachments.

Pure (no Django, no I/O). Real mail is messy, so every step degrades instead of failing:
a wrong or unknown charset falls back to UTF-8 and then windows-1252, an HTML-only body is
turned into text, bytes that are not text are replaced, and header values are cleaned of
what PostgreSQL cannot store (NUL, lone surrogates).
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

# Nested messages (a forward of a forward, as attachments) are followed this deep.
MAX_DEPTH = 5
# Parts looked at in one message; the rest is ignored (it stays in the stored raw).
MAX_PARTS = 200
# Text kept from one message (the alert's fields fit in far less).
MAX_TEXT_CHARS = 200_000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Attachment:
    """A file carried by the message: listed, never unpacked."""

    name: str
    content_type: str
    size: int
    sha256: str


@dataclass
class Mail:
    """What the alert parser needs from one message (and the messages it carries)."""

    sender: str = ""  # the From address, lower-cased
    sender_name: str = ""
    subject: str = ""
    date: str = ""
    message_id: str = ""
    text: str = ""  # all readable text, plain preferred over HTML, in order
    links: list[str] = field(default_factory=list)  # href targets of an HTML body
    attachments: list[Attachment] = field(default_factory=list)
    inner: list[Mail] = field(default_factory=list)  # attached messages (message/rfc822)


def clean(text: str) -> str:
    """Text safe to store: surrogate-escaped bytes decoded as UTF-8, control chars dropped."""
    try:
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "replace").decode("utf-8")
    return _CONTROL.sub("", text)


def header(msg: Message, name: str) -> str:
    """A header's decoded value ("" when absent or unreadable)."""
    try:
        value = msg.get(name)
    except Exception:  # the stdlib's header parser fails on some malformed headers
        return ""
    return clean(str(value)).strip() if value is not None else ""


def decode_text(data: bytes, declared: str | None) -> str:
    """Bytes of a text part as str, whatever charset it claims.

    Valid UTF-8 with non-ASCII bytes is taken as UTF-8 even when the part claims a
    single-byte charset (a common mislabel: it is almost never valid by accident).
    """
    charset = _codec(declared)
    if not (charset or "").startswith(("utf_16", "utf_32")):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    if charset:
        try:
            return data.decode(charset)
        except (UnicodeDecodeError, LookupError):
            pass
    return data.decode("windows-1252", "replace")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().strip('"')).name.replace("-", "_")
    except (LookupError, ValueError):
        return None


def read_message(body: bytes) -> Mail:
    """Parse a whole message (raises only for input the stdlib parser cannot take)."""
    msg = BytesParser(policy=policy.default).parsebytes(body)
    return _read(msg, depth=0)


def _read(msg: Message, depth: int) -> Mail:
    mail = Mail(
        subject=header(msg, "Subject"),
        date=header(msg, "Date"),
        message_id=header(msg, "Message-ID")[:200],
    )
    mail.sender_name, mail.sender = _from(msg)
    plain: list[str] = []
    html: list[str] = []
    for count, part in enumerate(msg.walk()):
        if count >= MAX_PARTS:
            break
        _take_part(part, mail, plain, html, depth)
    text = "\n\n".join(plain) if plain else "\n\n".join(html)
    mail.text = clean(text.replace("\r\n", "\n").replace("\r", "\n"))[:MAX_TEXT_CHARS]
    return mail


def _from(msg: Message) -> tuple[str, str]:
    name, address = parseaddr(header(msg, "From"))
    if "@" not in address:
        pairs = getaddresses([header(msg, "Sender")])
        name, address = pairs[0] if pairs else ("", "")
    return clean(name)[:200], clean(address).strip().lower()[:254]


def _take_part(part: Message, mail: Mail, plain: list[str], html: list[str], depth: int) -> None:
    ctype = part.get_content_type()
    if part.is_multipart():
        return
    if ctype == "message/rfc822" or _is_attachment(part):
        _attach(part, mail, depth)
        return
    if ctype == "text/plain":
        plain.append(_text_of(part))
    elif ctype == "text/html":
        text, links = html_to_text(_text_of(part))
        html.append(text)
        mail.links.extend(links[:50])


def _is_attachment(part: Message) -> bool:
    disposition = (part.get_content_disposition() or "").lower()
    if disposition == "attachment" or part.get_filename():
        return True
    return part.get_content_maintype() not in ("text", "multipart")


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _text_of(part: Message) -> str:
    return decode_text(_payload(part), part.get_content_charset())


def _attach(part: Message, mail: Mail, depth: int) -> None:
    """List a file; follow an attached message (a forward as attachment)."""
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        if isinstance(inner, list) and inner and depth < MAX_DEPTH:
            first = inner[0]
            if isinstance(first, EmailMessage | Message):
                mail.inner.append(_read(first, depth + 1))
                return
    data = _payload(part)
    try:
        name = part.get_filename() or ""
    except Exception:  # a malformed RFC 2231 file name
        name = ""
    mail.attachments.append(
        Attachment(
            name=clean(name)[:200],
            content_type=part.get_content_type()[:100],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
    )


_BLOCKS = frozenset(
    {"br", "p", "div", "tr", "li", "table", "blockquote", "pre", "hr", "section", "article"}
    | {f"h{n}" for n in range(1, 7)}
)
_SKIP = frozenset({"script", "style", "head", "title"})


class _Text(HTMLParser):
    """HTML → text: blocks become lines, table cells are separated by tabs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.links: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.out.append("\n")
        elif tag in ("td", "th"):
            self.out.append("\t")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(("http://", "https://")):
                self.links.append(href.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> tuple[str, list[str]]:
    """The readable text of an HTML body, and the links it carries."""
    parser = _Text()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # HTMLParser is lenient, but not on everything
        pass
    lines = (line.strip(" ") for line in "".join(parser.out).split("\n"))
    text = "\n".join(line.lstrip("\t").strip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip(), parser.links
