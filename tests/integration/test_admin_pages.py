"""The admin pages for the desk's set-up: every change is audited, keys never shown."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from jeevanrekha.audit import chain
from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.bus.models import OutboxMessage
from jeevanrekha.cases.models import DeskProfile, Role
from jeevanrekha.dispatch.models import Contact, Partner, Vehicle
from jeevanrekha.geo.models import Station
from jeevanrekha.intake.checks import forget_sources, source_secret
from jeevanrekha.intake.models import IntakeSource
from tests.conftest import desk_user
from tests.unit.dispatch.support import add_vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client() -> Client:
    forget_sources()
    return desk_user("admin1", Role.ADMIN)


def events(action: str, object_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, object_type=object_type).order_by("seq"))


def form_of(client: Client, url: str) -> dict[str, Any]:
    """The change form's current values, as a browser would post them back."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None or name in ("password", "secret"):
            continue
        if isinstance(value, bool):
            if value:
                data[name] = "on"
            continue
        data[name] = value
    return data


def test_taking_a_vehicle_off_duty_is_audited(admin_client: Client) -> None:
    add_vehicle("PRV-LKO-7", 26.86, 80.95, timezone.now())
    vehicle = Vehicle.objects.get(code="PRV-LKO-7")
    url = f"/admin/dispatch/vehicle/{vehicle.pk}/change/"
    data = form_of(admin_client, url) | {"status": "off_duty"}
    reply = admin_client.post(url, data)
    assert reply.status_code == 302, reply.context["adminform"].form.errors if reply.context else ""
    assert Vehicle.objects.get(pk=vehicle.pk).status == "off_duty"
    (event,) = events("configuration_changed", "dispatch.vehicle")
    assert event.actor == "user:admin1" and event.object_id == str(vehicle.pk)
    assert event.before == {"status": "available"} and event.after == {"status": "off_duty"}
    published = OutboxMessage.objects.get(topic="configuration_changed")
    assert published.payload["object_type"] == "dispatch.vehicle"
    assert chain.verify()[1] is None


def test_a_contact_added_then_deleted(admin_client: Client) -> None:
    reply = admin_client.post(
        "/admin/dispatch/contact/add/",
        {
            "scope": "district:Lucknow",
            "role": "station_house_officer",
            "transport": "sms",
            "address": "+919800000001",
            "name": "SHO Hazratganj",
            "active": "on",
        },
    )
    assert reply.status_code == 302
    contact = Contact.objects.get()
    (added,) = events("configuration_added", "dispatch.contact")
    assert added.after["address"] == "+919800000001" and added.before is None
    reply = admin_client.post(f"/admin/dispatch/contact/{contact.pk}/delete/", {"post": "yes"})
    assert reply.status_code == 302 and not Contact.objects.exists()
    (deleted,) = events("configuration_deleted", "dispatch.contact")
    assert deleted.object_id == str(contact.pk) and "SHO" not in str(deleted.after)
    assert chain.verify()[1] is None


def test_no_bulk_deletion_from_the_list(admin_client: Client) -> None:
    page = admin_client.get("/admin/dispatch/contact/")
    assert page.status_code == 200 and b"delete_selected" not in page.content


def test_a_partner_key_is_never_shown_nor_audited(admin_client: Client) -> None:
    reply = admin_client.post("/admin/dispatch/partner/add/", {"name": "up112", "active": "on"})
    assert reply.status_code == 302
    partner = Partner.objects.get()
    assert len(partner.secret) >= 32  # made for it, and shown once in a message
    made = partner.secret
    url = f"/admin/dispatch/partner/{partner.pk}/change/"
    assert made.encode() in admin_client.get(url).content  # the one message that shows it
    assert made.encode() not in admin_client.get(url).content  # and never again
    # Saved without a key: the key stays. A short key is refused.
    assert admin_client.post(url, {"name": "up112"}).status_code == 302
    partner.refresh_from_db()
    assert partner.secret == made and not partner.active
    refused = admin_client.post(url, {"name": "up112", "secret": "short"})
    assert refused.status_code == 200 and b"At least 32 characters" in refused.content
    new_key = "n" * 40
    assert admin_client.post(url, {"name": "up112", "secret": new_key}).status_code == 302
    partner.refresh_from_db()
    assert partner.secret == new_key
    trail = " ".join(str((e.before, e.after)) for e in AuditEvent.objects.all())
    assert made not in trail and new_key not in trail
    changed = events("configuration_changed", "dispatch.partner")
    assert changed[-1].after == {"secret": "(changed)"}
    assert changed[0].after == {"active": False} and changed[0].before == {"active": True}


def test_an_intake_source_re_keyed_here_takes_effect_at_once(
    admin_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    source = IntakeSource.objects.create(name="meta-safety", secret="o" * 40)
    assert source_secret("meta-safety") == "o" * 40  # now cached by this process
    url = f"/admin/intake/intakesource/{source.pk}/change/"
    with django_capture_on_commit_callbacks(execute=True):
        reply = admin_client.post(url, {"name": "meta-safety", "secret": "p" * 40, "active": "on"})
    assert reply.status_code == 302
    assert source_secret("meta-safety") == "p" * 40


def test_a_role_change_is_audited_and_sets_the_admin_flags(admin_client: Client) -> None:
    desk_user("op2", Role.OPERATOR)
    user = get_user_model().objects.get(username="op2")
    profile = DeskProfile.objects.get(user=user)
    url = f"/admin/auth/user/{user.pk}/change/"
    data = form_of(admin_client, url) | {
        "desk_profile-TOTAL_FORMS": "1",
        "desk_profile-INITIAL_FORMS": "1",
        "desk_profile-MIN_NUM_FORMS": "1",
        "desk_profile-MAX_NUM_FORMS": "1",
        "desk_profile-0-id": str(profile.pk),
        "desk_profile-0-user": str(user.pk),
        "desk_profile-0-role": "admin",
        "desk_profile-0-district": "",
    }
    data.pop("last_login", None)
    data.pop("date_joined", None)
    reply = admin_client.post(url, data)
    assert reply.status_code == 302, reply.context["adminform"].form.errors if reply.context else ""
    user.refresh_from_db()
    assert user.is_staff and user.is_superuser
    (event,) = events("configuration_changed", "auth.user")
    assert event.before == {
        "role": "operator",
        "is_staff": False,
        "is_superuser": False,
    }
    assert event.after.pop("note") == "changed desk profile op2 (admin)"
    assert event.after == {"role": "admin", "is_staff": True, "is_superuser": True}


def test_a_station_corrected_here_is_audited(admin_client: Client) -> None:
    station = Station.objects.create(
        name="Hazratganj",
        district="Lucknow",
        state="Uttar Pradesh",
        lat=26.0,
        lon=80.0,
        imported_at=timezone.now() - timedelta(days=3),
    )
    url = f"/admin/geo/station/{station.pk}/change/"
    data = form_of(admin_client, url) | {"lat": "26.8500", "lon": "80.9400"}
    data.pop("jurisdiction", None)
    reply = admin_client.post(url, data | {"jurisdiction": "null"})
    assert reply.status_code == 302, reply.context["adminform"].form.errors if reply.context else ""
    (event,) = events("configuration_changed", "geo.station")
    assert event.before == {"lat": 26.0, "lon": 80.0}
    assert event.after == {"lat": 26.85, "lon": 80.94}


def test_the_ladder_page_shows_rungs_nobody_answers(admin_client: Client) -> None:
    Contact.objects.create(
        scope="default", role="station_duty_officer", transport="email", address="a@x.invalid"
    )
    page = admin_client.get("/admin/ladders/")
    assert page.status_code == 200
    ladders = {ladder.kind: ladder for ladder in page.context["ladders"]}
    station = ladders["police_station"]
    assert station.rungs[0].role == "station_duty_officer" and station.rungs[0].contacts == 1
    assert station.rungs[1].contacts == 0
    assert b"nobody is paged" in page.content
    index = admin_client.get("/admin/")
    assert b"/admin/ladders/" in index.content


def test_the_admin_is_for_administrators_only() -> None:
    operator = desk_user("op3", Role.OPERATOR)
    assert operator.get("/admin/ladders/").status_code == 403
    assert operator.get("/admin/dispatch/vehicle/").status_code == 403
