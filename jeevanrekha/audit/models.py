"""The audit trail's one table.

Rows are only ever inserted. The model refuses updates and deletes, its queryset refuses
bulk ones, and a database trigger (SQLite and PostgreSQL) refuses them too. Each row carries
the hash of the previous one, so a row changed behind the application's back (by someone
with database access) is found by `jeevanrekha audit verify`.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit row."""


class AuditQuerySet(models.QuerySet["AuditEvent"]):
    """A queryset that refuses bulk update and delete."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit trail is append-only: rows cannot be updated")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("the audit trail is append-only: rows cannot be deleted")


class AuditEvent(models.Model):
    """One thing that happened: actor, action, object, before/after, request id, chain hash."""

    seq = models.BigIntegerField(unique=True, help_text="Position in the chain, from 1.")
    at = models.DateTimeField()
    actor = models.CharField(max_length=150, help_text="user:<name>, source:<name> or system")
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id} by {self.actor}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("the audit trail is append-only: rows cannot be updated")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("the audit trail is append-only: rows cannot be deleted")


class ChainCheck(models.Model):
    """The audit chain's scheduled verification: one row, a database timer (house rule 3).

    `jeevanrekha timers` claims it when `due_at` has passed (a conditional UPDATE, so one
    worker walks the chain), walks it, and writes what it found here; a break stays here
    (and on the banner of supervisors and administrators) until a walk finds the chain whole.
    """

    name = models.CharField(max_length=40, primary_key=True)
    due_at = models.DateTimeField()
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_rows = models.BigIntegerField(default=0, help_text="rows the last walk checked")
    broken_seq = models.BigIntegerField(null=True, blank=True, help_text="first broken row")
    broken_reason = models.CharField(max_length=200, blank=True)
    broken_since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        state = f"broken at #{self.broken_seq}" if self.broken_seq else "whole"
        return f"{self.name}: {state}, next {self.due_at:%Y-%m-%d %H:%M}"
