"""`jeevanrekha keys rotate`: a new key, every value re-encrypted online while the desk
serves case pages and intake takes alerts, the old key retired; resumable; audited once."""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from jeevanrekha.audit.models import AuditEvent
from jeevanrekha.cases.models import Case, CaseNote, Role
from jeevanrekha.crypto import keys, rotation
from jeevanrekha.crypto.fields import encrypted_fields
from jeevanrekha.intake.models import Alert, IntakeSource
from jeevanrekha.intake.signing import signed_headers
from tests.conftest import SECRET, SOURCE, desk_user, fixture_alert
from tests.integration.test_dispatch_workers import (  # noqa: F401 (fixtures)
    _audit_triggers_restored,
    committed,
)

CASES = 10_000


@pytest.fixture
def key_file(tmp_path: Path) -> Iterator[Path]:
    """The ring in use, written to a key file that rotation may change."""
    path = tmp_path / "field_keys.json"
    keys.write_file(path, keys.ring(refresh=True))
    with override_settings(FIELD_KEYS="", FIELD_KEY_FILE=str(path)):
        keys.forget()
        yield path
    keys.forget()


def fill(n: int) -> list[int]:
    """n cases, each with an alert and a note full of personal fields (bulk, fast)."""
    now = timezone.now()
    cases = Case.objects.bulk_create(
        [
            Case(
                state="new",
                district="Lucknow",
                location={"point": {"lat": 26.8 + i / 1e5, "lon": 80.9}, "radius_m": 500},
                opened_at=now - timedelta(minutes=i),
                state_changed_at=now,
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    Alert.objects.bulk_create(
        [
            Alert(
                idempotency_key=f"fill:{c.pk}",
                source="fill",
                platform="facebook",
                received_at=now,
                post_text=f"post {c.pk} of a person in distress",
                account_handle=f"person.{c.pk}",
                account_name=f"Person {c.pk}",
                evidence={"phone": f"+91 94150 {c.pk:05d}"},
                case=c,
            )
            for c in cases
        ],
        batch_size=1000,
    )
    CaseNote.objects.bulk_create(
        [CaseNote(case=c, kind="note", text=f"called {c.pk}", author="op", at=now) for c in cases],
        batch_size=1000,
    )
    return [c.pk for c in cases]


def everything_decrypts() -> int:
    """Read every encrypted value through the model layer; how many rows were read."""
    read = 0
    for model, fields in encrypted_fields().items():
        for row in model.objects.only("pk", *[f.name for f in fields]).iterator(chunk_size=2000):
            for f in fields:
                getattr(row, f.attname)
            read += 1
    return read


class Desk(threading.Thread):
    """Case page GETs and intake POSTs, one after the other, until stopped."""

    def __init__(self, client: Client, case_ids: list[int]) -> None:
        super().__init__(daemon=True)
        self.client, self.case_ids = client, case_ids
        self.stop, self.errors = threading.Event(), []  # type: list[str]
        self.pages = self.alerts = 0

    def run(self) -> None:
        rng, n = random.Random(5), 0
        try:
            while not self.stop.is_set():
                case_id = rng.choice(self.case_ids)
                page = self.client.get(f"/cases/{case_id}/")
                if page.status_code != 200:
                    self.errors.append(f"GET case {case_id}: {page.status_code}")
                self.pages += 1
                n += 1
                body = {**fixture_alert("alert_full"), "source_alert_id": f"rot-{n}"}
                raw = json.dumps(body).encode()
                reply = self.client.post(
                    "/api/v1/alerts",
                    data=raw,
                    content_type="application/json",
                    headers=signed_headers(SOURCE, SECRET, raw),
                )
                if reply.status_code != 202:
                    self.errors.append(f"POST alert: {reply.status_code} {reply.content[:200]!r}")
                self.alerts += 1
        except Exception as exc:  # any failure in the thread is the test's failure
            self.errors.append(repr(exc))
        finally:
            connection.close()


@pytest.mark.usefixtures("committed")
def test_rotation_of_10000_cases_while_the_desk_serves(key_file: Path) -> None:
    IntakeSource.objects.create(name=SOURCE, secret=SECRET)
    case_ids = fill(CASES)
    old = keys.ring().current
    desk = Desk(desk_user("rot-supervisor", Role.SUPERVISOR), case_ids)
    desk.start()
    time.sleep(0.5)  # the desk is busy before the rotation starts
    started = time.monotonic()
    try:
        done = rotation.rotate(new_key=True, actor="test", settle_seconds=0.3)
    finally:
        desk.stop.set()
        desk.join(timeout=60)
    took = time.monotonic() - started
    assert desk.errors == []
    assert desk.pages > 3 and desk.alerts > 3, (desk.pages, desk.alerts, took)
    assert done.current != old and done.retired == [old] and done.left == {}
    assert done.rewritten >= 3 * CASES  # at least location, post text and note of each case
    # Only the new key is left, in the file and in the data; everything reads with it.
    assert set(json.loads(key_file.read_text())["keys"]) == {done.current}
    assert rotation.totals(rotation.counts()).keys() == {done.current}
    keys.forget()
    assert everything_decrypts() >= 3 * CASES
    assert Alert.objects.get(idempotency_key=f"fill:{case_ids[7]}").account_name == (
        f"Person {case_ids[7]}"
    )
    events = list(AuditEvent.objects.filter(action__startswith="keys_rotation"))
    assert [e.action for e in events] == ["keys_rotation_started", "keys_rotation_finished"]
    assert events[1].after["rewritten"] == done.rewritten
    assert events[0].after["values_by_key"][old] >= 3 * CASES


class Stop(Exception):
    pass


@pytest.mark.django_db
def test_an_interrupted_rotation_resumes(key_file: Path) -> None:
    fill(300)
    old = keys.ring().current
    new = rotation.add_key()

    def interrupt(table: str, after: int) -> None:
        raise Stop  # after the first batch of the first table

    with pytest.raises(Stop):
        rotation.reencrypt(new, interrupt)
    mid = rotation.totals(rotation.counts())
    assert mid[new] > 0 and mid[old] > 0  # half-way: both keys in use, both in the ring
    assert everything_decrypts() > 0
    done = rotation.rotate(new_key=False, actor="test", settle_seconds=0)
    assert done.current == new and done.retired == [old]
    assert rotation.totals(rotation.counts()).keys() == {new}


@pytest.mark.django_db
def test_keys_status_and_rotate_commands(key_file: Path, capsys: Any) -> None:
    fill(5)
    old = keys.ring().current
    call_command("keys", "status")
    expected = rotation.totals(rotation.counts())[old]
    assert expected >= 5 * 3  # location, post text, note of each case at least
    assert f"{old} (current): {expected} values" in capsys.readouterr().out
    call_command("keys", "rotate")
    out = capsys.readouterr().out
    assert f"retired: {old}" in out
    call_command("keys", "status")
    status = capsys.readouterr().out
    assert old not in status and ": 0 values" not in status


@pytest.mark.django_db
def test_rotation_with_inline_keys_asks_for_the_new_key_first(settings: Any) -> None:
    settings.FIELD_KEYS = json.dumps(keys.ring(refresh=True).to_json())
    keys.forget()
    try:
        with pytest.raises(rotation.RotationError, match="FIELD_KEYS"):
            rotation.rotate(new_key=True)
    finally:
        keys.forget()


@pytest.mark.django_db
def test_blind_index_rotation_offline_keeps_lookups(key_file: Path, post_alert: Any) -> None:
    from jeevanrekha.cases.models import SubjectIdentifier
    from jeevanrekha.cases.subjects import known_subjects

    assert post_alert(fixture_alert("alert_full")).status_code == 202
    before = dict(SubjectIdentifier.objects.values_list("kind", "value"))
    subject = known_subjects({("phone", "+919415012345")})
    assert subject
    call_command("keys", "reindex")
    after = dict(SubjectIdentifier.objects.values_list("kind", "value"))
    assert after.keys() == before.keys() and not set(after.values()) & set(before.values())
    assert known_subjects({("phone", "+919415012345")}) == subject
    assert AuditEvent.objects.filter(action="keys_index_rotated").count() == 1
