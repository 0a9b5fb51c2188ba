"""Police stations known to the desk: imported by the deployment (`geo import-stations`).

Nobody saves these directly: `actions.do_import_stations` validates a whole file and writes
the good rows in one transaction with an audit event.
"""

from __future__ import annotations

from django.db import models


class Station(models.Model):
    """A police station (thana): where it is, its district, optionally its jurisdiction."""

    name = models.CharField(max_length=200)
    district = models.CharField(max_length=80)
    state = models.CharField(max_length=80)
    code = models.CharField(max_length=40, blank=True, help_text="CCTNS or other station code")
    lat = models.FloatField()
    lon = models.FloatField()
    jurisdiction = models.JSONField(
        null=True, blank=True, help_text="GeoJSON Polygon/MultiPolygon of the station's area"
    )
    source = models.CharField(max_length=200, blank=True, help_text="file it was imported from")
    approximate = models.BooleanField(
        default=False, help_text="the point is not the station's surveyed location (demo data)"
    )
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["state", "district", "name"], name="geo_station_unique_name"
            )
        ]
        indexes = [models.Index(fields=["state", "district"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.district}, {self.state})"
