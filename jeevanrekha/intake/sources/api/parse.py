"""Parse the JSON alert format at the edge (house rule 6).

`parse(body)` turns the raw bytes into a typed `AlertIn` or raises `ParseError` with a
status code for the API (400: not JSON at all, 422: JSON of the wrong shape) and the field
errors, each naming its field. The format is documented in docs/alert-format.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from ipaddress import ip_address
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError, field_validator

Short = Annotated[str, Field(max_length=200)]
Url = Annotated[str, Field(max_length=2000, pattern=r"^https?://\S+$")]


class Strict(BaseModel):
    """Base for the alert's parts: unknown fields are ignored (the raw keeps them)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # NUL never belongs in text, and PostgreSQL cannot store it.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL (\\u0000) characters")
        if isinstance(value, datetime):
            return _in_utc(value)
        return value


def _in_utc(value: datetime) -> datetime:
    """The time as given, or the same instant in UTC when its offset is beyond what
    PostgreSQL stores (±15:59; Python takes up to ±23:59). Found by schemathesis: an
    offset of "+21:58" failed the whole alert. No real zone is beyond ±14:00."""
    offset = value.utcoffset()
    if offset is None or abs(offset) < _PG_MAX_OFFSET:
        return value
    try:
        return value.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00+20:00 is before year 1 in UTC
        raise ValueError("time out of range") from None


_PG_MAX_OFFSET = timedelta(hours=16)


class Media(Strict):
    url: Url | None = None
    kind: Annotated[str, Field(max_length=20)] = "image"
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    # An e-mail attachment (the bytes stay in the stored raw message): its file name,
    # MIME type and size.
    name: Annotated[str, Field(max_length=200)] | None = None
    content_type: Annotated[str, Field(max_length=100)] | None = None
    size: Annotated[int, Field(ge=0)] | None = None


class Post(Strict):
    url: Url | None = None
    text: Annotated[str, Field(max_length=20_000)] = ""
    created_at: AwareDatetime | None = None
    media: Annotated[list[Media], Field(max_length=20)] = []


class Account(Strict):
    handle: Short = ""
    name: Short = ""
    profile_url: Url | None = None
    email: Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None


class Tower(Strict):
    lat: Annotated[float, Field(ge=-90, le=90)]
    lon: Annotated[float, Field(ge=-180, le=180)]
    radius_m: Annotated[int, Field(ge=0, le=100_000)] | None = None
    observed_at: AwareDatetime | None = None


class Evidence(Strict):
    post_text: Annotated[str, Field(max_length=2000)] | None = None
    profile_location: Annotated[str, Field(max_length=300)] | None = None
    address: Annotated[str, Field(max_length=500)] | None = None
    phone: Annotated[str, Field(max_length=40, pattern=r"^\+?[0-9 ()\-]{6,40}$")] | None = None
    ip: Annotated[str, Field(max_length=45)] | None = None
    tower: Tower | None = None

    @field_validator("ip")
    @classmethod
    def _valid_ip(cls, value: str | None) -> str | None:
        if value is not None:
            ip_address(value)  # raises ValueError, which pydantic reports on the field
        return value


class Reporter(Strict):
    name: Short = ""
    organisation: Short = ""
    phone: Annotated[str, Field(max_length=40)] = ""
    email: Annotated[str, Field(max_length=254)] = ""
    note: Annotated[str, Field(max_length=2000)] = ""


class RiskCue(Strict):
    start: Annotated[int, Field(ge=0)]
    end: Annotated[int, Field(ge=0)]
    kind: Annotated[str, Field(max_length=40)]
    effect: Annotated[str, Field(max_length=10)] = "raised"


class Risk(Strict):
    """The risk model's view of the post (the watch over public posts sends it; from other
    channels it is kept as the sender's claim but never sets the case's risk)."""

    level: Annotated[int, Field(ge=0, le=4)]
    score: Annotated[float, Field(ge=0, le=1)]
    imminent: bool = False
    lang: Annotated[str, Field(max_length=12)] = ""
    cues: Annotated[list[RiskCue], Field(max_length=64)] = []
    model: Annotated[str, Field(max_length=80)] = ""


class AlertIn(Strict):
    """One alert about a person at risk, as a platform or partner sends it."""

    source: Annotated[str, Field(min_length=1, max_length=60)]
    source_alert_id: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    platform: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_.-]+$")]
    received_at: AwareDatetime | None = None
    post: Post
    account: Account = Account()
    evidence: Evidence = Evidence()
    reporter: Reporter = Reporter()
    risk: Risk | None = None

    @field_validator("platform", mode="before")
    @classmethod
    def _lower_platform(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value

    def has_something_to_act_on(self) -> bool:
        """A post text or URL, an account, or location evidence: something the desk can use."""
        return bool(
            self.post.text or self.post.url or self.account.handle or self.account.profile_url
        )


@dataclass
class ParseError(Exception):
    """The body could not be turned into an AlertIn. `code` is stable for clients."""

    status: int
    code: str
    errors: list[dict[str, Any]] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.code}: {self.errors}"


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def depth_of(value: Any, limit: int) -> int:
    """Nesting depth of decoded JSON (a scalar is 1, `[1]` is 2), without recursion; stops
    counting past `limit`."""
    if not isinstance(value, dict | list):
        return 1
    deepest, stack = 1, [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, dict | list):
                stack.append((child, depth + 1))
            elif depth + 1 > deepest:
                deepest = depth + 1
        if depth > deepest:
            deepest = depth
        if deepest > limit:
            return deepest
    return deepest


def decode_json(body: bytes, max_depth: int) -> Any:
    """Bytes → JSON value, or ParseError(400) for bad UTF-8, bad JSON or too deep nesting."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(
            400, "invalid_utf8", [{"loc": [], "msg": f"body is not UTF-8: {exc}"}]
        ) from None
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise ParseError(400, "too_deep", [{"loc": [], "msg": "JSON nested too deeply"}]) from None
    except ValueError as exc:
        raise ParseError(400, "invalid_json", [{"loc": [], "msg": str(exc)}]) from None
    if depth_of(value, max_depth) > max_depth:
        raise ParseError(400, "too_deep", [{"loc": [], "msg": f"nesting deeper than {max_depth}"}])
    return value


def parse_json_alert(body: bytes) -> AlertIn:
    """The JSON alert format, with the deployment's nesting limit."""
    from django.conf import settings

    return parse(body, settings.INTAKE_MAX_JSON_DEPTH)


def parse(body: bytes, max_depth: int = 32) -> AlertIn:
    """Parse a JSON alert; raise ParseError naming each bad field."""
    value = decode_json(body, max_depth)
    if not isinstance(value, dict):
        raise ParseError(422, "not_an_object", [{"loc": [], "msg": "the alert must be an object"}])
    try:
        alert = AlertIn.model_validate(value)
    except ValidationError as exc:
        errors = [
            {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False, include_input=False)
        ]
        raise ParseError(422, "invalid_fields", errors) from None
    if not alert.has_something_to_act_on():
        msg = "give at least one of post.text, post.url, account.handle, account.profile_url"
        raise ParseError(422, "nothing_to_act_on", [{"loc": ["post"], "msg": msg}])
    return alert
