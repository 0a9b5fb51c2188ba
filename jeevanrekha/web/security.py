"""Security headers on every answer, and the desk's limits on what a form may send.

`SecurityHeadersMiddleware` adds, beside what Django's SecurityMiddleware sends
(X-Content-Type-Options, Referrer-Policy, and HSTS on HTTPS requests):

- Content-Security-Policy: scripts and styles only from this site, or inline when they
  carry this request's nonce (`request.csp_nonce`, `{{ request.csp_nonce }}` in a template);
  no plugins, no framing (frame-ancestors 'none'), forms post only to this site. Inline
  `style="..."` attributes stay allowed (the admin and Leaflet's markers use them); an
  injected attribute can restyle a page but run nothing.
- Permissions-Policy: no camera, microphone, geolocation, payment, USB, … for any origin.
- Cross-Origin-Opener-Policy and Cross-Origin-Resource-Policy: same-origin.
- Strict-Transport-Security when DEBUG is off (SECURE_HSTS_SECONDS): sent on every answer,
  because a TLS-terminating proxy in front may not tell Django the request was HTTPS;
  browsers ignore it over plain HTTP.

`DeskBodyMiddleware` refuses, on the desk's pages (not the signed APIs, which have their
own limits), a body larger than DESK_MAX_BODY_BYTES (413) and any uploaded file (415): no
desk form takes a file.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

# Features no desk page uses: denied to every origin, this one included.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "xr-spatial-tracking",
    )
)
# Paths whose requests are signed API calls with their own size limits, not desk forms.
API_PREFIX = "/api/"


def content_security_policy(nonce: str) -> str:
    """The policy for one answer, allowing inline scripts and styles with this nonce only."""
    return "; ".join(
        (
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            f"style-src 'self' 'nonce-{nonce}'",
            "style-src-attr 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class SecurityHeadersMiddleware:
    """Give each request a CSP nonce and each answer the security headers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        seconds = int(getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0)
        self.hsts = "" if settings.DEBUG or seconds <= 0 else f"max-age={seconds}"
        if self.hsts and getattr(settings, "SECURE_HSTS_INCLUDE_SUBDOMAINS", False):
            self.hsts += "; includeSubDomains"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(nonce))
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if self.hsts:
            response.headers.setdefault("Strict-Transport-Security", self.hsts)
        return response


class DeskBodyMiddleware:
    """Refuse oversized desk form bodies (413) and any file upload (415)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = self._refusal(request)
        return refused if refused is not None else self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        if request.method in {"GET", "HEAD", "OPTIONS"} or request.path.startswith(API_PREFIX):
            return None
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if size > settings.DESK_MAX_BODY_BYTES:
            return _plain(_("This form sent more than the desk accepts."), 413)
        if request.content_type == "multipart/form-data" and request.FILES:
            return _plain(_("The desk does not accept files."), 415)
        return None


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")
