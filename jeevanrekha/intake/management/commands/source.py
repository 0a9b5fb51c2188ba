"""`jeevanrekha source add|list|disable`: the partners allowed to post alerts."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from jeevanrekha.audit import chain as audit
from jeevanrekha.intake.actions import do_save_source
from jeevanrekha.intake.models import IntakeSource


class Command(BaseCommand):
    help = "Manage intake sources and their HMAC secrets."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["add", "list", "disable"])
        parser.add_argument("name", nargs="?")
        parser.add_argument("--secret", help="default: a new random secret, printed once")
        parser.add_argument("--platform", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        operation, name = options["operation"], options["name"]
        if operation == "list":
            for source in IntakeSource.objects.order_by("name"):
                self.stdout.write(f"{source.name}\t{'active' if source.active else 'disabled'}")
            return
        if not name:
            raise CommandError(f"source {operation} needs a NAME")
        if operation == "disable":
            with transaction.atomic():
                if not IntakeSource.objects.filter(name=name).update(active=False):
                    raise CommandError(f"no source {name!r}")
                audit.append(
                    at=timezone.now(),
                    actor="cli:source",
                    action="source_disabled",
                    object_type="intake_source",
                    object_id=name,
                )
            return
        secret = options["secret"] or secrets.token_urlsafe(32)
        if len(secret) < 16:
            raise CommandError("a source secret needs at least 16 characters")
        do_save_source(name, secret, options["platform"], actor="cli:source")
        self.stdout.write(f"source {name} ready")
        if not options["secret"]:
            self.stdout.write(f"secret: {secret}")
