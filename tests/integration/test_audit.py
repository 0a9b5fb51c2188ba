"""The audit trail: append-only in the model and in the database, and tamper-evident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from hashlib import sha256

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from jeevanrekha.audit import chain
from jeevanrekha.audit.models import AppendOnlyError, AuditEvent

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 23, 3, 25, tzinfo=UTC)


def write(n: int) -> list[AuditEvent]:
    events = []
    with transaction.atomic():
        for i in range(n):
            events.append(
                chain.append(
                    at=T0 + timedelta(seconds=i),
                    actor="user:op1",
                    action="note_added",
                    object_type="case",
                    object_id=i,
                    after={"text": f"note {i} ✓ नोट"},
                )
            )
    return events


def drop_triggers() -> None:
    """What an attacker with database access would do first (rolled back with the test)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_no_update")
            cursor.execute("DROP TRIGGER audit_no_delete")
        else:
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")


def test_chain_links_each_row_to_the_one_before() -> None:
    events = write(3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == chain.GENESIS_HASH
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert chain.verify() == (3, None)


def test_the_model_refuses_changes() -> None:
    (event,) = write(1)
    event.action = "something_else"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_auditevent SET actor = 'someone'", "DELETE FROM audit_auditevent"],
)
def test_the_database_refuses_changes(statement: str) -> None:
    write(2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 2


def test_a_tampered_row_is_named_by_verify() -> None:
    write(5)
    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor = 'user:nobody' WHERE seq = 3")
    checked, broken = chain.verify()
    assert checked == 2
    assert broken is not None and broken.seq == 3 and "altered" in broken.reason
    with pytest.raises(CommandError, match="seq=3"):
        call_command("audit", "verify")


def test_a_deleted_row_is_found() -> None:
    write(5)
    drop_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = 4")
    _, broken = chain.verify()
    assert broken is not None and broken.seq == 5 and "missing" in broken.reason


def test_a_rewritten_tail_is_found() -> None:
    """Re-hashing a changed row is not enough: the next row still points at the old hash."""
    events = write(3)
    drop_triggers()
    forged = events[1]
    forged.actor = "user:nobody"
    new_hash = chain.row_hash(forged.prev_hash, chain.hashed_fields(forged))
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET actor = %s, hash = %s WHERE seq = 2",
            ["user:nobody", new_hash],
        )
    _, broken = chain.verify()
    assert broken is not None and broken.seq == 3 and "prev_hash" in broken.reason


def test_verify_command_reports_ok(capsys: pytest.CaptureFixture[str]) -> None:
    write(4)
    call_command("audit", "verify")
    assert "audit chain OK: 4 rows verified" in capsys.readouterr().out


def test_deferred_appends_are_written_in_order_when_the_block_ends() -> None:
    with transaction.atomic():
        with chain.deferred():
            chain.append(at=T0, actor="user:op1", action="dispatch_confirmed")
            with chain.deferred():  # an inner block leaves them to the outer one
                chain.append_many(
                    [
                        chain.Entry(T0, "user:op1", "task_opened", "task", 1),
                        chain.Entry(T0, "user:op1", "task_opened", "task", 2),
                    ]
                )
            assert AuditEvent.objects.count() == 0  # the chain's lock is not taken yet
        actions = list(AuditEvent.objects.values_list("action", "object_id"))
    assert actions == [("dispatch_confirmed", ""), ("task_opened", "1"), ("task_opened", "2")]
    assert chain.verify() == (3, None)


def test_deferred_appends_go_with_a_block_that_fails() -> None:
    with pytest.raises(ValueError), transaction.atomic(), chain.deferred():
        chain.append(at=T0, actor="user:op1", action="dispatch_confirmed")
        raise ValueError("no vehicle")
    assert AuditEvent.objects.count() == 0
    write(1)
    assert chain.verify() == (1, None)


def test_a_failed_inner_block_takes_its_deferred_appends_with_it() -> None:
    with transaction.atomic(), chain.deferred():
        chain.append(at=T0, actor="user:op1", action="dispatch_confirmed")
        with pytest.raises(ValueError), transaction.atomic(), chain.deferred():
            chain.append(at=T0, actor="user:op1", action="task_opened")
            raise ValueError("rolled back to the savepoint; the caller goes on")
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["dispatch_confirmed"]


AWKWARD = [
    {"text": 'quotes " and \\ backslash, a\nnewline, a tab\t, NUL-ish \u0001', "n": 1.5},
    {"हिंदी": "आज रात के बाद 🙏", "nested": {"b": [1, None, True], "a": "💊🪢"}},
    None,
    {"big": 10**18, "small": 1e-05, "empty": {}, "list": []},
    {"zero": -0.0, "huge": 1e20, "nan": float("nan"), "inf": [float("inf"), -float("inf")]},
]


def test_the_database_hashes_rows_as_verify_recomputes_them() -> None:
    """On PostgreSQL `audit_append` hashes in the database: every row, whatever its text,
    must hash as `row_hash` does in Python, or `audit verify` would call the chain broken."""
    with transaction.atomic():
        written = [
            chain.append(
                at=T0 + timedelta(microseconds=i * 1001),
                actor="source:मेटा",
                action="case_opened",
                object_id="x" * 64,
                before=before,
                after={"i": i, "after": before},
                request_id="req-ü",
            )
            for i, before in enumerate(AWKWARD)
        ]
        with chain.deferred():
            chain.append_many([chain.Entry(T0, "system", "held", after={"k": "v"})] * 3)
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [r.seq for r in rows] == list(range(1, 9))
    assert [(w.id, w.seq, w.hash) for w in written] == [(r.id, r.seq, r.hash) for r in rows[:5]]
    for row in rows:
        assert chain.row_hash(row.prev_hash, chain.hashed_fields(row)) == row.hash
    assert chain.verify() == (8, None)
    assert rows[4].before == {"zero": 0.0, "huge": 10**20, "nan": "nan", "inf": ["inf", "-inf"]}


def test_the_body_sent_to_the_database_is_the_hashed_json_but_its_seq() -> None:
    fields = {"action": "a", "at": T0.isoformat(), "after": {"z": 1, "a": "ü"}, "seq": 42}
    body = chain.body_without_seq({k: v for k, v in fields.items() if k != "seq"})
    whole = body + ',"seq":42}'
    expected = sha256(("p" * 64 + "\n" + whole).encode()).hexdigest()
    assert chain.row_hash("p" * 64, fields) == expected
