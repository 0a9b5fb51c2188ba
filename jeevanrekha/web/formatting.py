"""How numbers, times and risk cues are shown to people on the desk.

Numbers use the Indian system (12,34,567), times are India Standard Time whatever the
server's zone, ages are short ("12 min", "2 h 05 min"), and the post is shown with its risk
cues marked, escaped piece by piece so that a post can never inject markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from jeevanrekha.risk.text import clean
from jeevanrekha.web import labels

IST = ZoneInfo("Asia/Kolkata")


def indian_number(value: Any) -> str:
    """12345678 -> "1,23,45,678"; decimals are kept as given; non-numbers unchanged."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return str(value)
    text = str(value)
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, dot, fraction = text.partition(".")
    if not whole.isdigit():
        return str(value)
    if len(whole) > 3:
        head, tail = whole[:-3], whole[-3:]
        groups: list[str] = []
        while len(head) > 2:
            groups.insert(0, head[-2:])
            head = head[:-2]
        if head:
            groups.insert(0, head)
        whole = ",".join([*groups, tail])
    return f"{sign}{whole}{dot}{fraction}"


def percent(value: float | None) -> str:
    """A 0..1 confidence as a whole percentage ("" when unknown)."""
    return "" if value is None else f"{round(float(value) * 100):d}%"


def in_ist(value: datetime) -> datetime:
    """The same instant on India Standard Time (naive values are taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(IST)


def short_age(delta: timedelta) -> str:
    """A duration as the desk says it: "40 s", "12 min", "2 h 05 min", "3 d 4 h"."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return _("%(s)d s") % {"s": seconds}
    minutes = seconds // 60
    if minutes < 60:
        return _("%(m)d min") % {"m": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    days, hours = divmod(hours, 24)
    return _("%(d)s d %(h)d h") % {"d": indian_number(days), "h": hours}


def countdown(due: datetime, now: datetime) -> tuple[str, bool]:
    """("in 2 min" or "overdue 40 s", overdue?) for a deadline."""
    if due >= now:
        return _("in %(age)s") % {"age": short_age(due - now)}, False
    return _("overdue %(age)s") % {"age": short_age(now - due)}, True


@dataclass(frozen=True)
class Piece:
    """A run of the post's text, and the cue that covers it (None: plain text)."""

    text: str
    kind: str = ""
    effect: str = ""


def cue_pieces(text: str, cues: list[dict[str, Any]]) -> list[Piece]:
    """Cut the cleaned post into plain and cue runs; overlapping cues: the first one wins."""
    cleaned = clean(text or "")
    spans = []
    for cue in cues:
        start, end = cue.get("start"), cue.get("end")
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(cleaned):
            spans.append((start, end, str(cue.get("kind", "")), str(cue.get("effect", ""))))
    pieces, at = [], 0
    for start, end, kind, effect in sorted(spans):
        if start < at:
            continue  # overlaps the cue before it
        if start > at:
            pieces.append(Piece(cleaned[at:start]))
        pieces.append(Piece(cleaned[start:end], kind, effect))
        at = end
    if at < len(cleaned):
        pieces.append(Piece(cleaned[at:]))
    return pieces


def post_with_cues(text: str, risk: Any) -> SafeString:
    """The post as HTML with each cue in a <mark> that names it (escaped throughout)."""
    cues = risk.get("cues") if isinstance(risk, dict) else None
    pieces = cue_pieces(text, cues if isinstance(cues, list) else [])
    out = []
    for piece in pieces:
        if not piece.kind:
            out.append(escape(piece.text))
            continue
        word = labels.label(labels.CUES, piece.kind)
        raised = piece.effect != "lowered"
        title = _("raises the risk: %(cue)s") if raised else _("lowers the risk: %(cue)s")
        css = "cue cue-up" if raised else "cue cue-down"
        out.append(
            format_html(
                '<mark class="{}" title="{}" data-cue="{}">{}</mark>',
                css,
                title % {"cue": word},
                piece.kind,
                piece.text,
            )
        )
    return mark_safe("".join(str(part) for part in out))  # every part escaped above
