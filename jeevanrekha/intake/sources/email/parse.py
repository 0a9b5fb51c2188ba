"""A platform alert email (the whole MIME message, as stored) → `AlertIn`.

Pure: `parse(body, rules)` needs no Django; `parse_email_alert(body)` reads the rules from
the settings at the edge. The format is in docs/alert-format.md ("Platform alert email").

Only mail whose `From` domain (or a subdomain of it) is configured is accepted. For a
forward (an officer forwarding the platform's mail, inline or as an attachment) the
forwarder's domain must be allowed; the platform then comes from the forwarded sender.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from email.errors import MessageError
from typing import Any

from pydantic import ValidationError

from jeevanrekha.intake.sources.api.parse import AlertIn, ParseError
from jeevanrekha.intake.sources.email import fields as f
from jeevanrekha.intake.sources.email.mime import Mail, read_message

# Sender domain → platform, unless INTAKE_EMAIL_PLATFORMS says otherwise.
DEFAULT_PLATFORMS: dict[str, str] = {
    "fb.com": "facebook",
    "facebookmail.com": "facebook",
    "facebook.com": "facebook",
    "meta.com": "facebook",
    "instagram.com": "instagram",
    "mail.instagram.com": "instagram",
    "x.com": "x",
    "twitter.com": "x",
    "youtube.com": "youtube",
    "google.com": "youtube",
    "sharechat.co": "sharechat",
    "threads.net": "threads",
}
# A post URL on one of these hosts is taken from a link when no label names one.
CONTENT_HOSTS = ("facebook.com", "instagram.com", "x.com", "twitter.com", "youtube.com")
MAX_MEDIA = 20


@dataclass(frozen=True)
class EmailRules:
    """What the deployment accepts: sender domains, and which platform each domain is."""

    sender_domains: frozenset[str]
    platforms: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_PLATFORMS))


def parse_platforms(spec: str) -> dict[str, str]:
    """`"fb.com=facebook,x.com=x"` → a map; empty → the built-in map."""
    pairs = (item.split("=", 1) for item in spec.split(",") if "=" in item)
    parsed = {d.strip().lower(): p.strip().lower() for d, p in pairs if d.strip() and p.strip()}
    return parsed or dict(DEFAULT_PLATFORMS)


def parse_email_alert(body: bytes) -> AlertIn:
    """The email parser with the deployment's rules (settings read here, at the edge)."""
    from django.conf import settings

    rules = EmailRules(
        sender_domains=frozenset(settings.INTAKE_EMAIL_SENDER_DOMAINS),
        platforms=parse_platforms(settings.INTAKE_EMAIL_PLATFORMS),
    )
    return parse(body, rules)


def domain_of(address: str) -> str:
    """The domain of an e-mail address, lower-cased ("" if none)."""
    return address.rpartition("@")[2].strip().strip(">").lower() if "@" in address else ""


def in_domains(domain: str, domains: Iterable[str]) -> bool:
    """True if the domain is one of `domains` or a subdomain of one."""
    return bool(domain) and any(domain == d or domain.endswith("." + d) for d in domains)


def _refuse(status: int, code: str, msg: str, loc: list[str] | None = None) -> ParseError:
    return ParseError(status, code, [{"loc": loc or [], "msg": msg}])


def parse(body: bytes, rules: EmailRules) -> AlertIn:
    """Parse one message; ParseError with a stable code when it cannot be an alert."""
    if not body.strip():
        raise _refuse(422, "empty_message", "the message is empty")
    try:
        mail = read_message(body)
    except (MessageError, ValueError, LookupError, TypeError, RecursionError) as exc:
        raise _refuse(422, "unreadable_message", f"not a readable message: {exc!r}") from None
    domain = domain_of(mail.sender)
    if not domain:
        raise _refuse(422, "no_sender", "the message has no From address", ["from"])
    if not in_domains(domain, rules.sender_domains):
        msg = f"sender domain {domain!r} is not in INTAKE_EMAIL_SENDER_DOMAINS"
        raise _refuse(403, "sender_not_allowed", msg, ["from"])
    if not mail.text.strip() and not mail.inner:
        raise _refuse(422, "no_text", "the message has no readable text part", ["body"])
    alert = _validate(_alert(mail, domain, rules))
    if not alert.has_something_to_act_on():
        msg = "no post text, post URL, account or profile URL found in the message"
        raise _refuse(422, "nothing_to_act_on", msg, ["post"])
    return alert


def _validate(data: dict[str, Any]) -> AlertIn:
    """AlertIn of the fields found; a bad optional value (a malformed phone, an over-long
    URL) is left out rather than losing the alert, and the note says so."""
    for attempt in range(2):
        try:
            return AlertIn.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors(include_url=False, include_input=False)
            if attempt or not all(_drop(data, e["loc"]) for e in errors):
                named = [
                    {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in errors
                ]
                raise ParseError(422, "invalid_fields", named) from None
            dropped = ", ".join(".".join(map(str, e["loc"])) for e in errors)
            reporter = data["reporter"]
            reporter["note"] = f"{reporter['note']}\nLeft out (invalid): {dropped}"[:2000]
    raise AssertionError("unreachable")


_OPTIONAL = frozenset({"post", "account", "evidence", "reporter", "received_at"})


def _drop(data: dict[str, Any], loc: tuple[int | str, ...]) -> bool:
    """Remove the value at `loc` if it is an optional part; True if removed."""
    if not loc or loc[0] not in _OPTIONAL or loc[-1] == "text":
        return False
    node: Any = data
    for key in loc[:-1]:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return True  # already gone with its parent
    if isinstance(node, dict):
        node.pop(loc[-1], None)
    elif isinstance(node, list) and isinstance(loc[-1], int) and loc[-1] < len(node):
        node[loc[-1]] = {}
    return True


def _origin(mail: Mail) -> tuple[str, str, str, str]:
    """(forwarder's note, the alert's text, the original sender, the original Message-ID)."""
    if mail.inner:
        inner = mail.inner[0]
        return mail.text.strip(), f"{inner.text}\n\n{mail.text}", inner.sender, inner.message_id
    note, forwarded = f.split_forward(mail.text)
    if forwarded:
        return note, f"{forwarded}\n\n{note}", f.forwarded_sender(forwarded), ""
    return "", mail.text, "", ""


def _platform(found: dict[str, str], domains: list[str], rules: EmailRules) -> str:
    named = found.get("platform", "").strip().lower().split()
    if named and named[0] in rules.platforms.values():
        return named[0]
    for domain in domains:
        for known, platform in rules.platforms.items():
            if in_domains(domain, [known]):
                return platform
    return "unknown"


def _alert(mail: Mail, domain: str, rules: EmailRules) -> dict[str, Any]:
    """The alert's fields as a dict for AlertIn (invalid optional values left out)."""
    note, text, original, original_id = _origin(mail)
    found = f.find_fields(text)
    forwarded = original and original != mail.sender
    platform = _platform(found, [domain_of(original), domain], rules)
    alert_id = found.get("alert_id", "").split()
    post_url = f.first_url(found.get("post_url", "")) or _content_link(mail)
    return {
        "source": f"email:{domain}"[:60],
        "source_alert_id": (alert_id[0] if alert_id else "")[:200]
        or original_id
        or mail.message_id
        or None,
        "platform": platform,
        "received_at": f.when(mail.date),
        "post": {
            "url": post_url,
            "text": found.get("post_text", "")[:20_000],
            "created_at": f.when(found.get("posted_at", "")),
            "media": _media(mail),
        },
        "account": {
            "handle": f.handle(found.get("handle", "")),
            "name": found.get("name", "")[:200],
            "profile_url": f.first_url(found.get("profile_url", "")),
            "email": _address(found.get("email", "")),
        },
        "evidence": _evidence(found),
        "reporter": {
            "name": mail.sender_name,
            "email": mail.sender[:254],
            "organisation": domain[:200],
            "note": _note(mail, note, original if forwarded else ""),
        },
    }


def _content_link(mail: Mail) -> str | None:
    for link in mail.links:
        host = link.split("/")[2].split(":")[0].lower() if link.count("/") >= 2 else ""
        if in_domains(host, CONTENT_HOSTS) and len(link) <= 2000 and " " not in link:
            return link
    return None


def _address(value: str) -> str | None:
    words = [w.strip("<>,;") for w in value.split() if "@" in w]
    return words[0][:254] if words else None


def _evidence(found: dict[str, str]) -> dict[str, Any]:
    evidence: dict[str, Any] = {
        "post_text": found.get("post_text", "")[:2000] or None,
        "profile_location": found.get("location", "")[:300] or None,
        "address": found.get("address", "")[:500] or None,
        "phone": f.phone(found.get("phone", "")),
        "ip": f.ip(found.get("ip", "")),
    }
    return {k: v for k, v in evidence.items() if v}


def _note(mail: Mail, forwarder_note: str, original: str) -> str:
    parts = [f"Subject: {mail.subject}"] if mail.subject else []
    if original:
        parts.append(f"Forwarded; originally from {original}")
    if forwarder_note:
        parts.append(forwarder_note)
    return "\n".join(parts)[:2000]


def _media(mail: Mail) -> list[dict[str, Any]]:
    files = [*mail.attachments, *(a for inner in mail.inner for a in inner.attachments)]
    return [
        {
            "kind": _kind(a.content_type),
            "name": a.name or None,
            "content_type": a.content_type,
            "size": a.size,
            "sha256": a.sha256,
        }
        for a in files[:MAX_MEDIA]
    ]


def _kind(content_type: str) -> str:
    major = content_type.partition("/")[0]
    return {"image": "image", "video": "video", "audio": "audio"}.get(major, "file")
