"""Recognising a person by identifier reads the unique index, never the whole table.

A full scan here grew with every alert the desk had ever received (the PostgreSQL planner
preferred a hash join over a young table, and kept it); `bench/intake.py` warns about
such scans, and this test keeps the plan an index probe on both engines.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from jeevanrekha.cases.models import SubjectIdentifier
from jeevanrekha.cases.subjects import _KNOWN, KNOWN_PG, known_subjects, subjects_for

pytestmark = pytest.mark.django_db

TABLE = SubjectIdentifier._meta.db_table


def plan(values: list[str]) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN {KNOWN_PG}", [values])
        else:
            placeholders = ", ".join(["%s"] * len(values))
            cursor.execute(f"EXPLAIN QUERY PLAN {_KNOWN.format(f'IN ({placeholders})')}", values)
        return "\n".join(" ".join(str(c) for c in row) for row in cursor.fetchall())


@pytest.mark.parametrize("rows", [0, 3_000])
def test_the_lookup_probes_the_index(rows: int) -> None:
    wanted = [
        ([("handle", f"facebook:person{n}"), ("phone", f"98{n:08d}")], f"P{n}") for n in range(rows)
    ]
    if wanted:
        subjects_for(wanted, timezone.now())
    values = [f"facebook:person{n}" for n in range(48)] + ["9800000001", "nobody"]
    text = plan(values)
    if connection.vendor == "postgresql":
        assert "subject_identifier_unique" in text, text
        assert "Seq Scan" not in text and "Hash Join" not in text, text
    else:  # SQLite names the unique constraint's index itself
        assert f"SEARCH {TABLE} USING INDEX" in text and "(value=?)" in text, text
    found = known_subjects({("handle", "facebook:person1"), ("phone", "9800000001")})
    assert len(found) == (2 if rows else 0)
    if rows:
        assert found[("handle", "facebook:person1")] == found[("phone", "9800000001")]
