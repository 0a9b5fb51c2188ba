"""IP address -> Indian state, from the offline DB-IP City Lite database (CC BY 4.0).

State level only, and weak: Indian mobile traffic leaves through carrier NAT gateways, so
the city (and often the state) is the gateway's. The fusion gives it the least weight.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from jeevanrekha.geo.aliases import STATES
from jeevanrekha.geo.text import latin_key

_STATE_KEYS = {latin_key(name): name for name in STATES}
_STATE_KEYS.update({latin_key(o): name for name, others in STATES.items() for o in others})
_STATE_KEYS["nationalcapitalterritoryofdelhi"] = "Delhi"


class IpLocator:
    """Reads one or two DB-IP mmdb files (IPv4, IPv6) memory-mapped; lookups are microseconds."""

    def __init__(self, ipv4: Path, ipv6: Path | None = None) -> None:
        import maxminddb

        # MODE_AUTO takes the C extension when the wheel has it (about 20x faster).
        self.readers = {4: maxminddb.open_database(str(ipv4), maxminddb.MODE_AUTO)}
        if ipv6 is not None and ipv6.exists():
            self.readers[6] = maxminddb.open_database(str(ipv6), maxminddb.MODE_AUTO)

    def state(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
        """The Indian state the database gives for the address ('' if none or abroad)."""
        reader = self.readers.get(ip.version)
        if reader is None:
            return ""
        record = reader.get(str(ip))
        if not isinstance(record, dict) or record.get("country_code") != "IN":
            return ""
        raw = str(record.get("state1") or "")
        return _STATE_KEYS.get(latin_key(raw), raw.title() if raw else "")
