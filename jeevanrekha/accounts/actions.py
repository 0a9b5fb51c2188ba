"""Every change the sign-in makes, one audited transaction each (house rule 2).

Failures are counted per account name and per client address; reaching LOGIN_MAX_FAILURES
within LOGIN_LOCKOUT_MINUTES locks that name or address for LOGIN_LOCKOUT_MINUTES.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from jeevanrekha.accounts import conf, totp
from jeevanrekha.accounts.models import CurrentSignIn, SignInThrottle, ThrottleScope
from jeevanrekha.audit import chain as audit

ANONYMOUS = "anonymous"
# URL keyword → the audit object type of what a page shows.
VIEWED_OBJECTS = {"case_id": "case", "raw_id": "raw_alert", "task_id": "task"}


def actor_of(user: AbstractBaseUser) -> str:
    """The audit actor for a signed-in person."""
    return f"user:{user.get_username()}"


def account_key(username: str) -> str:
    """Account names are counted case-blind: "Demo" and "demo" share one counter."""
    return username.strip().lower()[:150]


def _keys(username: str, address: str) -> list[tuple[str, str]]:
    keys = [(ThrottleScope.ACCOUNT.value, account_key(username))]
    if address:
        keys.append((ThrottleScope.ADDRESS.value, address[:150]))
    return [(scope, key) for scope, key in keys if key]


def locked_until(username: str, address: str, at: datetime) -> datetime | None:
    """When the lock-out on this account name or this address ends (the later), else None."""
    match = Q()
    for scope, key in _keys(username, address):
        match |= Q(scope=scope, key=key)
    if not match:
        return None
    ends = SignInThrottle.objects.filter(match, locked_until__gt=at).values_list(
        "locked_until", flat=True
    )
    return max((end for end in ends if end is not None), default=None)


def _count_failure(scope: str, key: str, at: datetime) -> tuple[SignInThrottle, bool]:
    """One more failure on a counter; (the counter, whether this failure locked it)."""
    row, _ = SignInThrottle.objects.select_for_update().get_or_create(
        scope=scope, key=key, defaults={"first_failure_at": at}
    )
    lock_over = row.locked_until is not None and row.locked_until <= at
    if lock_over or row.first_failure_at <= at - conf.lockout():
        row.failures, row.first_failure_at, row.locked_until = 0, at, None
    row.failures += 1
    newly_locked = row.locked_until is None and row.failures >= conf.max_failures()
    if newly_locked:
        row.locked_until = at + conf.lockout()
    row.save()
    return row, newly_locked


def do_record_sign_in_failure(
    username: str, address: str, reason: str, *, at: datetime
) -> datetime | None:
    """A wrong password or code: counted, audited; returns the lock-out's end if one began."""
    user_id = (
        get_user_model()
        .objects.filter(username__iexact=username.strip())
        .values_list("pk", flat=True)
        .first()
    )
    with transaction.atomic():
        entries = [
            audit.Entry(
                at=at,
                actor=ANONYMOUS,
                action="sign_in_failed",
                object_type="user",
                object_id=user_id or "",
                after={"username": username[:150], "address": address, "reason": reason},
            )
        ]
        ends = []
        for scope, key in _keys(username, address):
            row, newly_locked = _count_failure(scope, key, at)
            if newly_locked:
                ends.append(row.locked_until)
                entries.append(_locked_entry(row, at))
        audit.append_many(entries)
    return max((end for end in ends if end is not None), default=None)


def _locked_entry(row: SignInThrottle, at: datetime) -> audit.Entry:
    return audit.Entry(
        at=at,
        actor="system",
        action="sign_in_locked",
        object_type=f"sign_in_{row.scope}",
        object_id=row.key,
        after={"failures": row.failures, "locked_until": row.locked_until},
    )


def do_complete_sign_in(
    user: AbstractBaseUser, address: str, *, enrolled: bool, at: datetime
) -> str:
    """Both factors passed: the account's failure counter is cleared, a new sign-in serial
    (which the session keeps, ending the person's other sessions) is returned; audited."""
    serial = secrets.token_hex(16)
    with transaction.atomic():
        SignInThrottle.objects.filter(
            scope=ThrottleScope.ACCOUNT, key=account_key(user.get_username())
        ).delete()
        CurrentSignIn.objects.update_or_create(
            user_id=user.pk, defaults={"serial": serial, "signed_in_at": at}
        )
        audit.append(
            at=at,
            actor=actor_of(user),
            action="signed_in",
            object_type="user",
            object_id=str(user.pk),
            after={"address": address, "enrolled_now": enrolled},
        )
    return serial


def is_current_sign_in(user: AbstractBaseUser, serial: str) -> bool:
    """Whether a session with this serial is the person's latest sign-in (one query).

    A person with no recorded sign-in (signed in before the rule existed) is let be."""
    latest = CurrentSignIn.objects.filter(user_id=user.pk).values_list("serial", flat=True)
    current = latest.first()
    return current is None or current == serial


def do_sign_out(user: AbstractBaseUser, reason: str, *, at: datetime) -> None:
    """Audit the end of a session: `signed_out` by the person, `idle`, or `no_second_factor`."""
    with transaction.atomic():
        audit.append(
            at=at,
            actor=actor_of(user),
            action="signed_out",
            object_type="user",
            object_id=str(user.pk),
            after={"reason": reason},
        )


def do_issue_totp_device(
    user: AbstractBaseUser, *, confirmed: bool, reset: bool, actor: str, at: datetime
) -> TOTPDevice | None:
    """A TOTP secret for the person to enrol; None when they are enrolled and not `reset`.

    An unconfirmed device already issued is returned again (its secret shown again).
    `confirmed=True` is for the demo account only, whose codes the demo prints.
    """
    with transaction.atomic():
        if reset:
            TOTPDevice.objects.filter(user_id=user.pk).delete()
        elif totp.confirmed_device(user) is not None:
            return None
        elif (pending := totp.unconfirmed_device(user)) is not None and not confirmed:
            return pending
        device = TOTPDevice.objects.create(user=user, name=totp.DEVICE_NAME, confirmed=confirmed)
        audit.append(
            at=at,
            actor=actor,
            action="totp_issued",
            object_type="user",
            object_id=str(user.pk),
            after={"confirmed": confirmed, "reset": reset},
        )
    return device


def verify_code(device: TOTPDevice, code: str) -> bool:
    """Check a code against a device, under a row lock so that a code works only once."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return bool(locked.verify_token(code))


def do_confirm_totp_device(user: AbstractBaseUser, device: TOTPDevice, *, at: datetime) -> None:
    """The person typed a good code from the new device: it becomes their only device."""
    with transaction.atomic():
        TOTPDevice.objects.filter(user_id=user.pk).exclude(pk=device.pk).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        audit.append(
            at=at,
            actor=actor_of(user),
            action="totp_enrolled",
            object_type="user",
            object_id=str(user.pk),
        )


def do_note_viewed(
    user: AbstractBaseUser, url_name: str, path: str, kwargs: Mapping[str, Any], *, at: datetime
) -> None:
    """A page that read-only role opened (the auditor's every view is on the record)."""
    object_type, object_id = "page", url_name
    for word, kind in VIEWED_OBJECTS.items():
        if word in kwargs:
            object_type, object_id = kind, str(kwargs[word])
            break
    with transaction.atomic():
        audit.append(
            at=at,
            actor=actor_of(user),
            action="viewed",
            object_type=object_type,
            object_id=object_id[:64],
            after={"page": url_name, "path": path[:500]},
        )
