"""The admin pages' base: every addition, change and deletion goes to the audit trail.

Django's admin calls `log_addition` / `log_change` / `log_deletions` inside the atomic
view that saves or deletes the row, after `save_model` (or, for a password, the form) has
run. `AuditedAdmin` keeps Django's own LogEntry (the admin's "history" pages) and adds the
desk's hash-chained audit event and outbox message (configuration.py) in that transaction.

Bulk deletion from the list (an action outside that transaction) is switched off: rows are
deleted one at a time, from their own page, or (better, for vehicles and contacts) made
inactive.
"""

from __future__ import annotations

import secrets
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jeevanrekha.accounts.actions import actor_of
from jeevanrekha.accounts.configuration import (
    ConfigurationChange,
    diff,
    do_record_configuration_change,
)

_PENDING = "_jr_configuration_change"


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose every change is audited; `secret_fields` are never recorded."""

    secret_fields: tuple[str, ...] = ()

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        pending = diff(
            list(form.changed_data),
            dict(form.initial),
            dict(form.cleaned_data),
            self.secret_fields,
            added=not change,
        )
        setattr(obj, _PENDING, pending)
        super().save_model(request, obj, form, change)

    def _record(self, request: HttpRequest, obj: models.Model, kind: str, message: Any) -> None:
        pending: ConfigurationChange | None = getattr(obj, _PENDING, None)
        if pending is None or pending.kind != kind:
            pending = ConfigurationChange(kind, note=_plain(message))
        elif inline := _inline_changes(message):
            pending = ConfigurationChange(kind, pending.before, pending.after, inline)
        do_record_configuration_change(obj, pending, actor=_actor(request), at=timezone.now())
        if hasattr(obj, _PENDING):
            delattr(obj, _PENDING)
        transaction.on_commit(self.after_change)

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        logged = super().log_addition(request, obj, message)
        self._record(request, obj, "added", message)
        return logged

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        logged = super().log_change(request, obj, message)
        self._record(request, obj, "changed", message)
        return logged

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        objects = list(queryset)  # before the deletion (a queryset keeps what it read)
        logged = super().log_deletions(request, queryset)
        for obj in objects:
            change = ConfigurationChange("deleted", before={"name": str(obj)})
            do_record_configuration_change(obj, change, actor=_actor(request), at=timezone.now())
        transaction.on_commit(self.after_change)
        return logged

    def after_change(self) -> None:
        """After a change is recorded (e.g. re-read the station layer); nothing by default."""


def _actor(request: HttpRequest) -> str:
    user = request.user
    if not isinstance(user, AbstractBaseUser):  # the admin site lets nobody else in
        raise PermissionDenied("the admin is for administrators")
    return actor_of(user)


def add_to_change(obj: models.Model, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Add values changed outside the form (a related row, a derived flag) to the change
    that `log_addition` / `log_change` will record for `obj`."""
    pending: ConfigurationChange | None = getattr(obj, _PENDING, None)
    if pending is None:
        return
    merged = ConfigurationChange(
        pending.kind, {**pending.before, **before}, {**pending.after, **after}, pending.note
    )
    setattr(obj, _PENDING, merged)


def _plain(message: Any) -> str:
    """Django's change message (a JSON list, or text such as "Changed password.")."""
    if isinstance(message, list):
        return "; ".join(_one(part) for part in message) if message else ""
    return str(message)[:300]


def _inline_changes(message: Any) -> str:
    """The parts of a change message about related rows (inlines), if any."""
    if not isinstance(message, list):
        return ""
    return "; ".join(_one(part) for part in message if "name" in next(iter(part.values()), {}))


def _one(part: dict[str, Any]) -> str:
    kind, detail = next(iter(part.items()))
    if "name" in detail:
        return f"{kind} {detail['name']} {detail.get('object', '')}".strip()
    fields = detail.get("fields") if isinstance(detail, dict) else None
    return f"{kind} {', '.join(fields)}" if fields else str(kind)


class SecretKeyForm(forms.ModelForm):  # type: ignore[type-arg]
    """A form whose `secret` (an HMAC key shared with a partner) is write-only.

    The page never shows the key. Left empty when adding, a new random key is made and
    shown once (admin message); left empty when changing, the key stays as it was.
    """

    secret = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "HMAC-SHA256 key shared with the partner, at least 32 characters. Leave empty "
            "to keep the current key (or, for a new one, to have a random key made)."
        ),
    )

    def clean_secret(self) -> str:
        given: str = self.cleaned_data.get("secret") or ""
        if not given:
            return str(self.instance.secret) if self.instance.pk else ""
        if len(given) < MIN_SECRET_LENGTH:
            raise forms.ValidationError(
                _("At least %(n)d characters."), params={"n": MIN_SECRET_LENGTH}
            )
        return given

    @property
    def changed_data(self) -> list[str]:
        names = [n for n in super().changed_data if n != "secret"]
        given = self.data.get(self.add_prefix("secret"), "")
        if given or not self.instance.pk:
            names.append("secret")
        return names


MIN_SECRET_LENGTH = 32


class SecretKeyAdmin(AuditedAdmin):
    """For rows with a shared HMAC key (intake sources, dispatch API partners)."""

    form = SecretKeyForm
    secret_fields = ("secret",)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:  # type: ignore[type-arg]
        if not obj.secret:
            obj.secret = secrets.token_urlsafe(32)
            messages.warning(
                request,
                _("The new key of %(name)s, shown only this once: %(key)s")
                % {"name": obj, "key": obj.secret},
            )
        super().save_model(request, obj, form, change)
