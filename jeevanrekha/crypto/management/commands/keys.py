"""`jeevanrekha keys status|rotate|init`: the field encryption keys (docs/encryption.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jeevanrekha.crypto import keys, rotation


class Command(BaseCommand):
    help = (
        "Field encryption keys: status (values per key id), rotate (online), init (new file), "
        "reindex (new blind-index key; stop intake first)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["status", "rotate", "init", "reindex"])
        parser.add_argument(
            "--no-new-key",
            action="store_true",
            help="rotate: re-encrypt under the current key, add none",
        )
        parser.add_argument("--file", default="", help="init: where to write the key file")

    def handle(self, *args: Any, **options: Any) -> None:
        operation = options["operation"]
        if operation == "init":
            self._init(options["file"])
        elif operation == "status":
            self._status(options["verbosity"])
        elif operation == "reindex":
            self._reindex()
        else:
            self._rotate(not options["no_new_key"])

    def _init(self, file: str) -> None:
        if not file:
            raise CommandError("init needs --file PATH")
        path = Path(file)
        if path.exists():
            raise CommandError(f"{path} exists: a key file is never overwritten")
        keys.write_file(path, keys.generate())
        self.stdout.write(f"key file written: {path} (set FIELD_KEY_FILE={path}; back it up)")

    def _status(self, verbosity: int) -> None:
        ring = keys.ring(refresh=True)
        per_column = rotation.counts()
        total = rotation.totals(per_column)
        self.stdout.write(f"current key: {ring.current}   keys in ring: {', '.join(ring.keys)}")
        for kid in sorted(set(total) | set(ring.keys)):
            mark = " (current)" if kid == ring.current else ""
            missing = "" if kid in ring.keys or kid == "(plaintext)" else "  NOT IN RING"
            self.stdout.write(f"  {kid}{mark}: {total.get(kid, 0)} values{missing}")
        if verbosity > 1:
            self.stdout.write(json.dumps(per_column, indent=1, sort_keys=True))

    def _reindex(self) -> None:
        try:
            done = rotation.reindex(actor="system:keys-reindex")
        except rotation.RotationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"new blind-index key; {done} identifiers re-indexed")

    def _rotate(self, new_key: bool) -> None:
        try:
            done = rotation.rotate(new_key=new_key, actor="system:keys-rotate")
        except rotation.RotationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"rotated to {done.current}: {done.rewritten} values in {done.rows} rows "
            f"re-encrypted; retired: {', '.join(done.retired) or 'none'}"
        )
        if done.left:
            raise CommandError(f"values still under other keys: {done.left}; run it again")
