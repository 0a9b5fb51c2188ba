"""What the desk pages call stored codes, in the reader's language.

The models keep stable codes (`dispatched`, `police_station`, `saved`, ...) and English
labels for the admin; the desk shows these translated words instead (the Hindi catalogue
is locale/hi/LC_MESSAGES/django.po). A code without a label is shown as it is.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

CASE_STATES: dict[str, Promise] = {
    "new": pgettext_lazy("case state", "New"),
    "triaged": pgettext_lazy("case state", "Triaged"),
    "locating": pgettext_lazy("case state", "Locating"),
    "located": pgettext_lazy("case state", "Located"),
    "dispatched": pgettext_lazy("case state", "Dispatched"),
    "on_scene": pgettext_lazy("case state", "On scene"),
    "resolved": pgettext_lazy("case state", "Resolved"),
    "follow_up": pgettext_lazy("case state", "Follow-up"),
    "closed": pgettext_lazy("case state", "Closed"),
    "forwarded": pgettext_lazy("case state", "Forwarded"),
    "cancelled": pgettext_lazy("case state", "Cancelled"),
}

BANDS: dict[str, Promise] = {
    "critical": _("critical"),
    "high": _("high"),
    "medium": _("medium"),
    "low": _("low"),
}

RISK_LEVELS: dict[int, Promise] = {
    0: _("0 · no risk"),
    1: _("1 · distress"),
    2: _("2 · ideation"),
    3: _("3 · plan or method"),
    4: _("4 · imminent"),
}

TASK_KINDS: dict[str, Promise] = {
    "police_station": _("Police station"),
    "vehicle_112": _("112 vehicle"),
    "trace": _("Location trace (STF / telecom)"),
    "other_state": _("Other state"),
    "counsellor": _("Counsellor"),
}

TASK_STATES: dict[str, Promise] = {
    "open": _("Waiting for acknowledgement"),
    "acknowledged": _("Acknowledged"),
    "done": _("Done"),
    "failed": _("Failed"),
    "cancelled": pgettext_lazy("task state", "Cancelled"),
}

REPORTS: dict[str, Promise] = {
    "acknowledge": _("Acknowledge"),
    "en_route": _("En route"),
    "on_scene": _("On scene"),
    "person_safe": _("Person safe"),
    "not_found": _("Not found"),
}

OUTCOMES: dict[str, Promise] = {
    "saved": _("Saved"),
    "not_found": _("Not found"),
    "false_alarm": _("False alarm"),
    "forwarded": _("Forwarded to another state"),
    "unreachable": _("Unreachable"),
    "deceased": _("Deceased"),
}

REASONS: dict[str, Promise] = {
    "location_unclear": _("Location unclear"),
    "other_state": _("In another state"),
    "dense_area": _("Dense, crowded area"),
    "phone_off": _("Phone switched off"),
    "late_alert": _("Alert arrived late"),
    "wrong_person": _("Wrong person identified"),
    "other": _("Other reason"),
}

VEHICLE_STATUSES: dict[str, Promise] = {
    "available": _("Available"),
    "assigned": _("Assigned by the desk"),
    "en_route": _("En route"),
    "on_scene": _("On scene"),
    "busy": _("Busy (other call)"),
    "off_duty": _("Off duty"),
}

CUES: dict[str, Promise] = {
    "suicide": _("suicide"),
    "wish_to_die": _("wish to die"),
    "method": _("method"),
    "plan": _("plan"),
    "time": _("time"),
    "goodbye": _("goodbye"),
    "act": _("act in progress"),
    "attempt": _("earlier attempt"),
    "distress": _("distress"),
    "negation": _("negation"),
    "hyperbole": _("hyperbole"),
    "lyrics": _("lyrics or quote"),
    "news": _("news"),
    "third_person": _("about someone else"),
    "awareness": _("awareness message"),
    "past": _("in the past"),
}

EVIDENCE_KINDS: dict[str, Promise] = {
    "post_text": _("Text of the post"),
    "profile_location": _("Profile location"),
    "address": _("Address"),
    "phone": _("Phone number"),
    "ip": _("IP address"),
    "tower": _("Tower / trace fix"),
    "pin": _("PIN code"),
}

IDENTIFIERS: dict[str, Promise] = {
    "handle": _("Account"),
    "phone": _("Phone"),
    "email": _("E-mail"),
    "url": _("Profile"),
    "post": _("Post link"),
}

CALL_RESULTS: dict[str, Promise] = {
    "answered": _("Answered"),
    "no_answer": _("Rang, no answer"),
    "switched_off": _("Switched off"),
    "busy": _("Busy"),
    "not_reachable": _("Not reachable"),
    "wrong_number": _("Wrong number"),
}

TIMELINE: dict[str, Promise] = {
    "alert_received": _("Alert received"),
    "case_opened": _("Case opened"),
    "alert_added_to_case": _("Another alert joined"),
    "case_triaged": _("Triaged"),
    "case_locating_started": _("Locating started"),
    "case_located": _("Located"),
    "case_jurisdiction_changed": _("Location moved to another jurisdiction"),
    "case_retargeted": _("Requests re-targeted to the new place"),
    "case_risk_assessed": _("Risk assessed"),
    "trace_fix_recorded": _("Trace fix recorded"),
    "handover_sent": _("Handed over to another state"),
    "case_dispatched": _("Dispatched"),
    "case_arrived": _("Police on scene"),
    "case_resolved": _("Resolved"),
    "case_follow_up_started": _("Follow-up started"),
    "case_closed": _("Closed"),
    "case_forwarded": _("Forwarded to another state"),
    "case_cancelled": _("Cancelled"),
    "case_reopened": _("Reopened"),
    "review_confirmed": _("Review: confirmed as a risk"),
    "review_dismissed": _("Review: dismissed"),
    "dispatch_confirmed": _("Dispatch confirmed"),
    "outcome_recorded": _("Outcome recorded"),
    "note_added": _("Note"),
    "call_logged": _("Phone call"),
    "task_created": _("Request sent"),
    "task_acknowledged": _("Request acknowledged"),
    "task_reported": _("Report from the field"),
    "task_escalated": _("Escalated"),
    "task_renotified": _("Notified again"),
    "task_reminded": _("Reminder sent"),
    "task_cancelled": _("Request cancelled"),
    "notification_sent": _("Message sent"),
    "notification_failed": _("Message could not be delivered"),
    "notification_pending": _("Message waiting to be sent"),
}


def label(table: dict[str, Promise], code: str | None) -> str:
    """The translated word for a code, or the code itself when the table has none."""
    if code is None:
        return ""
    found = table.get(code)
    return str(found) if found is not None else code
