"""Admin pages for police stations.

Stations come in bulk from the deployment's file (`geo import-stations`); here an
administrator corrects one (its point, code or jurisdiction) or adds a missing one. Every
change is audited, and the station layer that `locate` and dispatch use is re-read when
the change commits.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone

from jeevanrekha.accounts.admin_audit import AuditedAdmin
from jeevanrekha.geo import conf
from jeevanrekha.geo.models import Station


@admin.register(Station)
class StationAdmin(AuditedAdmin):
    list_display = ("name", "district", "state", "code", "lat", "lon", "approximate")
    list_filter = ("state", "approximate")
    search_fields = ("name", "district", "code")
    ordering = ("state", "district", "name")
    readonly_fields = ("source", "imported_at")

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        if not change:
            obj.imported_at = timezone.now()
            obj.source = "admin"
        super().save_model(request, obj, form, change)

    def after_change(self) -> None:
        conf.stations_changed()
