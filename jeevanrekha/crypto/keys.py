"""The key ring: data keys by id (one of them current) and the blind-index key.

Sources, in order: `FIELD_KEYS` (the key file's JSON, inline, e.g. from a secret store),
`FIELD_KEY_FILE` (a JSON file), else, with DEBUG=1 only, `$DATA_DIR/field_keys.json`, made
on first use like `var/secret_key`. settings.py refuses DEBUG=0 without one of the first two.

The file is re-read when it changes (checked at most once a second, and at once when a value
names a key id the ring does not hold): `keys rotate` in another process adds a key, and
every server process starts writing with it within a second, without a restart.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_BYTES = 32  # AES-256-GCM
RECHECK_SECONDS = 1.0


class KeyMissing(Exception):
    """A value names a key id that the key ring does not hold (wrong or lost key file)."""


@dataclass(frozen=True)
class KeyRing:
    """The data keys by id, which one encrypts new values, and the blind-index key."""

    current: str
    keys: dict[str, bytes]
    index_key: bytes
    source: str = ""
    retired: tuple[str, ...] = field(default=())

    def key(self, kid: str) -> bytes:
        try:
            return self.keys[kid]
        except KeyError:
            raise KeyMissing(
                f"a value is encrypted with key id {kid!r}, which is not in the key ring "
                f"({self.source}): wrong FIELD_KEY_FILE / FIELD_KEYS, or the key was lost"
            ) from None

    def to_json(self) -> dict[str, Any]:
        return {
            "current": self.current,
            "keys": {kid: _b64(k) for kid, k in self.keys.items()},
            "index_key": _b64(self.index_key),
        }


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: str, what: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{what} is not base64") from exc
    if len(raw) != KEY_BYTES:
        raise ImproperlyConfigured(f"{what} must be {KEY_BYTES} bytes, got {len(raw)}")
    return raw


def parse(text: str, source: str) -> KeyRing:
    """A key ring from its JSON form: {"current", "keys": {id: b64}, "index_key": b64}."""
    try:
        doc = json.loads(text)
        keys = {str(k): _unb64(v, f"{source}: key {k!r}") for k, v in doc["keys"].items()}
        ring = KeyRing(str(doc["current"]), keys, _unb64(doc["index_key"], "index_key"), source)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ImproperlyConfigured(f"{source}: not a valid key ring ({exc})") from exc
    if ring.current not in ring.keys:
        raise ImproperlyConfigured(f"{source}: the current key {ring.current!r} is not in keys")
    return ring


def new_key_id() -> str:
    return "k" + secrets.token_hex(4)


def generate() -> KeyRing:
    """A fresh key ring: one data key, one index key."""
    kid = new_key_id()
    return KeyRing(kid, {kid: secrets.token_bytes(KEY_BYTES)}, secrets.token_bytes(KEY_BYTES))


def key_file() -> Path | None:
    """The key file in use, or None when the keys come inline from FIELD_KEYS."""
    if getattr(settings, "FIELD_KEYS", ""):
        return None
    given = getattr(settings, "FIELD_KEY_FILE", "")
    return Path(given) if given else Path(settings.DATA_DIR) / "field_keys.json"


def write_file(path: Path, ring: KeyRing) -> None:
    """Write the ring atomically (a new file, renamed over the old), readable by us only."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(ring.to_json(), out, indent=1)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def _load() -> tuple[KeyRing, float]:
    inline = getattr(settings, "FIELD_KEYS", "")
    if inline:
        return parse(inline, "FIELD_KEYS"), 0.0
    path = key_file()
    assert path is not None
    if not path.exists():
        if not getattr(settings, "FIELD_KEY_AUTOCREATE", False) or settings.FIELD_KEY_FILE:
            raise ImproperlyConfigured(f"FIELD_KEY_FILE {path} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # two processes starting at once: the first one's file wins
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(generate().to_json(), out, indent=1)
    for _ in range(50):  # a file just created by another process may still be empty
        text = path.read_text(encoding="utf-8")
        if text.strip():
            break
        time.sleep(0.01)
    return parse(text, str(path)), path.stat().st_mtime


_lock = threading.Lock()
_state: dict[str, Any] = {"ring": None, "mtime": 0.0, "checked": 0.0}


def ring(*, refresh: bool = False) -> KeyRing:
    """The key ring, re-read if its file changed (or at once with `refresh`)."""
    now = time.monotonic()
    state = _state
    current = state["ring"]
    if current is not None and not refresh and now - state["checked"] < RECHECK_SECONDS:
        return current  # type: ignore[no-any-return]
    with _lock:
        path = key_file()
        if current is not None and path is not None and not refresh:
            try:
                if path.stat().st_mtime == state["mtime"]:
                    state["checked"] = now
                    return current  # type: ignore[no-any-return]
            except OSError:
                pass
        loaded, mtime = _load()
        state.update(ring=loaded, mtime=mtime, checked=now)
        return loaded


def forget() -> None:
    """Drop the cached ring (tests that change the settings)."""
    with _lock:
        _state.update(ring=None, mtime=0.0, checked=0.0)
