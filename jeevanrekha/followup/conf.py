"""Follow-up settings, read from Django settings (which read the environment; see
docs/configuration.md and docs/followup.md)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from jeevanrekha.followup.schedule import Offset, parse_duration, parse_schedule

DEFAULT_REFERRAL = "Tele-MANAS 14416"
DEFAULT_CHECKS = "24h,72h,7d,30d"
DEFAULT_GRACE = "12h"


def _setting(name: str, default: str) -> str:
    value: Any = getattr(settings, name, "") or default
    return str(value).strip()


def referral() -> str:
    """Who a saved person is referred to for counselling (FOLLOWUP_REFERRAL)."""
    return _setting("FOLLOWUP_REFERRAL", DEFAULT_REFERRAL)[:200]


def checks() -> list[Offset]:
    """The schedule of checks (FOLLOWUP_CHECKS), in time order."""
    try:
        return parse_schedule(_setting("FOLLOWUP_CHECKS", DEFAULT_CHECKS))
    except ValueError as exc:
        raise ImproperlyConfigured(f"FOLLOWUP_CHECKS: {exc}") from exc


def grace() -> timedelta:
    """How long after its time a check may be recorded and still count as on time; past it
    the check is overdue and the supervisor is told (FOLLOWUP_GRACE)."""
    try:
        return parse_duration(_setting("FOLLOWUP_GRACE", DEFAULT_GRACE))
    except ValueError as exc:
        raise ImproperlyConfigured(f"FOLLOWUP_GRACE: {exc}") from exc


def claim_lease() -> timedelta:
    """A timer worker's claim on a check (the dispatch timers' lease)."""
    return timedelta(seconds=int(getattr(settings, "DISPATCH_CLAIM_SECONDS", 120)))
