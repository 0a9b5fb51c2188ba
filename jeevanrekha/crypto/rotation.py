"""Key rotation, online: a new current key, every value re-encrypted, the old key retired.

Re-encryption walks each table with encrypted columns by id, in small batches; each batch
is one short transaction that locks its rows (FOR UPDATE on PostgreSQL; SQLite's single
writer), re-reads them and rewrites only the values not under the current key. The desk
keeps reading (every key stays in the ring until the end) and intake keeps writing (new rows
are not locked; processes pick up the new current key within keys.RECHECK_SECONDS).
A rotation that stops half-way is resumed by running it again: values already under the
current key are skipped. A key leaves the ring only when no value uses it any more.
"""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from jeevanrekha.audit import chain as audit
from jeevanrekha.crypto import codec, keys
from jeevanrekha.crypto.fields import encrypted_fields

BATCH = 200
SCAN = 2000


class RotationError(Exception):
    """Rotation cannot go on (e.g. keys given inline in FIELD_KEYS)."""


@dataclass
class Rotation:
    """What a rotation did."""

    current: str
    rewritten: int = 0  # values re-encrypted
    rows: int = 0  # rows touched
    retired: list[str] = field(default_factory=list)
    left: dict[str, int] = field(default_factory=dict)  # values still under other keys


def _columns(model: type[models.Model]) -> list[tuple[str, str, bool]]:
    """(column, associated data, binary?) of a model's encrypted columns."""
    table = model._meta.db_table
    return [
        (str(f.column), f"{table}.{f.column}", isinstance(f, models.BinaryField))
        for f in encrypted_fields()[model]
    ]


def counts() -> dict[str, dict[str, int]]:
    """Values per key id, per `table.column` (empty values are not counted)."""
    found: dict[str, dict[str, int]] = {}
    quote = connection.ops.quote_name
    for model in encrypted_fields():
        table = model._meta.db_table
        for column, aad, _ in _columns(model):
            tally: Counter[str] = Counter()
            sql = (
                f"SELECT id, SUBSTR({quote(column)}, 1, 40) FROM {quote(table)} "
                "WHERE id > %s ORDER BY id LIMIT %s"
            )
            last = 0
            with connection.cursor() as cursor:
                while True:
                    cursor.execute(sql, [last, SCAN])
                    rows = cursor.fetchall()
                    if not rows:
                        break
                    for _, head in rows:
                        kid = codec.key_id(head)
                        if kid is not None:
                            tally[kid] += 1
                        elif head and head not in codec.EMPTY_JSON:
                            tally["(plaintext)"] += 1
                    last = rows[-1][0]
            found[aad] = dict(tally)
    return found


def totals(per_column: dict[str, dict[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for tally in per_column.values():
        total.update(tally)
    return dict(total)


def _rewrap(value: Any, aad: str, binary: bool) -> Any:
    if binary:
        return codec.encrypt_bytes(codec.decrypt_bytes(bytes(value), aad), aad)
    return codec.encrypt_text(codec.decrypt_text(value, aad), aad)


def _batch(model: type[models.Model], after: int, current: str) -> tuple[int, int, int] | None:
    """Re-encrypt one batch of rows after id `after`: (last id, rows, values), None at end."""
    cols = _columns(model)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    names = ", ".join(quote(c) for c, _, _ in cols)
    select = f"SELECT id, {names} FROM {table} WHERE id > %s ORDER BY id LIMIT %s{lock}"
    rows_done = values_done = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(select, [after, BATCH])
        rows = cursor.fetchall()
        if not rows:
            return None
        for row_id, *values in rows:
            new = {}
            for (column, aad, binary), value in zip(cols, values, strict=True):
                kid = codec.key_id(value)
                if kid is not None and kid != current:
                    new[column] = _rewrap(value, aad, binary)
            if new:
                sets = ", ".join(f"{quote(c)} = %s" for c in new)
                cursor.execute(f"UPDATE {table} SET {sets} WHERE id = %s", [*new.values(), row_id])
                rows_done, values_done = rows_done + 1, values_done + len(new)
    return rows[-1][0], rows_done, values_done


def add_key() -> str:
    """Add a new data key to the key file and make it current; its id."""
    path = keys.key_file()
    if path is None:
        raise RotationError(
            "the keys come from FIELD_KEYS: add the new key there as current, restart the "
            "desk, then run `jeevanrekha keys rotate --no-new-key` (docs/encryption.md)"
        )
    ring = keys.ring(refresh=True)
    kid = keys.new_key_id()
    new = keys.KeyRing(
        kid,
        {**ring.keys, kid: secrets.token_bytes(keys.KEY_BYTES)},
        ring.index_key,
        ring.source,
    )
    keys.write_file(path, new)
    keys.ring(refresh=True)
    return kid


def reencrypt(current: str, progress: Callable[[str, int], None] | None = None) -> Rotation:
    """One pass over every encrypted column: values not under `current` are re-encrypted."""
    done = Rotation(current)
    for model in encrypted_fields():
        after = 0
        while (step := _batch(model, after, current)) is not None:
            after, rows, values = step
            done.rows, done.rewritten = done.rows + rows, done.rewritten + values
            if progress:
                progress(model._meta.db_table, after)
    return done


def retire(current: str) -> list[str]:
    """Drop from the key file every key but `current` that no value uses; their ids."""
    path = keys.key_file()
    left = totals(counts())
    ring = keys.ring(refresh=True)
    unused = [k for k in ring.keys if k != current and not left.get(k)]
    if path is None or not unused:
        return []
    kept = {k: v for k, v in ring.keys.items() if k not in unused}
    keys.write_file(path, keys.KeyRing(ring.current, kept, ring.index_key, ring.source))
    keys.ring(refresh=True)
    return unused


def _audit(action: str, after: dict[str, Any], actor: str) -> None:
    with transaction.atomic():
        audit.append(at=timezone.now(), actor=actor, action=action, object_type="keys", after=after)


def rotate(
    *,
    new_key: bool = True,
    actor: str = "system",
    settle_seconds: float = 2 * keys.RECHECK_SECONDS,
    progress: Callable[[str, int], None] | None = None,
) -> Rotation:
    """Rotate: (add a key), re-encrypt everything under the current key, retire old keys.

    Audited once at the start and once at the end, with counts (never per row)."""
    current = add_key() if new_key else keys.ring(refresh=True).current
    before = totals(counts())
    _audit("keys_rotation_started", {"current": current, "values_by_key": before}, actor)
    done = reencrypt(current, progress)
    for _ in range(5):  # values written with the old key by processes yet to re-read the file
        time.sleep(settle_seconds)
        again = reencrypt(current, progress)
        done.rows, done.rewritten = done.rows + again.rows, done.rewritten + again.rewritten
        if not again.rewritten:
            break
    done.retired = retire(current)
    done.left = {k: n for k, n in totals(counts()).items() if k != current}
    after = {
        "current": current,
        "rewritten": done.rewritten,
        "rows": done.rows,
        "retired": done.retired,
        "left": done.left,
    }
    _audit("keys_rotation_finished", after, actor)
    return done


def reindex(*, actor: str = "system") -> int:
    """Blind-index key rotation, OFFLINE (intake stopped: an alert looked up under the old
    index key while the rows change could open a second case for a known person): a new
    index key, then every identifier's index recomputed from its encrypted label, in one
    transaction. The rows it rewrote."""
    from jeevanrekha.cases.models import SubjectIdentifier

    path = keys.key_file()
    if path is None:
        raise RotationError("the keys come from FIELD_KEYS: a new index key needs the key file")
    ring = keys.ring(refresh=True)
    new = keys.KeyRing(ring.current, ring.keys, secrets.token_bytes(keys.KEY_BYTES), ring.source)
    with transaction.atomic():
        rows = list(SubjectIdentifier.objects.select_for_update().order_by("pk"))
        keys.write_file(path, new)  # inside the transaction: a failure below leaves old rows
        keys.ring(refresh=True)
        for row in rows:
            row.value = codec.blind_index(row.kind, row.label)
        SubjectIdentifier.objects.bulk_update(rows, ["value"], batch_size=500)
        audit.append(
            at=timezone.now(),
            actor=actor,
            action="keys_index_rotated",
            object_type="keys",
            after={"identifiers": len(rows)},
        )
    return len(rows)
