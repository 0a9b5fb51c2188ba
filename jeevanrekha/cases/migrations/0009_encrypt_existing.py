"""Encrypt the personal fields of cases written before encryption, and turn subject
identifiers into blind indexes (the identifier itself moves, encrypted, to `label`)."""

from typing import Any

from django.db import migrations

from jeevanrekha.crypto import codec
from jeevanrekha.crypto.migrating import encrypt_columns


def encrypt(apps: Any, schema_editor: Any) -> None:
    encrypt_columns(schema_editor, "cases_subject", {"display_name": "text"})
    encrypt_columns(schema_editor, "cases_case", {"location": "json"})
    encrypt_columns(schema_editor, "cases_task", {"result": "text", "detail": "json"})
    encrypt_columns(schema_editor, "cases_outcome", {"note": "text"})
    encrypt_columns(schema_editor, "cases_casenote", {"text": "text", "party": "text"})
    _index_identifiers(schema_editor)


def _index_identifiers(schema_editor: Any) -> None:
    from jeevanrekha.cases.subjects import e164

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, kind, value FROM cases_subjectidentifier WHERE label = ''")
        for row_id, kind, value in cursor.fetchall():
            plain = e164(value) if kind == "phone" else value
            cursor.execute(
                "UPDATE cases_subjectidentifier SET value = %s, label = %s WHERE id = %s",
                [
                    codec.blind_index(kind, plain),
                    codec.encrypt_text(plain, "cases_subjectidentifier.label"),
                    row_id,
                ],
            )


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_encrypted_fields")]

    operations = [migrations.RunPython(encrypt, migrations.RunPython.noop, elidable=False)]
