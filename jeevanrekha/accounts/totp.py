"""TOTP devices (django-otp's TOTPDevice): lookup, the secret as people type it, the QR code.

Each person has at most one confirmed device (their authenticator app) and, while enrolling,
one unconfirmed device whose secret is shown to them once by `createuser` or the
enrolment page.
"""

from __future__ import annotations

import io
import time
from base64 import b32encode

import segno
from django.contrib.auth.models import AbstractBaseUser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "authenticator"


def confirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    """The user's enrolled authenticator, if any."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


def unconfirmed_device(user: AbstractBaseUser) -> TOTPDevice | None:
    """The device being enrolled (its secret was shown, no code confirmed it yet)."""
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-pk").first()


def secret(device: TOTPDevice) -> str:
    """The secret in base32, as authenticator apps take it when typed in."""
    return b32encode(device.bin_key).decode("ascii")


def grouped_secret(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, easier to read out and type."""
    text = secret(device)
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otpauth_uri(device: TOTPDevice) -> str:
    """The otpauth:// URI that a QR code carries (issuer from OTP_TOTP_ISSUER)."""
    return str(device.config_url)


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth URI as an inline SVG QR code (no image file, no outside service)."""
    out = io.BytesIO()
    segno.make(otpauth_uri(device), error="m").save(
        out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, title="TOTP"
    )
    return out.getvalue().decode("utf-8")


def qr_terminal(device: TOTPDevice) -> str:
    """The QR code drawn with block characters for a terminal (`createuser --qr`)."""
    out = io.StringIO()
    segno.make(otpauth_uri(device), error="m").terminal(out=out, compact=True)
    return out.getvalue()


def code_at(device: TOTPDevice, at: float | None = None) -> str:
    """The code the person's app shows at `at` (Unix time; default now).

    Used by `jeevanrekha demo` (which prints the demo account's codes) and by tests; the
    sign-in itself only ever verifies.
    """
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"
