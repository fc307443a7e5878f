"""Fit the quote-selection rule on the eval tune split: `python -m evals.fit_selection`.

1. Ask every tune item (conversation items with their history, partner items as the eval asks
   them) through the product's own understanding and retrieval, once.
2. Write each answer again under every rule of a small grid (assistant.quotes.Selection: the
   least share of the question's weight a further quote must add, the most it may repeat, and
   whether a new answer of the kind asked for is kept regardless, how close to the council's best
   a sentence must score to be a candidate at all), exactly as the product
   writes it, and score it as the eval does: fact recall (every expected fact in the answer
   text) and the answer's words.
3. Choose the rule with the shortest answers (median words, then mean words) among those that
   pass as many items as the best rule of the grid by the eval's own verdict (every check of
   the item: facts, sources, the right council and no other where it must be alone, a standalone
   question not carrying the earlier council, every side of a conflict), and, among those, lose
   no more than MAX_FACT_RECALL_LOSS of the fact recall, MAX_SOURCE_RECALL_LOSS of the expected
   sources cited and MAX_CONFLICT_COVERAGE_LOSS of the conflict items covered that the best of
   them reaches on the same items: what an answer must hold comes first (the product's order:
   right, traceable, then short), its length second.
4. Check the choice by leave-one-document-out: choose on the items of four shipped documents,
   score the fifth.

Writes evals/fit/SELECTION.md, which also says where an answer's words go. The constants
chosen are set by hand in assistant/quotes.py from that report (the script says whether they
match). The holdout and unseen_docs splits are never read here.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.quotes import KEEP_ALL, Selection
from evals import metrics as m
from evals.fitting import indexed_assistant, tune_sets
from evals.items import EvalItem

REPORT_PATH = Path(__file__).resolve().parent / "fit" / "SELECTION.md"
# "No fall in fact recall" (issue 8): the chosen rule may not lose any expected fact that another
# rule of the grid finds on the tune split (until session 7: that the old rule finds).
MAX_FACT_RECALL_LOSS = 0.0
# Nor may it stop citing an expected source passage the old rule cites: an item whose expected
# passage goes uncited fails in the eval even when its fact is still said (quoted from another
# passage). Added after the first whole-eval run of the rule chosen without it lost 3 tune items
# that way; the loss allowed is none, as for facts.
MAX_SOURCE_RECALL_LOSS = 0.0
# Nor may it hide a council whose rule differs: a conflict item is covered when every council of
# its expected sources is cited and every fact stated (as the eval scores it). Shortening by
# showing fewer councils is exactly what can hide a second council's different timescale, the
# error the product must never make unseen. Added when a refit after a change to sentence
# scoring chose a narrower council margin that lost a tune conflict item.
MAX_CONFLICT_COVERAGE_LOSS = 0.0
# The grid: gains from "any new question term" to "a third of the question's weight", and
# repeats from "half the words already said" to "anything". Coarse on purpose: 188 items
# cannot tell finer steps apart, and a finer grid would fit their noise.
# (Session 7 thinned them from 0.00/0.05/0.10/0.20/0.40 and 0.5/0.7/0.9/1.0 to keep the run
# near five minutes once the sentence margin joined the grid; every fit so far chose 0.0 and 1.0.)
TERM_GAINS = (0.0, 0.10, 0.40)
REPEATS = (0.5, 1.0)
# Councils: from no margin at all (1.0: every council whose own guidance answers, as the
# answerability model judges it) down to 0.05 (where only near ties are shown side by side).
# 0.30 and 1.0 were added when 0.20, then the widest, was the one chosen: a fitted value at the
# edge of its grid says the grid is too narrow.
COUNCIL_MARGINS = (1.0, 0.30, 0.20, 0.15, 0.10, 0.05)
# Heading levels shown beside a quote: today's two, or the nearest one only.
HEADING_LEVELS = (2, 1)
# Candidate quotes: sentences within this of the council's best score. 0.12 was hand-set in
# session 2; the grid goes as wide as 0.30, where a council's third sentence is usually off-topic.
SENTENCE_MARGINS = (0.12, 0.20, 0.30)


@dataclass
class Scored:
    item: EvalItem
    facts: float | None  # fact recall, None when the item has no facts to find
    sources: float | None  # share of the expected source passages cited, None likewise
    words: int | None  # None when the answer is a refusal (the eval's median leaves those out)
    sides: float | None  # conflict items: 1.0 when every side is cited and every fact said
    answer: object  # the Answer, for the breakdown
    passed: bool = False  # every check the eval makes of the item passed (evals.runner.score_item)


def grid() -> list[Selection]:
    rules = [KEEP_ALL]
    for keep_new in (True, False):
        for gain in TERM_GAINS:
            for repeat in REPEATS:
                for margin in COUNCIL_MARGINS:
                    for levels in HEADING_LEVELS:
                        for must in (False, True):
                            for near in SENTENCE_MARGINS:
                                rules.append(Selection(gain, repeat, keep_new, margin, levels, must, near))
    return list(dict.fromkeys(rules))


def prepare_all(assistant, items: list[EvalItem]) -> list[tuple]:  # noqa: ANN001
    from assistant.answering import Request, prepare
    from assistant.followup import Reading

    out = []
    for item in items:
        history = list(item.history) or None
        reading = assistant.read_question(item.question, history) if history else Reading(item.question, False)
        request = Request(reading.text, follow_up=reading.inherited)  # as the product asks it
        out.append((item, request, prepare(assistant, request)))
    return out


def score_rule(assistant, prepared: list[tuple], rule: Selection) -> list[Scored]:  # noqa: ANN001
    from assistant.answering import write
    from assistant.write import ExtractiveWriter
    from evals.runner import score_item

    old = assistant.writer
    authority_of = {d.doc_id: d.authority for d in assistant.manifest.documents}
    aliases = assistant.aliases
    doors = {a.name: a.front_door for a in assistant.manifest.authorities if a.front_door}
    assistant.writer = ExtractiveWriter(old.model, old.front_doors, old.max_sentences, old.contacts, rule)
    try:
        out = []
        for item, request, ready in prepared:
            answer = write(assistant, request, ready)
            facts = [list(f) for f in item.expected_facts]
            recall = m.fact_recall(facts, answer.text) if item.answerable and facts else None
            cited = [(c.doc_id, c.quote) for c in answer.citations]
            expected = [(s.doc_id, s.evidence) for s in item.sources]
            sources = m.source_recall(cited, expected) if recall is not None else None
            words = None if answer.abstained else len(answer.text.split())  # as the eval counts them
            sides = None
            if item.kind == "conflict":
                expected_sides = [authority_of.get(s.doc_id, s.doc_id) for s in item.sources]
                sides = m.conflict_covered(expected_sides, [c.authority for c in answer.citations], facts, answer.text)
            ranked = [(p.chunk.doc_id, p.chunk.text) for p in ready.passages]
            passed = bool(score_item(item, answer, ranked, aliases, authority_of, doors)["passed"])
            out.append(Scored(item, recall, sources, words, sides, answer, passed))
        return out
    finally:
        assistant.writer = old


def summary(scored: list[Scored]) -> dict[str, float]:
    recalls = [s.facts for s in scored if s.facts is not None]
    sources = [s.sources for s in scored if s.sources is not None]
    words = [s.words for s in scored if s.words is not None]
    sides = [s.sides for s in scored if s.sides is not None]
    return {
        "passed": sum(s.passed for s in scored) / len(scored) if scored else 0.0,
        "conflict_coverage": sum(sides) / len(sides) if sides else 0.0,
        "fact_recall": sum(recalls) / len(recalls) if recalls else 0.0,
        "source_recall": sum(sources) / len(sources) if sources else 0.0,
        "words_p50": statistics.median(words) if words else 0.0,
        "words_mean": statistics.mean(words) if words else 0.0,
    }


def choose(results: dict[Selection, list[Scored]], keep: list[int]) -> tuple[Selection, dict[Selection, dict]]:
    """The shortest rule that loses at most MAX_FACT_RECALL_LOSS on the items at `keep`."""
    table = {rule: summary([scored[i] for i in keep]) for rule, scored in results.items()}
    most = max(row["passed"] for row in table.values())
    passing = {rule: row for rule, row in table.items() if row["passed"] >= most - 1e-9}
    bar = reference(passing)
    feasible = [rule for rule in passing if _keeps_enough(table[rule], bar)]
    # Shortest first; among equals the rule that asks most of a quote (fewest quotes kept later).
    best = min(
        feasible,
        key=lambda r: (
            table[r]["words_p50"],
            table[r]["words_mean"],
            -r.min_term_gain,
            r.max_repeat,
            -r.council_margin,
            -r.heading_levels,
            r.others_must_answer,
        ),
    )
    return best, table


def reference(table: dict[Selection, dict[str, float]]) -> dict[str, float]:
    """What a rule may not fall below: the best fact recall, cited sources and conflict coverage
    any rule of `table` reaches (the rules that pass the most items)."""
    keys = ("fact_recall", "source_recall", "conflict_coverage")
    return {k: max(row[k] for row in table.values()) for k in keys}


def _bar(table: dict[Selection, dict[str, float]]) -> dict[str, float]:
    """The reference of the rules that pass the most items (what `choose` holds a rule to)."""
    most = max(row["passed"] for row in table.values())
    return reference({rule: row for rule, row in table.items() if row["passed"] >= most - 1e-9})


def _keeps_enough(row: dict[str, float], old: dict[str, float]) -> bool:
    return (
        row["fact_recall"] >= old["fact_recall"] - MAX_FACT_RECALL_LOSS - 1e-9
        and row["source_recall"] >= old["source_recall"] - MAX_SOURCE_RECALL_LOSS - 1e-9
        and row["conflict_coverage"] >= old["conflict_coverage"] - MAX_CONFLICT_COVERAGE_LOSS - 1e-9
    )


def breakdown(scored: list[Scored]) -> list[tuple[str, dict[str, float]]]:
    """Where the words of the answered tune items go, per question kind."""
    rows: dict[str, list[dict[str, float]]] = {}
    for s in scored:
        if s.words is None:
            continue
        a = s.answer
        parts = a.parts
        row = {
            "words": s.words,
            "notes": sum(len(b.split()) for b in (a.safety_notice, *a.conflicts, *a.notes) if b),
            "lead": sum(len(p.lead.split()) + 1 for p in parts),  # the lead and its [n]
            "source": sum(len(f"— {p.source}.".split()) for p in parts),
            "quotes": sum(len(f'"{q.text}" [{q.n}]'.split()) for p in parts for q in p.quotes),
            "headings": sum(len(h.split()) for p in parts for h in _shown_headings(p.quotes)),
            "councils": len(parts),
            "quote_count": sum(len(p.quotes) for p in parts),
        }
        rows.setdefault("all", []).append(row)
        rows.setdefault(s.item.kind, []).append(row)
    out = []
    for kind in ["all", *sorted(k for k in rows if k != "all")]:
        group = rows[kind]
        mean = {k: statistics.mean(r[k] for r in group) for k in group[0]}
        mean["n"] = len(group)
        mean["p50"] = statistics.median(r["words"] for r in group)
        out.append((kind, mean))
    return out


def _shown_headings(quotes) -> list[str]:  # noqa: ANN001
    shown, previous = [], ""
    for q in quotes:
        shown.append(q.heading if q.heading != previous else "")
        previous = q.heading
    return shown


def leave_one_document_out(results: dict[Selection, list[Scored]]) -> list[dict]:
    items = results[KEEP_ALL]
    docs = sorted({s.doc_id for x in items for s in x.item.sources})
    out = []
    for doc in docs:
        held = [i for i, x in enumerate(items) if any(s.doc_id == doc for s in x.item.sources)]
        train = [i for i in range(len(items)) if i not in set(held)]
        rule, _ = choose(results, train)
        before, after = summary([items[i] for i in held]), summary([results[rule][i] for i in held])
        out.append({"held_out": doc, "items": len(held), "rule": rule, "before": before, "after": after})
    return out


def _rule(rule: Selection) -> str:
    if rule == KEEP_ALL:
        return "keep every candidate (the old rule)"
    new = "new answers kept" if rule.keep_new_answers else "new answers not special"
    return (
        f"gain ≥ {rule.min_term_gain:.2f}, repeat ≤ {rule.max_repeat:.1f}, {new}, "
        f"councils within {rule.council_margin:.2f}{' that answer themselves' if rule.others_must_answer else ''}, "
        f"{rule.heading_levels} heading level(s), sentences within {rule.sentence_margin:.2f}"
    )


def write_report(chosen: Selection, table: dict, words: dict, lodo: list[dict], n_items: int) -> None:
    before, after = table[KEEP_ALL], table[chosen]
    lines = [
        "# Quote selection: fit report",
        "",
        f"Written by `python -m evals.fit_selection` on {time.strftime('%Y-%m-%d')}, from the {n_items} tune items",
        "(the holdout and unseen_docs splits are not read). See assistant/quotes.py for the rule.",
        "",
        "## Chosen",
        "",
        f"- Rule: {_rule(chosen)}.",
        "  In assistant/quotes.py: `MIN_TERM_GAIN`, `MAX_REPEAT`, `COUNCIL_MARGIN`, `HEADING_LEVELS`,",
        "  `OTHERS_MUST_ANSWER` (a new answer of the kind asked for is always kept).",
        f"- Tune items passed (the eval's verdict) {before['passed']:.3f} → {after['passed']:.3f} (the most any "
        f"rule reaches: {max(row['passed'] for row in table.values()):.3f}).",
        f"- Tune fact recall {before['fact_recall']:.3f} → {after['fact_recall']:.3f} "
        f"(allowed loss {MAX_FACT_RECALL_LOSS}); expected sources cited {before['source_recall']:.3f} → "
        f"{after['source_recall']:.3f} (allowed loss {MAX_SOURCE_RECALL_LOSS}); conflict items with every side "
        f"shown {before['conflict_coverage']:.3f} → {after['conflict_coverage']:.3f} "
        f"(allowed loss {MAX_CONFLICT_COVERAGE_LOSS} against the best of the rules passing the most items, "
        f"{_bar(table)['conflict_coverage']:.3f}).",
        f"- Tune answer words, median {before['words_p50']:.1f} → {after['words_p50']:.1f}, "
        f"mean {before['words_mean']:.1f} → {after['words_mean']:.1f}.",
        "",
        "Hand-set, with reasons (not fitted):",
        "",
        f"- `MAX_FACT_RECALL_LOSS = {MAX_FACT_RECALL_LOSS}`: issue 8 asks for no fall in fact recall.",
        f"- `MAX_SOURCE_RECALL_LOSS = {MAX_SOURCE_RECALL_LOSS}`: an uncited expected source fails an item;",
        "  added after the first whole-eval run (without it) lost 3 tune items that way.",
        f"- `MAX_CONFLICT_COVERAGE_LOSS = {MAX_CONFLICT_COVERAGE_LOSS}`: fewer councils shown must not hide one whose",
        "  rule differs; added when a refit chose a narrower council margin that lost a tune conflict item.",
        "- Items passed comes first (session 9): with facts, sources and conflicts alone the fit chose to",
        "  show every council in the pool, which covered more conflicts but put the earlier council beside",
        "  a standalone follow-up and others beside a council's own answer; the eval failed those items.",
        "- The grid (evals/fit_selection.py `TERM_GAINS`, `REPEATS`, `COUNCIL_MARGINS`, `HEADING_LEVELS`):",
        "  coarse on purpose, so a few hundred items choose between settings that differ in kind, not in noise.",
        "- Ties on words go to the setting that asks most of a quote, then shows most (margin, headings).",
        "- A new answer of the kind asked for (a duration, a team or role, a level) is a grid choice",
        "  too (kept regardless, or weighed like any quote).",
        "- The candidates are those the writer already had: up to `max_sentences_per_authority`",
        "  within the sentence margin of the council's best sentence, now a grid choice too.",
        "",
        "## Where the words go (tune, answered items, mean words per answer)",
        "",
    ]
    lines += _breakdown_table("Old rule (every candidate quoted)", words[KEEP_ALL])
    lines += _breakdown_table("Chosen rule", words[chosen])
    lines += [
        "## The grid (tune)",
        "",
        f"{len(table)} settings. The old rule, the ten shortest of those the fit could choose, and the",
        "trade-off: the shortest setting at each lower (fact recall, sources cited).",
        "",
        "| rule | items passed | fact recall | sources cited | conflicts covered | words p50 | words mean |",
        "|---|---|---|---|---|---|---|",
    ]
    by_words = sorted(table, key=lambda r: (table[r]["words_p50"], table[r]["words_mean"]))
    bar = _bar(table)
    most = max(row["passed"] for row in table.values())
    choosable = [r for r in by_words if table[r]["passed"] >= most - 1e-9 and _keeps_enough(table[r], bar)]
    shown = [KEEP_ALL, *choosable[:10]]
    levels = {(row["fact_recall"], row["source_recall"]) for row in table.values() if not _keeps_enough(row, bar)}
    for level in sorted(levels, reverse=True):
        shown.append(next(r for r in by_words if (table[r]["fact_recall"], table[r]["source_recall"]) == level))
    for rule in dict.fromkeys(shown):
        row = table[rule]
        mark = " **chosen**" if rule == chosen else ""
        lines.append(
            f"| {_rule(rule)}{mark} | {row['passed']:.3f} | {row['fact_recall']:.3f} | {row['source_recall']:.3f} "
            f"| {row['conflict_coverage']:.3f} | {row['words_p50']:.1f} | {row['words_mean']:.1f} |"
        )
    lines += [
        "",
        "## Leave one document out (choose on the other tune documents' items, score the one held out)",
        "",
        "| held out | items | rule chosen on the others | fact recall old → new | sources cited old → new "
        "| words p50 old → new |",
        "|---|---|---|---|---|---|",
    ]
    for row in lodo:
        b, a = row["before"], row["after"]
        lines.append(
            f"| {row['held_out']} | {row['items']} | {_rule(row['rule'])} | {b['fact_recall']:.3f} → "
            f"{a['fact_recall']:.3f} | {b['source_recall']:.3f} → {a['source_recall']:.3f} "
            f"| {b['words_p50']:.1f} → {a['words_p50']:.1f} |"
        )
    lines.append("")
    REPORT_PATH.parent.mkdir(exist_ok=True)
    REPORT_PATH.write_text("\n".join(lines), encoding="utf-8")


def _breakdown_table(title: str, rows: list[tuple[str, dict[str, float]]]) -> list[str]:
    out = [
        f"### {title}",
        "",
        "| kind | answers | words p50 | mean | notes | lead lines | source names | quotes | headings "
        "| councils | quotes per answer |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, r in rows:
        out.append(
            f"| {kind} | {r['n']} | {r['p50']:.0f} | {r['words']:.1f} | {r['notes']:.1f} | {r['lead']:.1f} "
            f"| {r['source']:.1f} | {r['quotes']:.1f} | {r['headings']:.1f} | {r['councils']:.2f} "
            f"| {r['quote_count']:.2f} |"
        )
    return [*out, ""]


def main() -> int:
    started = time.perf_counter()
    settings, assistant = indexed_assistant()
    sets = tune_sets(settings, assistant)
    items = [i for _, its in sets for i in its]
    prepared = [(asker, prepare_all(asker, its)) for asker, its in sets]
    results = {rule: [s for asker, ready in prepared for s in score_rule(asker, ready, rule)] for rule in grid()}
    chosen, table = choose(results, list(range(len(items))))
    words = {rule: breakdown(results[rule]) for rule in (KEEP_ALL, chosen)}
    write_report(chosen, table, words, leave_one_document_out(results), len(items))
    in_code = Selection()  # the defaults: the constants in assistant/quotes.py
    print(f"chosen in {time.perf_counter() - started:.0f} s: {_rule(chosen)}; report {REPORT_PATH}")
    if chosen != in_code:
        print(f"assistant/quotes.py has {_rule(in_code)}: set its constants to the chosen rule")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
