"""PostgreSQL: take the chain's lock and read its head in one round trip (ADR 0007,
addendum).

A VOLATILE function takes a fresh snapshot for each statement it runs, so the head read
after the lock sees every row that the previous holder of the lock committed; a plain
`SELECT pg_advisory_xact_lock(...), (head)` would read the head with the snapshot taken
before it waited for the lock.
"""

from django.db import migrations

POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_lock_head(lock_key bigint, OUT seq bigint, OUT hash text)
       AS $$
       BEGIN
         PERFORM pg_advisory_xact_lock(lock_key);
         SELECT a.seq, a.hash INTO seq, hash FROM audit_auditevent a ORDER BY a.seq DESC LIMIT 1;
       END; $$ LANGUAGE plpgsql VOLATILE""",
]
POSTGRES_DROP = ["DROP FUNCTION IF EXISTS audit_lock_head(bigint)"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_chaincheck")]

    operations = [migrations.RunPython(_run(POSTGRES), _run(POSTGRES_DROP))]
