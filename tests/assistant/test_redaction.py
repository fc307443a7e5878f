"""Redaction of typed questions before storage: recall and false positives on the committed test set."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from personal_data import leaked, load

from assistant.redaction import Redactor, _analyzer, redact_personal

ROOT = Path(__file__).resolve().parents[2]
MAX_FALSE_POSITIVE_RATE = 0.02


@pytest.fixture(scope="module")
def redactor() -> Redactor:
    return Redactor(ROOT / "corpus")


def test_personal_data_set_recall_and_false_positives(redactor, summary_lines):
    data = load()
    assert len(data["personal"]) >= 80 and len(data["guidance"]) >= 60
    started = time.perf_counter()
    _analyzer()
    engine_seconds = time.perf_counter() - started
    redactor.redact("warm up: reads the library's terms")
    misses, kept_lost, timings = [], [], []
    spans = 0
    for item in data["personal"]:
        started = time.perf_counter()
        redacted = redactor.redact(item["text"])
        timings.append(time.perf_counter() - started)
        for span in item["spans"]:
            spans += 1
            if leaked(span, item["text"], redacted):
                misses.append(f"{span!r} in {redacted!r}")
        kept_lost += [f"{term!r} in {redacted!r}" for term in item.get("keep", ()) if term not in redacted]
    changed = [f"{phrase!r} -> {redactor.redact(phrase)!r}" for phrase in data["guidance"]
               if redactor.redact(phrase) != phrase]
    recall = 1 - len(misses) / spans
    false_positive_rate = len(changed) / len(data["guidance"])
    summary_lines += [
        f"recall {recall:.3f} ({spans - len(misses)}/{spans} spans in {len(data['personal'])} strings); "
        f"false positives {false_positive_rate:.3f} ({len(changed)}/{len(data['guidance'])} guidance phrases); "
        f"guidance terms lost inside personal strings: {len(kept_lost)}",
        f"engine load {engine_seconds:.2f} s (0 if already loaded); per question median "
        f"{1000 * statistics.median(timings):.1f} ms, max {1000 * max(timings):.1f} ms",
        *(f"  changed: {line}" for line in changed),
    ]
    assert not misses, f"recall {recall:.3f}; personal details left in:\n" + "\n".join(misses)
    assert false_positive_rate <= MAX_FALSE_POSITIVE_RATE, (
        f"false positives {false_positive_rate:.3f}; guidance changed:\n" + "\n".join(changed)
    )


@pytest.mark.parametrize(
    "typed,secret",
    [
        ("what do i do about jayden smith who is 14", "jayden"),
        ("Kai Jones at Oldfield Park Infant School has bruises", "Oldfield"),
        ("my client May is 15 and pregnant", "May"),
        ("MY CLIENT JAYDEN SMITH WAS HIT BY HIS DAD", "SMITH"),
        ("dad's number +44 7700 900789", "900789"),
        ("nhs number 943 476 5918 (a mistyped one)", "5918"),
        ("born on March 12, 2016 in Plymouth", "March 12"),
        ("they live at 12 High St, Keynsham", "High St"),
    ],
)
def test_the_leaks_reported_in_issue_13_are_closed(redactor, typed, secret):
    assert secret not in redactor.redact(typed)


@pytest.mark.parametrize(
    "phrase",
    ["Signs of Safety", "Ofsted", "Working Together to Safeguard Children", "Local Authority Designated Officer",
     "Public Law Outline", "Mosaic", "HOW LONG DO I HAVE TO SEE THE CHILD IN YORK", "May I share information?"],
)
def test_the_guidance_words_it_used_to_damage_survive(redactor, phrase):
    assert redactor.redact(phrase) == phrase


@pytest.mark.parametrize(
    "typed,kept,secret",
    [
        ("York HV here. family with 3 under 5s, house is grim", "York HV here", None),
        ("Torbay GP here, worried about a boy", "Torbay GP here", None),
        ("John Smith York HV here", "York HV here", "John"),
    ],
)
def test_a_council_read_inside_a_name_is_kept(redactor, typed, kept, secret):
    """spaCy reads a partner's "York HV here" as one name; the council in it is the question's."""
    redacted = redactor.redact(typed)
    assert kept in redacted
    assert secret is None or secret not in redacted


@pytest.mark.parametrize(
    "typed,kept,secret",
    [
        ("A 7 year old in my class has bruises and says dad hit him", "dad hit him", None),
        ("my pupil Jack Smith says his stepdad hits him", "stepdad hits him", "Jack"),
        ("her brother kicked her and her uncle punched him", "brother kicked her and her uncle punched", None),
        ("dad mark hit him", "hit him", "mark"),  # a first name that is also a verb stays a name
    ],
)
def test_what_a_relation_did_is_kept_and_their_name_is_not(redactor, typed, kept, secret):
    """A concern stored with feedback keeps what happened ("dad hit him" once read "dad [name] him")."""
    redacted = redactor.redact(typed)
    assert kept in redacted
    assert secret is None or secret not in redacted


def test_placeholders_say_what_was_removed_and_adjacent_names_collapse(redactor):
    redacted = redactor.redact("Is Jayden Lee Smith safe? Ring 07700 900123 or jo@example.org, BA2 3AB")
    assert redacted == "Is [name] safe? Ring [phone] or [email], [postcode]"


def test_a_school_is_kept_unless_a_person_is_named(redactor):
    assert redactor.redact("How do I refer from Oldfield Park Infant School?") == (
        "How do I refer from Oldfield Park Infant School?"
    )
    assert "Oldfield" not in redactor.redact("Amelia at Oldfield Park Infant School told her teacher")


def test_terms_of_a_new_document_are_kept_once_the_manifest_changes(tmp_path, corpus_copy):
    corpus = corpus_copy(tmp_path / "corpus")
    redactor = Redactor(corpus)
    assert redactor.redact("Do we record it in Liquidlogic?") == "Do we record it in [name]?"
    document = corpus / "documents" / "york-childrens-social-care-targeted-help.txt"
    document.write_text(document.read_text(encoding="utf-8") + "\nCase records are kept in Liquidlogic.\n",
                        encoding="utf-8")
    manifest = corpus / "manifest.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert redactor.redact("Do we record it in Liquidlogic?") == "Do we record it in Liquidlogic?"


def test_without_a_library_it_still_redacts():
    assert redact_personal("ring mum on 07700 900123 about Kayla Brown") == "ring mum on [phone] about [name]"


def test_importing_redaction_loads_no_engine():
    code = "import sys, assistant.redaction; print(any(m.startswith(('presidio', 'spacy')) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_email_check_never_reaches_the_network(redactor, monkeypatch):
    """tldextract fetches the public suffix list on first use unless told not to; ours uses the snapshot."""
    import socket

    attempts = []
    monkeypatch.setattr(socket.socket, "connect", lambda self, address: attempts.append(address))
    monkeypatch.setattr(socket, "create_connection", lambda address, *a, **k: attempts.append(address))
    assert redactor.redact("mum's email is k.brown88@hotmail.co.uk") == "mum's email is [email]"
    assert attempts == []
