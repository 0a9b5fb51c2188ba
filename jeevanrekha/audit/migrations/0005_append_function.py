"""PostgreSQL: append to the chain inside the database, in the round trip that takes its lock
(ADR 0007, second addendum).

`audit_append(lock_key, entries)` takes the chain's lock, reads the head with a fresh
snapshot (a VOLATILE function's every statement has its own), and inserts the entries in
order, each row's hash SHA-256 over the previous hash, a newline and the row's canonical
JSON. Python sends that JSON without its last key, `"seq"` (it sorts last), as `body`; the
function appends `,"seq":N}`. So `audit verify`, in Python, recomputes the same hashes, and
the chain's lock is no longer held while the rows travel to Python, are hashed there and
travel back: it is taken after the action's other writes and held only to the commit.
"""

import importlib

from django.db import migrations

# The lock-and-head function this one replaces (back again should the migration be reversed),
# and its helper that runs statements on PostgreSQL only.
_0004 = importlib.import_module("jeevanrekha.audit.migrations.0004_lock_head_function")

POSTGRES = [
    """CREATE OR REPLACE FUNCTION audit_append(lock_key bigint, entries jsonb)
       RETURNS TABLE (id bigint, seq bigint, prev_hash text, hash text)
       AS $$
       DECLARE
         head_seq bigint;
         head_hash text;
         new_hash text;
         new_id bigint;
         e record;
       BEGIN
         PERFORM pg_advisory_xact_lock(lock_key);
         SELECT a.seq, a.hash INTO head_seq, head_hash
           FROM audit_auditevent a ORDER BY a.seq DESC LIMIT 1;
         IF head_seq IS NULL THEN
           head_seq := 0;
           head_hash := repeat('0', 64);
         END IF;
         FOR e IN
           SELECT r.* FROM ROWS FROM (jsonb_to_recordset(entries) AS (
               "at" timestamptz, actor text, action text, object_type text, object_id text,
               "before" jsonb, "after" jsonb, request_id text, body text))
             WITH ORDINALITY AS r("at", actor, action, object_type, object_id, "before",
                                  "after", request_id, body, n)
             ORDER BY r.n
         LOOP
           head_seq := head_seq + 1;
           new_hash := encode(sha256(convert_to(
             head_hash || E'\\n' || e.body || ',"seq":' || head_seq::text || '}', 'UTF8')), 'hex');
           INSERT INTO audit_auditevent AS t
               (seq, "at", actor, action, object_type, object_id, "before", "after",
                request_id, prev_hash, hash)
             VALUES (head_seq, e."at", e.actor, e.action, e.object_type, e.object_id,
                     e."before", e."after", e.request_id, head_hash, new_hash)
             RETURNING t.id INTO new_id;
           id := new_id;
           seq := head_seq;
           prev_hash := head_hash;
           hash := new_hash;
           RETURN NEXT;
           head_hash := new_hash;
         END LOOP;
       END; $$ LANGUAGE plpgsql VOLATILE""",
    *_0004.POSTGRES_DROP,
]
POSTGRES_DROP = ["DROP FUNCTION IF EXISTS audit_append(bigint, jsonb)", *_0004.POSTGRES]


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_lock_head_function")]

    operations = [migrations.RunPython(_0004._run(POSTGRES), _0004._run(POSTGRES_DROP))]
