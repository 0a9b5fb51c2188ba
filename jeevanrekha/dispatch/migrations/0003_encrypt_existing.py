"""Encrypt the bodies and attachments of notifications written before encryption."""

from typing import Any

from django.db import migrations

from jeevanrekha.crypto.migrating import encrypt_columns


def encrypt(apps: Any, schema_editor: Any) -> None:
    encrypt_columns(schema_editor, "dispatch_notification", {"body": "text", "attachments": "json"})


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0002_encrypted_fields")]

    operations = [migrations.RunPython(encrypt, migrations.RunPython.noop, elidable=False)]
