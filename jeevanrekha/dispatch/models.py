"""Dispatch tables: 112 vehicles, partners of the dispatch API, contacts, notifications.

Nobody saves these directly: every change goes through a `do_*` action in actions.py (vehicle
position pings excepted, see `do_update_vehicle`). A Notification is one message to one
recipient; each attempt to send it is a Delivery row with its error.
"""

from __future__ import annotations

from django.db import models

from jeevanrekha.crypto.fields import EncryptedJSONField, EncryptedTextField


class VehicleStatus(models.TextChoices):
    AVAILABLE = "available", "Available"
    ASSIGNED = "assigned", "Assigned by the desk"
    EN_ROUTE = "en_route", "En route"
    ON_SCENE = "on_scene", "On scene"
    BUSY = "busy", "Busy (other call)"
    OFF_DUTY = "off_duty", "Off duty"


class Vehicle(models.Model):
    """A UP-112 response vehicle (PRV): its station, status and last reported position."""

    code = models.CharField(max_length=40, unique=True, help_text="e.g. PRV-LKO-0042")
    kind = models.CharField(max_length=20, default="four_wheeler", help_text="travel profile")
    area = models.CharField(max_length=10, default="urban", help_text="urban or rural")
    station = models.CharField(max_length=120, blank=True)
    district = models.CharField(max_length=80, blank=True)
    status = models.CharField(
        max_length=12, choices=VehicleStatus.choices, default=VehicleStatus.AVAILABLE
    )
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    position_at = models.DateTimeField(null=True, blank=True, help_text="time of the last fix")
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["status"], name="vehicle_status")]

    def __str__(self) -> str:
        return f"{self.code} ({self.status})"


class Partner(models.Model):
    """A system allowed to call the dispatch API (UP-112 ERSS, another state's desk, STF)."""

    name = models.SlugField(max_length=60, unique=True)
    secret = models.CharField(max_length=128, help_text="HMAC-SHA256 key shared with it")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """Who holds a role for a scope, and how to reach them.

    scope: `station:<district>/<station>`, `district:<district>`, `state:<state>`,
    `agency:<name>` or `default`; role: a ladder step's `notify` (e.g. `station_house_officer`).
    """

    scope = models.CharField(max_length=200)
    role = models.CharField(max_length=60)
    transport = models.CharField(max_length=12, help_text="email, sms, webhook or inapp")
    address = models.CharField(max_length=500, help_text="e-mail, phone number or URL")
    name = models.CharField(max_length=200, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "role"], name="contact_scope_role")]
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "role", "transport", "address"], name="contact_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role}@{self.scope} via {self.transport}"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent (or retried)"
    SENT = "sent", "Sent"
    DEAD = "dead", "Failed permanently"
    CANCELLED = "cancelled", "Not needed any more (acknowledged)"


class Notification(models.Model):
    """One message of a task to one recipient; a timer (next_attempt_at) sends it."""

    task = models.ForeignKey("cases.Task", on_delete=models.PROTECT, related_name="notifications")
    case_id = models.BigIntegerField(db_index=True)
    fire_key = models.CharField(max_length=300, unique=True, help_text="one send per firing")
    reason = models.CharField(max_length=20, help_text="initial, escalation, renotify, remind")
    step = models.PositiveSmallIntegerField(default=0)
    role = models.CharField(max_length=60)
    transport = models.CharField(max_length=12)
    address = models.CharField(max_length=500)
    subject = models.CharField(max_length=300)
    body = EncryptedTextField()  # names the place and the person: encrypted at rest
    attachments = EncryptedJSONField(default=list, blank=True, help_text="[{name, type, text}]")
    link_id = models.CharField(max_length=40, blank=True, help_text="its one-tap link")
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    created_at = models.DateTimeField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="notification_due",
                condition=models.Q(next_attempt_at__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"notification #{self.pk} {self.transport}:{self.address} ({self.status})"


class Delivery(models.Model):
    """One attempt to send a notification, with its error if it failed."""

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    attempt = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    ok = models.BooleanField()
    permanent = models.BooleanField(default=False, help_text="the error will not go away")
    error = models.TextField(blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    worker = models.CharField(max_length=64, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["notification", "attempt"], name="delivery_attempt")
        ]

    def __str__(self) -> str:
        return f"delivery {self.notification_id}#{self.attempt} {'ok' if self.ok else 'failed'}"


class AckLink(models.Model):
    """A one-tap link sent with a notification: signed, expiring, usable once."""

    link_id = models.CharField(max_length=40, unique=True)
    task = models.ForeignKey("cases.Task", on_delete=models.PROTECT, related_name="ack_links")
    recipient = models.CharField(max_length=200, help_text="role and address it was sent to")
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_action = models.CharField(max_length=20, blank=True)

    def __str__(self) -> str:
        return f"link {self.link_id} task #{self.task_id}"
