"""Helpers for the dispatch tests: loopback stand-ins for an SMS gateway and a webhook
receiver, and a case with what dispatch needs."""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class StandIn:
    """A small HTTP server on loopback that records what it is sent.

    `fail_with` makes it answer that status (e.g. 503) to the next `failures` requests;
    `delay` makes each answer slow (to make two workers overlap).
    """

    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    fail_with: int = 503
    failures: int = 0
    delay: float = 0.0
    _server: ThreadingHTTPServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/send"

    def start(self) -> StandIn:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                import time

                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if stand_in.delay:
                    time.sleep(stand_in.delay)
                with stand_in._lock:
                    failing = stand_in.failures > 0
                    if failing:
                        stand_in.failures -= 1
                    else:
                        stand_in.received.append(
                            Received(
                                self.path, {k.lower(): v for k, v in self.headers.items()}, body
                            )
                        )
                self.send_response(stand_in.fail_with if failing else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def make_case(at: datetime, **fields: Any) -> Any:
    """A case as the intake and locate stages leave it (tests only: app code uses actions)."""
    from jeevanrekha.cases.models import Case

    values: dict[str, Any] = {
        "state": "triaged",
        "opened_at": at,
        "state_changed_at": at,
        "risk_level": 4,
        "imminent": True,
        "state_name": "Uttar Pradesh",
        "district": "Lucknow",
        "police_station": "Hazratganj",
        "location_confidence": 0.9,
        "location": {"lat": 26.85, "lon": 80.946, "radius_m": 300.0},
    }
    values.update(fields)
    return Case.objects.create(**values)


def add_contact(role: str, transport: str, address: str, scope: str = "default") -> None:
    from jeevanrekha.dispatch.models import Contact

    Contact.objects.create(scope=scope, role=role, transport=transport, address=address)


def add_vehicle(code: str, lat: float, lon: float, at: datetime, **fields: Any) -> None:
    from jeevanrekha.dispatch.models import Vehicle

    values: dict[str, Any] = {
        "kind": "four_wheeler",
        "area": "urban",
        "status": "available",
        "lat": lat,
        "lon": lon,
        "position_at": at,
        "updated_at": at,
    }
    values.update(fields)
    Vehicle.objects.create(code=code, **values)
