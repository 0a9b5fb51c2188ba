"""Sign-in bookkeeping: failed attempts counted per account name and per client address.

The TOTP secrets themselves live in django-otp's TOTPDevice table (one confirmed device per
person). Nobody saves these rows directly: accounts/actions.py does, and audits it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ThrottleScope(models.TextChoices):
    """What a failure counter is kept for."""

    ACCOUNT = "account", "Account name"
    ADDRESS = "address", "Client address"


class SignInThrottle(models.Model):
    """Failed sign-ins of one account name or one client address, and its lock-out.

    Failures within the lock-out period are counted from `first_failure_at`; reaching the
    limit sets `locked_until`. A success resets the account's counter (not the address's:
    one good account must not unlock an address that guesses at others).
    """

    scope = models.CharField(max_length=10, choices=ThrottleScope.choices)
    key = models.CharField(max_length=150, help_text="account name (lower case) or address")
    failures = models.PositiveIntegerField(default=0)
    first_failure_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="accounts_throttle_scope_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} ({self.failures} failures)"


class CurrentSignIn(models.Model):
    """A person's latest sign-in: only the session that carries this serial stays signed in.

    The concurrent-session rule (SESSION_ONE_PER_PERSON): signing in again, on another
    machine or browser, ends the earlier session at its next request (audited as
    `signed_out`, reason `signed_in_elsewhere`). A serial, not the session key, because the
    session key changes while the person stays signed in (Django rotates it).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    serial = models.CharField(max_length=32)
    signed_in_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.user_id} signed in at {self.signed_in_at:%Y-%m-%d %H:%M}"
