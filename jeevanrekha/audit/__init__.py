"""Append-only, hash-chained audit trail: who did what, when, provably."""
