"""Django's admin behind the desk's sign-in (password and TOTP code), never its own.

Django's admin has a password-only login form; here it sends people to the desk's sign-in
instead, answers 403 to a signed-in person who is not an administrator, and signs out
through the desk's audited sign-out.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from jeevanrekha.accounts import views


class DeskAdminSite(admin.AdminSite):
    """The admin site for administrators who signed in with both factors."""

    site_header = _("Jeevan Rekha administration")
    site_title = _("Jeevan Rekha")

    def has_permission(self, request: HttpRequest) -> bool:
        return bool(super().has_permission(request)) and views.is_verified(request.user)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        inner: Callable[..., HttpResponse] = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not self.has_permission(request):
                raise PermissionDenied("the admin is for administrators")
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, view)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        if request.user.is_authenticated and not self.has_permission(request):
            raise PermissionDenied("the admin is for administrators")
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        return views.sign_out(request)

    def get_urls(self) -> list[Any]:
        from jeevanrekha.dispatch.ladder_page import ladders_page

        def ladders(request: HttpRequest) -> HttpResponse:
            return ladders_page(request, dict(self.each_context(request)))

        return [path("ladders/", self.admin_view(ladders), name="ladders"), *super().get_urls()]

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[Any]:
        """Django's list, with the (read-only) escalation ladders beside the contacts."""
        apps: list[Any] = super().get_app_list(request, app_label)
        for app in apps:
            if app["app_label"] == "dispatch":
                app["models"].append(
                    {
                        "name": _("Escalation ladders"),
                        "object_name": "EscalationLadder",
                        "admin_url": reverse("admin:ladders"),
                        "add_url": None,
                        "view_only": True,
                        "perms": {"add": False, "change": False, "delete": False, "view": True},
                    }
                )
        return apps
