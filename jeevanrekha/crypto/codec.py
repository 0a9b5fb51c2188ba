"""One value in, one value out: AES-256-GCM with the key id in front, HMAC blind indexes.

Text values are stored as `v1:<key id>:<base64(nonce + ciphertext + tag)>`; binary values
as the bytes `v1:<key id>:` followed by nonce + ciphertext + tag. The associated data is
the value's `table.column`, so a ciphertext copied into another column (or table) does not
decrypt: a person with write access to the database cannot move a name into a field that
is shown elsewhere. The empty string stays empty, and so do an empty JSON object and list
(they say nothing about a person, and "no phone given" must stay cheap to store and to
test for).

`FIELD_ENCRYPTION=0` (for bench/crypto_bench.py's baseline only; settings.py refuses it
with DEBUG=0) writes plaintext and reads values without the prefix as they are.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.signals import setting_changed

from jeevanrekha.crypto import keys

PREFIX = "v1:"
BPREFIX = b"v1:"
NONCE_BYTES = 12
REMOVED = "[removed]"  # what retention leaves in a personal text field
EMPTY_JSON = frozenset({"{}", "[]"})  # stored as they are: nothing to hide, cheap to write


class DecryptError(Exception):
    """A stored value could not be decrypted: tampered, moved, or not ours."""


@lru_cache(maxsize=16)
def _aead(key: bytes) -> AESGCM:
    return AESGCM(key)


@lru_cache(maxsize=1)
def enabled() -> bool:
    """FIELD_ENCRYPTION, read once rather than for every value sealed or opened."""
    return bool(getattr(settings, "FIELD_ENCRYPTION", True))


def _settings_changed(*, setting: str, **_: Any) -> None:
    if setting == "FIELD_ENCRYPTION":
        enabled.cache_clear()


setting_changed.connect(_settings_changed)


def seal(plain: bytes, aad: str) -> tuple[str, bytes]:
    """(key id, nonce + ciphertext + tag) of `plain` under the current key."""
    ring = keys.ring()
    nonce = os.urandom(NONCE_BYTES)
    return ring.current, nonce + _aead(ring.key(ring.current)).encrypt(nonce, plain, aad.encode())


def unseal(kid: str, blob: bytes, aad: str) -> bytes:
    ring = keys.ring()
    if kid not in ring.keys:  # a key added by another process's rotation: re-read the file
        ring = keys.ring(refresh=True)
    try:
        return _aead(ring.key(kid)).decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad.encode())
    except InvalidTag:
        raise DecryptError(
            f"{aad}: the value does not decrypt with key {kid!r} (altered, or moved from "
            "another column)"
        ) from None


def encrypt_text(value: str, aad: str) -> str:
    if not value or not enabled():
        return value
    kid, blob = seal(value.encode("utf-8"), aad)
    return f"{PREFIX}{kid}:{base64.b64encode(blob).decode('ascii')}"


def decrypt_text(value: str, aad: str) -> str:
    if not value:
        return value
    if not value.startswith(PREFIX):
        if not enabled():
            return value
        raise DecryptError(f"{aad}: value is not encrypted (written around the model layer?)")
    try:
        _, kid, b64 = value.split(":", 2)
        blob = base64.b64decode(b64, validate=True)
    except (ValueError, binascii.Error):
        raise DecryptError(f"{aad}: malformed encrypted value") from None
    return unseal(kid, blob, aad).decode("utf-8")


def encrypt_bytes(value: bytes, aad: str) -> bytes:
    if not value or not enabled():
        return value
    kid, blob = seal(value, aad)
    return BPREFIX + kid.encode("ascii") + b":" + blob


def decrypt_bytes(value: bytes, aad: str) -> bytes:
    if not value:
        return value
    if not value.startswith(BPREFIX):
        if not enabled():
            return value
        raise DecryptError(f"{aad}: value is not encrypted (written around the model layer?)")
    head, sep, blob = value[len(BPREFIX) :].partition(b":")
    if not sep:
        raise DecryptError(f"{aad}: malformed encrypted value")
    return unseal(head.decode("ascii", "replace"), blob, aad)


def key_id(stored: str | bytes | memoryview | None) -> str | None:
    """The key id a stored value is encrypted with (None: empty or not encrypted)."""
    if stored is None:
        return None
    raw = bytes(stored) if isinstance(stored, memoryview) else stored
    if isinstance(raw, bytes):
        if not raw.startswith(BPREFIX):
            return None
        return raw[len(BPREFIX) :].split(b":", 1)[0].decode("ascii", "replace")
    if not raw.startswith(PREFIX):
        return None
    return raw[len(PREFIX) :].split(":", 1)[0]


def blind_index(kind: str, value: str) -> str:
    """HMAC-SHA256 of a normalised identifier under the index key (hex): equal identifiers
    give equal indexes, so the database can find them without holding them."""
    return _digest(keys.ring().index_key, kind, value)


@lru_cache(maxsize=4096)  # the intake computes each identifier's index twice (look up, write)
def _digest(key: bytes, kind: str, value: str) -> str:
    return hmac.new(key, f"{kind}\x00{value}".encode(), hashlib.sha256).hexdigest()
