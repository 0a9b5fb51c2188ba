"""`jeevanrekha createuser NAME --role ROLE [--district D]`: a desk account with a role."""

from __future__ import annotations

import secrets
import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from jeevanrekha.cases.actions import do_create_desk_user
from jeevanrekha.cases.models import Role


class Command(BaseCommand):
    help = "Create (or update) a desk account. Prints a generated password unless --password-stdin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--district", default="")
        parser.add_argument("--password-stdin", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        role = Role(options["role"])
        if role == Role.DISTRICT_OFFICER and not options["district"]:
            raise CommandError("a district officer needs --district")
        generated = not options["password_stdin"]
        password = secrets.token_urlsafe(12) if generated else sys.stdin.readline().rstrip("\n")
        try:
            validate_password(password)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        do_create_desk_user(
            options["username"], role, options["district"], password, actor="cli:createuser"
        )
        self.stdout.write(f"user {options['username']} ({role.value}) ready")
        if generated:
            self.stdout.write(f"password: {password}")
