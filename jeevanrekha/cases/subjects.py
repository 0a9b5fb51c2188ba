"""Recognising the person at risk from an alert's identifiers."""

from __future__ import annotations

import re
from datetime import datetime

from jeevanrekha.cases.models import Subject, SubjectIdentifier


def normalise_phone(raw: str) -> str:
    """Digits only, Indian numbers reduced to their 10-digit national form."""
    digits = re.sub(r"\D", "", raw)
    if len(digits) == 12 and digits.startswith("91"):
        return digits[2:]
    if len(digits) == 11 and digits.startswith("0"):
        return digits[1:]
    return digits


def identifiers_for(
    *, platform: str, handle: str, phone: str | None, profile_url: str | None
) -> list[tuple[str, str]]:
    """The (kind, value) pairs by which this alert's subject can be recognised."""
    found: list[tuple[str, str]] = []
    if handle:
        found.append(("handle", f"{platform}:{handle.lstrip('@').lower()}"))
    if phone and len(normalise_phone(phone)) >= 6:
        found.append(("phone", normalise_phone(phone)))
    if profile_url:
        found.append(("url", profile_url.rstrip("/").lower()))
    return found


Identifiers = list[tuple[str, str]]


def subjects_for(wanted: list[tuple[Identifiers, str]], at: datetime) -> list[Subject | None]:
    """For each (identifiers, display name): the subject known by any of them, or a new one.

    Call inside the action's transaction. Alerts in one batch that share an identifier get
    the same subject. Joining alerts of one subject into one case is issue #5's; here a
    subject only links the alerts and cases that share an identifier.
    """
    known = _known_subjects({pair for ids, _ in wanted for pair in ids})
    new_subjects: list[Subject] = []
    found: list[Subject | None] = []
    for ids, name in wanted:
        subject = next((known[pair] for pair in ids if pair in known), None)
        if subject is None and ids:
            subject = Subject(display_name=name[:200], created_at=at)
            new_subjects.append(subject)
        for pair in ids:
            known.setdefault(pair, subject)  # type: ignore[arg-type]
        found.append(subject)
    Subject.objects.bulk_create(new_subjects)
    SubjectIdentifier.objects.bulk_create(
        [
            SubjectIdentifier(subject=subject, kind=kind, value=value)
            for (ids, _), subject in zip(wanted, found, strict=True)
            if subject is not None
            for kind, value in ids
        ],
        ignore_conflicts=True,
    )
    return found


def _known_subjects(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Subject]:
    if not pairs:
        return {}
    rows = SubjectIdentifier.objects.filter(
        kind__in={kind for kind, _ in pairs}, value__in={value for _, value in pairs}
    ).select_related("subject")
    return {(r.kind, r.value): r.subject for r in rows if (r.kind, r.value) in pairs}
