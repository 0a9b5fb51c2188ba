"""Changes an administrator makes in the admin pages: stations, vehicles, contacts, API
partners, intake sources, users. Each is audited and published like any other action.

Django's admin saves the row and then logs the change inside one transaction (its change
and delete views are atomic); `do_record_configuration_change` is called from those log
hooks (`AuditedAdmin` in admin_audit.py), so the row, its audit event and its outbox
message commit together or not at all. Secret fields (HMAC keys, password hashes) are
never written to the audit trail: only that they changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models, transaction

from jeevanrekha.audit import chain as audit
from jeevanrekha.bus.outbox import emit

CHANGED_SECRET = "(changed)"


@dataclass(frozen=True)
class ConfigurationChange:
    """What one save did to one row: before and after of the fields it changed."""

    kind: str  # added, changed, deleted
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    note: str = ""  # what the admin said happened, when there are no field values


def value_for_audit(value: Any) -> Any:
    """A field value as the audit trail keeps it (a related row by its id and name)."""
    if isinstance(value, models.Model):
        return {"id": value.pk, "name": str(value)}
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(str(v) for v in value)
    return value


def diff(
    fields: list[str],
    initial: dict[str, Any],
    cleaned: dict[str, Any],
    secret_fields: tuple[str, ...] = (),
    *,
    added: bool,
) -> ConfigurationChange:
    """Before/after of `fields` from a form's initial and cleaned data; secrets masked."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in fields:
        if name in secret_fields:
            after[name] = CHANGED_SECRET
            continue
        if not added:
            before[name] = value_for_audit(initial.get(name))
        after[name] = value_for_audit(cleaned.get(name))
    return ConfigurationChange("added" if added else "changed", before, after)


def object_type_of(model: type[models.Model]) -> str:
    """`dispatch.vehicle`, `geo.station`, `auth.user`, ..."""
    return f"{model._meta.app_label}.{model._meta.model_name}"


def do_record_configuration_change(
    obj: models.Model, change: ConfigurationChange, *, actor: str, at: datetime
) -> None:
    """Audit and publish a change to a configuration row (inside the change's transaction)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a configuration change is recorded inside its own transaction")
    kind = object_type_of(type(obj))
    after = dict(change.after)
    if change.note:
        after["note"] = change.note
    audit.append(
        at=at,
        actor=actor,
        action=f"configuration_{change.kind}",
        object_type=kind,
        object_id=str(obj.pk),
        before=change.before or None,
        after=after or None,
    )
    emit(
        "configuration_changed",
        {"object_type": kind, "object_id": str(obj.pk), "change": change.kind},
        at=at,
        key=kind,
    )
