"""Choose the follow-up operating point on the tune split: `python -m evals.fit_followup`.

A follow-up ("and in Plymouth?", "who chairs it?") is read against the conversation into a
question that stands alone, which carries words of the earlier question its answer need not
hold, so the answerability model, fitted on questions typed whole, judges it less likely to be
answered than it is. This script asks every tune follow-up (conversation items, and out-of-scope
items with a history: follow-ups the documents do not answer) with the follow-up threshold set
at each step of STEPS, from the answer threshold down, and keeps the step under which the most
items pass (an answerable follow-up answered with its facts, an out-of-scope one refused); a tie
goes to the higher threshold, which answers less. (Until session 9 it stopped at the first step
that put more items wrong than right; one noisy step then hid the better steps below it.)
Answers given below the answer threshold open with "This may not answer your question" (they
are below the hedge point).

Writes `follow_up_threshold` into assistant/answerability.json (the rest of the model is kept)
and evals/fit/FOLLOWUP.md. The holdout and unseen_docs splits are never read here.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

from assistant import write
from assistant.answerability import MODEL_PATH, AnswerabilityModel
from evals.fitting import indexed_assistant, tune_sets
from evals.items import EvalItem

REPORT_PATH = Path(__file__).resolve().parent / "fit" / "FOLLOWUP.md"
# Candidate thresholds below the answer threshold: coarse, so the tune follow-ups choose between
# settings that differ in kind, not in noise.
STEPS = (0.45, 0.40, 0.35, 0.30, 0.25, 0.20)
# Candidate weights of a follow-up's own words in sentence ranking (assistant.write.W_FOLLOW_UP_WORDS),
# searched jointly with the threshold; 0 is the ranking without them. On a tie in items passed,
# the higher threshold is kept, then the smaller weight: the setting that changes least.
WORD_WEIGHTS = (0.0, 0.05, 0.10, 0.15, 0.20, 0.30)


def outcomes(assistant, items: list[EvalItem], model: AnswerabilityModel) -> dict[str, bool]:  # noqa: ANN001
    """Whether each item passes with this model (the eval's own scoring)."""
    from evals.runner import extractive_of, score_item

    extractive_of(assistant.writer).model = model
    aliases = assistant.aliases
    authority_of = {d.doc_id: d.authority for d in assistant.manifest.documents}
    doors = {a.name: a.front_door for a in assistant.manifest.authorities if a.front_door}
    out = {}
    for item in items:
        answer, passages = assistant.ask_traced(item.question, history=list(item.history))
        ranked = [(p.chunk.doc_id, p.chunk.text) for p in passages]
        out[item.id] = bool(score_item(item, answer, ranked, aliases, authority_of, doors)["passed"])
    return out


def choose_jointly(
    tables: dict[float, list[tuple[float, dict[str, bool]]]],
) -> tuple[float, float, dict[float, int]]:
    """(weight, threshold): the most items passed over every weight's table, ties to the higher
    threshold then the smaller weight; also, per weight, the most passed under any threshold."""
    best_by_weight = {w: max(sum(r.values()) for _, r in table) for w, table in tables.items()}
    best = max(best_by_weight.values())
    candidates = [
        (w, threshold) for w, table in tables.items() for threshold, r in table if sum(r.values()) == best
    ]
    weight, threshold = min(candidates, key=lambda c: (-c[1], c[0]))
    return weight, threshold, best_by_weight


def choose(table: list[tuple[float, dict[str, bool]]]) -> tuple[float, list[dict]]:
    """The step under which the most items pass, the highest such on a tie (see module); and per
    step below the first, the items it puts right and wrong against the step before it."""
    rows = []
    for (_, previous), (threshold, result) in zip(table, table[1:], strict=False):
        right = sum(1 for i, ok in result.items() if ok and not previous[i])
        wrong = sum(1 for i, ok in result.items() if not ok and previous[i])
        rows.append({"threshold": threshold, "passed": sum(result.values()), "right": right, "wrong": wrong})
    best = max(sum(result.values()) for _, result in table)
    chosen = next(threshold for threshold, result in table if sum(result.values()) == best)
    return chosen, rows


def main() -> int:
    started = time.perf_counter()
    settings, assistant = indexed_assistant()
    sets = [(asker, [i for i in its if i.history]) for asker, its in tune_sets(settings, assistant)]
    items = [i for _, its in sets for i in its]
    stored = AnswerabilityModel.load()

    def everywhere(model: AnswerabilityModel) -> dict[str, bool]:
        return {k: v for asker, its in sets for k, v in outcomes(asker, its, model).items()}

    base = replace(stored, follow_up_threshold=stored.answer_threshold)
    written = write.W_FOLLOW_UP_WORDS
    tables: dict[float, list[tuple[float, dict[str, bool]]]] = {}
    for weight in WORD_WEIGHTS:
        write.W_FOLLOW_UP_WORDS = weight
        table = [(base.answer_threshold, everywhere(base))]
        for step in (s for s in STEPS if s < base.answer_threshold):
            table.append((step, everywhere(replace(base, follow_up_threshold=step))))
        tables[weight] = table
    write.W_FOLLOW_UP_WORDS = written
    weight, chosen, best_by_weight = choose_jointly(tables)
    _, rows = choose(tables[weight])
    replace(stored, follow_up_threshold=chosen).save(MODEL_PATH)
    unanswerable = sum(1 for i in items if not i.answerable)
    lines = [
        "# Follow-up operating point: fit report",
        "",
        f"Written by `python -m evals.fit_followup` on {time.strftime('%Y-%m-%d')} from the {len(items)} tune "
        f"follow-ups ({len(items) - unanswerable} answerable conversation items, {unanswerable} out-of-scope "
        "follow-ups); the holdout and unseen_docs splits are not read.",
        "",
        f"At the answer threshold ({base.answer_threshold:.3f}) {sum(table[0][1].values())} pass. Each row lowers the "
        "follow-up threshold one step: **right** counts the items that step puts right (an answerable follow-up "
        "now passing), **wrong** those it puts wrong (an out-of-scope follow-up now answered, or a passing item "
        "now failing), each against the step above. The step under which the most pass is kept; a tie goes to "
        "the higher threshold.",
        "",
        "| follow-up threshold | passed | right | wrong |",
        "|---:|---:|---:|---:|",
        *(f"| {r['threshold']:.2f} | {r['passed']} | {r['right']} | {r['wrong']} |" for r in rows),
        "",
        f'Chosen: **{chosen:.3f}**. Follow-up answers below the answer threshold open with "This may not '
        'answer your question".',
        "",
        "The table is for the chosen weight of a follow-up's own words in sentence ranking "
        "(`assistant.write.W_FOLLOW_UP_WORDS`), searched jointly with the threshold. Most items passed "
        "under any threshold, per weight:",
        "",
        "| weight | passed |",
        "|---:|---:|",
        *(f"| {w:.2f} | {n} |" for w, n in best_by_weight.items()),
        "",
        f"Chosen weight: **{weight:.2f}** (a tie goes to the higher threshold, then the smaller weight).",
        "",
    ]
    REPORT_PATH.write_text("\n".join(lines), encoding="utf-8")
    print(
        f"follow-up threshold {chosen:.3f}, follow-up word weight {weight:.2f} in "
        f"{time.perf_counter() - started:.0f} s; report {REPORT_PATH}"
    )
    if abs(weight - written) > 1e-9:
        print(f"assistant/write.py has W_FOLLOW_UP_WORDS = {written}; set it to {weight} (the fit's choice)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
