"""The sign-in policy's numbers, read from settings (which read the environment)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def idle_seconds() -> int:
    """A session with no user action for this long is signed out (SESSION_IDLE_MINUTES)."""
    return int(settings.SESSION_IDLE_SECONDS)


def max_failures() -> int:
    """Failed sign-ins (password or code) that lock an account name or a client address."""
    return int(settings.LOGIN_MAX_FAILURES)


def lockout() -> timedelta:
    """How long a lock-out lasts; failures older than this are forgotten."""
    return timedelta(minutes=int(settings.LOGIN_LOCKOUT_MINUTES))


def passive_url_names() -> frozenset[str]:
    """Requests the page makes by itself (queue polling): they do not count as activity."""
    return frozenset(settings.SESSION_PASSIVE_URL_NAMES)


def one_per_person() -> bool:
    """A new sign-in ends the person's other sessions (SESSION_ONE_PER_PERSON)."""
    return bool(getattr(settings, "SESSION_ONE_PER_PERSON", True))


# A password accepted but no code given within this time: start again.
PENDING_SECONDS = 300
