"""The live queue's rows as plain strings, made in Python: the queue is re-rendered every
3 s for every officer, and Django's template engine costs ~2 ms a row when each cell runs
its own filters and tags; here a row costs a few microseconds and the template only
places the strings (bench/desk_bench.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jeevanrekha.web import formatting, labels
from jeevanrekha.web.queries import QueueRow


@dataclass(frozen=True)
class QueueLine:
    """What one row of the queue shows."""

    pk: int
    ref: str
    href: str
    imminent: bool
    band: str
    band_word: str
    priority: int
    state_word: str
    review: bool
    repeat: bool
    alerts_badge: str
    risk_word: str
    imminent_word: str
    age: str
    age_title: str
    district: str
    state_name: str
    other_state: bool
    place_line: str
    needs_trace: bool
    due_iso: str
    due_time: str
    due_owner: str
    source: str
    post: str


def _place_line(row: QueueRow) -> str:
    case = row.case
    word = _("confidence")
    line = f"{word} {formatting.percent(case.location_confidence)}"
    return f"{line} · {case.police_station}" if case.police_station else line


def _due(row: QueueRow) -> tuple[str, str, str]:
    if row.deadline is None:
        return "", "", ""
    due = row.deadline
    owner = f"{labels.label(labels.TASK_KINDS, due.kind)}: {due.target}"
    if due.step:
        owner += " · " + _("step %(step)s") % {"step": due.step}
    return due.due_at.isoformat(), formatting.in_ist(due.due_at).strftime("%H:%M:%S"), owner


def line_of(row: QueueRow) -> QueueLine:
    """One queue row's strings (escaped by the template, as any variable)."""
    case, alert = row.case, row.alert
    location = case.location if isinstance(case.location, dict) else {}
    level4 = case.risk_level == 4
    since = case.post_created_at or case.opened_at
    due_iso, due_time, due_owner = _due(row)
    return QueueLine(
        pk=case.pk,
        ref=case.reference,
        href=reverse("case", args=[case.pk]),
        imminent=case.imminent or level4,
        band=row.band,
        band_word=labels.label(labels.BANDS, row.band),
        priority=row.priority,
        state_word=labels.label(labels.CASE_STATES, case.state),
        review=case.needs_review,
        repeat=case.is_repeat,
        alerts_badge=ngettext("%(n)s alert", "%(n)s alerts", row.alerts) % {"n": row.alerts}
        if row.alerts > 1
        else "",
        risk_word=str(labels.RISK_LEVELS.get(case.risk_level, case.risk_level))
        if case.risk_level is not None
        else "",
        imminent_word=_("imminent") if case.imminent and not level4 else "",
        age=formatting.short_age(row.age),
        age_title=formatting.in_ist(since).strftime("%d-%m-%Y %H:%M IST"),
        district=case.district,
        state_name=case.state_name,
        other_state=bool(location.get("other_state")),
        place_line=_place_line(row),
        needs_trace=bool(location.get("needs_trace")),
        due_iso=due_iso,
        due_time=due_time,
        due_owner=due_owner,
        source=f"{alert.platform} {alert.account_handle}" if alert else "",
        post=Truncator(alert.post_text).chars(160) if alert else "",
    )


def words() -> dict[str, str]:
    """The queue's fixed words in the request's language (looked up once per render)."""
    return {
        "priority": _("Priority"),
        "case": _("Case"),
        "risk": _("Risk"),
        "age": _("Post age"),
        "where": _("Where"),
        "due": _("Next deadline"),
        "post": _("Post"),
        "review": _("review"),
        "review_title": _("raised by the watch: confirm before acting"),
        "repeat": _("repeat"),
        "repeat_title": _("this person had cases before"),
        "alerts_title": _("alerts about this person"),
        "unassessed": _("not yet assessed"),
        "other": _("other state"),
        "unlocated": _("not yet located"),
        "trace": _("needs trace"),
        "trace_title": _("ask STF / telecom for a trace"),
    }


def _badges(line: QueueLine, w: dict[str, str]) -> SafeString:
    parts = []
    if line.review:
        parts.append(
            format_html(
                '<span class="badge review" title="{}">{}</span>', w["review_title"], w["review"]
            )
        )
    if line.repeat:
        parts.append(
            format_html(
                '<span class="badge repeat" title="{}">{}</span>', w["repeat_title"], w["repeat"]
            )
        )
    if line.alerts_badge:
        parts.append(
            format_html(
                '<span class="badge" title="{}">{}</span>', w["alerts_title"], line.alerts_badge
            )
        )
    return mark_safe(" ".join(parts))  # each part escaped by format_html


def _risk_cell(line: QueueLine, w: dict[str, str]) -> SafeString:
    risk = (
        escape(line.risk_word)
        if line.risk_word
        else format_html('<span class="muted">{}</span>', w["unassessed"])
    )
    if line.imminent_word:
        return format_html('{}<br><strong class="hot">{}</strong>', risk, line.imminent_word)
    return risk


def _where_cell(line: QueueLine, w: dict[str, str]) -> SafeString:
    if not line.district:
        where = format_html('<span class="muted">{}</span>', w["unlocated"])
    else:
        state = escape(line.state_name)
        if line.state_name and line.other_state:
            state = format_html(
                '<strong>{}</strong> <span class="badge other">{}</span>',
                line.state_name,
                w["other"],
            )
        comma = ", " if line.state_name else ""
        where = format_html(
            '{}{}{}<br><span class="muted">{}</span>', line.district, comma, state, line.place_line
        )
    if line.needs_trace:
        where = format_html(
            '{} <span class="badge trace" title="{}">{}</span>', where, w["trace_title"], w["trace"]
        )
    return where


def _due_cell(line: QueueLine) -> SafeString:
    if not line.due_iso:
        return mark_safe('<span class="muted">—</span>')
    return format_html(
        '<time class="countdown" datetime="{0}" data-due="{0}">{1}</time>'
        '<br><span class="muted">{2}</span>',
        line.due_iso,
        line.due_time,
        line.due_owner,
    )


def _post_cell(line: QueueLine) -> SafeString:
    if not line.source:
        return mark_safe("")
    return format_html('<span class="muted">{}</span><br>{}', line.source, line.post)


def row_html(line: QueueLine, w: dict[str, str]) -> SafeString:
    """One <tr> of the queue, every value escaped (format_html)."""
    return format_html(
        '<tr data-case="{pk}" data-ref="{ref}" data-href="{href}"{imm} class="band-row-{band}">'
        '<td data-label="{l_pri}"><span class="band band-{band}">{band_word}</span> '
        '<span class="muted">{pri}</span></td>'
        '<td data-label="{l_case}"><a class="case-link" href="{href}">{ref}</a> '
        '<span class="muted">{state}</span> {badges}</td>'
        '<td data-label="{l_risk}">{risk}</td>'
        '<td data-label="{l_age}"><span title="{age_title}">{age}</span></td>'
        '<td data-label="{l_where}">{where}</td>'
        '<td data-label="{l_due}">{due}</td>'
        '<td data-label="{l_post}" class="post">{post}</td></tr>\n',
        pk=line.pk, ref=line.ref, href=line.href,
        imm=mark_safe(' data-imminent="1"') if line.imminent else "",
        band=line.band, band_word=line.band_word, pri=line.priority, state=line.state_word,
        badges=_badges(line, w), risk=_risk_cell(line, w), age_title=line.age_title, age=line.age,
        where=_where_cell(line, w), due=_due_cell(line), post=_post_cell(line),
        l_pri=w["priority"], l_case=w["case"], l_risk=w["risk"], l_age=w["age"],
        l_where=w["where"], l_due=w["due"], l_post=w["post"],
    )  # fmt: skip


def rows_html(rows: list[QueueRow]) -> tuple[dict[str, str], SafeString]:
    """The queue's words and all its rows, ready for the template."""
    w = words()
    return w, mark_safe("".join(row_html(line_of(r), w) for r in rows))  # escaped per row
