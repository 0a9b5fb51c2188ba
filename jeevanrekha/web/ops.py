"""For the engineer who runs the desk: /readyz and /metrics (Prometheus text format).

`/healthz` (views.py) says the process is alive. `/readyz` says whether it should get
traffic: the database answers, the broker answers when NATS_URL is set, and the outbox and
the timers are not lagging beyond the limits. `/metrics` exposes counts only — never a
name, a post or a place — to loopback, or to a caller with the METRICS_TOKEN.
"""

from __future__ import annotations

import hmac
import socket
import threading
import time
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

from jeevanrekha.audit import watch
from jeevanrekha.bus.models import OutboxMessage
from jeevanrekha.cases.models import Case, Task
from jeevanrekha.intake.models import RawAlert

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


class RequestLatency:
    """Request durations of this server process, by route kind (a Prometheus histogram)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: dict[str, list[int]] = {}
        self.sums: dict[str, float] = {}

    def observe(self, route: str, seconds: float) -> None:
        with self._lock:
            buckets = self.counts.setdefault(route, [0] * (len(LATENCY_BUCKETS) + 1))
            for i, bound in enumerate(LATENCY_BUCKETS):
                if seconds <= bound:
                    buckets[i] += 1
            buckets[-1] += 1
            self.sums[route] = self.sums.get(route, 0.0) + seconds

    def lines(self) -> list[str]:
        out = [
            "# HELP jr_request_seconds Request latency of this server process.",
            "# TYPE jr_request_seconds histogram",
        ]
        with self._lock:
            for route, buckets in sorted(self.counts.items()):
                for bound, count in zip(LATENCY_BUCKETS, buckets, strict=False):
                    out.append(f'jr_request_seconds_bucket{{route="{route}",le="{bound}"}} {count}')
                out.append(f'jr_request_seconds_bucket{{route="{route}",le="+Inf"}} {buckets[-1]}')
                out.append(f'jr_request_seconds_count{{route="{route}"}} {buckets[-1]}')
                out.append(f'jr_request_seconds_sum{{route="{route}"}} {self.sums[route]:.6f}')
        return out


LATENCY = RequestLatency()


def route_kind(path: str) -> str:
    """A low-cardinality name for a path (no ids in metric labels)."""
    for prefix, name in (
        ("/api/v1/alerts", "intake_api"),
        ("/api/", "api"),
        ("/cases/", "case_page"),
        ("/desk/", "queue"),
        ("/quarantine/", "quarantine"),
        ("/phone-in/", "phone_in"),
        ("/static/", "static"),
        ("/metrics", "metrics"),
    ):
        if path.startswith(prefix):
            return name
    return "other"


class LatencyMiddleware:
    """Times every request into LATENCY and tells the client (Server-Timing header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            elapsed = time.perf_counter() - started
            LATENCY.observe(route_kind(request.path), elapsed)
        # The server's own time, for browsers' developer tools and bench/desk_bench.py.
        response["Server-Timing"] = f"app;dur={elapsed * 1000:.2f}"
        return response


def _age_s(oldest: datetime | None, now: datetime) -> float:
    return max(0.0, (now - oldest).total_seconds()) if oldest else 0.0


def _lags(now: datetime) -> dict[str, float]:
    outbox = OutboxMessage.objects.filter(published_at__isnull=True).aggregate(m=Min("created_at"))
    timers = Task.objects.filter(due_at__lte=now).aggregate(m=Min("due_at"))
    return {"outbox": _age_s(outbox["m"], now), "timers": _age_s(timers["m"], now)}


def _broker_answers() -> bool | None:
    """None without NATS_URL; else whether the broker accepts a TCP connection."""
    if not settings.NATS_URL:
        return None
    first = settings.NATS_URL.split(",")[0]
    parts = urlsplit(first if "://" in first else f"nats://{first}")
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 4222), 2):
            return True
    except OSError:
        return False


def readyz(request: HttpRequest) -> JsonResponse:
    """Ready for traffic? 200 with the checks, or 503 naming what is wrong."""
    problems: list[str] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        lags = _lags(timezone.now())
    except Exception as exc:  # the database is down: nothing else can be checked
        return JsonResponse({"status": "unavailable", "problems": [f"database: {exc}"]}, status=503)
    broker = _broker_answers()
    if broker is False:
        problems.append("broker: NATS does not answer")
    if broker is not None and lags["outbox"] > settings.READY_MAX_OUTBOX_LAG_SECONDS:
        problems.append(f"outbox: oldest unpublished event is {lags['outbox']:.0f} s old")
    if lags["timers"] > settings.READY_MAX_TIMER_LAG_SECONDS:
        problems.append(f"timers: a deadline is {lags['timers']:.0f} s overdue")
    body = {
        "status": "unavailable" if problems else "ok",
        "problems": problems,
        "database": "ok",
        "broker": {None: "not configured", True: "ok", False: "down"}[broker],
        "outbox_lag_seconds": round(lags["outbox"], 1),
        "timer_lag_seconds": round(lags["timers"], 1),
    }
    return JsonResponse(body, status=503 if problems else 200)


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(given.encode(), token.encode())
    return request.META.get("REMOTE_ADDR") in {"127.0.0.1", "::1"}


def metrics(request: HttpRequest) -> HttpResponse:
    """Counts for Prometheus; loopback only unless METRICS_TOKEN is set."""
    if not _allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    now = timezone.now()
    lines = [
        "# HELP jr_raw_alerts Raw alerts received, by what became of them.",
        "# TYPE jr_raw_alerts gauge",
    ]
    raw = RawAlert.objects.values("channel", "status").annotate(n=Count("id"))
    for row in sorted(raw, key=lambda r: (r["channel"], r["status"])):
        lines.append(
            f'jr_raw_alerts{{channel="{row["channel"]}",status="{row["status"]}"}} {row["n"]}'
        )
    lines += ["# HELP jr_cases Cases by state.", "# TYPE jr_cases gauge"]
    for row in sorted(
        Case.objects.values("state").annotate(n=Count("id")), key=lambda r: r["state"]
    ):
        lines.append(f'jr_cases{{state="{row["state"]}"}} {row["n"]}')
    lags = _lags(now)
    unpublished = OutboxMessage.objects.filter(published_at__isnull=True).count()
    failing = OutboxMessage.objects.filter(published_at__isnull=True).exclude(last_error="").count()
    lines += [
        "# HELP jr_outbox_unpublished Events not yet published to the broker.",
        "# TYPE jr_outbox_unpublished gauge",
        f"jr_outbox_unpublished {unpublished if settings.NATS_URL else 0}",
        "# HELP jr_outbox_lag_seconds Age of the oldest unpublished event.",
        "# TYPE jr_outbox_lag_seconds gauge",
        f"jr_outbox_lag_seconds {lags['outbox'] if settings.NATS_URL else 0.0:.1f}",
        "# HELP jr_outbox_delivery_failures Unpublished events whose last attempt failed.",
        "# TYPE jr_outbox_delivery_failures gauge",
        f"jr_outbox_delivery_failures {failing}",
        "# HELP jr_timer_lag_seconds How overdue the most overdue task deadline is.",
        "# TYPE jr_timer_lag_seconds gauge",
        f"jr_timer_lag_seconds {lags['timers']:.1f}",
        *watch.metric_lines(now),
        *LATENCY.lines(),
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; version=0.0.4")
