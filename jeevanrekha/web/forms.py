"""The alert a desk user types in: a phone call, or a quarantined raw alert read by eye.

`typed_alert(data, source)` turns the form's fields into the same JSON alert document a
platform posts, so it goes through the same parser, idempotency and case rules.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

PLATFORMS = [
    ("phone", _("Phone call")),
    ("facebook", "Facebook"),
    ("instagram", "Instagram"),
    ("x", "X / Twitter"),
    ("youtube", "YouTube"),
    ("whatsapp", "WhatsApp"),
    ("other", _("Other")),
]


class TypedAlertForm(forms.Form):
    """Keyboard-first: the fields in the order a call goes; only what was said is required."""

    said = forms.CharField(
        label=_("What was said"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3, "autofocus": True}),
    )
    caller_name = forms.CharField(label=_("Caller"), max_length=200, required=False)
    callback = forms.RegexField(
        label=_("Callback number"),
        regex=r"^\+?[0-9 ()\-]{6,40}$",
        max_length=40,
        required=False,
        error_messages={"invalid": _("digits, spaces, + ( ) - only")},
    )
    about_caller = forms.BooleanField(
        label=_("The caller is the person at risk"), required=False, initial=True
    )
    person_name = forms.CharField(label=_("Person at risk"), max_length=200, required=False)
    person_phone = forms.RegexField(
        label=_("Their phone"),
        regex=r"^\+?[0-9 ()\-]{6,40}$",
        max_length=40,
        required=False,
        error_messages={"invalid": _("digits, spaces, + ( ) - only")},
    )
    location = forms.CharField(
        label=_("Where (address, place, landmark)"), max_length=500, required=False
    )
    platform = forms.ChoiceField(label=_("Seen on"), choices=PLATFORMS, initial="phone")
    handle = forms.CharField(label=_("Account / handle"), max_length=200, required=False)
    post_url = forms.URLField(
        label=_("Post link"), max_length=2000, required=False, assume_scheme="https"
    )


def typed_alert(data: dict[str, Any], *, source: str, received_at: str) -> dict[str, Any]:
    """The JSON alert document for a filled-in TypedAlertForm."""
    about_caller = bool(data.get("about_caller"))
    name = data.get("caller_name", "") if about_caller else data.get("person_name", "")
    phone = data.get("callback", "") if about_caller else data.get("person_phone", "")
    evidence: dict[str, Any] = {}
    if phone:
        evidence["phone"] = phone
    if data.get("location"):
        evidence["address"] = data["location"]
    post: dict[str, Any] = {"text": data["said"]}
    if data.get("post_url"):
        post["url"] = data["post_url"]
    document: dict[str, Any] = {
        "source": source,
        "platform": data.get("platform") or "phone",
        "received_at": received_at,
        "post": post,
        "account": {"name": name, "handle": data.get("handle", "")},
        "evidence": evidence,
        "reporter": {"name": data.get("caller_name", ""), "phone": data.get("callback", "")},
    }
    return document
