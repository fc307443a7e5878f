"""`guidance add` given bad input says so in one clean sentence and changes nothing (found as a new user)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXISTING_ID = "plymouth-childrens-social-care-2013"
NOT_A_PDF = b"\x00garbage bytes, not a pdf\n" * 12  # no %PDF header and no %%EOF marker
CLI_SECONDS = 120  # a cold process on a busy 2-core machine
NEW_TEXT = "# Neglect\n\nA strategy discussion is held within one working day of concerns about neglect.\n"


@pytest.fixture
def library(tmp_path, monkeypatch):
    corpus = Path(shutil.copytree(ROOT / "corpus", tmp_path / "corpus"))
    monkeypatch.setenv("GUIDANCE_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("GUIDANCE_DATA_DIR", str(tmp_path / "data"))
    upload = tmp_path / "neglect.md"
    upload.write_text(NEW_TEXT, encoding="utf-8")
    return corpus, upload


@pytest.mark.parametrize(("extra", "says"), [
    (["--title", "Neglect", "--id", EXISTING_ID], f"already has a document called '{EXISTING_ID}'"),
    (["--title", "  "], "Give the document a title"),
])
def test_a_refused_add_ends_its_message_with_one_full_stop(library, capsys, extra, says):
    corpus, upload = library
    manifest = (corpus / "manifest.yaml").read_bytes()
    code = main(["add", str(upload), "--authority", "Plymouth", "--date", "2024-01-01", *extra])
    error = capsys.readouterr().err
    assert code == 2
    assert says in error and "Nothing was added." in error
    assert ".." not in error, error  # was "choose a different id.. Nothing was added."
    assert (corpus / "manifest.yaml").read_bytes() == manifest
    assert not list((corpus / "documents").glob("*neglect*"))


def test_a_damaged_pdf_is_reported_in_one_line_without_the_pdf_readers_own_remarks(library, tmp_path):
    corpus, _ = library
    pdf = tmp_path / "garbage.pdf"
    pdf.write_bytes(NOT_A_PDF)
    env = {**os.environ, "GUIDANCE_CORPUS_DIR": str(corpus), "GUIDANCE_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run([str(Path(sys.executable).with_name("guidance")), "add", str(pdf), "--authority", "Torbay",
                             "--title", "Garbage", "--date", "2024-01-01"], env=env, capture_output=True, text=True,
                            timeout=CLI_SECONDS)
    assert result.returncode == 2
    # was preceded by pypdf's "invalid pdf header: b'\\x00garb'" and "EOF marker not found"
    assert result.stderr.splitlines() == [
        "error: garbage.pdf: the PDF is damaged or not a PDF (PdfStreamError). Nothing was added."
    ]
