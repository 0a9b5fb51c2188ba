"""Case-side tables: Subject, Case, Task, Outcome, and each desk user's profile.

Nobody saves these directly: every change goes through a `do_*` action in actions.py.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from jeevanrekha.core.lifecycle import CaseState
from jeevanrekha.crypto.fields import EncryptedCharField, EncryptedJSONField, EncryptedTextField


class Role(models.TextChoices):
    """Desk roles; each is a Django group of the same name."""

    OPERATOR = "operator", "Desk operator"
    SUPERVISOR = "supervisor", "Desk supervisor"
    DISTRICT_OFFICER = "district_officer", "District officer"
    STF_ANALYST = "stf_analyst", "STF analyst"
    COUNSELLOR = "counsellor", "Counsellor"
    AUDITOR = "auditor", "Auditor"
    ADMIN = "admin", "Administrator"


class DeskProfile(models.Model):
    """What the desk knows of a user beyond Django's auth: role and district."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_profile"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    district = models.CharField(max_length=80, blank=True, help_text="for district officers")

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class Subject(models.Model):
    """The person at risk, known by identifiers (handle, phone, email); links repeat cases."""

    display_name = EncryptedCharField(max_length=200, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.display_name or f"subject #{self.pk}"


class SubjectIdentifier(models.Model):
    """One way to recognise a subject: `handle` (platform:handle), `phone`, `email`, `url`
    (profile) or `post` (the post's URL: two reports of one post are one person).

    `value` is the identifier's blind index (crypto.codec.blind_index of the normalised
    identifier), never the identifier itself; `label` is the identifier, encrypted, to show.
    """

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=20)
    value = models.CharField(max_length=300, help_text="HMAC-SHA256 blind index (hex)")
    label = EncryptedCharField(max_length=300, blank=True, db_default="")

    class Meta:
        constraints = [
            # value first: the intake looks identifiers up by value (subjects.py); with kind
            # first, PostgreSQL read every row of a kind to find a few values.
            models.UniqueConstraint(fields=["value", "kind"], name="subject_identifier_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class Case(models.Model):
    """One rescue operation, from the first alert to closing; its state follows core.lifecycle."""

    state = models.CharField(
        max_length=12, choices=[(s.value, s.value) for s in CaseState], default=CaseState.NEW.value
    )
    priority = models.PositiveSmallIntegerField(default=0)
    risk_level = models.PositiveSmallIntegerField(null=True, blank=True)
    imminent = models.BooleanField(default=False)
    location_confidence = models.FloatField(null=True, blank=True)
    post_created_at = models.DateTimeField(null=True, blank=True)
    subject = models.ForeignKey(
        Subject, null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    state_name = models.CharField(max_length=80, blank=True, help_text="Indian state, if known")
    district = models.CharField(max_length=80, blank=True)
    police_station = models.CharField(max_length=120, blank=True)
    location = EncryptedJSONField(
        default=dict,
        blank=True,
        help_text="the locate engine's resolution: point, radius, needs_trace, reasons, ...",
    )
    opened_at = models.DateTimeField()
    state_changed_at = models.DateTimeField()
    last_alert_at = models.DateTimeField(
        null=True, blank=True, help_text="when its latest alert arrived (alerts join a case)"
    )
    is_repeat = models.BooleanField(
        default=False, help_text="the subject had cases before this one"
    )
    needs_review = models.BooleanField(
        default=False,
        help_text="raised by the watch over public posts: a person confirms before any dispatch",
    )

    class Meta:
        indexes = [
            models.Index(fields=["state", "-priority"]),
            models.Index(fields=["-opened_at"]),
            models.Index(fields=["district", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.state})"

    @property
    def reference(self) -> str:
        """The case number the desk reads out on the phone."""
        return f"JR-{self.pk:06d}"


class TaskKind(models.TextChoices):
    POLICE_STATION = "police_station", "Alert the police station"
    VEHICLE_112 = "vehicle_112", "Dispatch a 112 vehicle"
    TRACE = "trace", "Location trace (STF / telecom)"
    OTHER_STATE = "other_state", "Forward to another state"
    COUNSELLOR = "counsellor", "Counsellor referral"


class TaskState(models.TextChoices):
    OPEN = "open", "Waiting for acknowledgement"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


class Task(models.Model):
    """A request to someone outside the desk, with an acknowledgement deadline (a timer)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(max_length=20, choices=TaskKind.choices)
    target = models.CharField(max_length=200, help_text="station, vehicle, agency or person")
    state = models.CharField(max_length=12, choices=TaskState.choices, default=TaskState.OPEN)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True, help_text="next timer deadline")
    escalation_step = models.PositiveSmallIntegerField(default=0)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.CharField(max_length=150, blank=True)
    result = EncryptedTextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Dispatch (issue #6): what the field reported last, kind-specific data, the timer's claim.
    progress = models.CharField(
        max_length=20, blank=True, help_text="en_route, on_scene, person_safe, not_found"
    )
    detail = EncryptedJSONField(
        default=dict, blank=True, help_text="kind-specific: vehicle, trace request, package ids"
    )
    claimed_by = models.CharField(max_length=64, blank=True, help_text="timer worker holding it")
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["due_at"], name="task_due", condition=models.Q(due_at__isnull=False)
            ),
            models.Index(fields=["case", "state"], name="task_case_state"),
        ]

    def __str__(self) -> str:
        return f"task #{self.pk} {self.kind} → {self.target} ({self.state})"


class OutcomeCode(models.TextChoices):
    SAVED = "saved", "Saved"
    NOT_FOUND = "not_found", "Not found"
    FALSE_ALARM = "false_alarm", "False alarm"
    FORWARDED = "forwarded", "Forwarded to another state"
    UNREACHABLE = "unreachable", "Unreachable"
    DECEASED = "deceased", "Deceased"


class ReasonCode(models.TextChoices):
    """The field's reasons why a rescue failed or was hard."""

    LOCATION_UNCLEAR = "location_unclear", "Location unclear"
    OTHER_STATE = "other_state", "In another state"
    DENSE_AREA = "dense_area", "Dense, crowded area"
    PHONE_OFF = "phone_off", "Phone switched off"
    LATE_ALERT = "late_alert", "Alert arrived late"
    WRONG_PERSON = "wrong_person", "Wrong person identified"
    OTHER = "other", "Other"


class Outcome(models.Model):
    """How a case ended, with the field's reason codes."""

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="outcome")
    code = models.CharField(max_length=12, choices=OutcomeCode.choices)
    reason_codes = models.JSONField(default=list, blank=True)
    note = EncryptedTextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.CharField(max_length=150)

    def __str__(self) -> str:
        return f"{self.case} → {self.code}"


class NoteKind(models.TextChoices):
    NOTE = "note", "Note"
    CALL = "call", "Phone call"


class CallResult(models.TextChoices):
    """How a phone call of the desk went (the subject, a family member, a station ...)."""

    ANSWERED = "answered", "Answered"
    NO_ANSWER = "no_answer", "Rang, no answer"
    SWITCHED_OFF = "switched_off", "Switched off"
    BUSY = "busy", "Busy"
    NOT_REACHABLE = "not_reachable", "Not reachable"
    WRONG_NUMBER = "wrong_number", "Wrong number"


class CaseNote(models.Model):
    """A note on a case, or a phone call the desk made or took (the call log).

    Kept beside the audit trail, not in it: the text may hold personal details that the
    retention rules must be able to remove; the audit event says who added which note.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=8, choices=NoteKind.choices)
    text = EncryptedTextField(blank=True)
    party = EncryptedCharField(max_length=200, blank=True, help_text="who was called, or called")
    incoming = models.BooleanField(default=False, help_text="a call the desk took")
    result = models.CharField(max_length=16, choices=CallResult.choices, blank=True)
    author = models.CharField(max_length=150)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["case", "at"], name="case_note_case_at")]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id} by {self.author}"
