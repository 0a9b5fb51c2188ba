"""The console commands: ingest (same path and idempotency as the API), createuser, source."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from jeevanrekha.cases.models import Case, DeskProfile
from jeevanrekha.intake.models import IntakeSource, RawAlert, RawAlertStatus
from tests.conftest import fixture_alert

pytestmark = pytest.mark.django_db


def run(*args: Any) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_ingest_is_idempotent_and_keeps_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps(fixture_alert(n), ensure_ascii=False)
        for n in ("alert_full", "alert_minimal", "alert_hinglish_x")
    ]
    lines.append('{"source": "meta-safety", "platform": "x", "post": {"text": 7}}')
    lines.append("this is not json")
    path = tmp_path / "alerts.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    first = run("ingest", str(path))
    assert (
        "accepted: 3" in first
        and "quarantined (422): 1" in first
        and "quarantined (400): 1" in first
    )
    second = run("ingest", str(path))
    assert "duplicate: 3" in second
    assert Case.objects.count() == 3
    assert RawAlert.objects.count() == 10
    assert RawAlert.objects.filter(status=RawAlertStatus.QUARANTINED).count() == 4
    assert set(RawAlert.objects.values_list("channel", flat=True)) == {"file"}


def test_createuser_with_role_and_district() -> None:
    out = run("createuser", "do_lucknow", "--role", "district_officer", "--district", "Lucknow")
    assert "password: " in out
    user = get_user_model().objects.get(username="do_lucknow")
    password = out.split("password: ")[1].strip()
    assert user.check_password(password)
    assert DeskProfile.objects.get(user=user).district == "Lucknow"


def test_district_officer_needs_a_district() -> None:
    with pytest.raises(CommandError, match="district"):
        run("createuser", "someone", "--role", "district_officer")


def test_source_add_prints_a_new_secret_once() -> None:
    out = run("source", "add", "partner-ngo")
    secret = out.split("secret: ")[1].strip()
    assert IntakeSource.objects.get(name="partner-ngo").secret == secret
    run("source", "disable", "partner-ngo")
    assert not IntakeSource.objects.get(name="partner-ngo").active
