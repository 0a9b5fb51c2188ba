"""Retention's bookkeeping: which case had which kind of data anonymised, and its timer."""

from __future__ import annotations

from django.db import models


class Anonymised(models.Model):
    """One kind of personal data (raw_alert, location, notes) removed from one case.

    Written in the purge's transaction, so a run that stops half-way resumes where it was
    and a case is never counted twice.
    """

    case_id = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case_id", "kind"], name="retention_case_kind")
        ]

    def __str__(self) -> str:
        return f"case {self.case_id}: {self.kind} removed {self.at:%Y-%m-%d}"


class RetentionTimer(models.Model):
    """The retention run as a database deadline, claimed by one timer worker at a time."""

    name = models.CharField(max_length=40, unique=True)
    due_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_counts = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"retention timer {self.name} due {self.due_at}"
