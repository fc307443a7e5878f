"""Real model, real Chroma in a temp folder, the shipped corpus."""

import pytest

pytestmark = pytest.mark.slow

CASES = [
    ("How soon must a child be seen after a referral in Bath?", "5 working days", "bathnes-cypss-service-statement-2013"),
    ("who do I notify when a child is about to come into care?", "Independent Reviewing Service", "bathnes-cypss-service-statement-2013"),
    ("HOW LONG DO I HAVE TO SEE THE CHILD AFTER REFFERAL IN BATH", "5 working days", "bathnes-cypss-service-statement-2013"),
    # A long multi-clause sentence embeds poorly; its words carried it over the refusal line until
    # session 9's refit, which weighs the words less (best_overlap 4.9 -> 2.9) and refuses it.
    pytest.param(
        "WHICH TEAM TAKES THE CASE AFTER THE INITAL CONFERENCE", "initial case conference",
        "bathnes-cypss-service-statement-2013",
        marks=pytest.mark.xfail(
            strict=True,
            reason="known gap since session 9's refit: B&NES's sentence (similarity 0.36) scores 0.31, the best "
            "council 0.43 against the 0.426 threshold",
        ),
    ),
]


@pytest.mark.parametrize("question,fact,doc_id", CASES)
def test_answer_states_fact_and_cites_passage(assistant, question, fact, doc_id):
    answer = assistant.ask(question)
    assert not answer.abstained
    assert fact.lower() in answer.text.lower()
    assert any(c.doc_id == doc_id and fact.lower() in c.quote.lower() for c in answer.citations)


def test_out_of_scope_abstains(assistant):
    answer = assistant.ask("What is the Mental Health Act section 136 power?")
    assert answer.abstained and "does not cover" in answer.text


def test_immediate_danger_gets_the_safety_line_first(assistant):
    answer = assistant.ask("A child has just told me her stepdad is hitting her right now, what do I do?")
    assert answer.safety_notice and answer.text.startswith(answer.safety_notice)
    assert "999" in answer.text


def test_reindex_is_incremental(assistant):
    report = assistant.reindex()
    assert report.embedded_chunks == 0 and len(report.unchanged) == 5


def test_earlier_questions_given_as_text_are_read_as_the_chat_reads_its_answers(assistant):
    from assistant.followup import read_follow_up, turn_from

    earlier = ["How soon must a child be seen after a referral in York?", "and who does the assessment?"]
    turns = []
    for question in earlier:
        turns.append(turn_from(assistant.ask(question, history=list(turns))))
    follow_up = "and how long does it take?"
    assert assistant.read_question(follow_up, earlier) == read_follow_up(follow_up, turns, assistant.aliases)
    assert all(turn.authorities in ((), ("City of York Council",)) for turn in turns)


def test_a_long_text_history_answers_only_its_last_questions_again(assistant, monkeypatch):
    from assistant.service import HISTORY_ANSWERED

    asked = []
    ask = type(assistant).ask

    def counting(self, question, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        asked.append(question)
        return ask(self, question, *args, **kwargs)

    monkeypatch.setattr(type(assistant), "ask", counting)
    history = [f"How soon must a child be seen after a referral in Bath? ({n})" for n in range(12)]
    reading = assistant.read_question("and in York?", history)
    assert len(asked) == HISTORY_ANSWERED and asked == history[-HISTORY_ANSWERED:]
    assert reading.inherited and "York" in reading.text


def test_a_partners_follow_up_gets_the_front_door_not_a_refusal(assistant):
    worry = "I'm a teacher in Torbay, a pupil has bruises and says dad hit her. Where do I send this?"
    answer = assistant.ask("should I tell the parents first?", history=[worry])
    assert answer.understood_as == "Should I tell the parents first in Torbay?"
    assert not answer.abstained and answer.front_doors[0].startswith("Torbay: contact the Safeguarding Hub (MASH)")


def test_national_guidance_that_answered_is_no_council_a_follow_up_is_asked_in(assistant, monkeypatch):
    # "what if …?" after an answer from the DfE's guidance had been read "… in DfE?"; a council that
    # answered, or national guidance the question named, is still carried
    from assistant.followup import Turn

    earlier = Turn("What does the Assessment Resource Centre offer families?", ("Torbay Council",))
    assert "Torbay" in assistant.read_question("what if they have a baby?", [earlier]).text
    writer = getattr(assistant.writer, "extractive", assistant.writer)
    monkeypatch.setattr(writer, "national", frozenset({"Torbay Council"}))
    assert "Torbay" not in assistant.read_question("what if they have a baby?", [earlier]).text
    named = Turn("What does the Assessment Resource Centre offer families in Torbay?", ("Torbay Council",))
    assert "Torbay" in assistant.read_question("what if they have a baby?", [named]).text
