"""Issue #7: every URL of the app, asked by every role, answers as docs/access-matrix.md says.

The URL list is read from the resolver (config.urls), so a new URL without a row in the
matrix fails here, and so does a row whose URL is gone. Each role signs in once through the
real pages (password, TOTP code); each row is then asked in a fresh copy of that session,
so that a sign-out row does not sign out the rows after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from jeevanrekha.cases.actions import do_create_desk_user
from jeevanrekha.cases.models import Case, Role, Task, TaskKind
from jeevanrekha.dispatch.models import AckLink, Contact, Partner
from jeevanrekha.dispatch.notify import link_token
from jeevanrekha.followup.models import FollowUp, FollowUpCheck
from jeevanrekha.geo.models import Station
from jeevanrekha.intake.models import RawAlert, RawAlertStatus
from tests.conftest import DESK_PASSWORD, PostAlert, enrolled_device, fixture_alert, sign_in
from tests.unit.dispatch.support import add_vehicle

DOC = Path(__file__).resolve().parents[2] / "docs" / "access-matrix.md"
# Column keys of the matrix, in order, with the account that plays each (None: nobody).
COLUMNS: dict[str, tuple[Role, str] | None] = {
    "anonymous": None,
    "operator": (Role.OPERATOR, ""),
    "supervisor": (Role.SUPERVISOR, ""),
    "district_officer": (Role.DISTRICT_OFFICER, "Lucknow"),  # the sample case's district
    "other_district": (Role.DISTRICT_OFFICER, "Agra"),
    "stf_analyst": (Role.STF_ANALYST, ""),
    "counsellor": (Role.COUNSELLOR, ""),
    "auditor": (Role.AUDITOR, ""),
    "admin": (Role.ADMIN, ""),
}
CELL = re.compile(r"^(\d{3})( login)?$")


# --- the URLs of the app ---------------------------------------------------------------------


def _join(prefix: str, route: str) -> str:
    """Join routes as Django's ResolverMatch.route does."""
    return prefix + route.removeprefix("^") if prefix else route


def app_routes(resolver: URLResolver | None = None, prefix: str = "") -> list[str]:
    """Every URL pattern of config.urls, as the route strings Django resolves to."""
    found: list[str] = []
    for entry in (resolver or get_resolver()).url_patterns:
        route = _join(prefix, str(entry.pattern))
        if isinstance(entry, URLResolver):
            found += app_routes(entry, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


# --- the written matrix ----------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    route: str
    method: str
    expected: dict[str, str]


def _cells(line: str) -> list[str]:
    parts = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [part.strip().replace("\\|", "|") for part in parts]


def matrix_rows() -> list[Row]:
    """The rows of the matrix's table: `route` | METHOD | one answer per column | note."""
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = _cells(line) if line.startswith("| `") else []
        if not cells:
            continue
        route = cells[0].strip("`").removeprefix("/")
        answers = cells[2 : 2 + len(COLUMNS)]  # then a note
        assert len(answers) == len(COLUMNS), f"{route}: {len(answers)} answers, not {len(COLUMNS)}"
        for answer in answers:
            assert CELL.match(answer), f"{route}: {answer!r} is not e.g. 200, 403, 302 login"
        rows.append(Row(route, cells[1], dict(zip(COLUMNS, answers, strict=True))))
    return rows


def test_the_matrix_has_a_row_for_every_url_and_no_other() -> None:
    routes = set(app_routes())
    written = {row.route for row in matrix_rows()}
    missing = sorted(routes - written)
    assert not missing, "URLs without a row in docs/access-matrix.md: " + ", ".join(
        f"`/{route}`" for route in missing
    )
    gone = sorted(written - routes)
    assert not gone, "rows of docs/access-matrix.md whose URL is gone: " + ", ".join(gone)


# --- asking each URL as each role -----------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """Real objects to put in the URLs: the case is in Lucknow."""

    values: dict[str, str]
    admin_objects: dict[str, str]


def make_sample(post_alert: PostAlert) -> Sample:
    now = timezone.now()
    alert = fixture_alert("alert_full")
    case_id = int(post_alert(alert).json()["case_id"])
    Case.objects.filter(pk=case_id).update(district="Lucknow", state_name="Uttar Pradesh")
    post_alert(b"{broken")
    raw = RawAlert.objects.filter(status=RawAlertStatus.QUARANTINED).order_by("pk").last()
    assert raw is not None
    task = Task.objects.create(
        case_id=case_id, kind=TaskKind.TRACE, target="STF cyber cell", created_at=now
    )
    AckLink.objects.create(
        link_id="sample-link",
        task=task,
        recipient="stf email:stf@example.invalid",
        created_at=now,
        expires_at=now + timedelta(hours=6),
    )
    add_vehicle("PRV-LKO-7", 26.86, 80.95, now)
    follow_up = FollowUp.objects.create(
        case_id=case_id, referral="Tele-MANAS 14416", started_at=now, started_by="test"
    )
    check = FollowUpCheck.objects.create(
        follow_up=follow_up, number=1, label="24h", scheduled_at=now, state="due"
    )
    # Objects for the admin's set-up pages (stations, contacts, partners).
    Station.objects.create(
        name="Hazratganj",
        district="Lucknow",
        state="Uttar Pradesh",
        lat=26.85,
        lon=80.94,
        imported_at=now,
    )
    Contact.objects.create(
        scope="district:Lucknow",
        role="station_house_officer",
        transport="email",
        address="sho@example.invalid",
    )
    Partner.objects.create(name="up112", secret="k" * 40, created_at=now)
    group, _ = Group.objects.get_or_create(name="operator")
    do_create_desk_user("sample.person", Role.OPERATOR, "", DESK_PASSWORD, actor="test")
    enrolled_device("sample.person")  # an object for the admin's TOTP device pages
    user = get_user_model().objects.get(username="sample.person")
    values = {
        "case_id": str(case_id),
        "raw_id": str(raw.pk),
        "task_id": str(task.pk),
        "check_id": str(check.pk),
        "token": link_token("sample-link"),
        "code": "PRV-LKO-7",
        "content_type_id": str(ContentType.objects.get_for_model(user).pk),
        "id": str(user.pk),
        "url": "no-such-page/",
        "state": "Uttar%20Pradesh",
    }
    return Sample(values, {"auth/group": str(group.pk)})


def _admin_object(route: str, sample: Sample) -> str | None:
    """The pk of an existing object of the model an admin URL is about."""
    found = re.match(r"admin/(\w+)/(\w+)/<(path:object_id|int:pk)>", route)
    if not found:
        return None
    key = f"{found.group(1)}/{found.group(2)}"
    if key in sample.admin_objects:
        return sample.admin_objects[key]
    first = apps.get_model(found.group(1), found.group(2)).objects.order_by("pk").first()
    return str(first.pk) if first is not None else None


def sample_path(route: str, sample: Sample) -> str:
    """A real path for a route, filled with the sample's objects."""
    values = dict(sample.values)
    admin_object = _admin_object(route, sample)
    if admin_object is not None:
        values["object_id"] = values["pk"] = admin_object
    elif "object_id" in route:
        values["object_id"] = values["id"]

    def typed(match: re.Match[str]) -> str:
        name = match.group(2)
        assert name in values, f"{route}: give <{name}> a sample value in make_sample()"
        return values[name]

    def regex(match: re.Match[str]) -> str:
        return values.get(match.group(1)) or match.group(2).split("|")[0]

    path = re.sub(r"\(\?P<(\w+)>([^)]*)\)", regex, route)
    path = re.sub(r"<(?:(\w+):)?(\w+)>", typed, path)
    return "/" + path.replace("^", "").replace("$", "")


def signed_in_session(column: str) -> dict[str, Any]:
    """Sign in as this column's role through the real pages; the session's contents."""
    spec = COLUMNS[column]
    if spec is None:
        return {}
    role, district = spec
    do_create_desk_user(column, role, district, DESK_PASSWORD, actor="test")
    client = sign_in(Client(), column)
    return dict(client.session.items())


def fresh_client(session_data: dict[str, Any]) -> Client:
    """A client in a new session holding the same sign-in."""
    client = Client()
    if session_data:
        store = import_module(settings.SESSION_ENGINE).SessionStore()
        store.update(session_data)
        store.create()
        client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return client


def answer(response: Any) -> str:
    status = str(response.status_code)
    if response.status_code == 302 and response["Location"].split("?")[0] == "/login/":
        status += " login"
    return status


@pytest.mark.django_db
@pytest.mark.parametrize("column", list(COLUMNS))
def test_every_url_answers_each_role_as_the_matrix_says(
    column: str, post_alert: PostAlert, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sample = make_sample(post_alert)
    session_data = signed_in_session(column)
    wrong = []
    for row in matrix_rows():
        path = sample_path(row.route, sample)
        assert resolve(path).route == row.route, f"{path} does not lead to {row.route}"
        client = fresh_client(session_data)
        response = getattr(client, row.method.lower())(path)
        got = answer(response)
        if got != row.expected[column]:
            wrong.append(
                f"{row.method} {path} ({row.route}): {got}, matrix says {row.expected[column]}"
            )
    assert not wrong, f"{column}:\n" + "\n".join(wrong)
