"""The checks a stored raw alert must pass before it is accepted: size, signature, shape.

Pure but for one read: the source's secret (cached briefly, sources change rarely).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.conf import settings

from jeevanrekha.intake import signing
from jeevanrekha.intake.models import IntakeSource
from jeevanrekha.intake.sources import parser_for
from jeevanrekha.intake.sources.api.parse import AlertIn, ParseError

_SOURCE_CACHE_SECONDS = 10.0
_source_cache: dict[str, tuple[float, str | None]] = {}


@dataclass(frozen=True)
class Checks:
    """Which checks apply: API requests are signed; `ingest` files are trusted."""

    authenticate: bool = True
    check_window: bool = True


@dataclass(frozen=True)
class Refusal:
    """Why a raw alert was refused: the HTTP status, a stable code, and the field errors."""

    status: int
    code: str
    errors: list[dict[str, Any]] = field(default_factory=list)


def source_secret(name: str) -> str | None:
    """The active source's secret, or None."""
    now = time.monotonic()
    cached = _source_cache.get(name)
    if cached and now - cached[0] < _SOURCE_CACHE_SECONDS:
        return cached[1]
    query = IntakeSource.objects.filter(name=name, active=True).values_list("secret", flat=True)
    secret = query.first() if name else None
    _source_cache[name] = (now, secret)
    return secret


def forget_sources() -> None:
    """Drop cached secrets (after a source is added, re-keyed or disabled here)."""
    _source_cache.clear()


class Received(Protocol):
    """What arrived, stored (a RawAlert) or not yet (an Arrival)."""

    @property
    def channel(self) -> str: ...

    @property
    def source_name(self) -> str: ...

    @property
    def headers(self) -> dict[str, Any]: ...

    @property
    def body_size(self) -> int: ...

    @property
    def body(self) -> bytes | memoryview: ...

    @property
    def body_truncated(self) -> bool: ...


def max_body_bytes(channel: str) -> int:
    """The largest body a channel accepts (an email may carry screenshots)."""
    if channel == "email":
        return int(settings.INTAKE_EMAIL_MAX_BYTES)
    return int(settings.INTAKE_MAX_BODY_BYTES)


def check(raw: Received, checks: Checks, now: datetime) -> AlertIn | Refusal:
    """The parsed alert, or why it is refused."""
    limit = max_body_bytes(raw.channel)
    if raw.body_size > limit or raw.body_truncated:
        msg = f"body is {raw.body_size} bytes; the limit is {limit}"
        return Refusal(413, "too_large", [{"loc": [], "msg": msg}])
    body = bytes(raw.body)
    if checks.authenticate:
        try:
            signing.check(
                secret=source_secret(raw.source_name),
                timestamp=raw.headers.get(signing.TIMESTAMP_HEADER),
                sig=raw.headers.get(signing.SIGNATURE_HEADER),
                body=body,
                now=now.timestamp(),
                window_s=settings.INTAKE_REPLAY_WINDOW_SECONDS if checks.check_window else None,
            )
        except signing.AuthFailure as failure:
            return Refusal(401, failure.code, [{"loc": [], "msg": failure.message}])
    try:
        alert_in = parser_for(raw.channel)(body)
    except ParseError as err:
        return Refusal(err.status, err.code, err.errors)
    if checks.authenticate and alert_in.source != raw.source_name:
        msg = f"source {alert_in.source!r} is not the signing source {raw.source_name!r}"
        return Refusal(422, "source_mismatch", [{"loc": ["source"], "msg": msg}])
    return alert_in
