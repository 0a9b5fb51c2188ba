"""Data migrations' helpers: encrypt the values written before encryption, in place.

The migrations call these with raw SQL on the table's columns (a historical model's
encrypted field would try to decrypt the old plaintext). Values already encrypted are left
alone, so a migration that stopped half-way can be run again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from jeevanrekha.crypto import codec

BATCH = 500

# How a column's old value becomes the plaintext to encrypt.
_KINDS: dict[str, Callable[[Any], Any]] = {
    "text": lambda v: str(v),
    "json": lambda v: v if isinstance(v, str) else json.dumps(v, ensure_ascii=False),
    # PostgreSQL's inet, cast to text, carries the prefix length of a single address.
    "ip": lambda v: str(v).removesuffix("/32").removesuffix("/128"),
    "bytes": lambda v: bytes(v),
}


def _sealed(value: Any, kind: str, aad: str) -> Any:
    if value is None or codec.key_id(value) is not None:
        return None  # nothing to do
    plain = _KINDS[kind](value)
    if kind == "bytes":
        return codec.encrypt_bytes(plain, aad) if plain else None
    return codec.encrypt_text(plain, aad) if plain else None


def encrypt_columns(schema_editor: Any, table: str, columns: dict[str, str]) -> int:
    """Encrypt every plaintext value of `columns` ({column: kind}) of `table`; rows changed."""
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    names = list(columns)
    select = (
        f"SELECT id, {', '.join(quote(c) for c in names)} FROM {quote(table)} "
        "WHERE id > %s ORDER BY id LIMIT %s"
    )
    changed, last = 0, 0
    with connection.cursor() as cursor:
        while True:
            cursor.execute(select, [last, BATCH])
            rows = cursor.fetchall()
            if not rows:
                return changed
            for row_id, *values in rows:
                new = {
                    c: s
                    for c, v in zip(names, values, strict=True)
                    if (s := _sealed(v, columns[c], f"{table}.{c}")) is not None
                }
                if new:
                    sets = ", ".join(f"{quote(c)} = %s" for c in new)
                    cursor.execute(
                        f"UPDATE {quote(table)} SET {sets} WHERE id = %s", [*new.values(), row_id]
                    )
                    changed += 1
            last = rows[-1][0]
