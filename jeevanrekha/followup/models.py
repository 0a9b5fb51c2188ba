"""Follow-up after a rescue: one FollowUp per saved case, and its FollowUpCheck rows.

Nobody saves these directly: every change goes through a `do_*` action in actions.py. The
reports read them for "follow-up adherence" and "repeat cases" (keep the names).
"""

from __future__ import annotations

from django.db import models

from jeevanrekha.cases.models import Case, Task
from jeevanrekha.crypto.fields import EncryptedTextField


class FollowUpState(models.TextChoices):
    """Where a follow-up stands. Values are stored; never rename them."""

    ACTIVE = "active", "Active"
    COMPLETED = "completed", "Completed"
    NEW_RISK = "new_risk", "Ended by a new risk (new case opened)"


class CheckState(models.TextChoices):
    """Where one check stands. Values are stored; never rename them."""

    SCHEDULED = "scheduled", "Scheduled"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class CheckResult(models.TextChoices):
    """What a counsellor's check found. Values are stored; never rename them."""

    REACHED = "reached", "Reached, doing well"
    IN_CARE = "in_care", "In care (counselling or treatment)"
    DECLINED = "declined", "Declined help"
    UNREACHABLE = "unreachable", "Unreachable"
    NEW_RISK = "new_risk", "New risk"


class FollowUp(models.Model):
    """The counselling referral and check schedule of one saved case (one per case)."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="follow_up")
    referral = models.CharField(max_length=200, help_text="counsellor or organisation")
    referral_task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        max_length=12, choices=FollowUpState.choices, default=FollowUpState.ACTIVE
    )
    started_at = models.DateTimeField()
    started_by = models.CharField(max_length=150)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["state", "started_at"], name="followup_state_started")]

    def __str__(self) -> str:
        return f"follow-up of case {self.case_id} ({self.state})"


class FollowUpCheck(models.Model):
    """One check of a follow-up: a timer (`due_at`) that makes it a counsellor's task when it
    falls due, and marks it overdue (the supervisor is told) when its window passes.

    `note` is the one column that may hold what the person said (kept in one place so that
    it can be encrypted or removed by the retention rules).
    """

    follow_up = models.ForeignKey(FollowUp, on_delete=models.PROTECT, related_name="checks")
    number = models.PositiveSmallIntegerField(help_text="1 for the first check")
    label = models.CharField(max_length=8, help_text="the schedule's offset, e.g. 72h")
    scheduled_at = models.DateTimeField(help_text="when the check falls due")
    state = models.CharField(max_length=10, choices=CheckState.choices, default="scheduled")
    due_at = models.DateTimeField(null=True, blank=True, help_text="next timer deadline")
    claimed_by = models.CharField(max_length=64, blank=True, help_text="timer worker holding it")
    claimed_until = models.DateTimeField(null=True, blank=True)
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    escalated_at = models.DateTimeField(null=True, blank=True, help_text="overdue since")
    result = models.CharField(max_length=12, choices=CheckResult.choices, blank=True)
    note = EncryptedTextField(blank=True)  # what the person said: encrypted at rest (#10)
    recorded_by = models.CharField(max_length=150, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    new_case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opened_by_check",
        help_text="the linked case a new risk opened",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follow_up", "number"], name="followup_check_number")
        ]
        indexes = [
            models.Index(
                fields=["due_at"],
                name="followup_check_due",
                condition=models.Q(due_at__isnull=False),
            ),
            models.Index(fields=["state", "scheduled_at"], name="followup_check_state"),
        ]

    def __str__(self) -> str:
        return f"check {self.number} of follow-up {self.follow_up_id} ({self.state})"
