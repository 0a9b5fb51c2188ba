"""A seeded week for the report tests: ISO week 2026-W47 (Mon 16 to Sun 22 Nov 2026, IST),
built with the real intake and the real do_* actions at past instants (time-machine for
the intake, whose clock is its own; the actions' `at=`).

Hand count (minutes after the case opened; dispatch = first station task):

case district  channel platform  disp. on scene            outcome: reasons         state now
C1   Lucknow   api     facebook  +4    +10 (case_arrived)  saved                    follow_up
C2   Lucknow   api     instagram +6    +12 (task report)   saved (+ alert C2b)      located
C3   Agra      form    phone     +3    +15                 saved (repeat of D0)     on_scene
C4   Agra      monitor x         +8    +20                 saved                    on_scene
C5   Prayagraj api     facebook  +5    -                   not_found: location_unclear,
                                                             dense_area             dispatched
C6   Lucknow   form    phone     +10   +9                  saved (2nd station +12)  follow_up
C7   -         api     facebook  -     -                   forwarded: other_state   new
C8   Prayagraj api     instagram -     -                   unreachable: phone_off   located
C9   Lucknow   api     facebook  +2    +7 (again at +9)    saved (repeat of C1)     on_scene
C10  Agra      api     facebook  -     -                   none yet                 located
(disp.: minutes from the alert to the first station task; on scene: minutes after that)

Outside the week: D0 (Sun 15 Nov 23:50 IST, the person of C3, cancelled) and D1 (Mon 23
Nov 00:10 IST). C1 opens at 00:20 IST on Monday, still Sunday in UTC; C10 at 23:55 IST on
Sunday. A retry of C1's alert (same id) is a duplicate and counts nowhere.

Follow-up (checks at 24h, 72h, 7d, 30d after a saved case is resolved; grace 12 h): C1
resolved Mon 16 00:50 → checks due Tue 17 00:50 (recorded 06:00: on time) and Thu 19 00:50
(recorded Fri 20 09:00: late) in the week; C6 resolved Thu 19 22:40 → Fri 20 22:40 (never
recorded: missed) and Sun 22 22:40 (recorded 23:00: on time). The later checks fall after
the week. Both cases are now in follow_up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from jeevanrekha.cases.actions import do_apply_case_command, do_confirm_review, do_record_outcome
from jeevanrekha.cases.locating import CaseLocation
from jeevanrekha.cases.models import OutcomeCode, Task
from jeevanrekha.core.lifecycle import CaseCommand
from jeevanrekha.dispatch.actions import do_report_task
from jeevanrekha.dispatch.dispatching import do_alert_station, do_locate_case
from jeevanrekha.followup.actions import CheckResult, do_record_check
from jeevanrekha.followup.models import FollowUpCheck
from jeevanrekha.intake.actions import Arrival, do_intake
from jeevanrekha.intake.checks import Checks

IST = ZoneInfo("Asia/Kolkata")
ACTOR = "user:seed"
CHECKS = Checks(authenticate=False, check_window=False)
PLACES = {
    "Lucknow": ("Hazratganj", 26.85, 80.95),
    "Agra": ("Tajganj", 27.17, 78.04),
    "Prayagraj": ("Civil Lines", 25.45, 81.84),
}


def ist(day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=IST)


def arrive(channel: str, at: datetime, handle: str, platform: str, key: str) -> int:
    """One alert through the real intake, received at `at`; its case id."""
    document = {
        "source": "seed",
        "source_alert_id": key,
        "platform": platform,
        "post": {"text": "I am going to end my life today", "url": f"https://p.example/{key}"},
        "account": {"handle": handle},
    }
    body = json.dumps(document).encode()
    arrival = Arrival(channel, "seed", {}, body, len(body), None, "", at)
    with time_machine.travel(at, tick=False):
        (outcome,) = do_intake([arrival], CHECKS)
    assert outcome.case_id, outcome
    return outcome.case_id


def locate(case_id: int, district: str, at: datetime) -> None:
    station, lat, lon = PLACES[district]
    where = CaseLocation(
        state="Uttar Pradesh",
        district=district,
        station=station,
        lat=lat,
        lon=lon,
        radius_m=200,
        confidence=0.9,
        needs_trace=False,
    )
    do_locate_case(case_id, where, source="seed", actor=ACTOR, at=at)  # type: ignore[arg-type]


def station(case_id: int, at: datetime, *, dispatch: bool) -> Task:
    """Alert the station; with `dispatch` the case moves to dispatched (as the desk's
    alert does); without, it stays as cases alerted before that did (older data)."""
    return do_alert_station(case_id, actor=ACTOR, at=at, mark=dispatch)


def on_scene(task: Task, at: datetime) -> None:
    do_report_task(task.pk, "on_scene", by="SHO", actor="link:sho", at=at, via="seed")


def checks_of(case_id: int) -> list[int]:
    """The follow-up checks that resolving a saved case scheduled, in order."""
    rows = FollowUpCheck.objects.filter(follow_up__case_id=case_id).order_by("number")
    return list(rows.values_list("id", flat=True))


def outcome(case_id: int, code: OutcomeCode, at: datetime, *reasons: str) -> None:
    do_record_outcome(case_id, code, list(reasons), "", actor=ACTOR, at=at)


@dataclass
class Week:
    cases: dict[str, int]


def rescued(
    name: str, case_id: int, t0: datetime, district: str, d: int, s: int, *, dispatch: bool = True
) -> tuple[int, Task]:
    m = timedelta(minutes=1)
    locate(case_id, district, t0 + m)
    task = station(case_id, t0 + d * m, dispatch=dispatch)
    on_scene(task, t0 + (d + s) * m)
    outcome(case_id, OutcomeCode.SAVED, t0 + (d + s + 5) * m)
    return case_id, task


def seed_week() -> Week:
    m = timedelta(minutes=1)
    c: dict[str, int] = {}
    t = ist(15, 23, 50)
    c["D0"] = arrive("api", t, "person3", "phone", "d0")
    do_apply_case_command(c["D0"], CaseCommand.CANCEL, actor=ACTOR, at=t + m)

    t = ist(16, 0, 20)
    c["C1"] = arrive("api", t, "person1", "facebook", "c1")
    arrive("api", t + m, "person1", "facebook", "c1")  # a retry: duplicate
    rescued("C1", c["C1"], t, "Lucknow", 4, 10)
    do_apply_case_command(c["C1"], CaseCommand.RESOLVE, actor=ACTOR, at=t + 30 * m)
    first, second, *_ = checks_of(c["C1"])  # due Tue 17 00:50 and Thu 19 00:50
    do_record_check(first, CheckResult.REACHED, "", actor="user:cns", at=ist(17, 6, 0))
    do_record_check(second, CheckResult.IN_CARE, "", actor="user:cns", at=ist(20, 9, 0))

    t = ist(16, 10, 0)
    c["C2"] = arrive("api", t, "person2", "instagram", "c2")
    assert arrive("api", t + 2 * m, "person2", "instagram", "c2b") == c["C2"]  # joins C2
    rescued("C2", c["C2"], t, "Lucknow", 6, 12, dispatch=False)

    t = ist(17, 9, 0)
    c["C3"] = arrive("form", t, "person3", "phone", "c3")
    rescued("C3", c["C3"], t, "Agra", 3, 15)

    t = ist(18, 14, 0)
    c["C4"] = arrive("monitor", t, "person4", "x", "c4")
    do_confirm_review(c["C4"], actor=ACTOR, at=t + m)
    rescued("C4", c["C4"], t, "Agra", 8, 20)

    t = ist(19, 8, 0)
    c["C5"] = arrive("api", t, "person5", "facebook", "c5")
    locate(c["C5"], "Prayagraj", t + m)
    station(c["C5"], t + 5 * m, dispatch=True)
    outcome(c["C5"], OutcomeCode.NOT_FOUND, t + 90 * m, "location_unclear", "dense_area")

    t = ist(19, 22, 0)
    c["C6"] = arrive("form", t, "person6", "phone", "c6")
    rescued("C6", c["C6"], t, "Lucknow", 10, 9)
    station(c["C6"], t + 12 * m, dispatch=False)  # a second station later: not the dispatch
    do_apply_case_command(c["C6"], CaseCommand.RESOLVE, actor=ACTOR, at=t + 40 * m)
    _, second, *_ = checks_of(c["C6"])  # due Fri 20 22:40 (missed) and Sun 22 22:40
    do_record_check(second, CheckResult.REACHED, "", actor="user:cns", at=ist(22, 23, 0))

    t = ist(20, 11, 0)
    c["C7"] = arrive("api", t, "person7", "facebook", "c7")
    outcome(c["C7"], OutcomeCode.FORWARDED, t + 20 * m, "other_state")

    t = ist(21, 3, 0)
    c["C8"] = arrive("api", t, "person8", "instagram", "c8")
    locate(c["C8"], "Prayagraj", t + m)
    outcome(c["C8"], OutcomeCode.UNREACHABLE, t + 60 * m, "phone_off")

    t = ist(21, 20, 0)
    c["C9"] = arrive("api", t, "person1", "facebook", "c9")
    _, task = rescued("C9", c["C9"], t, "Lucknow", 2, 7)
    on_scene(task, t + 11 * m)  # reported again: the first report counts

    t = ist(22, 23, 55)
    c["C10"] = arrive("api", t, "person10", "facebook", "c10")
    locate(c["C10"], "Agra", t + m)

    c["D1"] = arrive("api", ist(23, 0, 10), "person11", "facebook", "d1")
    return Week(c)
