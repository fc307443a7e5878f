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
