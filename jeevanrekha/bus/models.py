"""The outbox table: events written in the same transaction as the change they describe."""

from __future__ import annotations

from django.db import models


class OutboxMessage(models.Model):
    """One event waiting to be published (to NATS JetStream, or to in-process workers).

    Its id doubles as the broker's de-duplication id (`Nats-Msg-Id`), so a relay that
    crashes after publishing and publishes again cannot deliver it twice.
    """

    topic = models.CharField(max_length=80)
    key = models.CharField(max_length=64, blank=True, help_text="e.g. the case id")
    payload = models.JSONField()
    created_at = models.DateTimeField()
    request_id = models.CharField(max_length=64, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"],
                name="outbox_unpublished",
                condition=models.Q(published_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"outbox #{self.pk} {self.topic}"


class Installation(models.Model):
    """One row: this database's random identity, made on first use.

    The relay prefixes each event's broker de-duplication id with it, so that two
    deployments (or a test database made afresh) sharing a stream never have their events
    taken for each other's duplicates, while a restored copy keeps its identity.
    """

    namespace = models.CharField(max_length=32, unique=True)

    def __str__(self) -> str:
        return self.namespace


class StageCursor(models.Model):
    """How far a pipeline stage running in-process (no NATS_URL) has read the outbox."""

    stage = models.CharField(max_length=40, unique=True)
    last_id = models.BigIntegerField(default=0, help_text="the last outbox id handled")
    failures = models.PositiveIntegerField(default=0, help_text="tries of the next event")
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.stage} at {self.last_id}"
