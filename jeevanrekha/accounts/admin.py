"""Admin pages for desk accounts: Django's user pages with the desk role and district.

Every change is audited (admin_audit.py), passwords only as "(changed)". The role decides
the admin flags: administrators are staff and superusers, nobody else is (as
`createuser` does). A new account signs in with its password and then enrols its TOTP
device on the sign-in page; deleting a person's TOTP device (under "TOTP devices") makes
them enrol again.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.forms import ModelForm
from django.http import HttpRequest

from jeevanrekha.accounts.admin_audit import AuditedAdmin, add_to_change
from jeevanrekha.cases.models import DeskProfile, Role

User = get_user_model()


class DeskProfileInline(admin.StackedInline):  # type: ignore[type-arg]
    model = DeskProfile
    can_delete = False
    min_num = 1
    max_num = 1
    verbose_name = "desk role"
    verbose_name_plural = "desk role"


class DeskUserAdmin(AuditedAdmin, UserAdmin):  # type: ignore[type-arg]
    inlines = (DeskProfileInline,)
    secret_fields = ("password", "password1", "password2", "usable_password")
    list_display = ("username", "role", "district", "is_active", "last_login")
    list_filter = ("is_active", "desk_profile__role")
    list_select_related = ("desk_profile",)
    # The flags follow the role (save_related); they are not edited by hand.
    readonly_fields = ("is_staff", "is_superuser", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )

    @admin.display(description="role")
    def role(self, user: Any) -> str:
        profile = getattr(user, "desk_profile", None)
        return Role(profile.role).label if profile else "—"

    @admin.display(description="district")
    def district(self, user: Any) -> str:
        profile = getattr(user, "desk_profile", None)
        return str(profile.district) if profile else ""

    def save_related(
        self,
        request: HttpRequest,
        form: ModelForm,  # type: ignore[type-arg]
        formsets: Any,
        change: bool,
    ) -> None:
        user = form.instance
        was = _access(user)
        super().save_related(request, form, formsets, change)
        profile = DeskProfile.objects.filter(user=user).first()
        is_admin = profile is not None and profile.role == Role.ADMIN
        if (user.is_staff, user.is_superuser) != (is_admin, is_admin):
            user.is_staff = user.is_superuser = is_admin
            user.save(update_fields=["is_staff", "is_superuser"])
        now = _access(user)
        changed = [name for name in now if now[name] != was.get(name)]
        add_to_change(
            user,
            {name: was.get(name) for name in changed} if change else {},
            {name: now[name] for name in changed},
        )


def _access(user: Any) -> dict[str, Any]:
    """What decides a user's access: role, district, admin flags (as stored now)."""
    profile = DeskProfile.objects.filter(user_id=user.pk).first() if user.pk else None
    return {
        "role": profile.role if profile else None,
        "district": profile.district if profile else None,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
    }


admin.site.unregister(User)
admin.site.register(User, DeskUserAdmin)
