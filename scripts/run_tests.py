"""`make test`: lint, type-check, migrations check, then the suite on SQLite and PostgreSQL.

PostgreSQL runs whenever one answers at PG_URL (default postgres://postgres@127.0.0.1:5432);
with CI=true it must answer, or the run fails. Each run gets a fresh database.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")


def run(argv: list[str], env: dict[str, str]) -> int:
    print(f"\n$ {' '.join(argv)}", flush=True)
    return subprocess.call(argv, cwd=ROOT, env=env)


def postgres_reachable() -> str:
    """'' if PostgreSQL answers at PG_URL, else why not."""
    try:
        import psycopg

        with psycopg.connect(f"{PG_URL}/postgres", connect_timeout=3):
            return ""
    except Exception as exc:
        return str(exc).strip() or type(exc).__name__


def lint(env: dict[str, str]) -> int:
    checks = [
        [str(BIN / "ruff"), "check", "."],
        [str(BIN / "ruff"), "format", "--check", "."],
        [str(BIN / "mypy"), "jeevanrekha", "config", "bench", "scripts"],
        [str(BIN / "jeevanrekha"), "makemigrations", "--check", "--dry-run"],
    ]
    return max(run(argv, env) for argv in checks)


def field_keys() -> str:
    """A fresh field key ring for the run (DEBUG=0 needs one; docs/encryption.md)."""
    kid = "k" + secrets.token_hex(4)
    key, index = (base64.b64encode(secrets.token_bytes(32)).decode() for _ in range(2))
    return json.dumps({"current": kid, "keys": {kid: key}, "index_key": index})


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lint-only", action="store_true")
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args()
    env = {**os.environ, "SECRET_KEY": secrets.token_urlsafe(50), "PYTHONUNBUFFERED": "1"}
    env.setdefault("FIELD_KEYS", field_keys())
    env.pop("DATABASE_URL", None)
    failed = lint(env)
    if args.lint_only:
        return failed
    pytest = [str(BIN / "pytest"), *args.pytest_args]
    sqlite_env = {**env, "DATA_DIR": str(ROOT / "var" / "test"), "JR_TEST_ENGINE": "sqlite"}
    print("\n== pytest on SQLite ==", flush=True)
    failed |= run([*pytest, "--create-db"], sqlite_env)
    why_not = postgres_reachable()
    if why_not:
        print(f"\nPostgreSQL is not reachable at {PG_URL}: {why_not}", flush=True)
        if IN_CI:
            print("CI=true: the PostgreSQL run is required, so this is a failure.")
            return 1
        print("Skipping the PostgreSQL run (it is required in CI).")
        return failed
    name = f"jr_{secrets.token_hex(4)}"
    pg_env = {**env, "DATABASE_URL": f"{PG_URL}/{name}", "JR_TEST_ENGINE": "postgresql"}
    print(f"\n== pytest on PostgreSQL ({PG_URL}/{name}) ==", flush=True)
    failed |= run([*pytest, "--create-db"], pg_env)
    return failed


if __name__ == "__main__":
    sys.exit(main())
