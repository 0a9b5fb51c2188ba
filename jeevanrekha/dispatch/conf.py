"""Dispatch settings, read once from Django settings (which read the environment).

Ladders and the travel model may be given as JSON text or as ``@/path/to/file.json``; what
they leave out keeps its default (see docs/dispatch.md for the formats).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import timedelta
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from jeevanrekha.core.escalation import DEFAULT_POLICIES, EscalationPolicy, EscalationStep
from jeevanrekha.dispatch.nearest import TravelModel


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def _json_setting(name: str) -> Any:
    """A JSON setting: inline text, or '@path' to a file; None when unset."""
    raw = str(_setting(name, "") or "").strip()
    if not raw:
        return None
    try:
        text = Path(raw[1:]).read_text(encoding="utf-8") if raw.startswith("@") else raw
        return json.loads(text)
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc


def _minutes(value: Any, where: str) -> timedelta | None:
    if value is None:
        return None
    if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0:
        raise ImproperlyConfigured(f"{where} must be a positive number of minutes")
    return timedelta(minutes=float(value))


def parse_ladders(doc: Any) -> Mapping[str, EscalationPolicy]:
    """Policies from a ladders document, over the defaults (see docs/dispatch.md)."""
    policies = dict(DEFAULT_POLICIES)
    if doc is None:
        return MappingProxyType(policies)
    if not isinstance(doc, dict):
        raise ImproperlyConfigured("DISPATCH_LADDERS must be a JSON object of task kinds")
    for kind, spec in doc.items():
        if not isinstance(spec, dict) or not isinstance(spec.get("steps"), list):
            raise ImproperlyConfigured(f"DISPATCH_LADDERS[{kind!r}] needs a list of steps")
        steps = []
        for n, step in enumerate(spec["steps"]):
            where = f"DISPATCH_LADDERS[{kind!r}].steps[{n}]"
            if not isinstance(step, dict) or not isinstance(step.get("notify"), str):
                raise ImproperlyConfigured(f"{where} needs 'notify'")
            ack = _minutes(step.get("ack_within_minutes"), f"{where}.ack_within_minutes")
            if ack is None:
                raise ImproperlyConfigured(f"{where}.ack_within_minutes is required")
            every = _minutes(step.get("renotify_every_minutes"), f"{where}.renotify_every")
            steps.append(EscalationStep(step["notify"], ack, every))
        remind = _minutes(spec.get("remind_after_ack_minutes"), f"{kind}.remind_after_ack")
        policies[kind] = EscalationPolicy(kind, tuple(steps), remind)
    return MappingProxyType(policies)


@lru_cache(maxsize=1)
def ladders() -> Mapping[str, EscalationPolicy]:
    """The escalation ladder of each task kind."""
    return parse_ladders(_json_setting("DISPATCH_LADDERS"))


def policy_for(kind: str) -> EscalationPolicy:
    """The ladder for a task kind (every kind has one)."""
    return ladders()[kind]


@lru_cache(maxsize=1)
def travel() -> TravelModel:
    """The travel model: defaults, overridden key by key by DISPATCH_TRAVEL."""
    doc = _json_setting("DISPATCH_TRAVEL") or {}
    base = TravelModel()
    try:
        return TravelModel(
            road_factor={**base.road_factor, **doc.get("road_factor", {})},
            speed_kmh={**base.speed_kmh, **doc.get("speed_kmh", {})},
            default_speed_kmh=float(doc.get("default_speed_kmh", base.default_speed_kmh)),
            default_road_factor=float(doc.get("default_road_factor", base.default_road_factor)),
        )
    except (AttributeError, TypeError, ValueError) as exc:
        raise ImproperlyConfigured(f"DISPATCH_TRAVEL: {exc}") from exc


def forget() -> None:
    """Drop cached ladders and travel model (tests that change the settings)."""
    ladders.cache_clear()
    travel.cache_clear()


def stale_after() -> timedelta:
    return timedelta(seconds=int(_setting("DISPATCH_VEHICLE_STALE_SECONDS", 600)))


def high_confidence() -> float:
    return float(_setting("DISPATCH_HIGH_CONFIDENCE", 0.7))


def link_ttl() -> timedelta:
    return timedelta(seconds=int(_setting("DISPATCH_LINK_TTL_SECONDS", 6 * 3600)))


def claim_lease() -> timedelta:
    return timedelta(seconds=int(_setting("DISPATCH_CLAIM_SECONDS", 120)))


def retry_delay(attempt: int) -> timedelta:
    """Backoff after failed attempt number `attempt` (1-based): base * 2^(n-1), capped."""
    base = int(_setting("DISPATCH_RETRY_BASE_SECONDS", 15))
    cap = int(_setting("DISPATCH_RETRY_MAX_SECONDS", 600))
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempt - 1)))


def max_attempts() -> int:
    return int(_setting("DISPATCH_MAX_ATTEMPTS", 6))


def public_base_url() -> str:
    return str(_setting("PUBLIC_BASE_URL", "http://127.0.0.1:8000")).rstrip("/")
