"""`jeevanrekha createuser NAME --role ROLE [--district D]`: a desk account with a role.

Prints what the person needs for their first sign-in: the password (generated unless
--password-stdin) and the TOTP secret for their authenticator app (also shown as a QR code
on the first sign-in, where one code confirms it). `--reset-totp` issues a new secret
(a lost phone); `--qr` draws the QR code in the terminal too.
"""

from __future__ import annotations

import secrets
import sys
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from jeevanrekha.accounts import totp
from jeevanrekha.accounts.actions import do_issue_totp_device
from jeevanrekha.cases.actions import do_create_desk_user
from jeevanrekha.cases.models import Role

ACTOR = "cli:createuser"


class Command(BaseCommand):
    help = (
        "Create (or update) a desk account. Prints a generated password unless "
        "--password-stdin, and the TOTP secret to enrol an authenticator app."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=[r.value for r in Role])
        parser.add_argument("--district", default="")
        parser.add_argument("--password-stdin", action="store_true")
        parser.add_argument(
            "--reset-totp", action="store_true", help="issue a new TOTP secret (a lost phone)"
        )
        parser.add_argument("--qr", action="store_true", help="draw the TOTP QR code here too")

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
        username = options["username"]
        do_create_desk_user(username, role, options["district"], password, actor=ACTOR)
        user = get_user_model().objects.get(username=username)
        device = do_issue_totp_device(
            user, confirmed=False, reset=options["reset_totp"], actor=ACTOR, at=timezone.now()
        )
        self.stdout.write(f"user {username} ({role.value}) ready")
        if device is None:
            self.stdout.write("TOTP: already enrolled (--reset-totp issues a new secret)")
        else:
            self.stdout.write(
                f"TOTP secret: {totp.secret(device)}\n"
                f"TOTP setup link: {totp.otpauth_uri(device)}\n"
                f"First sign-in at {settings.PUBLIC_BASE_URL}/login/ shows this secret as a QR "
                "code; add it to an authenticator app and type one code to confirm."
            )
            if options["qr"]:
                self.stdout.write(totp.qr_terminal(device))
        if generated:
            self.stdout.write(f"password: {password}")
