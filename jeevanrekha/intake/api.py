"""The JSON API (django-ninja): POST /api/v1/alerts, and /api/v1/openapi.json.

The alert body is read as raw bytes, not by ninja, because the request must be stored
verbatim before it is parsed. Its schema is still published in the OpenAPI document.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from ninja import NinjaAPI, Schema

from jeevanrekha.intake import pipeline, signing
from jeevanrekha.intake.actions import OVERSIZE_KEEP_BYTES
from jeevanrekha.intake.sources.api.parse import AlertIn

api = NinjaAPI(
    title="Jeevan Rekha intake API",
    version="1",
    description=(
        "Alerts about people at risk of suicide, from platforms and partners. "
        "Sign each request with HMAC-SHA256 (see docs/alert-format.md)."
    ),
    urls_namespace="api-v1",
)


class AcceptedOut(Schema):
    status: str
    case_id: int
    case_url: str
    alert_id: int
    raw_alert_id: int


class ErrorOut(Schema):
    error: str
    errors: list[dict[str, Any]] = []
    raw_alert_id: int | None = None


_SIGNATURE_PARAMS = [
    {"in": "header", "name": h, "required": True, "schema": {"type": "string"}, "description": d}
    for h, d in (
        (signing.SOURCE_HEADER, "the sending source's configured name"),
        (signing.TIMESTAMP_HEADER, "unix time in seconds; must be within the replay window"),
        (signing.SIGNATURE_HEADER, "sha256=<hex HMAC-SHA256 of timestamp + '.' + body>"),
    )
]


def _inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """The model's JSON schema with its `#/$defs/...` references put in place.

    Inside an OpenAPI document such a reference points at the document's root, where there
    is no `$defs`: clients and fuzzers (schemathesis) could not read the body's schema."""
    defs = schema.pop("$defs", {})

    def resolve(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return resolve(defs[ref.removeprefix("#/$defs/")])
            return {key: resolve(value) for key, value in node.items()}
        if isinstance(node, list):
            return [resolve(item) for item in node]
        return node

    return dict(resolve(schema))


# An oversized body is read to its end (and dropped) up to this size, so that the sender
# gets its 413 instead of a connection reset; beyond it the connection is simply closed.
_DRAIN_LIMIT = 32 * 1024 * 1024


def _read_body(request: HttpRequest) -> tuple[bytes, int]:
    """The body and its real size; of an oversized one only the first 64 KiB are kept."""
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if declared <= settings.INTAKE_MAX_BODY_BYTES:
        body = request.body
        return body, len(body)
    kept = request.read(OVERSIZE_KEEP_BYTES)
    if declared <= _DRAIN_LIMIT:
        while request.read(256 * 1024):
            pass
    return kept, declared


@api.post(
    "/alerts",
    response={
        200: AcceptedOut,
        202: AcceptedOut,
        400: ErrorOut,
        401: ErrorOut,
        413: ErrorOut,
        422: ErrorOut,
        503: ErrorOut,
    },
    summary="Report an alert about a person at risk",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inlined(AlertIn.model_json_schema())}},
        },
        "parameters": _SIGNATURE_PARAMS,
    },
)
def post_alert(request: HttpRequest) -> HttpResponse:
    """Store the alert, then accept it (202, or 200 for a retry of one already accepted)."""
    try:
        body, size = _read_body(request)
    except ValueError:  # a CONTENT_LENGTH that is not a number
        body, size = b"", 0
    reply = pipeline.receive(
        channel="api",
        headers=request.headers,
        body=body,
        body_size=size,
        remote_addr=request.META.get("REMOTE_ADDR"),
        request_id=getattr(request, "request_id", ""),
        now=timezone.now(),
    )
    return JsonResponse(reply.body, status=reply.status)
