"""`jeevanrekha demo`: the desk on http://127.0.0.1:8000, alive.

Migrates the database, makes a demo supervisor account (printing its password, its TOTP
secret, and the current sign-in code on every alert line), registers a simulated 112 fleet,
starts the production server and keeps posting a seeded Uttar Pradesh alert stream to it
through the real signed API. Simulated agencies (jeevanrekha/sim/agencies.py) then work the
cases through the real actions on a compressed clock: the desk operator confirms, stations
acknowledge, vehicles drive, STF traces, counsellors log follow-ups (docs/simulation.md).
"""

from __future__ import annotations

import functools
import io
import os
import random
import secrets
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from jeevanrekha.accounts import totp
from jeevanrekha.accounts.actions import do_issue_totp_device
from jeevanrekha.cases.actions import do_create_desk_user
from jeevanrekha.cases.models import Role
from jeevanrekha.geo import conf as geo_conf
from jeevanrekha.intake.actions import do_save_source
from jeevanrekha.intake.signing import signed_headers
from jeevanrekha.sim import live
from jeevanrekha.sim.agencies import Agencies, truth_by_handle
from jeevanrekha.sim.fleet import ensure_fleet, plan, station_rows
from jeevanrekha.sim.scenario import Arrival, PlaceRow, places_from_gazetteer
from jeevanrekha.web.management.commands.serve import server_argv

DEMO_SOURCE = "demo-platform"
FLEET = 2  # vehicles per demo station (sim/fleet.py)


def post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST a body; return the HTTP status (error statuses included)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_until_up(url: str, seconds: float) -> None:
    """Poll the health check until the server answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise CommandError(f"the server did not come up at {url}")


def demo_account(password: str) -> TOTPDevice:
    """The demo supervisor with a fresh password and a TOTP device whose codes the demo prints."""
    do_create_desk_user("demo", Role.SUPERVISOR, "", password, actor="cli:demo")
    user = get_user_model().objects.get(username="demo")
    # The secret stays from one demo run to the next (an app that has it keeps working).
    device = totp.confirmed_device(user) or do_issue_totp_device(
        user, confirmed=True, reset=True, actor="cli:demo", at=timezone.now()
    )
    assert device is not None  # reset=True always issues one
    return device


class Command(BaseCommand):
    help = "Run the desk with a demo account and a live simulated stream of alerts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--every", type=float, default=4.0, help="mean seconds between alerts")
        parser.add_argument("--count", type=int, default=0, help="stop after N alerts (0: never)")
        parser.add_argument("--seed", type=int, default=0, help="the scenario (0: a new one)")
        parser.add_argument(
            "--speedup", type=float, default=60.0, help="agencies' clock: simulated s per real s"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop_on_signals()
        compress_follow_up()
        call_command("migrate", verbosity=0)
        base = f"http://{options['bind']}"
        # The server boots while the demo sets up (the newcomer waits once, not twice).
        server = subprocess.Popen(server_argv("granian", options["bind"], 1, 8))
        stop, truth = threading.Event(), dict[str, Arrival]()
        seed = options["seed"] or secrets.randbelow(1 << 30) + 1
        agencies = Agencies(truth, speedup=options["speedup"], seed=seed)
        world: threading.Thread | None = None
        try:
            self.import_demo_stations()
            # The world registers the fleet and warms up (risk model, gazetteer) meanwhile.
            fleet = functools.partial(ensure_fleet, per_station=FLEET, seed=1, at=timezone.now())
            world = threading.Thread(
                target=live.run_world,
                args=(agencies, stop),
                kwargs={"prepare": fleet},
                daemon=True,
            )
            world.start()
            password, device, secret = self.set_up()
            places = places_from_gazetteer(geo_conf.gazetteer())
            starts = [(v.lat, v.lon) for v in plan(station_rows(), FLEET, 1)]
            first = live.demo_arrivals(
                seed, options["every"], places, showcase=live.showcase_check(starts)
            )
            wait_until_up(f"{base}/healthz", 30)
            self.stdout.write(self.style.SUCCESS(banner(base, password, device)))
            self.stdout.write(world_note(seed, options["speedup"]))
            feed = Feed(f"{base}/api/v1/alerts", secret, device, truth, self.stdout.write)
            feed.run(first, seed, options["every"], options["count"], places)
        except KeyboardInterrupt:
            pass
        finally:
            stop.set()
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:  # Ctrl-C must always stop the demo
                server.kill()
                server.wait(timeout=10)
            if world is not None:
                world.join(timeout=10)

    def set_up(self) -> tuple[str, TOTPDevice, str]:
        """The demo account and the alert source: (password, device, source secret)."""
        password = secrets.token_urlsafe(12)
        device = demo_account(password)
        secret = secrets.token_urlsafe(32)
        do_save_source(DEMO_SOURCE, secret, "", actor="cli:demo")
        return password, device, secret

    def import_demo_stations(self) -> None:
        """One illustrative station per district (demo data, labelled so), once."""
        from jeevanrekha.geo.models import Station

        if Station.objects.exists():
            return
        stations = Path(settings.DATA_DIR) / "demo-stations.csv"
        call_command("geo", "demo-stations", str(stations), stdout=io.StringIO())
        call_command("geo", "import-stations", str(stations), stdout=io.StringIO())


class Feed:
    """Posts the stream through the signed API, one line each with the sign-in code."""

    def __init__(
        self,
        url: str,
        secret: str,
        device: TOTPDevice,
        truth: dict[str, Arrival],
        write: Callable[[str], object],
    ) -> None:
        self.url, self.secret, self.device, self.truth, self.write = (
            url,
            secret,
            device,
            truth,
            write,
        )

    def run(
        self, first: list[Arrival], seed: int, every: float, count: int, places: list[PlaceRow]
    ) -> None:
        """Batch after batch (seed, seed + 1, ...) until `count` alerts (0: until stopped)."""
        batch, posted, rng = first, 0, random.Random(seed)
        while batch:
            self.truth.update(truth_by_handle(batch))
            for arrival in batch:
                if count and posted >= count:
                    return
                self.post(arrival, rng, every)
                posted += 1
            more = batch[-1].number + 1
            batch = live.demo_arrivals(seed + more, every, places, first=more)

    def post(self, arrival: Arrival, rng: random.Random, every: float) -> None:
        # A random wait like the stream's own, never more than 3 x `every` (the demo moves).
        if arrival.number > 1:
            time.sleep(min(rng.expovariate(1 / every), 3 * every))
        body = live.body_of(arrival, rng, DEMO_SOURCE, timezone.now())
        status = post(self.url, body, signed_headers(DEMO_SOURCE, self.secret, body))
        self.write(
            f"alert {arrival.number}: HTTP {status} · sign-in code {totp.code_at(self.device)}"
        )


def stop_on_signals() -> None:
    """Ctrl-C (SIGINT) and SIGTERM stop the demo, as its banner says. A background job of a
    non-interactive shell starts with SIGINT ignored, and Python then leaves it ignored: the
    demo would run on after Ctrl-C or `kill -INT`."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)


def compress_follow_up() -> None:
    """The demo's follow-up checks come minutes apart, not days (unless FOLLOWUP_CHECKS is
    set): here and in the server process, which inherits the environment."""
    if not os.environ.get("FOLLOWUP_CHECKS"):
        os.environ["FOLLOWUP_CHECKS"] = live.DEMO_CHECKS
        settings.FOLLOWUP_CHECKS = live.DEMO_CHECKS


def banner(base: str, password: str, device: TOTPDevice) -> str:
    """The account lines a newcomer needs (their wording is what the e2e test reads)."""
    return (
        f"\nJeevan Rekha desk: {base}/\n  user: demo\n  password: {password}\n"
        f"  sign-in code: the latest one printed below (each alert line shows it), or\n"
        f"  add this TOTP secret to an authenticator app: {totp.secret(device)}\n"
        "Feeding simulated alerts; Ctrl-C stops.\n"
    )


def world_note(seed: int, speedup: float) -> str:
    """Say plainly what is simulated and that its clock is compressed."""
    return (
        f"Simulation (seed {seed}; docs/simulation.md): the desk operator (sim:operator) confirms\n"
        "  dispatch, stations acknowledge, 112 vehicles drive on /vehicles/, STF returns traces,\n"
        f"  counsellors log follow-ups. Compressed clock: agencies x{speedup:g}; follow-up checks\n"
        f"  at {settings.FOLLOWUP_CHECKS} (real schedule: 24h,72h,7d,30d).\n"
    )
