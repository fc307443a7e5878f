"""`guidance eval add`: a curator's item is checked against the document before it is appended."""

import shutil

import pytest

from assistant.cli import main
from evals.items import load_items

EVIDENCE = "The child will be seen within a maximum of 5 working days and this will be recorded in Care First"


@pytest.fixture()
def items_file(tmp_path):
    path = tmp_path / "items.yaml"
    shutil.copy("evals/items.yaml", path)
    return path


def _add(items_file, *extra):
    return main(["eval", "add", "--items", str(items_file), "--question", "When is a Bath child seen?",
                 "--kind", "timescale", "--fact", "5 working days | five working days",
                 "--doc", "bathnes-cypss-service-statement-2013", "--section", "7.1.3 Process of work", *extra])


def test_valid_item_is_appended_and_loads(items_file):
    before = len(load_items(items_file))
    assert _add(items_file, "--evidence", EVIDENCE) == 0
    items = load_items(items_file)
    assert len(items) == before + 1
    added = items[-1]
    assert added.authority == "Bath and North East Somerset Council"  # taken from the manifest
    assert added.expected_facts == (("5 working days", "five working days"),)
    assert added.split == "tune"


def test_evidence_not_in_document_is_refused_and_nothing_written(items_file, capsys):
    original = items_file.read_bytes()
    assert _add(items_file, "--evidence", "The child will be seen within a maximum of 3 working days") == 2
    assert "not found" in capsys.readouterr().err
    assert items_file.read_bytes() == original


def test_fact_missing_from_evidence_is_refused(items_file, capsys):
    original = items_file.read_bytes()
    assert main(["eval", "add", "--items", str(items_file), "--question", "q?", "--kind", "timescale",
                 "--fact", "10 working days", "--doc", "bathnes-cypss-service-statement-2013",
                 "--evidence", EVIDENCE]) == 2
    assert "not in the evidence" in capsys.readouterr().err
    assert items_file.read_bytes() == original
