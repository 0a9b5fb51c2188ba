"""OASIS CAP 1.2 for handing a case to another state's desk (pure: values in, XML out).

The message is ``scope`` Restricted (police use only): it carries the case reference, the
place (area description and a circle), the urgency, and whom to call; the person's details
go by phone between desks, not in a document that may be forwarded further.

:func:`validate` checks a document against the official CAP 1.2 XML Schema (``cap_xsd``)
and the rules of the standard's text that the schema cannot express.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from lxml import etree

NS = "urn:oasis:names:tc:emergency:cap:1.2"
_ID_FORBIDDEN = re.compile(r"[\s,<&]")


@dataclass(frozen=True)
class Handover:
    """What another state's desk needs to act on a case (also the EIDO document's input)."""

    identifier: str
    case_reference: str
    sender: str
    sender_name: str
    sent: datetime
    to_state: str
    district: str
    station: str
    lat: float | None
    lon: float | None
    radius_m: float | None
    risk_level: int | None
    imminent: bool
    confidence: float
    contact: str
    ack_url: str = ""


def _cap_time(value: datetime) -> str:
    """CAP's dateTime: seconds, and a numeric offset ('Z' is not allowed)."""
    if value.tzinfo is None:
        raise ValueError("CAP times must be timezone-aware")
    text = value.astimezone(UTC).replace(microsecond=0).isoformat()
    return text.replace("Z", "+00:00")


def _add(parent: etree._Element, name: str, text: str) -> etree._Element:
    child = etree.SubElement(parent, f"{{{NS}}}{name}")
    child.text = text
    return child


def _pair(parent: etree._Element, name: str, key: str, value: str) -> None:
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    _add(element, "valueName", key)
    _add(element, "value", value)


def build(h: Handover) -> bytes:
    """The CAP 1.2 alert for a handover, as UTF-8 XML."""
    root = etree.Element(f"{{{NS}}}alert", nsmap={None: NS})
    for name, text in (
        ("identifier", h.identifier),
        ("sender", h.sender),
        ("sent", _cap_time(h.sent)),
        ("status", "Actual"),
        ("msgType", "Alert"),
        ("scope", "Restricted"),
        ("restriction", "Police use only: a person at risk of suicide"),
        ("code", "IN-JEEVANREKHA-HANDOVER"),
        ("incidents", h.case_reference),
    ):
        _add(root, name, text)
    info = etree.SubElement(root, f"{{{NS}}}info")
    _add(info, "language", "en-IN")
    _add(info, "category", "Rescue")
    _add(info, "category", "Health")
    _add(info, "event", "Person at risk of suicide")
    _add(info, "responseType", "Execute")
    _add(info, "urgency", "Immediate")
    _add(info, "severity", "Extreme" if h.imminent else "Severe")
    _add(info, "certainty", "Likely" if h.confidence >= 0.5 else "Possible")
    _pair(info, "eventCode", "JR-RiskLevel", str(h.risk_level if h.risk_level is not None else -1))
    _add(info, "senderName", h.sender_name)
    _add(info, "headline", f"{h.case_reference}: person at risk of suicide in {h.to_state}")
    place = ", ".join(p for p in (h.station, h.district, h.to_state) if p)
    _add(
        info,
        "description",
        f"The Uttar Pradesh Police social-media desk located a person at risk in {place} "
        f"(location confidence {h.confidence:.2f}).",
    )
    _add(info, "instruction", "Send police to the area now, then acknowledge to the sender.")
    _add(info, "contact", h.contact)
    _pair(info, "parameter", "caseReference", h.case_reference)
    if h.ack_url:
        _pair(info, "parameter", "acknowledgeUrl", h.ack_url)
    area = etree.SubElement(info, f"{{{NS}}}area")
    _add(area, "areaDesc", place or h.to_state)
    if h.lat is not None and h.lon is not None:
        radius_km = max((h.radius_m or 1000.0) / 1000.0, 0.01)
        _add(area, "circle", f"{h.lat:.5f},{h.lon:.5f} {radius_km:.2f}")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


class InvalidCap(ValueError):
    """A document that is not valid CAP 1.2; the message names what is wrong."""


def validate(xml: bytes, xsd: Path) -> None:
    """Raise InvalidCap unless `xml` is valid against the CAP 1.2 schema and the text's rules."""
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    try:
        doc = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False))
    except etree.XMLSyntaxError as exc:
        raise InvalidCap(f"not XML: {exc}") from exc
    if not schema.validate(doc):
        raise InvalidCap("; ".join(str(e) for e in schema.error_log)[:2000])
    ns = {"c": NS}
    for tag in ("identifier", "sender"):
        value = doc.findtext(f"c:{tag}", namespaces=ns) or ""
        if _ID_FORBIDDEN.search(value):
            raise InvalidCap(f"{tag} must not contain spaces, commas, '<' or '&' (CAP 1.2, 3.2.1)")
    scope = doc.findtext("c:scope", namespaces=ns)
    if scope == "Restricted" and not doc.findtext("c:restriction", namespaces=ns):
        raise InvalidCap("scope Restricted needs a restriction (CAP 1.2, 3.2.1)")
    if scope == "Private" and not doc.findtext("c:addresses", namespaces=ns):
        raise InvalidCap("scope Private needs addresses (CAP 1.2, 3.2.1)")
