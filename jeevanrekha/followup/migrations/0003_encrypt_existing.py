"""Encrypt the notes of follow-up checks written before the column was encrypted."""

from typing import Any

from django.db import migrations

from jeevanrekha.crypto.migrating import encrypt_columns


def encrypt(apps: Any, schema_editor: Any) -> None:
    encrypt_columns(schema_editor, "followup_followupcheck", {"note": "text"})


class Migration(migrations.Migration):
    dependencies = [("followup", "0002_encrypted_note")]

    operations = [migrations.RunPython(encrypt, migrations.RunPython.noop, elidable=False)]
