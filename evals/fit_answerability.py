"""Fit the answerability model on the eval tune split: `python -m evals.fit_answerability`.

1. Ask every tune item (the library's, and the tuning corpus's on its own index: evals/tune_docs;
   partner questions aside, which are never refused; a follow-up as the product reads it against
   its earlier turns) through the product's own understanding, retrieval and sentence ranking;
   for each council in the retrieved pool, compute the answerability features of its best
   sentences (assistant.answerability.features).
2. Label a council 1 when it is the council the item's expected source belongs to, or when
   its best sentences (what the answer would quote, with their headings) hold one of the
   item's expected facts; else 0. Every council of an out-of-scope item is 0.
3. The tune split has few out-of-scope questions (46), so it is widened with questions the
   library really does not answer: each answerable tune item is asked again with its own
   council left out of retrieval ("the same question, to a library without that document").
   They are labelled by the same rule, so where another council's text does hold the fact
   they count as answered.
4. Fit a class-balanced logistic regression (scikit-learn) on standardised features, stored
   in raw feature units in assistant/answerability.json (answering needs no scikit-learn).
5. Choose the answer threshold on the item-level risk–coverage curve: an item is answered
   when its best council reaches the threshold. The threshold is the highest one that refuses
   at most MAX_WRONG_REFUSALS of the answerable tune questions: refusing a practitioner who
   could have had an answer is the costlier error, so it is bounded, and refusal recall is
   whatever the model then achieves. Then the hedge point above it: the answers given are
   calibrated (isotonic regression of "answered right" on probability) and those below the
   point where they become more likely right than wrong are flagged "may not answer your
   question" (assistant.write.HEDGE_NOTE).
6. Leave-one-document-out over the tune documents (the five shipped and the four of the tuning
   corpus): fit (and choose the threshold) on the items of the others, score the one held out;
   out-of-scope items are dealt round-robin to the folds.

`--hedge-only` keeps the stored weights and answer threshold and chooses only the hedge point
for them on today's tune rows (for a model whose refit is not kept; see the fit report).

Writes evals/fit/REPORT.md and evals/fit/risk_coverage.png. The holdout and unseen_docs splits
are never read here.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answerability import FEATURES, MODEL_PATH, AnswerabilityModel, features
from evals import metrics as m
from evals.fit_report import write_fit_report
from evals.fitting import indexed_assistant, tune_sets
from evals.items import EvalItem

FIT_DIR = Path(__file__).resolve().parent / "fit"
REGULARISATION_C = 1.0  # sklearn's default; the features are few and standardised, so no search
QUOTED = 2  # sentences per council the label looks at: what an answer quotes (max_sentences_per_authority)
# Share of answerable questions (tune + widened) the operating point may refuse; among caps
# 0.05-0.20 this one had the best leave-one-document-out trade-off (see the fit report).
MAX_WRONG_REFUSALS = 0.12
# An answer is flagged while the calibrated chance that it is right is below this: more likely
# wrong than right. Not searched: it is the point where flagging stops being the better bet.
HEDGE_BELOW = 0.5


@dataclass
class Row:
    """One council's best sentences for one question."""

    item: EvalItem
    synthetic: bool  # asked with the item's own council left out
    authority: str
    features: tuple[float, ...]
    label: int  # 1 = these sentences hold an expected fact


def rows_for(assistant, item: EvalItem, exclude: str | None = None) -> list[Row]:  # noqa: ANN001
    """The councils' feature rows for one question (optionally without one council)."""
    from assistant.write import evidence, score_sentences

    authority_of = {d.doc_id: d.authority for d in assistant.manifest.documents}
    authorities: tuple[str, ...] = ()
    if exclude:
        authorities = tuple(a.name for a in assistant.manifest.authorities if a.name != exclude)
    # A follow-up is asked as the product reads it against its earlier turns ("and Stockton?" ->
    # "What is the timescale … in Stockton?"): the writer is given that reading.
    question = assistant.read_question(item.question, item.history).text if item.history else item.question
    prepared = assistant.prepare(question, authorities)  # what the writer is given
    query, passages = prepared.query, prepared.passages
    by_authority: dict[str, list] = {}
    for sentence in score_sentences(query, passages):
        by_authority.setdefault(sentence.authority, []).append(sentence)
    out = []
    for authority, sentences in by_authority.items():
        if authority == exclude:
            continue
        shown = " ".join(f"{passages[s.passage_index].chunk.section}\n{s.text}" for s in sentences[:QUOTED])
        holds = item.answerable and any(m.fact_present(list(alts), shown) for alts in item.expected_facts)
        expected = (
            item.answerable and exclude is None and authority in {authority_of.get(s.doc_id) for s in item.sources}
        )
        out.append(
            Row(
                item,
                exclude is not None,
                authority,
                features(query, evidence(sentences, passages)),
                int(holds or expected),
            )
        )
    return out


def collect(assistant, items: list[EvalItem]) -> list[Row]:  # noqa: ANN001
    authority_of = {d.doc_id: d.authority for d in assistant.manifest.documents}
    rows: list[Row] = []
    for item in items:
        rows += rows_for(assistant, item)
        own = {authority_of.get(s.doc_id) for s in item.sources}
        if item.answerable and item.kind != "conflict" and len(own) == 1:
            rows += rows_for(assistant, item, exclude=own.pop())
    return rows


def fit(rows: list[Row]) -> tuple[np.ndarray, float]:
    """Raw-unit weights and bias of a class-balanced logistic regression on standardised features."""
    from sklearn.linear_model import LogisticRegression

    x = np.asarray([r.features for r in rows], dtype=np.float64)
    y = np.asarray([r.label for r in rows])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=REGULARISATION_C, class_weight="balanced", max_iter=2000)
    model.fit((x - mean) / scale, y)
    return model.coef_[0] / scale, float(model.intercept_[0] - np.sum(model.coef_[0] * mean / scale))


def decisions(weights: np.ndarray, bias: float, rows: list[Row]) -> list[tuple[float, bool, bool]]:
    """Per question: (best council's probability, should be answered, that council holds the fact)."""
    grouped: dict[tuple[str, bool], list[Row]] = {}
    for r in rows:
        grouped.setdefault((r.item.id, r.synthetic), []).append(r)
    out = []
    for group in grouped.values():
        probs = [1 / (1 + np.exp(-(np.dot(weights, r.features) + bias))) for r in group]
        top = int(np.argmax(probs))
        answerable = any(r.label for r in group) or (group[0].item.answerable and not group[0].synthetic)
        out.append((float(probs[top]), answerable, bool(group[top].label)))
    return out


def choose_threshold(scores: list[tuple[float, bool, bool]]) -> tuple[float, list[dict]]:
    """The highest threshold refusing at most MAX_WRONG_REFUSALS of the answerable questions,
    and the risk–coverage curve it was chosen on."""
    answerable = sum(1 for _, a, _ in scores if a) or 1
    unanswerable = sum(1 for _, a, _ in scores if not a) or 1
    curve, best = [], 0.0
    for tau in sorted({round(s, 4) for s, _, _ in scores} | {0.0, 1.0}):
        answered = [(a, right) for s, a, right in scores if s >= tau]
        refused_right = sum(1 for s, a, _ in scores if s < tau and not a)
        answered_ok = sum(1 for a, _ in answered if a)
        wrong = sum(1 for a, right in answered if not (a and right))
        wrong_refusals = 1 - answered_ok / answerable
        curve.append(
            {
                "threshold": tau,
                "coverage": len(answered) / len(scores),
                "risk": wrong / len(answered) if answered else 0.0,
                "refusal_recall": refused_right / unanswerable,
                "wrong_refusals": wrong_refusals,
            }
        )
        if wrong_refusals <= MAX_WRONG_REFUSALS + 1e-9:
            best = tau
    return best, curve


def choose_hedge(scores: list[tuple[float, bool, bool]], tau: float) -> tuple[float, list[tuple[float, float]]]:
    """The hedge point: the answers given at `tau` are calibrated by isotonic regression of
    "answered right" on their probability (monotone: a higher probability is never less likely
    right), and the point is the highest probability whose calibrated chance is still below
    HEDGE_BELOW (tau when none is). Also the calibration steps (probability, chance right)."""
    from sklearn.isotonic import IsotonicRegression

    given = sorted((s, float(a and right)) for s, a, right in scores if s >= tau)
    if not given:
        return tau, []
    x = np.asarray([s for s, _ in given])
    y = np.asarray([r for _, r in given])
    calibration = IsotonicRegression(increasing=True, y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(x, y)
    chance = calibration.predict(x)
    below = [s for s, c in zip(x, chance, strict=True) if c < HEDGE_BELOW]
    above = [s for s, c in zip(x, chance, strict=True) if c >= HEDGE_BELOW]
    # between the last answer still more likely wrong and the first more likely right
    point = float(min(above)) if below and above else (float(max(below)) + 1e-4 if below else tau)
    steps = [(float(a), float(b)) for a, b in zip(calibration.X_thresholds_, calibration.y_thresholds_, strict=True)]
    return point, steps


def leave_one_document_out(rows: list[Row], authority_of: dict[str, str]) -> list[dict]:
    docs = sorted({s.doc_id for r in rows for s in r.item.sources})
    oos = sorted({r.item.id for r in rows if not r.item.answerable})
    out = []
    for k, doc in enumerate(docs):
        held_oos = set(oos[k :: len(docs)])

        def held(r: Row, doc: str = doc, held_oos: set[str] = held_oos) -> bool:
            return r.item.id in held_oos or any(s.doc_id == doc for s in r.item.sources)

        train = [r for r in rows if not held(r) and r.authority != authority_of[doc]]
        test = [r for r in rows if held(r) and not r.synthetic]
        w, b = fit(train)
        tau, _ = choose_threshold(decisions(w, b, train))
        scores = decisions(w, b, test)
        ans = [(s, right) for s, a, right in scores if a]
        unans = [s for s, a, _ in scores if not a]
        out.append(
            {
                "held_out": doc,
                "answerable": len(ans),
                "answered_right": sum(1 for s, right in ans if s >= tau and right) / max(len(ans), 1),
                "wrong_refusals": sum(1 for s, _ in ans if s < tau) / max(len(ans), 1),
                "out_of_scope": len(unans),
                "refusal_recall": (sum(1 for s in unans if s < tau) / len(unans)) if unans else None,
            }
        )
    return out


def main() -> int:
    started = time.perf_counter()
    settings, assistant = indexed_assistant(model=AnswerabilityModel.untrained())
    # Partner questions never go through the refusal (assistant/referral.py), so they are left out
    # of the fit. Follow-ups are in it, asked as the product reads them against their earlier
    # turns (rows_for): until session 9 they were left out, so the model had only ever seen
    # questions typed whole and judged a reading ("What is the timescale … in Stockton?") on
    # features it had never been fitted on.
    sets = [
        (asker, [i for i in its if i.kind != "partner"])
        for asker, its in tune_sets(settings, assistant, model=AnswerabilityModel.untrained())
    ]
    items = [i for _, its in sets for i in its]
    rows = [row for asker, its in sets for row in collect(asker, its)]
    hedge_only = "--hedge-only" in sys.argv[1:]
    stored = AnswerabilityModel.load() if hedge_only else None
    if stored is not None:
        weights, bias = np.asarray(stored.weights), stored.bias
    else:
        weights, bias = fit(rows)
    scores = decisions(weights, bias, rows)
    tau, curve = choose_threshold(scores)
    if stored is not None:
        tau = stored.answer_threshold
    hedge, calibration = choose_hedge(scores, tau)
    real_tau_curve = choose_threshold(decisions(weights, bias, [r for r in rows if not r.synthetic]))[1]
    authority_of = {d.doc_id: d.authority for asker, _ in sets for d in asker.manifest.documents}
    lodo = leave_one_document_out(rows, authority_of)
    fitted = AnswerabilityModel(
        FEATURES,
        tuple(float(w) for w in weights),
        bias,
        tau,
        stored.fitted_on
        if stored is not None
        else f"{time.strftime('%Y-%m-%d')}, {len(items)} tune items + {sum(1 for r in rows if r.synthetic)} "
        "council rows asked without their own council",
        hedge,
        # kept with the stored weights; a refit resets it (run `python -m evals.fit_followup` again)
        stored.follow_up_threshold if stored is not None else 1.0,
        stored.follow_up_hedge_threshold if stored is not None else None,
    )
    fitted.save(MODEL_PATH)
    FIT_DIR.mkdir(exist_ok=True)
    write_fit_report(FIT_DIR, fitted, rows, curve, real_tau_curve, lodo, calibration, hedge_only)
    print(
        f"{'hedge point chosen' if hedge_only else 'fitted'} in {time.perf_counter() - started:.0f} s: "
        f"threshold {tau:.3f}, hedge below {hedge:.3f}; report {FIT_DIR / 'REPORT.md'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
