"""Admin pages for the dispatch set-up: 112 vehicles, contacts, dispatch API partners.

Changes are audited (accounts/admin_audit.py). Vehicles' live status and position come
from the fleet (dispatch API, `dispatch vehicles`); here an administrator registers a
vehicle, moves it to another station, or takes it off duty.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone

from jeevanrekha.accounts.admin_audit import AuditedAdmin, SecretKeyAdmin
from jeevanrekha.dispatch.models import Contact, Partner, Vehicle


@admin.register(Vehicle)
class VehicleAdmin(AuditedAdmin):
    list_display = ("code", "district", "station", "status", "kind", "area", "position_at")
    list_filter = ("status", "kind", "area", "district")
    search_fields = ("code", "station", "district")
    ordering = ("district", "code")
    readonly_fields = ("lat", "lon", "position_at", "updated_at")
    fields = ("code", "district", "station", "kind", "area", "status", *readonly_fields)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(Contact)
class ContactAdmin(AuditedAdmin):
    list_display = ("role", "scope", "transport", "address", "name", "active")
    list_filter = ("transport", "role", "active")
    search_fields = ("scope", "role", "name", "address")
    ordering = ("scope", "role")


@admin.register(Partner)
class PartnerAdmin(SecretKeyAdmin):
    list_display = ("name", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name",)
    fields = ("name", "secret", "active")

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        if not change:
            obj.created_at = timezone.now()
        super().save_model(request, obj, form, change)
