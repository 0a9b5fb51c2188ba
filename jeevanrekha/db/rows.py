"""Multi-row INSERTs for the intake's hot path, on SQLite and PostgreSQL.

`insert_rows(Model, columns, rows)` writes many rows in one statement and returns their ids,
in order. The values are plain Python values for the named fields (attnames: `case_id`,
not `case`); no model instances are built. At intake rates Django's `bulk_create` spent
more CPU building and preparing instances than the database spent on the rows (ADR 0003).

- PostgreSQL: the rows travel as ONE JSON parameter, unpacked by `jsonb_to_recordset`
  into typed columns. The statement's text is the same for any number of rows, so it is
  prepared once per connection and psycopg converts it once; with a parameter per value,
  psycopg re-parsed every long statement and that cost more than all the rest.
- SQLite: `INSERT ... VALUES (...), (...)`, each value prepared the way Django prepares it
  where that matters (JSON, binary, IP address, datetimes).

Defaults are not applied: name every column the table needs.

`reserve_ids` takes ids from a table's sequence before its rows are written, so rows that
refer to each other (a case and its alerts) can be written without waiting for RETURNING;
inside `writes_together()`, on PostgreSQL, such writes (`insert_rows(..., returning=False)`
and `write`) are held and sent as ONE statement of data-modifying CTEs when the block ends.
The intake's batch is then a handful of round trips instead of a dozen (ADR 0007).

Inside `one_cursor()`, every statement sent from here goes through one database cursor:
Django makes a new one per statement otherwise, which cost twice the statement itself on
the intake's hot path (about 60 µs against 30).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.db import connection, models

# Most bound parameters in one SQLite statement (it allows 32,766).
MAX_PARAMS = 30_000

_PLAIN_FIELDS = (
    models.CharField,  # and SlugField, URLField, ...
    models.TextField,
    models.IntegerField,  # and the small, big and positive kinds
    models.BooleanField,
    models.FloatField,
    models.ForeignKey,  # given as the related id
)

Prep = Callable[[Any], Any] | None
Statement = tuple[str, Sequence[Any]]
_shared_cursor: ContextVar[Any] = ContextVar("jeevanrekha_shared_cursor", default=None)
_held_writes: ContextVar[list[tuple[str, list[Any]]] | None] = ContextVar(
    "jeevanrekha_held_writes", default=None
)
# Held statements that go after the held writes, each on its own, in the same round trip.
_held_last: ContextVar[list[tuple[str, list[Any]]] | None] = ContextVar(
    "jeevanrekha_held_last", default=None
)


@contextmanager
def one_cursor() -> Iterator[None]:
    """Send every statement of this module inside the block through one cursor."""
    if _shared_cursor.get() is not None:
        yield
        return
    with connection.cursor() as cursor:
        token = _shared_cursor.set(cursor)
        try:
            yield
        finally:
            _shared_cursor.reset(token)


@contextmanager
def _cursor() -> Iterator[Any]:
    shared = _shared_cursor.get()
    if shared is not None:
        yield shared
        return
    with connection.cursor() as cursor:
        yield cursor


def execute(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run one statement; its rows, if it returns any."""
    with _cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if cursor.description else []


@contextmanager
def writes_together(*, then_commit: bool = False) -> Iterator[None]:
    """PostgreSQL: hold the writes made inside and send them as one statement at the end
    (if the block raises, they are dropped with the transaction). SQLite: no change.

    With `then_commit`, for a block that is the last work of its transaction: when that
    transaction is an outermost `atomic()` block, the COMMIT goes in the same round trip as
    the held writes (Django's own commit, when the atomic block ends, then finds nothing
    left to commit). So a lock taken by the last statement (the audit chain's) is held for
    no round trip at all."""
    if connection.vendor != "postgresql" or _held_writes.get() is not None:
        yield
        return
    token, token_last = _held_writes.set([]), _held_last.set([])
    try:
        yield
        statements = _take_held()
        if then_commit and statements and _outermost_transaction():
            statements.append(("COMMIT", []))
        execute_together(statements)
    finally:
        _held_writes.reset(token)
        _held_last.reset(token_last)


def _outermost_transaction() -> bool:
    """In an outermost `atomic()` block (no savepoint open) that can still commit."""
    return (
        len(connection.atomic_blocks) == 1
        and not connection.savepoint_ids
        and not connection.needs_rollback
    )


def write(sql: str, params: Sequence[Any] = ()) -> None:
    """A statement that returns nothing: sent now, or held inside `writes_together()`."""
    held = _held_writes.get()
    if held is None:
        execute(sql, params)
    else:
        held.append((sql, list(params)))


def write_last(sql: str, params: Sequence[Any] = ()) -> bool:
    """Inside `writes_together()`, hold a statement to be sent after the held writes, in their
    round trip, as a statement of its own (for one that must run after them: the audit
    chain's lock is taken after the action's row locks); True if held. Outside, False: run
    it yourself."""
    held = _held_last.get()
    if held is None:
        return False
    held.append((sql, list(params)))
    return True


def _take_held() -> list[Statement]:
    """The writes held so far, as one statement (each one a CTE of it), then the statements
    held to go last; no longer held."""
    held, last = _held_writes.get(), _held_last.get()
    statements: list[Statement] = []
    if held:
        if len(held) == 1:
            sql, params = held[0]
        else:
            parts = ", ".join(f"w{n} AS ({one})" for n, (one, _) in enumerate(held))
            sql, params = f"WITH {parts} SELECT 1", [p for _, ps in held for p in ps]
        statements.append((sql, list(params)))
        held.clear()
    if last:
        statements += last
        last.clear()
    return statements


def send_writes() -> None:
    """Send the writes held so far (one statement), then those held to go last, in one round
    trip."""
    execute_together(_take_held())


def execute_after_writes(sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Send the writes held so far, then run `sql`, in one round trip; its rows."""
    return execute_together([*_take_held(), (sql, params)])[-1]


def execute_together(statements: Sequence[Statement]) -> list[list[tuple[Any, ...]]]:
    """Run the statements in order, in ONE round trip on PostgreSQL; the rows of each.

    PostgreSQL's pipeline mode: the statements (and the transaction's BEGIN, if it has not
    begun) go out together and their results come back together. Each statement still
    starts only when the one before has finished, with its own snapshot, so a look-up after
    a statement that waited for a lock sees what the lock's previous holder committed.
    SQLite: one after another (no round trips to save)."""
    if connection.vendor != "postgresql" or len(statements) < 2:
        return [execute(sql, params) for sql, params in statements]
    connection.ensure_connection()
    raw = connection.connection
    cursors = [raw.cursor() for _ in statements]
    try:
        # Django's wrapper: psycopg's errors become Django's (DATABASE_DOWN, IntegrityError,
        # ...), as for every other statement, and the connection knows one occurred.
        with connection.wrap_database_errors, raw.pipeline():
            for cursor, (sql, params) in zip(cursors, statements, strict=True):
                cursor.execute(sql, params)
        return [list(c.fetchall()) if c.description else [] for c in cursors]
    finally:
        for cursor in cursors:
            cursor.close()


def reserve_sql(counts: Sequence[tuple[type[models.Model], int]]) -> tuple[str, list[Any]]:
    """PostgreSQL: select-list items that take `n` ids from each model's id sequence, as
    arrays (to be part of a larger statement), and their parameters."""
    items, params = [], []
    for model, n in counts:
        items.append("ARRAY(SELECT nextval(%s::regclass) FROM generate_series(1, %s))")
        params += [_sequence_of(model._meta.db_table), n]
    return ", ".join(items), params


@lru_cache(maxsize=32)
def _sequence_of(table: str) -> str:
    ((name,),) = execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    return str(name)


def reserve_ids(counts: Sequence[tuple[type[models.Model], int]]) -> list[list[int]]:
    """`n` unused ids for each model, to write its rows with (call inside the transaction).

    PostgreSQL: from the id sequences (ids of rows never written are simply skipped).
    SQLite: after the highest id; the transaction holds the write lock, so no other writer
    can take them, but reserve a table's ids only once per transaction, before writing it.
    """
    if not counts:
        return []
    if connection.vendor == "postgresql":
        items, params = reserve_sql(counts)
        (row,) = execute(f"SELECT {items}", params)
        return [list(ids) for ids in row]
    reserved = []
    for model, n in counts:
        ((top,),) = execute(
            f"SELECT max(id) FROM {connection.ops.quote_name(model._meta.db_table)}"
        )
        reserved.append(list(range((top or 0) + 1, (top or 0) + 1 + n)))
    return reserved


def execute_many(sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """Run one statement for each row of parameters."""
    with _cursor() as cursor:
        cursor.executemany(sql, rows)


@dataclass(frozen=True)
class _Statement:
    sql: str  # PostgreSQL: the whole statement; SQLite: up to VALUES
    row: str  # SQLite: one row's placeholders
    tail: str  # SQLite: after the rows
    names: tuple[str, ...]  # PostgreSQL: the JSON keys, one per column
    preps: tuple[Prep, ...]  # how to prepare each value, or None (PostgreSQL: encrypted only)


def _prep_for(field: models.Field[Any, Any]) -> Prep:
    if getattr(field, "encrypted", False):  # crypto.fields: encrypt, on both engines
        return lambda value: field.get_db_prep_save(value, connection)
    if isinstance(field, _PLAIN_FIELDS):
        return None
    return lambda value: field.get_db_prep_save(value, connection)


def _concrete(model: type[models.Model], columns: tuple[str, ...]) -> list[models.Field[Any, Any]]:
    fields = [model._meta.get_field(name) for name in columns]
    concrete = [f for f in fields if isinstance(f, models.Field)]
    if len(concrete) != len(fields):
        raise ValueError(f"not all of {columns} are columns of {model._meta.label}")
    return concrete


@lru_cache(maxsize=64)
def _statement(
    model: type[models.Model],
    columns: tuple[str, ...],
    vendor: str,
    skip_conflicts: bool,
    returning: bool = True,
) -> _Statement:
    fields = _concrete(model, columns)
    quote = connection.ops.quote_name
    names = [quote(str(f.column)) for f in fields]
    table = quote(model._meta.db_table)
    tail = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
    if returning and not skip_conflicts:
        tail += f" RETURNING {quote(str(model._meta.pk.column))}"
    if vendor == "postgresql":
        types = ", ".join(
            f"{n} {f.db_type(connection)}" for n, f in zip(names, fields, strict=True)
        )
        sql = (
            f"INSERT INTO {table} ({', '.join(names)}) "
            f"SELECT {', '.join(names)} "
            f"FROM ROWS FROM (jsonb_to_recordset(%s::jsonb) AS ({types})) "
            f"WITH ORDINALITY AS r({', '.join(names)}, _row) ORDER BY _row{tail}"
        )
        keys = tuple(str(f.column) for f in fields)
        # Only encrypted fields are prepared here: the rest go into the JSON as they are.
        preps = tuple(_prep_for(f) if getattr(f, "encrypted", False) else None for f in fields)
        return _Statement(sql, "", "", keys, preps if any(preps) else ())
    head = f"INSERT INTO {table} ({', '.join(names)}) VALUES "
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return _Statement(head, row, tail, (), tuple(_prep_for(f) for f in fields))


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    value = getattr(value, "obj", value)  # psycopg's Binary wrapper (an encrypted body)
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\x" + bytes(value).hex()  # bytea's hex input format
    raise TypeError(f"{type(value).__name__} cannot be written by insert_rows")


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    skip_conflicts: bool = False,
    returning: bool = True,
) -> list[int]:
    """Insert `rows` (values in `columns` order); the new ids in order.

    With `skip_conflicts`, rows that would break a unique constraint are left out silently
    (ON CONFLICT DO NOTHING) and no ids are returned. With `returning=False` no ids are
    returned (give the `id` column, from `reserve_ids`), and inside `writes_together()` the
    INSERT is held and sent with the others.
    """
    if not rows:
        return []
    returning = returning and not skip_conflicts
    statement = _statement(model, tuple(columns), connection.vendor, skip_conflicts, returning)
    if statement.names:
        if statement.preps:
            rows = _prepared(statement.preps, rows)
        document = _document(statement.names, rows)
        if not returning:
            write(statement.sql, [document])
            return []
        with _cursor() as cursor:
            cursor.execute(statement.sql, [document])
            return [row_id for (row_id,) in cursor.fetchall()]
    with _cursor() as cursor:
        return _insert_sqlite(cursor, statement, rows, not returning)


@lru_cache(maxsize=64)
def _update_statement(
    model: type[models.Model], columns: tuple[str, ...], vendor: str
) -> _Statement:
    fields = _concrete(model, columns)
    pk = model._meta.pk
    assert pk is not None
    quote = connection.ops.quote_name
    table, key = quote(model._meta.db_table), quote(str(pk.column))
    names = [quote(str(f.column)) for f in fields]
    if vendor == "postgresql":
        typed = zip([key, *names], [pk, *fields], strict=True)
        types = ", ".join(f"{n} {f.db_type(connection)}" for n, f in typed)
        sets = ", ".join(f"{n} = r.{n}" for n in names)
        sql = (
            f"UPDATE {table} AS t SET {sets} "
            f"FROM jsonb_to_recordset(%s::jsonb) AS r({types}) WHERE t.{key} = r.{key}"
        )
        keys = tuple(str(f.column) for f in (pk, *fields))
        preps = tuple(_prep_for(f) if getattr(f, "encrypted", False) else None for f in fields)
        return _Statement(sql, "", "", keys, (None, *preps) if any(preps) else ())
    sets = ", ".join(f"{n} = %s" for n in names)
    sql = f"UPDATE {table} SET {sets} WHERE {key} = %s"
    return _Statement(sql, "", "", (), tuple(_prep_for(f) for f in fields))


def update_rows(
    model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Set `columns` of many rows: each row is (primary key, *values in `columns` order).

    Django's `bulk_update` builds a CASE expression per field and row, and building it cost
    more than the rest of a pipeline stage's batch together. PostgreSQL: one UPDATE joined
    to the rows as ONE JSON parameter (as `insert_rows`), held inside `writes_together()`
    (where, as one statement with the other held writes, it cannot see rows that they insert:
    update rows written earlier); SQLite: one prepared UPDATE run for each row."""
    if not rows:
        return
    statement = _update_statement(model, tuple(columns), connection.vendor)
    if statement.names:
        if statement.preps:
            rows = _prepared(statement.preps, rows)
        write(statement.sql, [_document(statement.names, rows)])
        return
    needs_prep = [(i, p) for i, p in enumerate(statement.preps) if p is not None]
    params = []
    for key, *values in rows:
        for i, prep in needs_prep:
            values[i] = prep(values[i])
        params.append([*values, key])
    execute_many(statement.sql, params)


def _prepared(preps: tuple[Prep, ...], rows: Sequence[Sequence[Any]]) -> list[list[Any]]:
    todo = [(i, p) for i, p in enumerate(preps) if p is not None]
    out = []
    for row in rows:
        values = list(row)
        for i, prep in todo:
            values[i] = prep(values[i])
        out.append(values)
    return out


def _document(names: tuple[str, ...], rows: Sequence[Sequence[Any]]) -> str:
    return json.dumps(
        [dict(zip(names, row, strict=True)) for row in rows],
        ensure_ascii=False,
        separators=(",", ":"),
        default=_json_value,
    )


def _insert_sqlite(
    cursor: Any, statement: _Statement, rows: Sequence[Sequence[Any]], no_ids: bool
) -> list[int]:
    needs_prep = [(i, p) for i, p in enumerate(statement.preps) if p is not None]
    per_chunk = max(1, MAX_PARAMS // len(statement.preps))
    ids: list[int] = []
    for start in range(0, len(rows), per_chunk):
        chunk = rows[start : start + per_chunk]
        params: list[Any] = []
        for row in chunk:
            if needs_prep:
                values = list(row)
                for i, prep in needs_prep:
                    values[i] = prep(values[i])
                params.extend(values)
            else:
                params.extend(row)
        cursor.execute(
            statement.sql + ", ".join([statement.row] * len(chunk)) + statement.tail, params
        )
        if not no_ids:
            ids.extend(row_id for (row_id,) in cursor.fetchall())
    return ids


def any_of(values: Sequence[Any]) -> tuple[str, list[Any]]:
    """SQL to follow a column so that it matches any of `values`, and its parameters.

    On PostgreSQL `= ANY(%s)` with one array parameter, so the statement's text is the same
    for any number of values and is prepared once; on SQLite `IN (%s, ...)`.
    """
    if connection.vendor == "postgresql":
        return "= ANY(%s)", [list(values)]
    return "IN (" + ", ".join(["%s"] * len(values)) + ")", list(values)


def select_in(sql: str, *lists: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows of `sql`, in which each `{}` (after a column) matches any value of its list."""
    if not all(lists):
        return []
    parts = [any_of(values) for values in lists]
    return execute(sql.format(*[text for text, _ in parts]), [p for _, ps in parts for p in ps])
