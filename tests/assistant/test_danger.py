"""The fitted danger model (assistant/danger.py, assistant/danger.json) and the 999 line it feeds."""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
import sys

import pytest

from assistant.danger import MODEL_PATH, DangerModel, danger_model
from assistant.safety import SAFETY_LINE, danger_now, immediate_danger

MINILM_DIMENSIONS = 384  # the question embedder's vector size: the model must read exactly that

# Written for these tests, after the fit, and in none of the labelled set or the eval items; each
# measured once when written. The rules miss the first, second, fourth and sixth.
DANGER_NOW = (
    "foster carer rang: the 11 yr old has locked herself in the bathroom with a razor and won't answer",
    "dinner lady says a man she doesn't recognise is trying to lift a reception child over the fence",
    "paramedic here, 5 week old not breathing properly, parents say she fell off the sofa",
    "our year 8 says her cousins are driving her to the airport tonight to marry her off back home",
    "boy just rang from the park saying a gang have him cornered and one has a blade",
    "mum turned up at breakfast club wild eyed, shouting that she's going to take the twins and end it all",
)
NOT_DANGER_NOW = (
    "what training do designated safeguarding leads need to renew every two years?",
    "a parent complained that our school's safeguarding policy is out of date, who signs it off?",
    "years ago a pupil disclosed abuse by her uncle, the case went to court and he was jailed, do we keep the file?",
    "if a child said they were being hurt at home, would I have to tell the parents first?",
    "toddler at nursery keeps biting other children, parents are supportive and we have a plan",
    "can a 15 year old consent to a referral being made without their parents knowing?",
)


def test_probability_is_the_logistic_of_the_linear_score():
    model = DangerModel(coefficients=(1.0, -2.0), intercept=0.5, threshold=0.5, fitted="2026-11-25", messages=2)
    assert model.probability([0.0, 0.0]) == pytest.approx(1 / (1 + math.exp(-0.5)))
    assert model.probability([1.0, 1.0]) == pytest.approx(1 / (1 + math.exp(0.5)))  # 0.5 + 1 - 2 = -0.5
    assert model.probability([-1000.0, 0.0]) == pytest.approx(0.0)  # no overflow far out
    assert model.says_danger(0.5) and not model.says_danger(0.49) and not model.says_danger(None)
    with pytest.raises(ValueError, match="dimensions"):
        model.probability([1.0, 2.0, 3.0])


def test_the_shipped_weights_are_the_fit_the_report_describes():
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model = danger_model()
    assert len(model.coefficients) == MINILM_DIMENSIONS
    assert 0 < model.threshold < 1
    assert model.messages >= 303  # at least every labelled message
    dt.date.fromisoformat(model.fitted)
    assert DangerModel.from_json(raw) == model


def test_the_question_path_reads_the_weights_without_scikit_learn():
    """Answering does a dot product on the stored weights: no scikit-learn import, even indirectly."""
    code = (
        "import sys\n"
        "import assistant.answering, assistant.referral, assistant.write\n"
        "from assistant.safety import danger_now\n"
        "assert danger_now('what is section 20?', 0.99)\n"
        "assert not danger_now('what is section 20?', 0.01)\n"
        "assert not any(m == 'sklearn' or m.startswith('sklearn.') for m in sys.modules), 'sklearn imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


def test_rules_alone_decide_when_no_vector_was_read():
    assert danger_now("A child has just told me her stepdad is hitting her right now, what do I do?", None)
    assert not danger_now(DANGER_NOW[0], None)  # the rules miss it; without a vector nothing else reads it


@pytest.mark.slow
@pytest.mark.parametrize(("message", "danger"), [(m, True) for m in DANGER_NOW] + [(m, False) for m in NOT_DANGER_NOW])
def test_the_model_reads_danger_now_in_wording_it_was_not_fitted_on(assistant, message, danger):
    probability = danger_model().probability(assistant.embedder.embed([message])[0])
    assert danger_model().says_danger(probability) == danger, f"p={probability:.2f}"


@pytest.mark.slow
def test_ask_and_the_worried_page_open_with_the_999_line_the_rules_miss(assistant):
    """The same decision on both paths: an ordinary question and a partner's concern (the Worried page)."""
    message = DANGER_NOW[1]
    assert not immediate_danger(message)
    for answer in (assistant.ask(message), assistant.referral_check(message)):
        assert answer.safety_notice == SAFETY_LINE
        assert answer.text.startswith(SAFETY_LINE)
    prepared = assistant.prepare(message)
    assert prepared.query.danger_probability is not None and "danger" in prepared.timings_ms


@pytest.mark.slow
def test_a_practice_question_gets_no_999_line(assistant):
    for question in NOT_DANGER_NOW[:2]:
        assert not assistant.ask(question).safety_notice
        assert not assistant.referral_check(question).safety_notice


@pytest.mark.parametrize(
    "message,danger",
    [
        ("How quickly should a Request for Support go in at Level 4 when they're not in immediate danger?", False),
        ("the child is not in immediate danger but I am worried about neglect", False),
        ("no immediate risk but mum drinks every night, should I refer?", False),
        ("she isn't in danger now", False),
        ("the child is in immediate danger", True),
        ("she is not safe at home", True),  # a cue that is itself negative
        ("he is not breathing", True),
        ("he says he's not in danger but I think he is in danger from his uncle", True),  # one cue stands
    ],
)
def test_an_always_danger_cue_said_not_to_apply_does_not_raise_the_999_line(message, danger):
    assert immediate_danger(message) is danger
