"""The follow-up operating point's choice, on hand-made outcomes."""

from dataclasses import replace

from assistant.answerability import FEATURES, AnswerabilityModel
from evals.fit_followup import choose


def test_the_step_under_which_most_pass_is_kept_and_a_tie_goes_to_the_higher_threshold():
    table = [
        (0.52, {"a": False, "b": False, "oos": True, "c": True}),  # 2 pass
        (0.45, {"a": True, "b": False, "oos": True, "c": True}),  # 3: +1 right
        (0.40, {"a": True, "b": False, "oos": False, "c": False}),  # 1: +2 wrong
        (0.35, {"a": True, "b": True, "oos": True, "c": True}),  # 4: best, below a worse step
        (0.30, {"a": True, "b": True, "oos": True, "c": True}),  # 4 too: the tie goes to 0.35
    ]
    chosen, rows = choose(table)
    assert chosen == 0.35
    assert [(r["right"], r["wrong"]) for r in rows] == [(1, 0), (0, 2), (3, 0), (0, 0)]
    assert choose(table[:3])[0] == 0.45  # never lower than it pays


def test_a_follow_up_is_answered_from_its_own_lower_threshold_and_never_above_the_answer_threshold():
    model = AnswerabilityModel(FEATURES, tuple(0.0 for _ in FEATURES), 0.0, 0.5, hedge_threshold=0.8)
    lowered = replace(model, follow_up_threshold=0.3)
    assert lowered.threshold(follow_up=True) == 0.3 and lowered.threshold() == 0.5
    assert lowered.hedged(0.35, follow_up=True) and not lowered.hedged(0.35)
    assert model.threshold(follow_up=True) == 0.5  # not fitted: as any question
    assert replace(model, follow_up_threshold=0.9).follow_up_threshold == 0.5
