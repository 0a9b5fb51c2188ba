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
_shared_cursor: ContextVar[Any] = ContextVar("jeevanrekha_shared_cursor", default=None)


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
    preps: tuple[Prep, ...]  # SQLite: how to prepare each value, or None


def _prep_for(field: models.Field[Any, Any]) -> Prep:
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
    model: type[models.Model], columns: tuple[str, ...], vendor: str, skip_conflicts: bool
) -> _Statement:
    fields = _concrete(model, columns)
    quote = connection.ops.quote_name
    names = [quote(str(f.column)) for f in fields]
    table = quote(model._meta.db_table)
    tail = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
    if not skip_conflicts:
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
        return _Statement(sql, "", "", keys, ())
    head = f"INSERT INTO {table} ({', '.join(names)}) VALUES "
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    return _Statement(head, row, tail, (), tuple(_prep_for(f) for f in fields))


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\x" + bytes(value).hex()  # bytea's hex input format
    raise TypeError(f"{type(value).__name__} cannot be written by insert_rows")


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    skip_conflicts: bool = False,
) -> list[int]:
    """Insert `rows` (values in `columns` order); the new ids in order.

    With `skip_conflicts`, rows that would break a unique constraint are left out silently
    (ON CONFLICT DO NOTHING) and no ids are returned.
    """
    if not rows:
        return []
    statement = _statement(model, tuple(columns), connection.vendor, skip_conflicts)
    with _cursor() as cursor:
        if statement.names:
            return _insert_postgresql(cursor, statement, rows, skip_conflicts)
        return _insert_sqlite(cursor, statement, rows, skip_conflicts)


def _insert_postgresql(
    cursor: Any, statement: _Statement, rows: Sequence[Sequence[Any]], skip_conflicts: bool
) -> list[int]:
    names = statement.names
    document = json.dumps(
        [dict(zip(names, row, strict=True)) for row in rows],
        ensure_ascii=False,
        separators=(",", ":"),
        default=_json_value,
    )
    cursor.execute(statement.sql, [document])
    return [] if skip_conflicts else [row_id for (row_id,) in cursor.fetchall()]


def _insert_sqlite(
    cursor: Any, statement: _Statement, rows: Sequence[Sequence[Any]], skip_conflicts: bool
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
        if not skip_conflicts:
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
