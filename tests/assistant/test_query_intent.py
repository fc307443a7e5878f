"""A partner's ask in other words is still read as a referral question (and so never refused);
a practitioner's question that only mentions a referral is not."""

import pytest

from assistant.query import detect_intent


@pytest.mark.parametrize(
    "question",
    [
        "Nursery manager here, do we need to make an early help referral or go straight to social care?",
        "the police want to know if children's services need a referral for the twins, and who to?",
        "could I get some advice before referring? the dad seems low and the house is chaotic",
        "what phone number do nurseries in Torbay ring about a worry?",
        "I want to talk it through with someone before making a referral",
    ],
)
def test_partner_asks_in_other_words_are_referral_questions(question):
    assert detect_intent(question) == "referral"


@pytest.mark.parametrize(
    "question",
    [
        "What number of referrals did York receive last year?",
        "what does the duty team do with a referral once it arrives?",
        "How long does the duty team have to respond to a new referral?",
        "Who decides whether a referral needs a strategy discussion?",
    ],
)
def test_practitioner_questions_about_referrals_are_not_partner_asks(question):
    assert detect_intent(question) != "referral"


@pytest.mark.parametrize(
    "question",
    [
        "A lad at our club turned up with a black eye and won't say how. Is this a safeguarding concern?",
        "dad was shouting and smelled of drink at pick-up. does this need to be reported?",
        "one of my patients says her ex still turns up at the house with the kids there, should social services know?",
        "a girl in my class keeps missing school and says she looks after her little brothers. what should I do?",
    ],
)
def test_asking_whether_a_worry_is_to_be_passed_on_is_a_referral_question(question):
    assert detect_intent(question) == "referral"


def test_a_practitioners_procedure_question_is_not_read_as_a_partners():
    assert detect_intent("Do I need to tell the parents before a strategy discussion in York?") != "referral"
    assert detect_intent("What should the team do when a child protection plan ends?") != "referral"


def test_a_reporting_deadline_question_is_not_a_partners_ask():
    question = "How long do I have to report an allegation against a foster carer to the LADO?"
    assert detect_intent(question) == "timescale"
    assert detect_intent("I'm not sure, do I need to report it?") == "referral"
