"""CAP 1.2 XML against the official OASIS schema; the EIDO-style JSON against ours."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from lxml import etree

from jeevanrekha.dispatch.forwarding import cap, cap_xsd, eido

ROOT = Path(__file__).resolve().parents[3]
XSD = ROOT / "var" / "cap" / "CAP-v1.2.xsd"
SENT = datetime(2026, 9, 7, 3, 25, 11, 123456, tzinfo=UTC)


def handover(**kw: object) -> cap.Handover:
    fields: dict[str, object] = {
        "identifier": "JR-000042-H1",
        "case_reference": "JR-000042",
        "sender": "socialmedia-desk@up.police.invalid",
        "sender_name": "UP Police Social Media Centre",
        "sent": SENT,
        "to_state": "Bihar",
        "district": "Patna",
        "station": "Kotwali",
        "lat": 25.6093,
        "lon": 85.1376,
        "radius_m": 800.0,
        "risk_level": 4,
        "imminent": True,
        "confidence": 0.82,
        "contact": "+91-522-0000000",
    }
    fields.update(kw)
    return cap.Handover(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def xsd() -> Path:
    return cap_xsd.ensure(XSD)


def test_the_schema_is_the_official_one(xsd: Path) -> None:
    root = etree.parse(str(xsd)).getroot()
    assert root.get("targetNamespace") == "urn:oasis:names:tc:emergency:cap:1.2"
    assert "OASIS" in xsd.read_text(encoding="utf-8")[:200]


@pytest.mark.parametrize(
    "kw",
    [{}, {"lat": None, "lon": None}, {"risk_level": None, "imminent": False, "confidence": 0.2}],
)
def test_handover_cap_validates(xsd: Path, kw: dict[str, object]) -> None:
    xml = cap.build(handover(**kw))
    cap.validate(xml, xsd)
    doc = etree.fromstring(xml)
    ns = {"c": cap.NS}
    assert doc.findtext("c:sent", namespaces=ns) == "2026-09-07T03:25:11+00:00"
    assert doc.findtext("c:incidents", namespaces=ns) == "JR-000042"


def test_schema_rejects_a_broken_alert(xsd: Path) -> None:
    xml = cap.build(handover())
    broken = xml.replace(b"<urgency>Immediate</urgency>", b"<urgency>Now!</urgency>")
    with pytest.raises(cap.InvalidCap, match="urgency"):
        cap.validate(broken, xsd)
    reordered = xml.replace(b"<status>Actual</status>", b"").replace(
        b"<msgType>Alert</msgType>", b"<msgType>Alert</msgType><status>Actual</status>"
    )
    with pytest.raises(cap.InvalidCap):
        cap.validate(reordered, xsd)


def test_rules_of_the_text_beyond_the_schema(xsd: Path) -> None:
    with pytest.raises(cap.InvalidCap, match="spaces"):
        cap.validate(cap.build(handover(identifier="JR 42")), xsd)
    no_restriction = cap.build(handover()).replace(
        b"<restriction>Police use only: a person at risk of suicide</restriction>", b""
    )
    with pytest.raises(cap.InvalidCap, match="restriction"):
        cap.validate(no_restriction, xsd)


def test_eido_document_validates_against_the_project_schema() -> None:
    doc = eido.build(handover(), note="call the UP desk")
    assert eido.errors(doc) == []
    assert doc["locationComponent"][0]["geo"]["coordinates"] == [85.1376, 25.6093]
    without_point = eido.build(handover(lat=None, lon=None))
    assert eido.errors(without_point) == []
    assert "geo" not in without_point["locationComponent"][0]
    json.dumps(doc)  # plain JSON


def test_eido_schema_rejects_what_it_should() -> None:
    doc = eido.build(handover())
    doc["incidentComponent"]["riskLevel"] = 7
    del doc["locationComponent"][0]["civicAddress"]["A1"]
    doc["surprise"] = True
    problems = eido.errors(doc)
    assert any("riskLevel" in p for p in problems)
    assert any("A1" in p for p in problems)
    assert any("surprise" in p for p in problems)
