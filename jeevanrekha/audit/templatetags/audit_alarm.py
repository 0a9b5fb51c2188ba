"""`{% audit_alarm %}`: the banner a broken audit chain puts on supervisors' and admins' pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from jeevanrekha.audit import watch

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_alarm(context: dict[str, Any]) -> SafeString | str:
    """The banner, or nothing (one query, for signed-in supervisors and admins only)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    broken = watch.alarm_for(user)
    if broken is None:
        return ""
    text = _(
        "The audit trail is broken at row %(seq)s: a record was changed or removed outside "
        "the application. Run “jeevanrekha audit verify” and see docs/security.md."
    ) % {"seq": broken.broken_seq}
    return format_html('<p class="flag audit-alarm" role="alert">{}</p>', text)
