"""Writing to and verifying the hash chain.

The hash of a row is SHA-256 over the previous row's hash and a canonical JSON of the row's
own fields. Writers serialise on the chain head: SQLite's IMMEDIATE transactions already
hold the database write lock; on PostgreSQL a transaction-scoped advisory lock is taken just
before the row is appended, so it is held only for the end of the transaction: the database
function `audit_append` (migration 0005) takes it, reads the head, hashes and inserts the rows
in one statement, from the canonical JSON Python sends (`body_without_seq`). Every writer
takes it last, after its row locks, so that no two writers can wait on each other: the desk's
actions (cases, dispatch, vehicles, follow-up, forwarding) run in
`transaction.atomic(), audit.deferred()`, which writes their rows when the action ends; the
intake and the pipeline stages append once, at the end of their batch.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from jeevanrekha.audit.context import current_request_id
from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.db.rows import execute, execute_after_writes, insert_rows, write_last

GENESIS_HASH = "0" * 64
# An arbitrary constant key for pg_advisory_xact_lock: "JRAUDIT" in ASCII.
_CHAIN_LOCK_KEY = 0x4A5241554449_54


def canonical(value: Any) -> Any:
    """JSON-safe form of before/after values (datetimes, decimals, UUIDs as strings), with
    numbers as they come back from PostgreSQL's jsonb, so that a stored row hashes as it
    was hashed when written: jsonb has no -0.0 (it keeps 0.0), writes 1e+20 as an integer,
    and refuses NaN and infinities (kept here as the strings "nan", "inf", "-inf")."""
    return _as_jsonb_returns(json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True)))


def _as_jsonb_returns(value: Any) -> Any:
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value == 0.0:
            return 0.0
        if abs(value) >= 1e16:  # Python writes these with an exponent; jsonb as integers
            return int(value)
        return value
    if isinstance(value, list):
        return [_as_jsonb_returns(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_jsonb_returns(item) for key, item in value.items()}
    return value


def row_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """SHA-256 (hex) of the previous hash and the canonical JSON of the row's fields."""
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + "\n" + body).encode("utf-8")).hexdigest()


def hashed_fields(event: AuditEvent) -> dict[str, Any]:
    """The fields of a row that its hash covers (everything but id and the hashes)."""
    return {name: getattr(event, name) for name in _HASHED} | {"at": event.at.isoformat()}


# The columns a row's hash covers, in the order they are written.
_HASHED = (
    "seq",
    "at",
    "actor",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "request_id",
)
_COLUMNS = (*_HASHED, "prev_hash", "hash")
_HEAD = f"SELECT seq, hash FROM {AuditEvent._meta.db_table} ORDER BY seq DESC LIMIT 1"


def _lock_and_read_head() -> tuple[int, str]:
    """SQLite: the head's seq and hash (the IMMEDIATE transaction already holds the
    database's write lock; PostgreSQL appends in the database, see `_append_in_database`)."""
    rows = execute(_HEAD)
    if not rows or rows[0][0] is None:
        return 0, GENESIS_HASH
    return int(rows[0][0]), str(rows[0][1])


@dataclass(frozen=True)
class Entry:
    """One event to append: who did what to which object, and what changed."""

    at: datetime
    actor: str
    action: str
    object_type: str = ""
    object_id: str | int = ""
    before: Any = None
    after: Any = None
    request_id: str = ""


_deferred: ContextVar[list[Entry] | None] = ContextVar("jeevanrekha_audit_deferred", default=None)


@contextmanager
def deferred() -> Iterator[None]:
    """Inside the block, appends are held and written together when it ends (use it inside
    the action's transaction, which then commits them).

    For an action that takes row locks after it has something to audit (a vehicle chosen
    after the dispatch was confirmed): the chain's lock is then taken last, as every writer
    must, and held only for the end of the transaction. Taken earlier, it would be held
    through the action's every round trip, stopping every other audited writer of the desk
    meanwhile; and a writer holding that vehicle's row while waiting for the chain would
    deadlock with it. The rows keep the order of the appends."""
    outer = _deferred.get()
    if outer is not None:  # an outer block writes them
        mark = len(outer)
        try:
            yield
        except BaseException:
            del outer[mark:]  # gone with this block's savepoint, should a caller go on
            raise
        return
    held: list[Entry] = []
    token = _deferred.set(held)
    try:
        yield
    finally:
        _deferred.reset(token)
    _append(held, returning=False)


def append_many(entries: list[Entry]) -> None:
    """Append events to the chain, in order, under one lock. Needs the action's transaction.

    The rows are written without RETURNING: inside `db.rows.writes_together()` their INSERT
    goes with the action's other held writes."""
    _append(entries, returning=False)


def _append(entries: list[Entry], *, returning: bool = True) -> list[tuple[int, dict[str, Any]]]:
    """Append the entries; (id, column values) of each new row (no ids without
    `returning`)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit entries must be written inside the action's transaction")
    if not entries:
        return []
    held = _deferred.get()
    if held is not None:
        held.extend(entries)
        return []
    default_request_id = current_request_id.get()
    rows = [_row(entry, default_request_id) for entry in entries]
    if connection.vendor == "postgresql":
        return _append_in_database(rows, returning)
    seq, prev_hash = _lock_and_read_head()
    for row, entry in zip(rows, entries, strict=True):
        seq += 1
        row["seq"] = seq
        row_hash_value = row_hash(prev_hash, row)
        row |= {"at": entry.at, "prev_hash": prev_hash, "hash": row_hash_value}
        prev_hash = row_hash_value
    values = [[row[c] for c in _COLUMNS] for row in rows]
    if not returning:
        insert_rows(AuditEvent, _COLUMNS, values, returning=False)
        return []
    ids = insert_rows(AuditEvent, _COLUMNS, values)
    return list(zip(ids, rows, strict=True))


def _row(entry: Entry, default_request_id: str) -> dict[str, Any]:
    """The hashed fields of an entry's row, but its `seq` (`at` as ISO text)."""
    return {
        "at": entry.at.isoformat(),
        "actor": entry.actor[:150],
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": str(entry.object_id),
        "before": canonical(entry.before),
        "after": canonical(entry.after),
        "request_id": (entry.request_id or default_request_id)[:64],
    }


def body_without_seq(fields: dict[str, Any]) -> str:
    """The canonical JSON that `row_hash` hashes, for fields without `seq`, and without its
    closing brace: `seq` sorts after every other field, so the whole is this text, then
    `,"seq":N}` (what the database's `audit_append` adds)."""
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return body[:-1]


# PostgreSQL: lock, head, hashes and rows in the database, in one statement (migration 0005).
_APPEND = "SELECT id, seq, prev_hash, hash FROM audit_append(%s, %s::jsonb)"


def _append_in_database(
    rows: list[dict[str, Any]], returning: bool
) -> list[tuple[int, dict[str, Any]]]:
    """PostgreSQL: the rows appended by `audit_append`. Inside `writes_together()` and without
    `returning` the call is held, to go after the action's other held writes in their round
    trip; otherwise it goes now, after any writes held so far."""
    document = json.dumps(
        [row | {"body": body_without_seq(row)} for row in rows],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    params = [_CHAIN_LOCK_KEY, document]
    if not returning and write_last(_APPEND, params):
        return []
    written = execute_after_writes(_APPEND, params)
    out = []
    for row, (row_id, seq, prev_hash, hash_value) in zip(rows, written, strict=True):
        at = datetime.fromisoformat(row["at"])
        chained = {"seq": seq, "at": at, "prev_hash": prev_hash, "hash": hash_value}
        out.append((row_id, row | chained))
    return out


def append(
    *,
    at: datetime,
    actor: str,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    before: Any = None,
    after: Any = None,
    request_id: str = "",
) -> AuditEvent:
    """Append one event to the chain. Must run inside the action's transaction."""
    entry = Entry(at, actor, action, object_type, object_id, before, after, request_id)
    written = _append([entry])
    if not written:  # held by `deferred()`: no id, seq or hash yet
        return AuditEvent(at=at, actor=actor, action=action, object_type=object_type)
    ((row_id, row),) = written
    return AuditEvent(id=row_id, **row)


@dataclass(frozen=True)
class ChainBreak:
    """The first row where the chain does not hold, and why."""

    seq: int
    reason: str


def verify(batch_size: int = 2000) -> tuple[int, ChainBreak | None]:
    """Walk the whole chain in order; return (rows checked, first break or None)."""
    expected_prev, expected_seq, checked = GENESIS_HASH, 1, 0
    for event in _iterate(batch_size):
        problem = _check(event, expected_seq, expected_prev)
        if problem:
            return checked, ChainBreak(event.seq, problem)
        expected_prev, expected_seq, checked = event.hash, event.seq + 1, checked + 1
    return checked, None


def _check(event: AuditEvent, expected_seq: int, expected_prev: str) -> str:
    if event.seq != expected_seq:
        return f"row {expected_seq} is missing (next row is {event.seq})"
    if event.prev_hash != expected_prev:
        return "prev_hash does not match the hash of the row before (a row was removed or changed)"
    if row_hash(event.prev_hash, hashed_fields(event)) != event.hash:
        return "hash does not match the row's contents (the row was altered)"
    return ""


def _iterate(batch_size: int) -> Iterator[AuditEvent]:
    last = 0
    while True:
        batch = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq")[:batch_size])
        if not batch:
            return
        yield from batch
        last = batch[-1].seq
