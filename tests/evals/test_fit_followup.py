"""The follow-up operating point's choice, on hand-made outcomes."""

import json
from dataclasses import replace

from assistant.answerability import FEATURES, AnswerabilityModel
from evals.fit_answerability import choose_hedge as hedge_point
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


def test_a_follow_up_has_its_own_hedge_point_and_a_model_file_without_one_keeps_the_standalone_one(tmp_path):
    model = AnswerabilityModel(
        FEATURES, tuple(0.0 for _ in FEATURES), 0.0, 0.5, hedge_threshold=0.8, follow_up_threshold=0.3
    )
    assert model.hedged(0.6, follow_up=True) and model.hedged(0.6)  # no follow-up point: the standalone one
    own = replace(model, follow_up_hedge_threshold=0.4)
    assert [own.hedged(p, follow_up=True) for p in (0.29, 0.3, 0.39, 0.4, 0.6)] == [False, True, True, False, False]
    assert own.hedged(0.6)  # a standalone question keeps its own point
    assert replace(model, follow_up_hedge_threshold=0.1).follow_up_hedge_threshold == 0.3  # never below its threshold
    path = tmp_path / "answerability.json"
    own.save(path)
    assert AnswerabilityModel.load(path).follow_up_hedge_threshold == 0.4
    older = json.loads(path.read_text())
    del older["follow_up_hedge_threshold"]
    path.write_text(json.dumps(older))
    assert AnswerabilityModel.load(path).hedge_point(follow_up=True) == 0.8


def test_the_follow_up_hedge_point_counts_an_out_of_scope_follow_up_answered_as_wrong():
    # (probability, answered, passed): an out-of-scope follow-up answered fails, and so counts
    # as an answer given wrong
    right_above = [(0.9, True, True)] * 4
    wrong_below = [(0.4, True, False), (0.45, True, True), (0.48, True, False), (0.5, True, False)]
    point, _ = hedge_point([*wrong_below, *right_above, (0.35, False, True)], 0.3)
    assert point == 0.9  # everything below the first answer more likely right is flagged
    mostly_right = [(0.4, True, True), (0.45, True, True), (0.5, True, False)]  # pooled: 2 right in 3
    assert hedge_point([*mostly_right, *right_above], 0.3)[0] == 0.3  # nothing flagged
