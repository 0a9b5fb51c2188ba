"""Intake tables: the sources allowed to send, what arrived (RawAlert), what it said (Alert)."""

from __future__ import annotations

from django.db import models

from jeevanrekha.crypto.fields import (
    EncryptedBinaryField,
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedTextField,
)


class IntakeSource(models.Model):
    """A partner or platform allowed to post alerts, with its own HMAC secret."""

    name = models.SlugField(max_length=60, unique=True)
    secret = models.CharField(max_length=128, help_text="HMAC-SHA256 key shared with the source")
    platform = models.CharField(max_length=40, blank=True, help_text="default platform")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class RawAlertStatus(models.TextChoices):
    RECEIVED = "received", "Received, not yet processed"
    ACCEPTED = "accepted", "Accepted: became an alert and a case"
    DUPLICATE = "duplicate", "Duplicate of an alert already received"
    QUARANTINED = "quarantined", "Quarantined: did not pass checks"
    FAILED = "failed", "Processing failed; will be retried"


class RawAlert(models.Model):
    """Exactly what arrived, stored and committed before anything else is done with it.

    The received fields (channel, headers, body, ...) are never changed after the insert;
    only the processing fields below them record what became of it.
    """

    channel = models.CharField(max_length=20, help_text="api, email, form, monitor, file")
    source_name = models.CharField(max_length=60, blank=True, help_text="as claimed by the sender")
    received_at = models.DateTimeField()
    # Personal fields are encrypted at rest (docs/encryption.md).
    remote_addr = EncryptedCharField(max_length=45, null=True, blank=True)
    headers = EncryptedJSONField(default=dict)
    body = EncryptedBinaryField()
    body_size = models.PositiveIntegerField(help_text="size of the whole body as received")
    body_truncated = models.BooleanField(default=False)
    body_sha256 = models.CharField(max_length=64)
    request_id = models.CharField(max_length=64, blank=True)

    status = models.CharField(
        max_length=12, choices=RawAlertStatus.choices, default=RawAlertStatus.RECEIVED
    )
    idempotency_key = models.CharField(max_length=200, blank=True)
    error_code = models.CharField(max_length=40, blank=True)
    errors = models.JSONField(default=list, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    alert = models.ForeignKey(
        "Alert", null=True, blank=True, on_delete=models.PROTECT, related_name="raw_alerts"
    )

    class Meta:
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["idempotency_key"]),
        ]

    def __str__(self) -> str:
        return f"raw #{self.pk} {self.channel}/{self.source_name} {self.status}"


class Alert(models.Model):
    """The parsed form of an accepted RawAlert: platform, post, account, evidence."""

    # Unique by a constraint, not `unique=True`: on PostgreSQL that would also build a
    # second, `varchar_pattern_ops` index (for LIKE), which nothing here uses and every
    # accepted alert would have to write.
    idempotency_key = models.CharField(max_length=200)
    source = models.CharField(max_length=60)
    source_alert_id = models.CharField(max_length=200, blank=True)
    platform = models.CharField(max_length=40)
    received_at = models.DateTimeField(help_text="when the desk received it")
    reported_at = models.DateTimeField(null=True, blank=True, help_text="when the source sent it")
    # Personal fields are encrypted at rest (docs/encryption.md).
    post_url = EncryptedCharField(max_length=2000, blank=True)
    post_text = EncryptedTextField(blank=True)
    post_created_at = models.DateTimeField(null=True, blank=True)
    post_media = EncryptedJSONField(default=list, blank=True)
    account_handle = EncryptedCharField(max_length=200, blank=True)
    account_name = EncryptedCharField(max_length=200, blank=True)
    profile_url = EncryptedCharField(max_length=2000, blank=True)
    evidence = EncryptedJSONField(default=dict, blank=True)
    reporter = EncryptedJSONField(default=dict, blank=True)
    risk = models.JSONField(
        default=dict, blank=True, help_text="level, score, imminent, lang, cues, model"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="alerts")
    subject = models.ForeignKey(
        "cases.Subject", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts"
    )

    class Meta:
        indexes = [models.Index(fields=["-received_at"])]
        constraints = [
            models.UniqueConstraint(fields=["idempotency_key"], name="alert_idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"alert #{self.pk} {self.platform} {self.account_handle}"
