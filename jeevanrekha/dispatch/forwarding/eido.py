"""An EIDO-style JSON incident document for a handover, and its check (pure).

Modelled on NENA's Emergency Incident Data Object (component names from NENA-STA-024);
the project's own JSON Schema (``eido.schema.json``, draft 2020-12) says what is required.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from jeevanrekha.dispatch.forwarding.cap import Handover

SCHEMA_PATH = Path(__file__).with_name("eido.schema.json")


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


def build(h: Handover, *, note: str = "") -> dict[str, Any]:
    """The EIDO-style document for a handover."""
    sent = h.sent.isoformat()
    location: dict[str, Any] = {
        "locationReference": f"{h.case_reference}-loc-1",
        "civicAddress": {"country": "IN", "A1": h.to_state},
        "confidence": round(h.confidence, 3),
    }
    if h.district:
        location["civicAddress"]["A2"] = h.district
    if h.station:
        location["civicAddress"]["PS"] = h.station
    if h.lat is not None and h.lon is not None:
        location["geo"] = {
            "type": "Circle",
            "coordinates": [round(h.lon, 6), round(h.lat, 6)],
            "radiusMeters": float(h.radius_m or 1000.0),
        }
    doc: dict[str, Any] = {
        "$schema": schema()["$id"],
        "eidoMessageIdentifier": h.identifier,
        "lastUpdateTimeStamp": sent,
        "incidentComponent": {
            "incidentTrackingIdentifier": h.case_reference,
            "incidentTypeCommonRegistryText": "Person at risk of suicide",
            "incidentStatusCommonRegistryText": "Forwarded",
            "urgency": "Immediate",
            "riskLevel": h.risk_level,
            "imminent": h.imminent,
        },
        "locationComponent": [location],
        "agencyComponent": [
            {
                "agencyIdentifier": h.sender,
                "agencyName": h.sender_name,
                "role": "sender",
                "contact": h.contact,
            },
            {
                "agencyIdentifier": f"state:{h.to_state}",
                "agencyName": h.to_state,
                "role": "receiver",
            },
        ],
        "notesComponent": [{"noteDateTimeStamp": sent, "noteText": note[:2000]}] if note else [],
    }
    if h.ack_url:
        doc["acknowledgeUrl"] = h.ack_url
    return doc


def errors(doc: Any) -> list[str]:
    """What is wrong with a document against the schema (empty: valid)."""
    validator = Draft202012Validator(schema(), format_checker=FormatChecker())
    return [
        f"{'/'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
        for e in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    ]
