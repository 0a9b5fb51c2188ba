"""`jeevanrekha demo`: the desk on http://127.0.0.1:8000 with a live stream of alerts.

Migrates the database, makes a demo supervisor account (printing its password, its TOTP
secret, and the current sign-in code on every alert line), starts the
production server (gunicorn) and keeps posting signed alerts to it through the real API.
"""

from __future__ import annotations

import io
import logging
import random
import secrets
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
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
from jeevanrekha.intake.actions import do_save_source
from jeevanrekha.intake.signing import signed_headers
from jeevanrekha.sim import feed
from jeevanrekha.web.management.commands.serve import server_argv

DEMO_SOURCE = "demo-platform"


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


def run_stages() -> None:
    """The pipeline stages and the timers in-process (no NATS in the demo)."""
    from django.utils import timezone

    from jeevanrekha.bus.consumers import run_in_process
    from jeevanrekha.dispatch.timers import sweep, worker_name
    from jeevanrekha.stages import stages

    every = list(stages().values())
    worker = worker_name()
    while True:
        handled = 0
        for stage in every:
            try:
                handled += run_in_process(stage)
            except Exception:  # keep the demo going; the stage logs what failed
                logging.getLogger(__name__).exception("demo: stage %s failed", stage.name)
        try:
            sweep(worker, timezone.now())  # escalation deadlines (jeevanrekha timers)
        except Exception:
            logging.getLogger(__name__).exception("demo: timer sweep failed")
        if not handled:
            time.sleep(1.0)


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

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0)
        self.import_demo_stations()
        password = secrets.token_urlsafe(12)
        device = demo_account(password)
        secret = secrets.token_urlsafe(32)
        do_save_source(DEMO_SOURCE, secret, "", actor="cli:demo")
        base = f"http://{options['bind']}"
        server = subprocess.Popen(server_argv("granian", options["bind"], 1, 8))
        threading.Thread(target=run_stages, name="stages", daemon=True).start()
        try:
            wait_until_up(f"{base}/healthz", 30)
            self.stdout.write(
                self.style.SUCCESS(
                    f"\nJeevan Rekha desk: {base}/\n  user: demo\n  password: {password}\n"
                    f"  sign-in code: the latest one printed below (each alert line shows it), or\n"
                    f"  add this TOTP secret to an authenticator app: {totp.secret(device)}\n"
                    "Feeding simulated alerts; Ctrl-C stops.\n"
                )
            )
            self.feed(f"{base}/api/v1/alerts", secret, options["every"], options["count"], device)
        except KeyboardInterrupt:
            pass
        finally:
            server.terminate()
            server.wait(timeout=30)

    def import_demo_stations(self) -> None:
        """One illustrative station per district (demo data, labelled so), once."""
        from jeevanrekha.geo.models import Station

        if Station.objects.exists():
            return
        stations = Path(settings.DATA_DIR) / "demo-stations.csv"
        call_command("geo", "demo-stations", str(stations), stdout=io.StringIO())
        call_command("geo", "import-stations", str(stations), stdout=io.StringIO())

    def feed(self, url: str, secret: str, every: float, count: int, device: TOTPDevice) -> None:
        """Post alerts at random intervals, printing one line each with the sign-in code."""
        rng = random.Random()
        number = 0
        while not count or number < count:
            number += 1
            body = feed.body(rng, DEMO_SOURCE, number)
            status = post(url, body, signed_headers(DEMO_SOURCE, secret, body))
            self.stdout.write(
                f"alert {number}: HTTP {status} · sign-in code {totp.code_at(device)}"
            )
            time.sleep(rng.expovariate(1 / every))
