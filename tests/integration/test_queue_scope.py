"""The live queue is for rescues: a case in follow-up leaves it (the counsellors have it on
/followup/); a resolved case waiting for its outcome stays."""

from __future__ import annotations

import pytest
from django.test import Client

from jeevanrekha.cases.models import Case
from tests.integration.test_desk_pages import cases

pytestmark = pytest.mark.django_db


def test_a_case_in_follow_up_leaves_the_live_queue(desk_client: Client) -> None:
    rescue, followed, resolved = cases(3)
    Case.objects.filter(pk=followed.pk).update(state="follow_up")
    Case.objects.filter(pk=resolved.pk).update(state="resolved")
    page = desk_client.get("/desk/queue/").content.decode()
    assert f'data-case="{rescue.pk}"' in page and f'data-case="{resolved.pk}"' in page
    assert f'data-case="{followed.pk}"' not in page
    assert desk_client.get(f"/cases/{followed.pk}/").status_code == 200  # still reachable
