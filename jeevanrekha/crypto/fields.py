"""Model fields that encrypt on the way into the database and decrypt on the way out.

Reading `alert.post_text` gives the plaintext; the column holds `v1:<key id>:<base64>`
(codec.py), bound to its `table.column`. Every encrypted column is a text (or binary)
column whatever the plaintext's type, since ciphertext is longer than the plaintext and
not a JSON document or an IP address. What is lost: the database cannot compare, order or
search these columns (equality lookups never match; search goes through blind indexes,
codec.blind_index). `db.rows.insert_rows` prepares them like Django does (ADR 0012).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from jeevanrekha.crypto import codec

if TYPE_CHECKING:  # django-stubs' fields are generic (set type, get type); Django's are not
    _Text = models.TextField[Any, Any]
    _Char = models.CharField[Any, Any]
    _Binary = models.BinaryField[Any, Any]
    _JSON = models.JSONField[Any, Any]  # to the type checker: what it holds, not its column
else:
    _Text, _Char, _Binary = models.TextField, models.CharField, models.BinaryField
    _JSON = models.TextField


class _Encrypted:
    """What every encrypted field shares: its associated data and a text/blob column."""

    encrypted = True
    model: Any
    column: str

    @property
    def aad(self) -> str:
        return f"{self.model._meta.db_table}.{self.column}"


class EncryptedTextField(_Encrypted, _Text):
    """A TextField stored encrypted."""

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        return None if value is None else codec.encrypt_text(value, self.aad)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else codec.decrypt_text(value, self.aad)


class EncryptedCharField(_Encrypted, _Char):
    """A CharField (max_length checks the plaintext) stored encrypted in a text column."""

    def get_internal_type(self) -> str:
        return "TextField"

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        value = super().get_db_prep_value(value, connection, prepared)
        return None if value is None else codec.encrypt_text(str(value), self.aad)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else codec.decrypt_text(value, self.aad)


class EncryptedJSONField(_Encrypted, _JSON):
    """A JSON value (dict, list, ...) stored as encrypted JSON text."""

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        text = value if prepared else self.get_prep_value(value)
        if text is None or text in codec.EMPTY_JSON:
            return text
        return codec.encrypt_text(text, self.aad)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        if value in codec.EMPTY_JSON:
            return json.loads(value)
        return json.loads(codec.decrypt_text(value, self.aad))

    def value_to_string(self, obj: Any) -> Any:
        return self.value_from_object(obj)

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        return forms.JSONField(**{"encoder": DjangoJSONEncoder, **kwargs})


class EncryptedBinaryField(_Encrypted, _Binary):
    """Bytes (a raw alert's body, verbatim) stored encrypted."""

    def get_db_prep_value(self, value: Any, connection: Any, prepared: bool = False) -> Any:
        if value is None:
            return None
        sealed = codec.encrypt_bytes(bytes(value), self.aad)
        return super().get_db_prep_value(sealed, connection, prepared)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else codec.decrypt_bytes(bytes(value), self.aad)


def is_encrypted(field: Any) -> bool:
    return bool(getattr(field, "encrypted", False))


def encrypted_fields() -> dict[type[models.Model], list[models.Field[Any, Any]]]:
    """Every model with encrypted columns, and those columns (rotation, status, tests)."""
    found: dict[type[models.Model], list[models.Field[Any, Any]]] = {}
    for model in apps.get_models():
        cols = [f for f in model._meta.concrete_fields if is_encrypted(f)]
        if cols:
            found[model] = cols
    return found
