"""Redaction keeps working while a curator has the manifest half-edited (found running the app as a user)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # loads Presidio and spaCy

ROOT = Path(__file__).resolve().parents[1]
QUESTION = "Jayden Smith, NHS 943 476 5919, lives in Plymouth PL4 8AA: how soon must he be seen?"
PERSONAL = ["Jayden", "Smith", "943 476 5919", "PL4 8AA"]


def break_manifest(corpus: Path) -> None:
    """An unclosed list, as a hand edit in progress leaves it; the mtime moves on so it is re-read."""
    path = corpus / "manifest.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("aliases: [Plymouth]", "aliases: [Plymouth", 1),
                    encoding="utf-8")
    stamp = path.stat().st_mtime + 2
    os.utime(path, (stamp, stamp))


@pytest.fixture
def corpus(tmp_path):
    return Path(shutil.copytree(ROOT / "corpus", tmp_path / "corpus"))


def test_a_manifest_broken_after_start_keeps_the_terms_read_before(corpus):
    from assistant.redaction import Redactor

    redactor = Redactor(corpus)
    before = redactor.redact(QUESTION)
    assert "Plymouth" in before, "the council's name is a library term and is kept"
    break_manifest(corpus)
    after = redactor.redact(QUESTION)  # raised ManifestError: the Ask page showed a traceback
    assert after == before
    assert not [p for p in PERSONAL if p in after]


def test_a_manifest_broken_from_the_start_still_removes_personal_details(corpus):
    from assistant.redaction import Redactor

    break_manifest(corpus)
    redacted = Redactor(corpus).redact(QUESTION)
    assert not [p for p in PERSONAL if p in redacted]
    assert "how soon must he be seen" in redacted
