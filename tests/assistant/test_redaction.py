"""Redaction of typed questions before storage: the cases safety.redact misses, and what must survive."""

import pytest

from assistant.redaction import redact_personal

KNOWN = ["Bath and North East Somerset Council", "Bath", "B&NES", "City of York Council", "York", "Stockton-on-Tees"]


@pytest.mark.parametrize(
    "typed,secret",
    [
        ("Jayden Smith dob 3/4/2015 lives at 12 Acacia Avenue, Leeds LS6 2AB", "Jayden"),
        ("my client Kayla Brown (born 12 March 2016)", "Kayla"),
        ("the child, Amelia, was seen", "Amelia"),
        ("Amelia is 5 and her brother Kai is 7", "Kai"),
        ("a boy called jayden", "jayden"),
        ("case of Leo Smith-Jones aged 4", "Smith-Jones"),
        ("case number 12345678", "12345678"),
        ("Ref: CS/2024/00123", "00123"),
        ("seen on 2024-03-01", "2024-03-01"),
        ("ring mum on 07700 900123", "900123"),
        ("NHS 943 476 5919", "5919"),
    ],
)
def test_personal_details_are_removed(typed, secret):
    assert secret not in redact_personal(typed, KNOWN)


@pytest.mark.parametrize(
    "question",
    [
        "How soon must a child be seen after a referral in Bath?",
        "What does the Mental Health Act say about section 136?",
        "Who signs off assessments in Stockton-on-Tees?",
        "When a child comes into care in B&NES, who tells the Independent Reviewing Service?",
        "HOW LONG DO I HAVE TO SEE THE CHILD IN YORK",
    ],
)
def test_guidance_questions_survive_unchanged(question):
    assert redact_personal(question, KNOWN) == question


def test_adjacent_redactions_collapse_to_one():
    assert redact_personal("Is Jayden Lee Smith safe?") == "Is [name] safe?"
