"""The intake route's own WSGI handler: `POST /api/v1/alerts` without the desk's middleware.

A signed alert from a platform needs none of what a person's browser request needs: no
session, cookie, CSRF token, sign-in, TOTP device, idle lock, messages or language. On
the intake's hot path those nine middlewares cost about a tenth of the server's CPU per
alert (bench/intake.py, py-spy). So `with_intake_route(django_app)` sends that one method
and path to a second Django handler whose chain has only what an API answer needs:
security headers, the request id, latency metrics, the allowed-hosts check and
`X-Frame-Options`. The view (ninja's `post_alert`), URL resolution, request signals and
the error handling are Django's own, so the answer is the same either way (tested in
tests/integration/test_intake_wsgi.py). Everything else goes to the desk's full handler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

INTAKE_PATH = "/api/v1/alerts"

# In the order of settings.MIDDLEWARE; none may need process_view or process_exception.
INTAKE_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "jeevanrekha.web.security.SecurityHeadersMiddleware",
    "jeevanrekha.web.middleware.RequestIdMiddleware",
    "jeevanrekha.web.ops.LatencyMiddleware",
    "jeevanrekha.web.ratelimit.RateLimitMiddleware",  # per source, no database query
    "jeevanrekha.intake.wsgi.AllowedHostMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Any]


class AllowedHostMiddleware:
    """Refuse a Host header outside ALLOWED_HOSTS (400), as CommonMiddleware does."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.get_host()  # raises DisallowedHost, which Django answers with 400
        return self.get_response(request)


class IntakeHandler(WSGIHandler):
    """Django's WSGI handler with the intake's short middleware chain."""

    def load_middleware(self, is_async: bool = False) -> None:
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for path in reversed(INTAKE_MIDDLEWARE):
            middleware = import_string(path)(handler)
            hooks = ("process_view", "process_template_response", "process_exception")
            if any(hasattr(middleware, hook) for hook in hooks):
                raise TypeError(f"{path} needs hooks the intake handler does not run")
            handler = convert_exception_to_response(middleware)
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        self._middleware_chain = handler


def with_intake_route(desk: WSGIApp) -> WSGIApp:
    """A WSGI application: the intake route to its own handler, all else to `desk`."""
    intake = IntakeHandler()

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == INTAKE_PATH and environ.get("REQUEST_METHOD") == "POST":
            return intake(environ, start_response)
        return desk(environ, start_response)

    return application
