"""Recognising the person at risk from an alert's identifiers.

Identifiers are looked up and stored as blind indexes (crypto.codec.blind_index: HMAC-SHA256
of the normalised identifier under the index key), never in clear: the database can find
"the subject with this phone" without holding the phone number (docs/encryption.md).
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db import connection

from jeevanrekha.cases.models import Subject, SubjectIdentifier
from jeevanrekha.crypto.codec import blind_index
from jeevanrekha.db.rows import execute, insert_rows, select_in


def normalise_phone(raw: str) -> str:
    """Digits only, Indian numbers reduced to their 10-digit national form."""
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 12 and digits.startswith("91"):
        return digits[2:]
    if len(digits) == 11 and digits.startswith("0"):
        return digits[1:]
    return digits


def e164(raw: str) -> str:
    """A phone number as E.164 (`+91` and the national number for Indian numbers)."""
    digits = normalise_phone(raw)
    return f"+91{digits}" if len(digits) == 10 else f"+{digits}"


def identifiers_for(
    *,
    platform: str,
    handle: str,
    phone: str | None,
    profile_url: str | None,
    email: str | None = None,
    post_url: str | None = None,
) -> list[tuple[str, str]]:
    """The (kind, value) pairs by which this alert's subject can be recognised."""
    found: list[tuple[str, str]] = []
    if handle:
        found.append(("handle", f"{platform}:{handle.lstrip('@').lower()}"))
    if phone and len(normalise_phone(phone)) >= 6:
        found.append(("phone", e164(phone)))
    if profile_url:
        found.append(("url", profile_url.rstrip("/").lower()))
    if email:
        found.append(("email", email.strip().lower()))
    if post_url:
        found.append(("post", post_url.split("#")[0].rstrip("/").lower()))
    return found


Identifiers = list[tuple[str, str]]


def subjects_for(
    wanted: list[tuple[Identifiers, str]],
    at: datetime,
    *,
    known: dict[tuple[str, str], int] | None = None,
    new_ids: list[int] | None = None,
) -> tuple[list[int | None], set[int]]:
    """For each (identifiers, display name): the id of the subject known by any of them, or
    of a new one (None when there is no identifier at all); and which of them were known.

    Call inside the action's transaction. Alerts in one batch that share an identifier get
    the same subject. Joining alerts of one subject into one case is issue #5's; here a
    subject only links the alerts and cases that share an identifier.

    A caller that has already looked the identifiers up (`known_subjects`) gives `known`;
    one that has reserved ids for new subjects (`db.rows.reserve_ids`, at least one per
    entry of `wanted`) gives `new_ids`, and the rows are then written without RETURNING.
    """
    if known is None:
        known = known_subjects({p for ids, _ in wanted for p in ids})
    known = dict(known)
    new_names: list[str] = []
    found: list[int | None] = []  # a new subject is -(its index in new_names + 1) for now
    for ids, name in wanted:
        subject = next((known[pair] for pair in ids if pair in known), None)
        if subject is None and ids:
            new_names.append(name[:200])
            subject = -len(new_names)
        for pair in ids:
            if subject is not None:
                known.setdefault(pair, subject)
        found.append(subject)
    existing = {s for s in found if s is not None and s > 0}
    if new_ids is None:
        new_ids = insert_rows(Subject, ("display_name", "created_at"), [(n, at) for n in new_names])
    else:
        rows = [(i, n, at) for i, n in zip(new_ids, new_names, strict=False)]
        insert_rows(Subject, ("id", "display_name", "created_at"), rows, returning=False)
    resolved = [new_ids[-s - 1] if s is not None and s < 0 else s for s in found]
    insert_rows(  # the label is encrypted by insert_rows (an encrypted field)
        SubjectIdentifier,
        ("subject_id", "kind", "value", "label"),
        [
            (subject, kind, blind_index(kind, value), value)
            for (ids, _), subject in zip(wanted, resolved, strict=True)
            if subject is not None
            for kind, value in ids
        ],
        skip_conflicts=True,
    )
    return resolved, existing


_TABLE = SubjectIdentifier._meta.db_table
_KNOWN = f"SELECT kind, value, subject_id FROM {_TABLE} WHERE value {{}}"
# PostgreSQL: one index probe per value (the intake's batch reads this as part of one
# statement: intake/actions.py). With `value = ANY(...)`, or a plain join to the values,
# the planner chose a hash join over a full scan of the table (it prices a probe per value
# above reading a young table, and keeps doing so as the table grows past its last
# ANALYZE), and that scan grew with every alert received. `OFFSET 0` keeps the lateral
# subquery from being flattened into a join, so it can only be run once per value, and a
# single-value equality on the unique index's leading column is an index probe.
KNOWN_PG = (
    f"SELECT s.kind, s.value, s.subject_id FROM unnest(%s::text[]) AS v(value) "
    f"CROSS JOIN LATERAL (SELECT kind, value, subject_id FROM {_TABLE} "
    f"WHERE value = v.value OFFSET 0) s"
)


def indexed(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """(kind, blind index) -> (kind, identifier), for looking identifiers up."""
    return {(kind, blind_index(kind, value)): (kind, value) for kind, value in pairs}


def known_subjects(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The subject known by each of these (kind, identifier) pairs, where one is."""
    # By value alone, the leading column of the unique index; a value found under another
    # kind than the one asked for is dropped.
    digests = indexed(pairs)
    values = sorted({value for _, value in digests})
    if not values:
        return {}
    if connection.vendor == "postgresql":
        rows = execute(KNOWN_PG, [values])
    else:
        rows = select_in(_KNOWN, values)
    return {
        digests[(kind, value)]: subject for kind, value, subject in rows if (kind, value) in digests
    }
