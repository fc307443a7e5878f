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
