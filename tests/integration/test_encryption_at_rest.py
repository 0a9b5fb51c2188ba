"""Personal fields are encrypted at rest: the raw columns hold no fixture plaintext, a copy
of the database without the key reveals nothing, and a wrong key is a clear error."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, models
from django.test import override_settings

from jeevanrekha.cases.models import Case, CaseNote, SubjectIdentifier
from jeevanrekha.cases.subjects import known_subjects
from jeevanrekha.crypto import codec, keys
from jeevanrekha.crypto.fields import encrypted_fields
from jeevanrekha.intake.models import Alert, RawAlert
from tests.conftest import PostAlert, fixture_alert
from tests.integration.test_dispatch_workers import (  # noqa: F401 (fixtures)
    _audit_triggers_restored,
    committed,
)

# What the fixture says about the person, in the forms it could be stored in.
SECRETS = [
    "आत्महत्या",
    "Ankit Verma",
    "ankit.verma.4471",
    "94150 12345",
    "9415012345",
    "Indira Nagar",
    "2401:4900:1c3a:8f2::1",
    "story_fbid=1182",
    "26.8797",
    "lert@fb.example",
]


def raw_columns() -> list[tuple[str, str, Any]]:
    """(table, column, raw value) of every column of the tables that hold personal data,
    read with SQL (no model field decrypts anything)."""
    found = []
    tables = {m._meta.db_table for m in encrypted_fields()} | {
        "audit_auditevent",
        "bus_outboxmessage",
    }
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            names = [d[0] for d in cursor.description]
            for row in cursor.fetchall():
                found += [(table, n, v) for n, v in zip(names, row, strict=True)]
    return found


def as_text(value: Any) -> str:
    if isinstance(value, memoryview | bytes):
        return bytes(value).decode("utf-8", "replace")
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def leaks(values: list[tuple[str, str, Any]]) -> list[tuple[str, str, str]]:
    return [
        (table, column, secret)
        for table, column, value in values
        if value is not None
        for secret in SECRETS
        if secret in as_text(value)
    ]


@pytest.mark.django_db
def test_raw_columns_hold_no_personal_plaintext(post_alert: PostAlert) -> None:
    response = post_alert(fixture_alert("alert_full"))
    assert response.status_code == 202
    case = Case.objects.get(pk=response.json()["case_id"])
    CaseNote.objects.create(
        case=case,
        kind="call",
        text="spoke to Ankit Verma",
        party="9415012345",
        author="op",
        at=case.opened_at,
    )
    values = raw_columns()
    assert len(values) > 50
    assert leaks(values) == []
    # ... while the model layer reads plaintext, and the lookup by phone still finds them.
    alert = Alert.objects.get(case=case)
    assert alert.account_name == "Ankit Verma" and "आत्महत्या" in alert.post_text
    assert alert.evidence["phone"] == "+91 94150 12345"
    assert json.loads(RawAlert.objects.get().body) == fixture_alert("alert_full")
    assert CaseNote.objects.get().party == "9415012345"
    assert known_subjects({("phone", "+919415012345")}) == {
        ("phone", "+919415012345"): alert.subject_id
    }
    assert {i.label for i in SubjectIdentifier.objects.all()} >= {"+919415012345"}


@pytest.mark.django_db
def test_every_encrypted_value_names_its_key(post_alert: PostAlert) -> None:
    post_alert(fixture_alert("alert_full"))
    current = keys.ring().current
    sealed = [
        v
        for table, column, v in raw_columns()
        if (table, column)
        in {(m._meta.db_table, f.column) for m, fs in encrypted_fields().items() for f in fs}
        and v not in (None, "", b"")
    ]
    plain = [v for v in sealed if v in codec.EMPTY_JSON]  # {} and []: nothing to hide
    sealed = [v for v in sealed if v not in codec.EMPTY_JSON]
    assert sealed and all(codec.key_id(v) == current for v in sealed)
    assert plain  # the fixture has empty JSON fields, and they are stored as they are


@pytest.mark.django_db
def test_a_value_moved_to_another_column_does_not_decrypt(post_alert: PostAlert) -> None:
    post_alert(fixture_alert("alert_full"))
    table = Alert._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET account_handle = account_name")
    with pytest.raises(codec.DecryptError, match="account_handle"):
        Alert.objects.get()


@pytest.mark.django_db
def test_a_wrong_key_is_a_clear_error(post_alert: PostAlert, tmp_path: Path) -> None:
    post_alert(fixture_alert("alert_full"))
    other = tmp_path / "other_keys.json"
    keys.write_file(other, keys.generate())
    with override_settings(FIELD_KEYS="", FIELD_KEY_FILE=str(other)):
        keys.forget()
        try:
            with pytest.raises(keys.KeyMissing, match="not in the key ring"):
                Alert.objects.get()
        finally:
            keys.forget()
    assert Alert.objects.get().account_name == "Ankit Verma"


@pytest.mark.django_db
def test_wrong_key_bytes_under_the_right_id_is_a_clear_error(
    post_alert: PostAlert, tmp_path: Path
) -> None:
    post_alert(fixture_alert("alert_full"))
    ring = keys.ring()
    forged = keys.KeyRing(ring.current, {ring.current: b"\0" * 32}, ring.index_key)
    path = tmp_path / "forged.json"
    keys.write_file(path, forged)
    with override_settings(FIELD_KEYS="", FIELD_KEY_FILE=str(path)):
        keys.forget()
        try:
            with pytest.raises(codec.DecryptError, match="does not decrypt"):
                Alert.objects.get()
        finally:
            keys.forget()


def database_copy(tmp_path: Path) -> bytes:
    """The bytes of a copy of the whole database, as a thief without the key would take it:
    the SQLite file (after a checkpoint, so the WAL is in it), or a plain pg_dump."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        copy = tmp_path / "copy.sqlite3"
        shutil.copyfile(str(settings["NAME"]), copy)
        return copy.read_bytes()
    args = ["pg_dump", "--no-owner", "-h", str(settings["HOST"] or "127.0.0.1")]
    args += ["-p", str(settings["PORT"] or 5432), "-U", str(settings["USER"] or "postgres")]
    done = subprocess.run([*args, str(settings["NAME"])], capture_output=True, check=True)
    return done.stdout


@pytest.mark.usefixtures("committed")  # no db marker: see test_dispatch_workers.committed
def test_a_copied_database_reveals_no_personal_field(post_alert: PostAlert, tmp_path: Path) -> None:
    post_alert(fixture_alert("alert_full"))
    data = database_copy(tmp_path)
    assert b"intake_alert" in data and len(data) > 10_000  # it is the database
    assert [s for s in SECRETS if s.encode() in data] == []
    if connection.vendor == "sqlite":  # and column by column, as stored
        with sqlite3.connect(tmp_path / "copy.sqlite3") as db:
            tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            found = [v for t in tables for row in db.execute(f'SELECT * FROM "{t}"') for v in row]
        assert found and [s for v in found for s in SECRETS if s in as_text(v)] == []


@pytest.mark.django_db
def test_every_model_with_personal_fields_is_covered() -> None:
    names = {f"{m._meta.label}.{f.name}" for m, fs in encrypted_fields().items() for f in fs}
    assert {
        "intake.RawAlert.body",
        "intake.RawAlert.headers",
        "intake.RawAlert.remote_addr",
        "intake.Alert.post_text",
        "intake.Alert.account_name",
        "intake.Alert.account_handle",
        "intake.Alert.evidence",
        "intake.Alert.reporter",
        "cases.Subject.display_name",
        "cases.SubjectIdentifier.label",
        "cases.Case.location",
        "cases.Task.detail",
        "cases.CaseNote.text",
        "cases.CaseNote.party",
        "cases.Outcome.note",
        "dispatch.Notification.body",
        "followup.FollowUpCheck.note",
    } <= names
    assert all(isinstance(f, models.Field) for fs in encrypted_fields().values() for f in fs)


def test_production_refuses_to_run_without_field_keys() -> None:
    from tests.integration.test_settings import load_settings

    refused = load_settings(SECRET_KEY="x" * 40)
    assert refused.returncode != 0 and "FIELD_KEY_FILE" in refused.stderr
    bench_only = load_settings(SECRET_KEY="x" * 40, FIELD_KEYS="{}", FIELD_ENCRYPTION="0")
    assert bench_only.returncode != 0 and "FIELD_ENCRYPTION=0" in bench_only.stderr
    short_audit = load_settings(DEBUG="1", RETENTION_AUDIT_DAYS="200")
    assert short_audit.returncode != 0 and "RETENTION_AUDIT_DAYS" in short_audit.stderr
    assert load_settings(DEBUG="1").returncode == 0  # a developer's machine makes its own
