"""Recognising the person at risk from an alert's identifiers."""

from __future__ import annotations

import re
from datetime import datetime

from jeevanrekha.cases.models import Subject, SubjectIdentifier
from jeevanrekha.db.rows import insert_rows, select_in


def normalise_phone(raw: str) -> str:
    """Digits only, Indian numbers reduced to their 10-digit national form."""
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 12 and digits.startswith("91"):
        return digits[2:]
    if len(digits) == 11 and digits.startswith("0"):
        return digits[1:]
    return digits


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
        found.append(("phone", normalise_phone(phone)))
    if profile_url:
        found.append(("url", profile_url.rstrip("/").lower()))
    if email:
        found.append(("email", email.strip().lower()))
    if post_url:
        found.append(("post", post_url.split("#")[0].rstrip("/").lower()))
    return found


Identifiers = list[tuple[str, str]]


def subjects_for(
    wanted: list[tuple[Identifiers, str]], at: datetime
) -> tuple[list[int | None], set[int]]:
    """For each (identifiers, display name): the id of the subject known by any of them, or
    of a new one (None when there is no identifier at all); and which of them were known.

    Call inside the action's transaction. Alerts in one batch that share an identifier get
    the same subject. Joining alerts of one subject into one case is issue #5's; here a
    subject only links the alerts and cases that share an identifier.
    """
    known: dict[tuple[str, str], int] = _known_subjects({p for ids, _ in wanted for p in ids})
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
    new_ids = insert_rows(Subject, ("display_name", "created_at"), [(n, at) for n in new_names])
    resolved = [new_ids[-s - 1] if s is not None and s < 0 else s for s in found]
    insert_rows(
        SubjectIdentifier,
        ("subject_id", "kind", "value"),
        [
            (subject, kind, value)
            for (ids, _), subject in zip(wanted, resolved, strict=True)
            if subject is not None
            for kind, value in ids
        ],
        skip_conflicts=True,
    )
    return resolved, existing


_KNOWN = (
    f"SELECT kind, value, subject_id FROM {SubjectIdentifier._meta.db_table} "
    "WHERE kind {} AND value {}"
)


def _known_subjects(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    kinds, values = sorted({kind for kind, _ in pairs}), sorted({value for _, value in pairs})
    rows = select_in(_KNOWN, kinds, values)  # may find a (kind, value) not asked for: dropped
    return {(kind, value): subject for kind, value, subject in rows if (kind, value) in pairs}
