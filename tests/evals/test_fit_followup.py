"""The follow-up operating point's choice, on hand-made outcomes."""

from dataclasses import replace

from assistant.answerability import FEATURES, AnswerabilityModel
from evals.fit_followup import choose


def test_the_threshold_is_lowered_while_each_step_puts_right_at_least_as_many_as_it_puts_wrong():
    table = [
        (0.52, {"a": False, "b": False, "oos": True, "c": True}),
        (0.45, {"a": True, "b": False, "oos": True, "c": True}),  # +1 right
        (0.40, {"a": True, "b": True, "oos": False, "c": True}),  # +1 right, +1 wrong: still taken
        (0.35, {"a": True, "b": True, "oos": False, "c": False}),  # +1 wrong: stop
        (0.30, {"a": True, "b": True, "oos": False, "c": True}),  # never reached
    ]
    chosen, rows = choose(table)
    assert chosen == 0.40
    assert [(r["right"], r["wrong"]) for r in rows[:3]] == [(1, 0), (1, 1), (0, 1)]


def test_a_follow_up_is_answered_from_its_own_lower_threshold_and_never_above_the_answer_threshold():
    model = AnswerabilityModel(FEATURES, tuple(0.0 for _ in FEATURES), 0.0, 0.5, hedge_threshold=0.8)
    lowered = replace(model, follow_up_threshold=0.3)
    assert lowered.threshold(follow_up=True) == 0.3 and lowered.threshold() == 0.5
    assert lowered.hedged(0.35, follow_up=True) and not lowered.hedged(0.35)
    assert model.threshold(follow_up=True) == 0.5  # not fitted: as any question
    assert replace(model, follow_up_threshold=0.9).follow_up_threshold == 0.5
