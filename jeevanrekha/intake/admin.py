"""Admin pages for intake sources: who may post alerts, with which HMAC key.

The key is write-only here (accounts/admin_audit.py); `jeevanrekha source add` does the
same from the command line. Every change is audited.
"""

from __future__ import annotations

from django.contrib import admin

from jeevanrekha.accounts.admin_audit import SecretKeyAdmin
from jeevanrekha.intake.checks import forget_sources
from jeevanrekha.intake.models import IntakeSource


@admin.register(IntakeSource)
class IntakeSourceAdmin(SecretKeyAdmin):
    list_display = ("name", "platform", "active", "created_at")
    list_filter = ("active", "platform")
    search_fields = ("name",)
    fields = ("name", "secret", "platform", "active")

    def after_change(self) -> None:
        forget_sources()
