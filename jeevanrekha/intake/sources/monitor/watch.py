"""Posts in, alerts out: parsing a watched post, scoring a batch, the alert it raises.

A watched post is one JSON object per line: `id` and `text` required; `platform`, `url`,
`handle`, `author`, `created_at` optional (docs/alert-format.md, "The watch"). The risk
model is reached through `Scorer`, so this module does not depend on how it works.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

MAX_TEXT = 20_000  # the alert format's limit for post.text


@dataclass(frozen=True)
class WatchedPost:
    """One public post from the stream."""

    post_id: str
    text: str
    platform: str = "web"
    url: str = ""
    handle: str = ""
    author: str = ""
    created_at: str = ""


@dataclass(frozen=True)
class RiskView:
    """What the risk model says of one post."""

    level: int
    score: float
    imminent: bool
    lang: str
    cues: list[dict[str, Any]] = field(default_factory=list)
    model: str = ""


class Scorer(Protocol):
    def __call__(self, texts: Sequence[str]) -> list[RiskView]: ...


class BadPost(ValueError):
    """A line of the stream that is not a watched post (counted and reported, not raised)."""


def _text(value: Any, limit: int) -> str:
    return value[:limit] if isinstance(value, str) else ""


def post_from_line(line: bytes | str) -> WatchedPost:
    """Parse one line; BadPost says why it is not a post."""
    try:
        value = json.loads(line)
    except (ValueError, RecursionError) as exc:
        raise BadPost(f"not JSON: {exc}") from None
    if not isinstance(value, dict):
        raise BadPost("not a JSON object")
    post_id, text = value.get("id"), value.get("text")
    if not isinstance(post_id, str | int) or isinstance(post_id, bool) or str(post_id) == "":
        raise BadPost("no id")
    if not isinstance(text, str) or not text.strip():
        raise BadPost("no text")
    platform = _text(value.get("platform"), 40).strip().lower() or "web"
    if not all(c.isalnum() or c in "_.-" for c in platform):
        platform = "web"
    url = _text(value.get("url"), 2000)
    return WatchedPost(
        post_id=str(post_id)[:150],
        text=text.replace("\x00", "")[:MAX_TEXT],
        platform=platform,
        url=url if url.startswith(("http://", "https://")) and " " not in url else "",
        handle=_text(value.get("handle"), 200).replace("\x00", ""),
        author=_text(value.get("author"), 200).replace("\x00", ""),
        created_at=_text(value.get("created_at"), 40),
    )


def alert_document(post: WatchedPost, risk: RiskView, *, source: str) -> dict[str, Any]:
    """The JSON alert a raised post becomes (the same format a platform posts)."""
    document: dict[str, Any] = {
        "source": source,
        "source_alert_id": f"{post.platform}:{post.post_id}",
        "platform": post.platform,
        "post": {"text": post.text},
        "account": {"handle": post.handle, "name": post.author},
        "risk": {
            "level": risk.level,
            "score": round(risk.score, 4),
            "imminent": risk.imminent,
            "lang": risk.lang,
            "cues": risk.cues[:64],
            "model": risk.model[:80],
        },
    }
    if post.url:
        document["post"]["url"] = post.url
    if post.created_at:
        document["post"]["created_at"] = post.created_at
    return document


def raised(
    posts: Sequence[WatchedPost], scorer: Scorer, level: int
) -> list[tuple[WatchedPost, RiskView]]:
    """The posts whose risk level is at or above `level`, with the model's view."""
    if not posts:
        return []
    views = scorer([p.text for p in posts])
    return [(p, v) for p, v in zip(posts, views, strict=True) if v.level >= level]
