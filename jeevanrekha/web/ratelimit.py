"""Rate limits in the server process: token buckets for sign-in, intake and one-tap links.

Why in-process and not in the database or Redis: the embedded default has neither Redis nor
a spare database round trip to give on the intake's hot path (a bucket costs a dict look-up
under a lock, about a microsecond). The price: each server process keeps its own buckets,
so the limit a client meets is the setting times the number of worker processes, and a
restart forgets them. Lock-out after failed sign-ins is not a rate limit and is kept in the
database (accounts/actions.py), so it holds across processes and restarts.

What is limited (each bucket refills at its rate; an empty bucket answers 429 with
Retry-After, before any work is done):

- sign-in (POST to /login/, /login/code/, /login/enrol/): per client address and, on the
  password step, per account name (RATE_SIGN_IN_PER_ADDRESS, RATE_SIGN_IN_PER_ACCOUNT,
  per minute);
- the intake API (POST /api/v1/alerts): per source (RATE_INTAKE_PER_SOURCE per second,
  burst RATE_INTAKE_BURST). A request counts against its source only when its signature is
  good (checked here with the source's cached secret: no extra database query), so nobody
  can use up a source's allowance by sending in its name; unsigned or badly signed
  requests share a per-address bucket (RATE_INTAKE_UNSIGNED_PER_ADDRESS per second);
- one-tap links (/t/<token>): per token and per address (RATE_ONE_TAP_PER_TOKEN,
  RATE_ONE_TAP_PER_ADDRESS, per minute).

A rate of 0 turns that limit off.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from jeevanrekha.intake import signing
from jeevanrekha.intake.checks import source_secret
from jeevanrekha.intake.wsgi import INTAKE_PATH

SIGN_IN_PATHS = frozenset({"/login/", "/login/code/", "/login/enrol/"})
ONE_TAP_PREFIX = "/t/"
# The signature headers as WSGI names them in request.META.
_SOURCE, _TIMESTAMP, _SIGNATURE = (
    "HTTP_" + h.upper().replace("-", "_")
    for h in (signing.SOURCE_HEADER, signing.TIMESTAMP_HEADER, signing.SIGNATURE_HEADER)
)
# Buckets kept at most; when full, the buckets that have refilled are dropped first.
MAX_BUCKETS = 50_000


@dataclass(frozen=True)
class Limit:
    """A bucket's size (burst) and its refill rate in tokens per second."""

    burst: float
    per_second: float


class Buckets:
    """Token buckets by key; thread-safe. `take` answers 0 (allowed) or seconds to wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._state: dict[str, tuple[float, float]] = {}  # key -> (tokens, at)

    def take(self, key: str, limit: Limit) -> float:
        """Take one token from `key`'s bucket: 0.0 if there was one, else the wait in s."""
        now = self._clock()
        with self._lock:
            tokens, at = self._state.get(key, (limit.burst, now))
            tokens = min(limit.burst, tokens + (now - at) * limit.per_second)
            if tokens >= 1.0:
                self._store(key, tokens - 1.0, now, limit)
                return 0.0
            self._store(key, tokens, now, limit)
            return (1.0 - tokens) / limit.per_second

    def _store(self, key: str, tokens: float, now: float, limit: Limit) -> None:
        if key not in self._state and len(self._state) >= MAX_BUCKETS:
            self._forget_full(now, limit)
        self._state[key] = (tokens, now)

    def _forget_full(self, now: float, limit: Limit) -> None:
        """Drop buckets that would be full by now (they hold no information); else all."""
        full = [
            key
            for key, (tokens, at) in self._state.items()
            if tokens + (now - at) * limit.per_second >= limit.burst
        ]
        for key in full or list(self._state):
            del self._state[key]

    def clear(self) -> None:
        """Forget every bucket (tests; a fresh process starts so)."""
        with self._lock:
            self._state.clear()


BUCKETS = Buckets()


def per_minute(count: int) -> Limit | None:
    """`count` requests a minute, all of them allowed at once; None when 0 (off)."""
    return Limit(float(count), count / 60.0) if count > 0 else None


def per_second(rate: int, burst: int) -> Limit | None:
    """`rate` requests a second with bursts of `burst`; None when the rate is 0 (off)."""
    return Limit(float(max(burst, 1)), float(rate)) if rate > 0 else None


def _address(request: HttpRequest) -> str:
    return str(request.META.get("REMOTE_ADDR") or "")[:45]


def _intake_key(request: HttpRequest) -> tuple[str, Limit | None]:
    """The source's bucket when the request is well signed, else the address's."""
    meta = request.META  # not request.headers: no case-blind copy of every header
    name = meta.get(_SOURCE, "")
    try:
        declared = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = -1
    if name and 0 <= declared <= settings.INTAKE_MAX_BODY_BYTES:
        try:
            secret = source_secret(name)
        except DatabaseError:  # the database is down: the intake answers 503 (retry) itself
            return "", None
        try:
            signing.check(
                secret=secret,
                timestamp=meta.get(_TIMESTAMP),
                sig=meta.get(_SIGNATURE),
                body=request.body,  # read once: Django keeps it for the view
                now=time.time(),
                window_s=None,  # the freshness is the intake's to judge and record
            )
            limit = per_second(settings.RATE_INTAKE_PER_SOURCE, settings.RATE_INTAKE_BURST)
            return f"intake-source:{name}", limit
        except signing.AuthFailure:
            pass
    rate = settings.RATE_INTAKE_UNSIGNED_PER_ADDRESS
    return f"intake-addr:{_address(request)}", per_second(rate, rate * 10)


def keys_for(request: HttpRequest) -> list[tuple[str, Limit | None]]:
    """The buckets this request draws from (none for most requests)."""
    path = request.path_info
    if request.method == "POST" and path == INTAKE_PATH:
        return [_intake_key(request)]
    if request.method == "POST" and path in SIGN_IN_PATHS:
        keys = [
            ("sign-in-addr:" + _address(request), per_minute(settings.RATE_SIGN_IN_PER_ADDRESS))
        ]
        username = request.POST.get("username", "") if path == "/login/" else ""
        if username:
            limit = per_minute(settings.RATE_SIGN_IN_PER_ACCOUNT)
            keys.append(("sign-in-account:" + username.strip().lower()[:150], limit))
        return keys
    if path.startswith(ONE_TAP_PREFIX):
        token = path[len(ONE_TAP_PREFIX) :][:200]
        return [
            ("one-tap-token:" + token, per_minute(settings.RATE_ONE_TAP_PER_TOKEN)),
            ("one-tap-addr:" + _address(request), per_minute(settings.RATE_ONE_TAP_PER_ADDRESS)),
        ]
    return []


def too_many(request: HttpRequest, wait: float) -> HttpResponse:
    """429 with Retry-After (whole seconds, at least 1); JSON for the API."""
    retry = str(max(1, math.ceil(wait)))
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse({"error": "rate_limited", "retry": True}, status=429)
    else:
        text = _("Too many requests. Please wait %(seconds)s seconds and try again.")
        response = HttpResponse(
            text % {"seconds": retry} + "\n", status=429, content_type="text/plain; charset=utf-8"
        )
    response["Retry-After"] = retry
    return response


class RateLimitMiddleware:
    """Answer 429 when a request's bucket is empty; otherwise pass it on untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for key, limit in keys_for(request):
            if limit is None:
                continue
            wait = BUCKETS.take(key, limit)
            if wait > 0:
                return too_many(request, wait)
        return self.get_response(request)
