"""What the sign-in keeps in the session, and the address a request comes from."""

from __future__ import annotations

from django.http import HttpRequest

# Between the two steps: the person whose password was right, when, and by which backend.
PENDING_USER = "jr_pending_user"
PENDING_AT = "jr_pending_at"
PENDING_BACKEND = "jr_pending_backend"
# Where to go once signed in (checked to be on this site).
NEXT = "jr_next"
# Unix time of the person's last action (polling does not count); see middleware.py.
LAST_ACTIVE = "jr_last_active"
# The serial of this session's sign-in (models.CurrentSignIn): one session per person.
SIGN_IN_SERIAL = "jr_sign_in_serial"
# Why the last session ended, shown once on the sign-in page.
SIGNED_OUT = "jr_signed_out"


def client_address(request: HttpRequest) -> str:
    """The peer's address. Behind a reverse proxy the server must pass the real one."""
    return str(request.META.get("REMOTE_ADDR") or "")[:45]
