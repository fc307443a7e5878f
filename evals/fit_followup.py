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
Then the follow-up hedge point, at the chosen threshold and weight: the follow-ups' answers are
calibrated as the standalone ones are (evals.fit_answerability.choose_hedge: isotonic regression of
"answered right" on probability, an out-of-scope follow-up answered counting as wrong), and those
below the point where they become more likely right than wrong open with "This may not answer
your question". Until session 21 follow-ups shared the standalone hedge point, under which about
half of the tune follow-ups answered right were flagged.

`--hedge-only` keeps the stored follow-up threshold and the weight in assistant/write.py and
chooses only the follow-up hedge point (for a model whose refit is not kept).

Writes `follow_up_threshold` and `follow_up_hedge_threshold` into assistant/answerability.json
(the rest of the model is kept) and evals/fit/FOLLOWUP.md. The holdout and unseen_docs splits are
never read here.
"""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path

from assistant import write
from assistant.answerability import MODEL_PATH, AnswerabilityModel
from evals.fit_answerability import choose_hedge
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
    return {k: passed for k, (_, _, passed) in answered(assistant, items, model).items()}


def answered(
    assistant,  # noqa: ANN001
    items: list[EvalItem],
    model: AnswerabilityModel,
) -> dict[str, tuple[float, bool, bool]]:
    """Per item: the answer's probability, whether it was answered (not refused), and whether it
    passes (the eval's own scoring)."""
    from evals.runner import extractive_of, score_item

    extractive_of(assistant.writer).model = model
    aliases = assistant.aliases
    authority_of = {d.doc_id: d.authority for d in assistant.manifest.documents}
    doors = {a.name: a.front_door for a in assistant.manifest.authorities if a.front_door}
    out = {}
    for item in items:
        answer, passages = assistant.ask_traced(item.question, history=list(item.history))
        ranked = [(p.chunk.doc_id, p.chunk.text) for p in passages]
        passed = bool(score_item(item, answer, ranked, aliases, authority_of, doors)["passed"])
        out[item.id] = (answer.confidence, not answer.abstained, passed)
    return out


def choose_jointly(
    tables: dict[float, list[tuple[float, dict[str, bool]]]],
) -> tuple[float, float, dict[float, int]]:
    """(weight, threshold): the most items passed over every weight's table, ties to the higher
    threshold then the smaller weight; also, per weight, the most passed under any threshold."""
    best_by_weight = {w: max(sum(r.values()) for _, r in table) for w, table in tables.items()}
    best = max(best_by_weight.values())
    candidates = [(w, threshold) for w, table in tables.items() for threshold, r in table if sum(r.values()) == best]
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


HEDGE_HEADING = "## Follow-up hedge point"


def main() -> int:
    started = time.perf_counter()
    settings, assistant = indexed_assistant()
    sets = [(asker, [i for i in its if i.history]) for asker, its in tune_sets(settings, assistant)]
    items = [i for _, its in sets for i in its]
    stored = AnswerabilityModel.load()
    hedge_only = "--hedge-only" in sys.argv[1:]

    def everywhere(model: AnswerabilityModel) -> dict[str, bool]:
        return {k: v for asker, its in sets for k, v in outcomes(asker, its, model).items()}

    written = write.W_FOLLOW_UP_WORDS
    if hedge_only:
        weight, chosen = written, stored.follow_up_threshold
        kept = REPORT_PATH.read_text(encoding="utf-8") if REPORT_PATH.exists() else ""
        lines = kept.split(f"\n{HEDGE_HEADING}\n")[0].rstrip("\n").split("\n")
    else:
        weight, chosen, lines = choose_threshold_and_weight(everywhere, stored, items)
    write.W_FOLLOW_UP_WORDS = weight
    at = replace(stored, follow_up_threshold=chosen)
    scores = [v for asker, its in sets for v in answered(asker, its, at).values()]
    write.W_FOLLOW_UP_WORDS = written
    # an answered follow-up that passes is answered right; an out-of-scope one passes only by being
    # refused, so its answer, when given, counts as wrong
    hedge, calibration = choose_hedge(scores, chosen)
    replace(at, follow_up_hedge_threshold=hedge).save(MODEL_PATH)
    given = [(p, ok) for p, a, ok in scores if a]
    flagged = [(p, ok) for p, ok in given if p < hedge]
    lines += [
        "",
        HEDGE_HEADING,
        "",
        f"Chosen by `python -m evals.fit_followup{' --hedge-only' if hedge_only else ''}` on "
        f"{time.strftime('%Y-%m-%d')}: the {len(given)} tune follow-ups answered at the follow-up threshold "
        f'({chosen:.3f}), calibrated by isotonic regression of "answered right" on probability (an out-of-scope '
        "follow-up answered counts as wrong). Calibration steps (probability from, chance right):",
        "",
        "| probability | chance right |",
        "|---:|---:|",
        *(f"| {x:.3f} | {y:.2f} |" for x, y in calibration),
        "",
        f"Hedge point: **{hedge:.3f}** (the standalone one is {stored.hedge_threshold:.3f}). Follow-up answers "
        f'below it open with "This may not answer your question": on these tune follow-ups {len(flagged)} '
        f"answers, {sum(1 for _, ok in flagged if not ok)} of them wrong; at the standalone hedge point "
        f"{sum(1 for p, _ in given if p < stored.hedge_threshold)} answers, "
        f"{sum(1 for p, ok in given if p < stored.hedge_threshold and not ok)} of them wrong "
        f"(of {sum(1 for _, ok in given if not ok)} wrong in all). The answer's other flags (no timescale quoted, "
        "no team named, …) are not affected.",
        "",
    ]
    REPORT_PATH.write_text("\n".join(lines), encoding="utf-8")
    print(
        f"follow-up threshold {chosen:.3f}, follow-up word weight {weight:.2f}, follow-up hedge point {hedge:.3f} "
        f"in {time.perf_counter() - started:.0f} s; report {REPORT_PATH}"
    )
    if abs(weight - written) > 1e-9:
        print(f"assistant/write.py has W_FOLLOW_UP_WORDS = {written}; set it to {weight} (the fit's choice)")
        return 1
    return 0


def choose_threshold_and_weight(everywhere, stored: AnswerabilityModel, items: list[EvalItem]):  # noqa: ANN001, ANN201
    """The follow-up threshold and word weight searched jointly (module docstring), and the
    report's lines for them."""
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
    unanswerable = sum(1 for i in items if not i.answerable)
    lines = [
        "# Follow-up operating point: fit report",
        "",
        f"Written by `python -m evals.fit_followup` on {time.strftime('%Y-%m-%d')} from the {len(items)} tune "
        f"follow-ups ({len(items) - unanswerable} answerable conversation items, {unanswerable} out-of-scope "
        "follow-ups); the holdout and unseen_docs splits are not read.",
        "",
        f"At the answer threshold ({base.answer_threshold:.3f}) {sum(tables[weight][0][1].values())} pass. "
        "Each row lowers the follow-up threshold one step: **right** counts the items that step puts "
        "right (an answerable follow-up now passing), **wrong** those it puts wrong (an out-of-scope "
        "follow-up now answered, or a passing item now failing), each against the step above. The step "
        "under which the most pass is kept; a tie goes to the higher threshold.",
        "",
        "| follow-up threshold | passed | right | wrong |",
        "|---:|---:|---:|---:|",
        *(f"| {r['threshold']:.2f} | {r['passed']} | {r['right']} | {r['wrong']} |" for r in rows),
        "",
        f"Chosen: **{chosen:.3f}**. Which follow-up answers are flagged is the hedge point's part (below).",
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
    return weight, chosen, lines


if __name__ == "__main__":
    sys.exit(main())
