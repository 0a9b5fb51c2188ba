"""Compile the desk's translations (locale/*/LC_MESSAGES/*.po → .mo) without GNU gettext.

`make setup` runs `python -m jeevanrekha.web.translations`; polib (pinned in pyproject) writes
the same .mo files as msgfmt, so no Debian package is needed. Fuzzy entries are left out, as
msgfmt does. No Django settings are needed (it runs before any secret exists).
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent.parent


def compile_all(root: Path = ROOT / "locale") -> list[Path]:
    """Write a .mo beside every .po under `root`; the .mo files written."""
    written = []
    for source in sorted(root.glob("*/LC_MESSAGES/*.po")):
        catalogue = polib.pofile(str(source))
        for entry in catalogue.fuzzy_entries():
            catalogue.remove(entry)
        target = source.with_suffix(".mo")
        catalogue.save_as_mofile(str(target))
        written.append(target)
    return written


def main() -> int:
    written = compile_all()
    for path in written:
        print(f"compiled {path.relative_to(ROOT)}")
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
