"""One folder per intake channel; each has parse.py and fixtures/ (house rule 5).

`parser_for(channel)` is how the shared checks turn a stored raw alert of any channel into
an `AlertIn`: `api` (signed JSON over HTTP), `file` (`jeevanrekha ingest`), `form` (the
phone-in form) and `monitor` (the watch over public posts) all store the JSON alert format;
`email` stores the whole MIME message. A channel's parser raises
`api.parse.ParseError` with a stable code when it cannot make an alert of what arrived.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

from jeevanrekha.intake.sources.api.parse import AlertIn, ParseError

Parser = Callable[[bytes], AlertIn]

# channel → "module:function" (imported on first use, so a channel's dependencies load only
# in the processes that receive it).
PARSERS = {
    "api": "jeevanrekha.intake.sources.api.parse:parse_json_alert",
    "file": "jeevanrekha.intake.sources.api.parse:parse_json_alert",
    "form": "jeevanrekha.intake.sources.api.parse:parse_json_alert",
    "monitor": "jeevanrekha.intake.sources.api.parse:parse_json_alert",
    "email": "jeevanrekha.intake.sources.email.parse:parse_email_alert",
}
_loaded: dict[str, Parser] = {}


def parser_for(channel: str) -> Parser:
    """The parser of a channel; ParseError(422, "unknown_channel") for one we do not know."""
    if channel not in _loaded:
        target = PARSERS.get(channel)
        if target is None:
            return _unknown_channel(channel)
        module, name = target.split(":")
        _loaded[channel] = getattr(import_module(module), name)
    return _loaded[channel]


def _unknown_channel(channel: str) -> Parser:
    def refuse(body: bytes) -> AlertIn:
        msg = f"no parser for channel {channel!r}"
        raise ParseError(422, "unknown_channel", [{"loc": [], "msg": msg}])

    return refuse
