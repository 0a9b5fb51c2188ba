#!/usr/bin/env python3
"""Build the locate gazetteer (var/geo/gazetteer-v*.pickle) from the installed packages.

The same as `jeevanrekha geo build`, without Django settings, for `make setup`:

    .venv/bin/python scripts/build_gazetteer.py [--rebuild]

Reads GEO_DATA_DIR (default var/geo) and GEO_NODE_MODULES (default node_modules).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jeevanrekha.geo.runtime import Paths, ensure_built  # noqa: E402
from jeevanrekha.geo.sources import SourceMissing  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rebuild", action="store_true", help="even if it exists")
    args = parser.parse_args()
    paths = Paths(
        Path(os.environ.get("GEO_DATA_DIR", ROOT / "var" / "geo")),
        Path(os.environ.get("GEO_NODE_MODULES", ROOT / "node_modules")),
    )
    started = time.perf_counter()
    try:
        path = ensure_built(paths, rebuild=args.rebuild)
    except SourceMissing as exc:
        print(f"build_gazetteer: {exc}", file=sys.stderr)
        return 2
    print(f"gazetteer: {path} ({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
