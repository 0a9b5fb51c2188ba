"""What the report calls stored codes, in the reader's language (the desk's own tables in
jeevanrekha/web/labels.py, plus the intake channels and "no reason given")."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from jeevanrekha.web import labels

CHANNELS: dict[str, Promise] = {
    "api": gettext_lazy("Webhook (platform or partner)"),
    "email": gettext_lazy("Email"),
    "form": gettext_lazy("Phone-in"),
    "monitor": gettext_lazy("Watch over public posts"),
    "file": gettext_lazy("File import"),
}
REASONS: dict[str, Promise] = {**labels.REASONS, "none_given": gettext_lazy("No reason given")}
OUTCOMES = labels.OUTCOMES
CASE_STATES = labels.CASE_STATES


def named(table: dict[str, Promise], counts: dict[str, int]) -> list[tuple[str, int]]:
    """(word, count) for each code, in the counts' order."""
    return [(labels.label(table, code), n) for code, n in counts.items()]
