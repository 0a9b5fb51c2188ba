"""`jeevanrekha risk score` and `risk explain` on the shipped artefact (no training here)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args: Any) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_score_writes_one_line_per_input_line_whatever_it_holds(tmp_path: Path) -> None:
    inp = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"id": "a", "text": "aaj raat sab khatam, alvida sabko 🙏"}, ensure_ascii=False),
        json.dumps({"id": 2, "text": "ye exam meri jaan le lega 😂"}, ensure_ascii=False),
        json.dumps({"id": "c", "text": ""}),
        json.dumps({"id": "d"}),
        json.dumps({"id": "e", "text": ["not", "a", "string"]}),
        "this is not json",
        json.dumps([1, 2, 3]),
    ]
    inp.write_bytes(("\n".join(lines) + "\n").encode() + b"\xff\xfe broken bytes\n")
    out = tmp_path / "out.jsonl"
    run("risk", "score", "--jsonl", str(inp), "--out", str(out))
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(docs) == len(lines) + 1
    assert [d["id"] for d in docs[:5]] == ["a", 2, "c", "d", "e"]
    for doc in docs:
        assert set(doc) == {"id", "level", "score", "imminent", "lang", "cues"}
    assert docs[0]["level"] == 4 and docs[0]["imminent"] is True
    assert docs[1]["level"] == 0
    goodbye = [c for c in docs[0]["cues"] if c["kind"] == "goodbye"]
    assert goodbye and goodbye[0]["text"] == "alvida"


def test_score_needs_its_files() -> None:
    with pytest.raises(CommandError):
        run("risk", "score")


def test_explain_names_the_cues() -> None:
    text = run("risk", "explain", "neend ki goliyan kha li hain 💊 alvida")
    assert text.startswith("level 4 (imminent)")
    assert "+ method" in text and "'neend ki goliyan'" in text
    assert "+ goodbye" in text
