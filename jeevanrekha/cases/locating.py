"""Where the person is: the locate engine's resolution written onto the case (an action).

`do_set_case_location` is the one way a case's state, district, police station and
location confidence change. When the jurisdiction changes (a tower fix moves a case from
district A to B), the `case_jurisdiction_changed` event tells dispatch to re-target.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.outbox import emit_many
from jeevanrekha.cases.actions import case_priority
from jeevanrekha.cases.models import Case
from jeevanrekha.db.rows import update_rows


@dataclass(frozen=True)
class CaseLocation:
    """A resolution, as the case keeps it (see jeevanrekha.geo.fusion.Resolution)."""

    state: str | None = None
    district: str | None = None
    sub_district: str | None = None
    station: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_m: float | None = None
    confidence: float = 0.0
    other_state: bool = False
    needs_trace: bool = True
    reasons: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, resolution: Any) -> CaseLocation:
        """From a geo Resolution (or anything with the same attributes)."""
        names = cls.__dataclass_fields__
        return cls(
            **{name: getattr(resolution, name) for name in names if hasattr(resolution, name)}
        )

    def jurisdiction(self) -> tuple[str, str, str]:
        return (self.state or "", self.district or "", self.station or "")


def do_set_case_location(
    case_id: int, location: CaseLocation, *, actor: str, at: datetime, source: str = ""
) -> bool:
    """Write where the person is onto the case; True when the jurisdiction changed.

    Nothing is written (and nothing audited) when the resolution is the one already there.
    """
    moved = do_set_cases_location({case_id: location}, actor=actor, at=at, source=source)
    return case_id in moved


_FIELDS = [
    "state_name",
    "district",
    "police_station",
    "location_confidence",
    "location",
    "priority",
]


def do_set_cases_location(
    locations: dict[int, CaseLocation], *, actor: str, at: datetime, source: str = ""
) -> set[int]:
    """The same for many cases in one transaction (the locate stage's batch); the ids of
    those whose jurisdiction changed. Cases are locked in id order, the audit chain last."""
    with transaction.atomic():
        cases = Case.objects.select_for_update().filter(pk__in=sorted(locations)).order_by("pk")
        entries: list[audit.Entry] = []
        events: list[tuple[str, str, dict[str, Any]]] = []
        written, moved = [], set()
        for case in cases:
            change = _relocate(case, locations[case.pk], at, source)
            if change is None:
                continue
            before, after, has_moved = change
            written.append(case)
            action = "case_jurisdiction_changed" if has_moved else "case_located"
            entries.append(audit.Entry(at, actor, action, "case", case.pk, before, after))
            events.append(("case_located", str(case.pk), {"case_id": case.pk, **after}))
            if has_moved:
                moved.add(case.pk)
                payload = {"case_id": case.pk, "from": before, "to": after}
                events.append(("case_jurisdiction_changed", str(case.pk), payload))
        update_rows(Case, _FIELDS, [(c.pk, *(getattr(c, f) for f in _FIELDS)) for c in written])
        audit.append_many(entries)
        emit_many(events, at=at)
        return moved


def _relocate(
    case: Case, location: CaseLocation, at: datetime, source: str
) -> tuple[dict[str, Any], dict[str, Any], bool] | None:
    """Set the case's location fields; (before, after, moved), or None when unchanged."""
    stored = asdict(location)
    if case.location == stored:
        return None
    before = {
        "state": case.state_name,
        "district": case.district,
        "station": case.police_station,
        "confidence": case.location_confidence,
    }
    old = (case.state_name, case.district, case.police_station)
    case.state_name, case.district, case.police_station = location.jurisdiction()
    case.location_confidence = location.confidence
    case.location = stored
    case.priority = case_priority(case, at)
    after = {
        "state": case.state_name,
        "district": case.district,
        "station": case.police_station,
        "confidence": location.confidence,
        "needs_trace": location.needs_trace,
        "other_state": location.other_state,
        "source": source,
    }
    return before, after, any(old) and old != location.jurisdiction()
