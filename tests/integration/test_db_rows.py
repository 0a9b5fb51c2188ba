"""db.rows.insert_rows and update_rows: what goes in comes back out, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from jeevanrekha.bus.models import OutboxMessage
from jeevanrekha.cases.models import Case, SubjectIdentifier
from jeevanrekha.db.rows import execute_together, insert_rows, update_rows, writes_together
from jeevanrekha.intake.actions import _RAW_COLUMNS
from jeevanrekha.intake.models import RawAlert
from tests.unit.dispatch.support import make_case

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 3, 25, 0, 123456, tzinfo=UTC)
RAW_COLUMNS = _RAW_COLUMNS  # every column of a raw alert, as the intake writes them


def raw_row(n: int) -> tuple[object, ...]:
    body = bytes(range(256)) + f"आज रात {n} ✓ \\ \" '".encode()
    return (
        "api",
        f"src-{n}",
        T0 + timedelta(seconds=n),
        "2001:db8::1" if n % 2 else None,
        {"X-JR-Source": "src", "nested": {"हिंदी": [1, 2.5, None, True]}, "quote": "a\"b'c\\"},
        body,
        len(body),
        n % 3 == 0,
        "f" * 64,
        f"req-{n}",
        "quarantined",
        "",
        "invalid_json",
        [{"loc": ["post", "text"], "msg": "नहीं ✗"}],
        None if n % 2 else T0,
        None,
    )


def test_rows_come_back_as_written_with_ids_in_order() -> None:
    rows = [raw_row(n) for n in range(5)]
    with transaction.atomic():
        ids = insert_rows(RawAlert, RAW_COLUMNS, rows)
    assert ids == sorted(ids) and len(set(ids)) == 5
    for raw_id, row in zip(ids, rows, strict=True):
        stored = RawAlert.objects.get(pk=raw_id)
        assert (
            tuple(
                bytes(v) if isinstance(v, memoryview) else v
                for v in (getattr(stored, c) for c in RAW_COLUMNS)
            )
            == row
        )


def test_many_rows_in_one_call() -> None:
    # More rows than one SQLite statement may bind (30,000 parameters / 7 columns).
    columns = ("topic", "key", "payload", "created_at", "request_id", "attempts", "last_error")
    rows = [("t", str(n), {"n": n}, T0, "", 0, "") for n in range(4500)]
    with transaction.atomic():
        ids = insert_rows(OutboxMessage, columns, rows)
    assert len(ids) == 4500
    by_id = dict(OutboxMessage.objects.values_list("pk", "payload"))
    assert [by_id[i]["n"] for i in ids] == list(range(4500))


def test_conflicting_rows_are_skipped() -> None:
    from jeevanrekha.cases.models import Subject

    subject = Subject.objects.create(display_name="x", created_at=T0)
    columns = ("subject_id", "kind", "value")
    with transaction.atomic():
        assert insert_rows(SubjectIdentifier, columns, [(subject.pk, "phone", "98")]) != []
        insert_rows(
            SubjectIdentifier,
            columns,
            [(subject.pk, "phone", "98"), (subject.pk, "phone", "99")],
            skip_conflicts=True,
        )
    assert sorted(SubjectIdentifier.objects.values_list("value", flat=True)) == ["98", "99"]


def test_a_field_that_is_not_a_column_is_refused() -> None:
    from jeevanrekha.intake.models import Alert

    with pytest.raises(ValueError, match="not all of"):
        insert_rows(Alert, ("raw_alerts",), [(1,)])  # the other side of a relation


def test_statements_run_together_give_each_its_rows_and_django_errors() -> None:
    first, second = execute_together([("SELECT 1", []), ("SELECT %s, %s", [2, "two"])])
    assert first == [(1,)] and second == [(2, "two")]
    with pytest.raises(DatabaseError), transaction.atomic():  # Django's, not the driver's
        execute_together([("SELECT 1", []), ("SELECT * FROM no_such_table", [])])


UPDATED = ("status", "alert", "processed_at", "error_code", "errors")


def _stored(raw_id: int) -> tuple[object, ...]:
    stored = RawAlert.objects.get(pk=raw_id)
    return tuple(getattr(stored, c) for c in (*RAW_COLUMNS, "alert_id"))


@pytest.mark.parametrize("held", [False, True])
def test_update_rows_sets_the_named_columns_of_the_named_rows_only(held: bool) -> None:
    with transaction.atomic():
        ids = insert_rows(RawAlert, RAW_COLUMNS, [raw_row(n) for n in range(4)])
    before = {raw_id: _stored(raw_id) for raw_id in ids}
    errors = [{"loc": ["post"], "msg": 'नहीं ✗ "q" \\'}, None, 2.5]
    rows = [
        (ids[1], "failed", None, T0 + timedelta(hours=1), "bad_ॐ", errors),
        (ids[3], "processed", None, None, "", []),
    ]
    with transaction.atomic(), writes_together() if held else transaction.atomic():
        update_rows(RawAlert, UPDATED, rows)
    for raw_id in (ids[0], ids[2]):
        assert _stored(raw_id) == before[raw_id]
    for raw_id, status, _alert, processed_at, code, errs in rows:
        stored = RawAlert.objects.get(pk=raw_id)
        assert (stored.status, stored.processed_at, stored.error_code, stored.errors) == (
            status,
            processed_at,
            code,
            errs,
        )
        assert stored.body == before[raw_id][RAW_COLUMNS.index("body")]  # not named: kept


def test_update_rows_writes_encrypted_fields_as_the_model_reads_them() -> None:
    cases = [make_case(T0, district=f"D{n}") for n in range(3)]
    where = {"lat": 26.8, "lon": 80.9, "radius_m": None, "place": 'हज़रतगंज "चौक"'}
    with transaction.atomic():
        update_rows(
            Case,
            ["district", "location", "location_confidence", "imminent"],
            [(cases[0].pk, "Lucknow", where, 0.25, False), (cases[2].pk, "Agra", {}, None, True)],
        )
    first, middle, last = (Case.objects.get(pk=c.pk) for c in cases)
    assert (first.district, first.location, first.location_confidence, first.imminent) == (
        "Lucknow",
        where,
        0.25,
        False,
    )
    assert (last.district, last.location, last.location_confidence) == ("Agra", {}, None)
    assert (middle.district, middle.location) == ("D1", cases[1].location)


def test_update_rows_with_no_rows_sends_nothing() -> None:
    with CaptureQueriesContext(connection) as queries:
        update_rows(Case, ["district"], [])
    assert len(queries) == 0
