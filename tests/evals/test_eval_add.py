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


# Conversation and partner items, added to a fresh items file (the shipped set is not needed).
HISTORY = ("How soon must a child be seen after a referral in Plymouth?",)


@pytest.fixture()
def fresh_items(tmp_path):
    return tmp_path / "items.yaml"


def _conversation(items_file, *extra):
    return main(["eval", "add", "--items", str(items_file), "--question", "and in Bath?", "--kind", "conversation",
                 "--fact", "5 working days", "--doc", "bathnes-cypss-service-statement-2013",
                 "--evidence", EVIDENCE, *extra])


def test_a_conversation_item_keeps_its_earlier_questions_in_order(fresh_items):
    assert _conversation(fresh_items, "--history", HISTORY[0], "--history", "and what about Torbay?") == 0
    (added,) = load_items(fresh_items)
    assert added.kind == "conversation" and added.history == (HISTORY[0], "and what about Torbay?")
    assert added.authority == "Bath and North East Somerset Council" and not added.standalone
    assert main(["eval", "add", "--items", str(fresh_items), "--id", "new-topic", "--question",
                 "When is a Bath child seen?", "--kind", "conversation", "--fact", "5 working days",
                 "--doc", "bathnes-cypss-service-statement-2013", "--evidence", EVIDENCE,
                 "--history", HISTORY[0], "--standalone"]) == 0
    assert load_items(fresh_items)[-1].standalone


def test_a_conversation_item_without_history_or_with_a_wrong_evidence_is_refused(fresh_items, capsys):
    assert _conversation(fresh_items) == 2
    assert "--history" in capsys.readouterr().err
    assert _conversation(fresh_items, "--history", "  ") == 2
    assert main(["eval", "add", "--items", str(fresh_items), "--question", "and in Bath?", "--kind", "conversation",
                 "--fact", "3 working days", "--doc", "bathnes-cypss-service-statement-2013",
                 "--evidence", EVIDENCE, "--history", HISTORY[0]]) == 2
    assert "not in the evidence" in capsys.readouterr().err
    assert not fresh_items.exists()


def test_history_and_partner_flags_are_refused_on_other_kinds(items_file, capsys):
    original = items_file.read_bytes()
    assert _add(items_file, "--evidence", EVIDENCE, "--history", HISTORY[0]) == 2
    assert _add(items_file, "--evidence", EVIDENCE, "--front-door") == 2
    assert "partner" in capsys.readouterr().err
    assert items_file.read_bytes() == original


def _partner(items_file, *extra):
    return main(["eval", "add", "--items", str(items_file), "--kind", "partner", "--question",
                 "Childminder in Bath: a toddler has a burn on his hand and mum's story keeps changing. Who do I ring?",
                 *extra])


def test_a_partner_item_needs_no_facts_and_records_its_checks(fresh_items):
    assert _partner(fresh_items, "--authority", "B&NES", "--front-door", "--safety") == 0
    (added,) = load_items(fresh_items)
    assert (added.kind, added.authority, added.front_door, added.safety) == (
        "partner", "Bath and North East Somerset Council", True, True)
    assert added.expected_facts == () and added.sources == ()
    # no council named: every council's front door is what the answer must give
    assert _partner(fresh_items, "--id", "any-council", "--front-door") == 0
    assert load_items(fresh_items)[-1].authority is None


def test_a_partner_item_with_a_fact_is_checked_like_any_other(fresh_items, capsys):
    assert _partner(fresh_items, "--front-door", "--fact", "5 working days",
                    "--doc", "bathnes-cypss-service-statement-2013", "--evidence", EVIDENCE) == 0
    assert load_items(fresh_items)[-1].authority == "Bath and North East Somerset Council"  # from the document
    assert _partner(fresh_items, "--id", "no-fact", "--doc", "bathnes-cypss-service-statement-2013",
                    "--evidence", EVIDENCE) == 2
    assert "go with --fact" in capsys.readouterr().err
    assert _partner(fresh_items, "--id", "bad-council", "--authority", "Leeds", "--front-door") == 2
    assert len(load_items(fresh_items)) == 1


def test_a_front_door_check_needs_a_front_door_in_the_manifest(tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "corpus"
    shutil.copytree("corpus", corpus)
    manifest = corpus / "manifest.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace(
        "  front_door: the Referral and Assessment Service\n", ""), encoding="utf-8")
    monkeypatch.setenv("GUIDANCE_CORPUS_DIR", str(corpus))
    items = tmp_path / "items.yaml"
    assert _partner(items, "--authority", "York", "--front-door") == 2
    assert "no front door is recorded for City of York Council" in capsys.readouterr().err
    assert _partner(items, "--authority", "York", "--safety") == 0
