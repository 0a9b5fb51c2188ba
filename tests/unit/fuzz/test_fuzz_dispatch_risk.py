"""Fuzzing the dispatch parsers (the partner API's reports and fixes, the escalation-ladder
document) and the risk model's text normaliser. The API's models may only raise pydantic's
ValidationError (answered 422), the ladders ImproperlyConfigured (named setting), and the
normaliser nothing at all."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from jeevanrekha.dispatch.api import FixIn, TaskReportIn, VehicleIn, VehicleReportIn
from jeevanrekha.dispatch.conf import parse_ladders
from jeevanrekha.dispatch.tracing import tower_evidence
from jeevanrekha.geo.evidence import parse_tower
from jeevanrekha.risk import text as risk_text
from jeevanrekha.risk.cues import find_cues
from tests.unit.fuzz.corpus import FUZZ, seeds, texts

MODELS: dict[str, type[BaseModel]] = {
    "task_report": TaskReportIn,
    "fix": FixIn,
    "vehicle": VehicleIn,
    "vehicle_report": VehicleReportIn,
}
FIELDS = ["report", "by", "lat", "lon", "radius_m", "observed_at", "status", "at", "kind"]
FIELDS += ["area", "station", "district", "steps", "notify", "ack_within_minutes"]
FIELDS += ["renotify_every_minutes", "remind_after_ack_minutes", "vehicle_112", "trace"]
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=5), children, max_size=5)
    ),
    max_leaves=20,
)


def dispatch_input(name: str, value: Any) -> None:
    try:
        parsed = MODELS[name].model_validate(value)
    except ValidationError:
        return
    # What the database cannot store never gets past the edge (found by schemathesis).
    assert "\\u0000" not in json.dumps(parsed.model_dump(mode="json"))
    if isinstance(parsed, FixIn):  # a valid fix always makes usable tower evidence
        assert parse_tower(tower_evidence(parsed.model_dump())) is not None


def ladders(value: Any) -> None:
    try:
        parse_ladders(value)
    except ImproperlyConfigured as exc:
        assert "DISPATCH_LADDERS" in str(exc) or "." in str(exc)


@pytest.mark.parametrize("path", seeds("dispatch_json"), ids=lambda b: str(len(b)))
def test_dispatch_corpus(path: bytes) -> None:
    case = json.loads(path)
    if case["parser"] == "ladders":
        ladders(case["input"])
    else:
        dispatch_input(case["parser"], case["input"])


@FUZZ
@given(name=st.sampled_from(sorted(MODELS)), value=values)
def test_partner_api_inputs(name: str, value: Any) -> None:
    dispatch_input(name, value)


@FUZZ
@given(value=values)
def test_ladder_documents(value: Any) -> None:
    ladders(value)


def normalised(value: str) -> None:
    out = risk_text.normalise(value)
    assert isinstance(out, str) and risk_text.normalise(value) == out  # pure
    assert risk_text.language(value) in {"hi", "en", "hinglish", "mixed"}
    cleaned = risk_text.clean(value)  # find_cues takes cleaned text (as the model does)
    for cue in find_cues(cleaned):
        assert 0 <= cue.start < cue.end <= len(cleaned)


@pytest.mark.parametrize("value", texts("risk_text"), ids=lambda t: str(len(t)))
def test_risk_text_corpus(value: str) -> None:
    normalised(value)


@FUZZ
@given(
    value=st.text(max_size=300)
    | st.text(st.sampled_from(list("aaj main marna chahta hun मैं आज मरना चाहता हूँ ्ँं.!?@#/")))
)
def test_risk_normaliser_takes_any_text(value: str) -> None:
    normalised(value)
