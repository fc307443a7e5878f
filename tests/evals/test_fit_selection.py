"""The quote-selection fit's choice, on hand-made scores (no index, no model)."""

from assistant.quotes import KEEP_ALL, Selection
from evals.fit_selection import Scored, choose
from evals.items import EvalItem

ITEMS = [EvalItem(f"item-{i}", "how soon?", "timescale", None, (("5 days",),), ()) for i in range(4)]
SHORT = Selection(0.0, 0.5)  # drops repeats
SHORTEST = Selection(0.4, 0.5)  # drops nearly every further quote


def scored(
    facts: list[float], sources: list[float], words: list[int], sides: list[float | None] | None = None
) -> list[Scored]:
    sides = sides or [None] * len(ITEMS)
    return [
        Scored(i, f, s, w, c, None) for i, f, s, w, c in zip(ITEMS, facts, sources, words, sides, strict=True)
    ]


def test_the_shortest_rule_that_loses_no_fact_and_no_cited_source_is_chosen():
    results = {
        KEEP_ALL: scored([1, 1, 1, 0], [1, 1, 1, 0], [100, 120, 90, 80]),
        SHORT: scored([1, 1, 1, 0], [1, 1, 1, 0], [70, 90, 60, 80]),
        SHORTEST: scored([1, 0, 1, 0], [1, 1, 1, 0], [40, 50, 40, 40]),  # loses item-1's fact
    }
    chosen, table = choose(results, [0, 1, 2, 3])
    assert chosen == SHORT and table[SHORT]["words_p50"] == 75
    # A rule that keeps every fact but stops citing an expected source is not chosen either.
    results[SHORT] = scored([1, 1, 1, 0], [1, 0.5, 1, 0], [70, 90, 60, 80])
    assert choose(results, [0, 1, 2, 3])[0] == KEEP_ALL


def test_no_rule_may_hide_a_council_that_some_rule_in_the_grid_shows():
    wide = Selection(0.0, 1.0, council_margin=0.30)
    # Items 0 and 1 are conflict items; the old rule already hides item 1's second council.
    results = {
        KEEP_ALL: scored([1, 1, 1, 0], [1, 1, 1, 0], [100, 120, 90, 80], [1, 0, None, None]),
        SHORT: scored([1, 1, 1, 0], [1, 1, 1, 0], [70, 90, 60, 80], [1, 0, None, None]),
        wide: scored([1, 1, 1, 0], [1, 1, 1, 0], [110, 130, 90, 80], [1, 1, None, None]),
    }
    chosen, table = choose(results, [0, 1, 2, 3])
    assert chosen == wide and table[wide]["conflict_coverage"] == 1.0
    # With no rule showing both sides of item 1, the shortest rule that loses nothing is chosen.
    results[wide] = scored([1, 1, 1, 0], [1, 1, 1, 0], [110, 130, 90, 80], [1, 0, None, None])
    assert choose(results, [0, 1, 2, 3])[0] == SHORT


def test_the_eval_verdict_comes_first_then_what_an_answer_holds_then_its_length():
    """A rule that covers a conflict by showing every council, but so fails the items where one
    council must answer alone, is not chosen over one that passes more items."""
    every_council = Selection(0.0, 1.0, council_margin=1.0, others_must_answer=False)

    def rows(sides: list, passed: list[bool], words: list[int]) -> list[Scored]:
        out = scored([1, 1, 1, 1], [1, 1, 1, 1], words, sides)
        for row, ok in zip(out, passed, strict=True):
            row.passed = ok
        return out

    results = {
        KEEP_ALL: rows([1, 0, None, None], [True, False, True, True], [100, 120, 90, 80]),
        SHORT: rows([1, 0, None, None], [True, False, True, True], [70, 90, 60, 80]),
        every_council: rows([1, 1, None, None], [True, True, False, False], [150, 160, 140, 130]),
    }
    chosen, table = choose(results, [0, 1, 2, 3])
    assert chosen == SHORT and table[every_council]["conflict_coverage"] == 1.0
