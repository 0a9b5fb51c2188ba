"""Audit the pinned Python dependencies (requirements/lock.txt) against an OSV export, offline.

No vulnerability database can be fetched from the package registries the desk's machines
reach (PyPI, Debian, npm), and the desk's rule is no network beyond loopback in tests. So
this script reads an OSV export that someone brought in: the `PyPI/all.zip` that osv.dev
publishes (one JSON advisory per file), a folder of such JSON files, or one JSON file (an
advisory or a list of them). It prints each pinned package whose version an advisory
affects, and exits 1 if there is one, 0 if none, 2 if the export cannot be read.

    python scripts/audit_dependencies.py --osv PyPI-all.zip
    python scripts/audit_dependencies.py --osv advisories/ --lock requirements/lock.txt --json

An advisory affects a version when the version is listed in `affected[].versions`, or lies in
one of its ECOSYSTEM ranges (from an `introduced` event up to, not including, the next
`fixed`, or up to and including `last_affected`). Withdrawn advisories are skipped.
See docs/security.md ("Dependency audit").
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


@dataclass(frozen=True)
class Finding:
    """One pinned package version that an advisory affects."""

    package: str
    version: str
    advisory: str
    aliases: str
    summary: str
    fixed: str


def normalise(name: str) -> str:
    """PEP 503 name: case-blind, runs of -_. as one dash."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> dict[str, str]:
    """{normalised name: version} of every `name==version` line."""
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        found = PIN.match(line.strip())
        if found:
            pins[normalise(found.group(1))] = found.group(2)
    return pins


def read_advisories(path: Path) -> Iterator[dict[str, Any]]:
    """Every advisory in a zip, a folder of .json files, or one .json file."""
    if path.is_dir():
        for file in sorted(path.rglob("*.json")):
            yield from _records(json.loads(file.read_text(encoding="utf-8")))
    elif zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith(".json"):
                    yield from _records(json.loads(archive.read(name)))
    else:
        yield from _records(json.loads(path.read_text(encoding="utf-8")))


def _records(value: Any) -> Iterator[dict[str, Any]]:
    items = value if isinstance(value, list) else [value]
    yield from (item for item in items if isinstance(item, dict))


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def in_range(version: Version, events: list[dict[str, str]]) -> tuple[bool, str]:
    """Whether the version is inside the range's events; and the fix, if one is named."""
    inside, fixed = False, ""
    for event in events:
        if "introduced" in event:
            start = event["introduced"]
            inside = start == "0" or ((v := _version(start)) is not None and version >= v)
        elif "fixed" in event and (v := _version(event["fixed"])) is not None:
            if inside and version < v:
                return True, event["fixed"]
            inside, fixed = False, event["fixed"]
        elif "last_affected" in event and (v := _version(event["last_affected"])) is not None:
            if inside and version <= v:
                return True, ""
            inside = False
    return inside, fixed if inside else ""


def affects(affected: dict[str, Any], version_text: str) -> tuple[bool, str]:
    """Whether one `affected` entry covers this version; and the fixed version if known."""
    if version_text in affected.get("versions", []):
        return True, ""
    version = _version(version_text)
    if version is None:
        return False, ""
    for span in affected.get("ranges", []):
        if span.get("type") == "ECOSYSTEM":
            hit, fixed = in_range(version, span.get("events", []))
            if hit:
                return True, fixed
    return False, ""


def audit(pins: dict[str, str], advisories: Iterator[dict[str, Any]]) -> list[Finding]:
    """The findings, sorted by package and advisory id."""
    findings = []
    for advisory in advisories:
        if advisory.get("withdrawn"):
            continue
        for affected in advisory.get("affected", []):
            package = affected.get("package", {})
            if package.get("ecosystem") != "PyPI":
                continue
            name = normalise(str(package.get("name", "")))
            if name not in pins:
                continue
            hit, fixed = affects(affected, pins[name])
            if hit:
                findings.append(_finding(name, pins[name], advisory, fixed))
    return sorted(set(findings), key=lambda f: (f.package, f.advisory))


def _finding(name: str, version: str, advisory: dict[str, Any], fixed: str) -> Finding:
    return Finding(
        package=name,
        version=version,
        advisory=str(advisory.get("id", "")),
        aliases=",".join(advisory.get("aliases", [])),
        summary=str(advisory.get("summary", ""))[:120],
        fixed=fixed,
    )


def main(argv: list[str] | None = None) -> int:
    """Run the audit; the exit status (0 clean, 1 findings, 2 unreadable export)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--osv", type=Path, required=True, help="OSV export: zip, folder, .json")
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements" / "lock.txt")
    parser.add_argument("--json", action="store_true", help="findings as JSON lines")
    args = parser.parse_args(argv)
    pins = read_lock(args.lock)
    try:
        findings = audit(pins, read_advisories(args.osv))
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        print(f"cannot read the OSV export {args.osv}: {exc}", file=sys.stderr)
        return 2
    for finding in findings:
        if args.json:
            print(json.dumps(asdict(finding)))
        else:
            fix = f" (fixed in {finding.fixed})" if finding.fixed else ""
            print(
                f"{finding.package}=={finding.version}: {finding.advisory}{fix} {finding.summary}"
            )
    print(f"{len(pins)} pinned packages, {len(findings)} findings", file=sys.stderr)
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main())
