"""Eval metrics on small hand-worked examples."""

import math

import pytest

from evals import metrics as m

SOURCES = [("bathnes", "The child will be seen within a maximum of 5 working days.")]


def test_evidence_found_ignores_case_quotes_and_line_breaks():
    assert m.evidence_found("…so THE child will be seen\nwithin a maximum of 5 working days.", SOURCES[0][1])
    assert m.evidence_found("It said \u201cteam around the family\u201d here", 'said "team around the family"')
    assert not m.evidence_found("The child will be seen within 10 working days.", SOURCES[0][1])


def test_evidence_found_ignores_markdown_emphasis_on_either_side():
    quote = "e.g. Changing Lives programme in relation to substance misuse"
    assert m.evidence_found(quote, "e.g. *Changing Lives* programme in relation to substance misuse")
    assert m.evidence_found("the **Contact, Referral** team_name here", "the Contact, Referral team_name")
    assert not m.evidence_found(quote, "e.g. *Good Lives* programme in relation to substance misuse")


def test_relevance_counts_each_expected_source_once():
    ranked = [("plymouth", "seen within 10 working days"), ("bathnes", SOURCES[0][1]), ("bathnes", SOURCES[0][1])]
    assert m.relevance(ranked, SOURCES) == [0, 1, 0]
    assert m.relevance([("york", SOURCES[0][1])], SOURCES) == [0]  # right words, wrong document


def test_rank_metrics_hand_worked():
    gains = [0, 1, 0, 0, 1]
    assert m.hit_at(gains, 1) == 0 and m.hit_at(gains, 3) == 1
    assert m.mrr_at(gains, 10) == 0.5
    assert m.mrr_at([0, 0, 1], 2) == 0.0
    # DCG = 1/log2(3) + 1/log2(6); ideal with 2 relevant = 1 + 1/log2(3)
    expected = (1 / math.log2(3) + 1 / math.log2(6)) / (1 + 1 / math.log2(3))
    assert m.ndcg_at(gains, 2, 10) == pytest.approx(expected)
    assert m.ndcg_at([1], 1) == 1.0 and m.ndcg_at([0, 0], 1) == 0.0


def test_fact_recall_needs_every_fact():
    facts = [["5 working days", "five working days"], ["24 hours"]]
    assert m.fact_recall(facts, "Seen within five working days; respond within 24 hours.") == 1.0
    assert m.fact_recall(facts, "Seen within five working days.") == 0.0
    assert m.fact_recall([], "anything") == 0.0
    assert m.fact_recall([["20"]], "Service statement (2013-03-15)") == 0.0  # whole words only
    assert m.fact_recall([["20"]], "no less than 20 cases") == 1.0


def test_citation_support_checks_the_passage_each_line_cites():
    facts = [["5 working days"], ["24 hours"]]
    text = '- "Seen within 5 working days." [1]\n- "Respond within 24 hours." [2]'
    assert m.citation_support(facts, text, {1: "seen within 5 working days", 2: "respond within 24 hours"}) == 1.0
    # line 2 cites a passage that does not say 24 hours: one of two mentions unsupported
    assert m.citation_support(facts, text, {1: "seen within 5 working days", 2: "respond promptly"}) == 0.5
    assert m.citation_support(facts, "- Seen within 5 working days.", {}) == 0.0  # no marker at all
    assert m.citation_support(facts, "nothing relevant", {}) is None


def test_source_recall_and_conflict_coverage():
    cited = [("bathnes", "x " + SOURCES[0][1]), ("york", "other")]
    both = SOURCES + [("plymouth", "The child will be seen within 10 working days of the referral.")]
    assert m.source_recall(cited, SOURCES) == 1.0
    assert m.source_recall(cited, both) == 0.5
    facts = [["5 working days"], ["10 working days"]]
    assert m.conflict_covered(["B", "P"], ["B", "P", "Y"], facts, "5 working days ... 10 working days") == 1.0
    assert m.conflict_covered(["B", "P"], ["B"], facts, "5 working days ... 10 working days") == 0.0


def test_authority_correct():
    assert m.authority_correct("York", ["York"], ["York"], True) == 1.0
    assert m.authority_correct("York", ["York", "Torbay"], ["York", "Torbay"], True) == 0.0
    assert m.authority_correct("York", ["York", "Torbay"], ["York", "Torbay"], False) == 1.0
    assert m.authority_correct("York", ["Torbay"], ["Torbay"], False) == 0.0


def test_abstention_hand_worked():
    # (should abstain, did abstain): 2 true refusals, 1 missed, 1 wrong refusal, 2 answered
    outcomes = [(True, True), (True, True), (True, False), (False, True), (False, False), (False, False)]
    got = m.abstention(outcomes)
    assert got["abstention_precision"] == pytest.approx(2 / 3)
    assert got["abstention_recall"] == pytest.approx(2 / 3)
    assert got["wrong_refusal_rate"] == pytest.approx(1 / 3)
    assert m.abstention([(False, False)])["abstention_precision"] is None


def test_percentile_and_mean():
    assert m.percentile([10, 20, 30, 40], 50) == 25
    assert m.percentile([5], 95) == 5 and m.percentile([], 50) is None
    assert m.mean([1.0, None, 0.0]) == 0.5 and m.mean([None]) is None


def test_risk_coverage_walks_left_from_the_operating_point():
    from evals.metrics import risk_coverage

    # four questions: three answered (confidence 0.9 good, 0.7 bad, 0.6 good), one refused
    curve = risk_coverage([(0.9, True, True), (0.7, True, False), (0.6, True, True), (0.2, False, False)])
    assert curve == [(0.6, 0.75, 1 / 3), (0.7, 0.5, 0.5), (0.9, 0.25, 0.0)]
    assert risk_coverage([]) == []


def test_hedging_hand_worked():
    # five answers given: (flagged, passed)
    got = m.hedging([(True, False), (True, True), (False, False), (False, True), (False, True)])
    assert got == {"hedged_share": 0.4, "failed_answers_flagged": 0.5, "passed_answers_flagged": 1 / 3}
    assert m.hedging([]) == dict.fromkeys(got)


def test_the_hedge_point_is_where_the_calibrated_answers_become_more_likely_right_than_wrong():
    from evals.fit_answerability import choose_hedge

    # (best council's probability, answerable, right); 0.3 is refused at a 0.5 threshold
    scores = [
        (0.3, False, False),
        (0.55, False, False),
        (0.6, True, False),
        (0.65, True, True),
        (0.7, True, False),
        (0.8, True, True),
        (0.9, True, True),
        (0.95, True, True),
    ]
    point, steps = choose_hedge(scores, 0.5)
    # isotonic fit of right (0,0,1,0,1,1,1 from 0.55 up): 0, 0, 0.5, 0.5, 1, 1, 1
    assert point == 0.65 and steps[0] == (0.55, 0.0)
    assert choose_hedge([(0.9, True, True), (0.95, True, True)], 0.5)[0] == 0.5  # nothing to flag
    assert choose_hedge([(0.6, True, False), (0.7, False, False)], 0.5)[0] > 0.7  # every answer flagged
