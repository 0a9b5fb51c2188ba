"""Encrypt the personal fields of raw alerts and alerts written before encryption."""

from typing import Any

from django.db import migrations

from jeevanrekha.crypto.migrating import encrypt_columns


def encrypt(apps: Any, schema_editor: Any) -> None:
    encrypt_columns(
        schema_editor,
        "intake_rawalert",
        {"remote_addr": "ip", "headers": "json", "body": "bytes"},
    )
    encrypt_columns(
        schema_editor,
        "intake_alert",
        {
            "post_url": "text",
            "post_text": "text",
            "post_media": "json",
            "account_handle": "text",
            "account_name": "text",
            "profile_url": "text",
            "evidence": "json",
            "reporter": "json",
        },
    )


class Migration(migrations.Migration):
    dependencies = [("intake", "0003_encrypted_fields")]

    operations = [migrations.RunPython(encrypt, migrations.RunPython.noop, elidable=False)]
