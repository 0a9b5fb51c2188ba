"""Recognising the person at risk from an alert's identifiers."""

from __future__ import annotations

import re
from datetime import datetime

from django.db.models import Q

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


def find_or_create_subject(
    identifiers: list[tuple[str, str]], display_name: str, at: datetime
) -> Subject | None:
    """The subject known by any of these identifiers, or a new one. Call inside a transaction.

    Joining alerts of one subject into one case is issue #5's; here a subject only links
    the alerts and cases that share an identifier.
    """
    if not identifiers:
        return None
    match = Q()
    for kind, value in identifiers:
        match |= Q(kind=kind, value=value)
    known = SubjectIdentifier.objects.filter(match).select_related("subject").first()
    subject = (
        known.subject if known else Subject.objects.create(display_name=display_name, created_at=at)
    )
    SubjectIdentifier.objects.bulk_create(
        [SubjectIdentifier(subject=subject, kind=k, value=v) for k, v in identifiers],
        ignore_conflicts=True,
    )
    return subject
