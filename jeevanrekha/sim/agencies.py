"""Simulated agencies that act through the real system, as real people would.

Each acts only through the `do_*` actions the desk's buttons, the one-tap links and the
dispatch API call, with a `sim:` actor in the audit trail (`sim:operator`, `sim:station:<name>`,
`sim:112:<vehicle>`, `sim:stf`, `sim:other_state`, `sim:counsellor`). Where the system wants a
person's confirmation (police are sent on a model's word only after the desk confirms), the
simulated desk operator gives it, visibly, through the same action a person's click runs.

Delays are drawn in simulated minutes and divided by `speedup` (the demo's compressed clock):
with speedup 30, a 6-minute drive takes 12 real seconds. The hidden truth of each person (where
they are, whether the phone is on) comes from the scenario's arrivals, found by handle.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from jeevanrekha.cases.models import Case, OutcomeCode, Task, TaskKind, TaskState
from jeevanrekha.core.lifecycle import CaseState
from jeevanrekha.dispatch import conf as dispatch_conf
from jeevanrekha.dispatch.actions import TaskClosed, do_report_task
from jeevanrekha.dispatch.dispatching import NotReady, dispatch_ready
from jeevanrekha.dispatch.models import Vehicle
from jeevanrekha.dispatch.vehicles import VehicleReport, do_report_vehicle
from jeevanrekha.sim.scenario import Arrival

WAITING = (CaseState.NEW, CaseState.TRIAGED, CaseState.LOCATING, CaseState.LOCATED)
ACTIVE = (TaskState.OPEN, TaskState.ACKNOWLEDGED)
ARRIVED_M = 40.0  # a vehicle this close to the point is on scene
EARTH_M = 6_371_000.0


@dataclass(frozen=True)
class AgencyParams:
    """Agency behaviour in simulated minutes (sources in docs/simulation.md)."""

    operator_read_min: float = 1.0  # assumption: read the case, press the button
    station_ack_min: float = 1.5  # assumption: a duty officer answers a page
    vehicle_ack_min: float = 0.7  # assumption: the 112 crew accepts the job
    on_scene_min: float = 3.0  # assumption: talk to the person before reporting
    trace_min: float = 5.0  # issue #8: location traced in about 5 minutes
    other_state_ack_min: float = 5.0  # assumption
    counsellor_min: float = 2.0  # assumption: the counsellor calls when the check is due
    check_results: tuple[tuple[str, float], ...] = (
        ("reached", 0.5),
        ("in_care", 0.3),
        ("declined", 0.08),
        ("unreachable", 0.1),
        ("new_risk", 0.02),
    )  # assumption: no published follow-up figures exist (the press found no protocol)


def _metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(a)))


def step_towards(
    lat: float, lon: float, to_lat: float, to_lon: float, metres: float
) -> tuple[float, float, bool]:
    """Move up to `metres` along the straight line; (lat, lon, arrived)."""
    left = _metres(lat, lon, to_lat, to_lon)
    if left <= max(metres, ARRIVED_M):
        return to_lat, to_lon, True
    f = metres / left
    return lat + (to_lat - lat) * f, lon + (to_lon - lon) * f, False


@dataclass
class Agencies:
    """Everyone outside the desk (and the demo's desk operator), one `step(now)` at a time."""

    truth: dict[str, Arrival]  # handle → the arrival that person posted
    speedup: float = 1.0
    seed: int = 0
    params: AgencyParams = field(default_factory=AgencyParams)
    _plans: dict[tuple[str, int], datetime] = field(default_factory=dict)
    _rng: random.Random = field(init=False)
    _done: set[tuple[str, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def step(self, now: datetime) -> dict[str, int]:
        """Let every agency do what is due at `now`; how many acts of each kind."""
        acts: dict[str, int] = {}
        for name, act in (
            ("operator", self.operator),
            ("station", self.stations),
            ("vehicle", self.vehicles),
            ("stf", self.stf),
            ("other_state", self.other_states),
            ("outcome", self.outcomes),
            ("counsellor", self.counsellors),
        ):
            acts[name] = act(now)
        return acts

    # -- timing ---------------------------------------------------------------------------

    def _due(self, key: tuple[str, int], minutes: float, now: datetime) -> bool:
        """True once the simulated delay for `key` has passed (drawn at first sight)."""
        if key in self._done:
            return False
        if key not in self._plans:
            real = self._rng.expovariate(1.0 / max(minutes, 1e-6)) * 60.0 / self.speedup
            self._plans[key] = now + timedelta(seconds=real)
        return now >= self._plans[key]

    def _finish(self, key: tuple[str, int]) -> None:
        self._done.add(key)
        self._plans.pop(key, None)

    def _arrival(self, case: Case) -> Arrival | None:
        for handle in case.alerts.values_list("account_handle", flat=True):
            if handle in self.truth:
                return self.truth[handle]
        return None

    # -- the desk operator ------------------------------------------------------------------

    def operator(self, now: datetime) -> int:
        """Read new cases; forward, trace, or confirm dispatch as a person on the desk would."""
        from jeevanrekha.dispatch.dispatching import do_confirm_dispatch

        acts = 0
        cases = Case.objects.filter(
            state__in=WAITING, needs_review=False, risk_level__isnull=False
        ).order_by("-priority", "opened_at")[:50]
        for case in cases:
            if not case.location or not self._due(
                ("read", case.pk), self.params.operator_read_min, now
            ):
                continue
            tasks = set(case.tasks.filter(state__in=ACTIVE).values_list("kind", flat=True))
            try:
                if case.state_name and case.state_name != _home_state():
                    acts += self._forward(case, tasks, now)
                elif not dispatch_ready(case):
                    do_confirm_dispatch(case.pk, actor="sim:operator", at=now)
                    acts += 1
                elif not case.tasks.filter(kind=TaskKind.TRACE).exists():
                    acts += self._trace_or_station(case, tasks, now)
            except (NotReady, TaskClosed):
                continue
        return acts

    def _forward(self, case: Case, tasks: set[str], now: datetime) -> int:
        from jeevanrekha.dispatch.forwarding.handover import do_forward_case

        if TaskKind.OTHER_STATE in tasks:
            return 0
        do_forward_case(case.pk, actor="sim:operator", at=now)
        return 1

    def _trace_or_station(self, case: Case, tasks: set[str], now: datetime) -> int:
        """Imminent but unsure where: trace the phone. Not imminent: page the station."""
        from jeevanrekha.dispatch.dispatching import do_alert_station, do_request_trace

        if case.imminent or (case.risk_level or 0) >= 4:
            phone = _phone_of(case)
            if phone:
                do_request_trace(case.pk, phone, actor="sim:operator", at=now)
                return 1
        if case.police_station and TaskKind.POLICE_STATION not in tasks:
            do_alert_station(case.pk, actor="sim:operator", at=now)
            return 1
        return 0

    def outcomes(self, now: datetime) -> int:
        """A crew reported the person safe: the operator records "saved" (follow-up starts)."""
        from jeevanrekha.web.case_actions import record_and_resolve

        acts = 0
        reported = Task.objects.filter(
            kind=TaskKind.VEHICLE_112, state=TaskState.DONE, case__state=CaseState.ON_SCENE
        ).exclude(case__outcome__isnull=False)
        for task in reported.select_related("case")[:50]:
            code = OutcomeCode.SAVED if task.progress == "person_safe" else OutcomeCode.NOT_FOUND
            reasons = [] if code == OutcomeCode.SAVED else ["dense_area"]
            note = "Simulated: recorded by the demo's desk operator from the crew's report."
            record_and_resolve(task.case, code, reasons, note, actor="sim:operator")
            acts += 1
        return acts

    # -- the field ----------------------------------------------------------------------

    def stations(self, now: datetime) -> int:
        """Police stations acknowledge their pages after a realistic delay."""
        acts = 0
        for task in _open(TaskKind.POLICE_STATION):
            if task.state == TaskState.ACKNOWLEDGED:
                if task.case.state in (CaseState.RESOLVED, CaseState.FOLLOW_UP):
                    safe = _outcome_code(task.case) == OutcomeCode.SAVED
                    report = "person_safe" if safe else "not_found"
                    acts += self._report(task, report, f"sim:station:{task.target}", now)
                continue
            if self._due(("station", task.pk), self.params.station_ack_min, now):
                acts += self._report(task, "acknowledge", f"sim:station:{task.target}", now)
                self._finish(("station", task.pk))
        return acts

    def vehicles(self, now: datetime) -> int:
        """112 crews accept, drive at road speed (position reports), arrive, report."""
        acts = 0
        tasks = Task.objects.filter(kind=TaskKind.VEHICLE_112, state__in=ACTIVE)
        for task in tasks.order_by("pk")[:100]:
            actor = f"sim:112:{task.target}"
            if task.state == TaskState.OPEN:
                if self._due(("vehicle_ack", task.pk), self.params.vehicle_ack_min, now):
                    acts += self._report(task, "en_route", actor, now)
                    self._finish(("vehicle_ack", task.pk))
                    _ping(task.target, actor, now)  # the drive starts from here, now
                continue
            if task.progress == "en_route":
                acts += self._drive(task, actor, now)
            elif task.progress == "on_scene" and self._due(
                ("scene", task.pk), self.params.on_scene_min, now
            ):
                truth = self._arrival(task.case)
                lost = truth is not None and truth.dense and self._rng.random() < 0.5
                acts += self._report(task, "not_found" if lost else "person_safe", actor, now)
        return acts

    def _drive(self, task: Task, actor: str, now: datetime) -> int:
        vehicle = Vehicle.objects.filter(code=task.target).first()
        point = task.detail.get("point") if isinstance(task.detail, dict) else None
        if vehicle is None or vehicle.lat is None or vehicle.lon is None or not point:
            return 0
        last = vehicle.position_at or now
        per_km = dispatch_conf.travel().minutes_per_km(vehicle.kind, vehicle.area)
        seconds = max(0.0, (now - last).total_seconds()) * self.speedup
        metres = seconds / 60.0 / per_km * 1000.0  # great-circle metres covered meanwhile
        lat, lon, there = step_towards(
            vehicle.lat, vehicle.lon, float(point["lat"]), float(point["lon"]), metres
        )
        do_report_vehicle(
            vehicle.code, VehicleReport(lat=lat, lon=lon, position_at=now), actor=actor, at=now
        )
        return 1 + (self._report(task, "on_scene", actor, now) if there else 0)

    def stf(self, now: datetime) -> int:
        """STF returns a tower fix after minutes, near where the person really is; a phone
        that is off gives nothing (the ladder keeps chasing, as it would)."""
        from jeevanrekha.dispatch.tracing import record_fix

        acts = 0
        for task in _open(TaskKind.TRACE):
            truth = self._arrival(task.case)
            if not self._due(("trace", task.pk), self.params.trace_min, now):
                continue
            self._finish(("trace", task.pk))
            if truth is None or truth.phone_off:
                acts += self._report(task, "acknowledge", "sim:stf", now)
                continue
            jitter = self._rng.uniform(-0.002, 0.002)
            fix = {
                "lat": truth.place.lat + jitter,
                "lon": truth.place.lon - jitter,
                "radius_m": self._rng.choice((300, 600, 900)),
                "observed_at": now,
            }
            try:
                record_fix(task.pk, fix, actor="sim:stf", at=now)
                acts += 1
            except (TaskClosed, NotReady):
                continue
        return acts

    def other_states(self, now: datetime) -> int:
        """The other state's desk acknowledges the handover."""
        acts = 0
        for task in _open(TaskKind.OTHER_STATE):
            if self._due(("other", task.pk), self.params.other_state_ack_min, now):
                acts += self._report(task, "acknowledge", "sim:other_state", now)
                self._finish(("other", task.pk))
        return acts

    def counsellors(self, now: datetime) -> int:
        """Counsellors take referrals and log each follow-up check once it falls due."""
        from jeevanrekha.followup.actions import CheckClosed, check_tasks, do_record_check
        from jeevanrekha.followup.models import CheckResult, CheckState, FollowUpCheck

        acts = 0
        for task in _open(TaskKind.COUNSELLOR).exclude(pk__in=check_tasks()):
            if self._due(("referral", task.pk), self.params.counsellor_min, now):
                acts += self._report(task, "acknowledge", "sim:counsellor", now)
                self._finish(("referral", task.pk))
        due = FollowUpCheck.objects.filter(state__in=[CheckState.DUE, CheckState.OVERDUE])
        names, weights = zip(*self.params.check_results, strict=True)
        for check in due.order_by("pk")[:50]:
            if not self._due(("check", check.pk), self.params.counsellor_min, now):
                continue
            result = CheckResult(self._rng.choices(names, weights=weights)[0])
            note = "Simulated check by the demo's counsellor."
            try:
                do_record_check(check.pk, result, note, actor="sim:counsellor", at=now)
                acts += 1
            except CheckClosed:
                pass
            self._finish(("check", check.pk))
        return acts

    def _report(self, task: Task, report: str, actor: str, now: datetime) -> int:
        try:
            do_report_task(task.pk, report, by=actor, actor=actor, at=now, via="simulator")
        except TaskClosed:
            return 0
        return 1


def _ping(code: str, actor: str, at: datetime) -> None:
    """Report the vehicle where it stands, now (its last fix may be old)."""
    vehicle = Vehicle.objects.filter(code=code).first()
    if vehicle is not None and vehicle.lat is not None and vehicle.lon is not None:
        report = VehicleReport(lat=vehicle.lat, lon=vehicle.lon, position_at=at)
        do_report_vehicle(code, report, actor=actor, at=at)


def _open(kind: TaskKind) -> Any:
    return Task.objects.filter(kind=kind, state__in=ACTIVE).select_related("case").order_by("pk")


def _outcome_code(case: Case) -> str:
    from jeevanrekha.cases.models import Outcome

    found = Outcome.objects.filter(case_id=case.pk).values_list("code", flat=True).first()
    return str(found or "")


def _phone_of(case: Case) -> str:
    for evidence in case.alerts.values_list("evidence", flat=True):
        if isinstance(evidence, dict) and evidence.get("phone"):
            return str(evidence["phone"])
    return ""


def _home_state() -> str:
    from jeevanrekha.geo import conf as geo_conf

    return geo_conf.home_state()


def truth_by_handle(arrivals: Iterable[Arrival]) -> dict[str, Arrival]:
    """The agencies' view of the truth, by the handle the alerts carry."""
    return {a.handle: a for a in arrivals}
