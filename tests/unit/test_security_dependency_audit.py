"""Issue #10: the offline dependency audit (scripts/audit_dependencies.py) reads an OSV
export and names each pinned version an advisory affects; nothing else."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from scripts.audit_dependencies import ROOT, audit, main, read_advisories, read_lock

LOCK = ROOT / "requirements" / "lock.txt"


def advisory(ident: str, name: str, **affected: Any) -> dict[str, Any]:
    return {
        "id": ident,
        "summary": f"made-up advisory {ident}",
        "aliases": [f"CVE-0000-{ident[-4:]}"],
        "affected": [{"package": {"ecosystem": "PyPI", "name": name}, **affected}],
    }


def ranges(*events: dict[str, str]) -> list[dict[str, Any]]:
    return [{"type": "ECOSYSTEM", "events": list(events)}]


def test_the_lock_is_read() -> None:
    pins = read_lock(LOCK)
    assert pins["django"] and pins["django-ninja"] and len(pins) > 50


def test_only_affected_pinned_versions_are_found(tmp_path: Path) -> None:
    pins = {"django": "5.2.19", "pyyaml": "6.0.2", "requests": "2.32.5"}
    records = [
        advisory("TEST-0001", "Django", ranges=ranges({"introduced": "5.2"}, {"fixed": "5.2.20"})),
        advisory("TEST-0002", "django", ranges=ranges({"introduced": "0"}, {"fixed": "5.2.19"})),
        advisory("TEST-0003", "PyYAML", versions=["6.0.2"]),
        advisory(
            "TEST-0004",
            "requests",
            ranges=ranges({"introduced": "2.0"}, {"last_affected": "2.32.5"}),
        ),
        advisory("TEST-0005", "requests", ranges=ranges({"introduced": "2.33"})),
        advisory("TEST-0006", "not-pinned", versions=["1.0"]),
        {**advisory("TEST-0007", "django", versions=["5.2.19"]), "withdrawn": "2026-01-01"},
    ]
    found = audit(pins, iter(records))
    assert [(f.package, f.advisory, f.fixed) for f in found] == [
        ("django", "TEST-0001", "5.2.20"),
        ("pyyaml", "TEST-0003", ""),
        ("requests", "TEST-0004", ""),
    ]


def test_a_zip_export_and_the_exit_status(tmp_path: Path, capsys: Any) -> None:
    django = read_lock(LOCK)["django"]
    export = tmp_path / "all.zip"
    with zipfile.ZipFile(export, "w") as archive:
        hit = advisory("TEST-0100", "Django", versions=[django])
        archive.writestr("TEST-0100.json", json.dumps(hit))
        archive.writestr(
            "TEST-0101.json", json.dumps(advisory("TEST-0101", "Django", versions=["0.1"]))
        )
    assert len(list(read_advisories(export))) == 2
    assert main(["--osv", str(export)]) == 1
    assert f"django=={django}: TEST-0100" in capsys.readouterr().out
    clean = tmp_path / "clean.json"
    clean.write_text(json.dumps([advisory("TEST-0200", "Django", versions=["0.1"])]))
    assert main(["--osv", str(clean), "--json"]) == 0
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert main(["--osv", str(broken)]) == 2
