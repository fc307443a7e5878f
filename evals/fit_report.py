# ruff: noqa: E501  (the report's sentences and the constants' reasons are kept on one line each, as they are read)
"""The answerability fit's report: weights, the risk–coverage curve and chart, the quote-share
sweep, leave-one-document-out figures, and every hand-set constant left in the answer path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from assistant.answerability import AnswerabilityModel

# Hand-set constants of the answer path: where they live and why they are what they are.
HAND_SET = (
    (
        "assistant/write.py",
        "W_SEMANTIC 0.55, W_OVERLAP 0.30, W_PASSAGE 0.15",
        "sentence ranking weights, swept on the tune split in session 2; a fitted ranker did no better in 5-fold CV (top-1 0.60-0.64 vs 0.68), nor, refitted on 2026-11-25 as a pairwise logistic regression over up to 12 features (focus terms without council names or glossary expansions, answer type, heading focus, passage rank, length), leave-one-document-out on the tune split (top-1 0.62-0.66 vs 0.63 for these weights): not a gain worth a model",
    ),  # noqa: E501
    (
        "assistant/write.py",
        "TIMESCALE_BONUS 0.08, TIMESCALE_MIN_SIMILARITY 0.35",
        "a how-soon question is answered by an on-topic sentence with a duration (ranking only)",
    ),  # noqa: E501
    (
        "assistant/settings.py",
        "max_sentences_per_authority = 3",
        "quotes per council after the lead line: 3 kept fact recall where 4 had it (2 lost 0.07 on tune)",
    ),  # noqa: E501
    (
        "assistant/write.py",
        "LEAD_COVERS_QUOTE 0.8",
        "a lead holding most of its sentence makes quoting it again a repeat",
    ),  # noqa: E501
    (
        "assistant/answerability.py",
        "FOCUS_TERMS 2",
        "a question is about one or two things; its rarest terms name them",
    ),  # noqa: E501
    (
        "assistant/answerability.py",
        "ROLE_WORDS, THRESHOLD_WORDS, DEFINING",
        "what a who / threshold / definition answer holds, written from the domain",
    ),  # noqa: E501
    ("assistant/lead.py", "_DURATION_TAIL_WORDS = 8", "enough for 'of the strategy discussion being held'"),
    (
        "assistant/write.py",
        "ELSEWHERE_COUNCILS 1, ELSEWHERE_SENTENCES 1",
        "when the council asked about does not cover a question, another council's guidance is a pointer: asked without their own council, the tune questions' best other council held the expected fact 3 times in 41 shown",
    ),  # noqa: E501
    (
        "assistant/write.py",
        "LIST_ITEMS 6",
        "a sentence ending in a colon is quoted with at most this many of the items it introduces; a longer list is a catalogue, and the citation shows it whole",
    ),  # noqa: E501
    ("evals/fit_answerability.py", "REGULARISATION_C = 1.0", "sklearn's default; few standardised features"),
    ("evals/fit_answerability.py", "QUOTED = 2", "the label looks at what an answer quotes"),
    (
        "evals/fit_answerability.py",
        "MAX_WRONG_REFUSALS = 0.12",
        "the operating point: among caps 0.05-0.20, the one with the best leave-one-document-out trade-off (wrong refusals 0.09, refusal recall 0.73)",
    ),  # noqa: E501
    (
        "evals/fit_answerability.py",
        "HEDGE_BELOW = 0.5",
        "answers whose calibrated chance of being right is below one half open with 'This may not answer your question': where flagging stops being the better bet; not searched",
    ),  # noqa: E501
)


def write_fit_report(
    out: Path,
    model: AnswerabilityModel,
    rows: list,
    curve: list[dict[str, Any]],
    real_curve: list[dict[str, Any]],
    lodo: list[dict[str, Any]],
    calibration: list[tuple[float, float]] = (),
    hedge_only: bool = False,
) -> None:
    positives = sum(r.label for r in rows)
    synthetic = sum(1 for r in rows if r.synthetic)
    at_or_below = [r for r in curve if r["threshold"] <= round(model.answer_threshold, 4)]
    chosen = at_or_below[-1] if at_or_below else curve[0]
    on_real = [r for r in real_curve if r["threshold"] <= model.answer_threshold]
    real = on_real[-1] if on_real else real_curve[0]
    lines = [
        "# Answerability model: fit report",
        "",
        f"Fitted {model.fitted_on} by `python -m evals.fit_answerability` (tune split only; the holdout and "
        "unseen_docs splits are never read by the fit).",
        *(
            [
                "",
                "The weights and the answer threshold are that fit's, kept: refits on today's features were "
                "measured no better on the tune split (see the README's measured-and-not-kept list). "
                "`python -m evals.fit_answerability --hedge-only` chose the hedge point below for them on "
                "today's tune rows, and the curve and leave-one-document-out figures below are today's.",
                "",
            ]
            if hedge_only
            else []
        ),
        f"Training rows: {len(rows)} (one per council per question; {synthetic} from questions asked without "
        f"their own council), {positives} labelled as holding an expected fact.",
        "",
        "## Weights (raw feature units; probability = sigmoid(bias + Σ weight × feature))",
        "",
        "| feature | weight |",
        "|---|---:|",
        *(f"| {f} | {w:+.3f} |" for f, w in zip(model.features, model.weights, strict=True)),
        f"| bias | {model.bias:+.3f} |",
        "",
        "## Operating point",
        "",
        f"Answer threshold **{model.answer_threshold:.3f}**"
        + (
            " (stored): "
            if hedge_only
            else " (the highest refusing at most 12% of answerable tune and widened questions): "
        )
        + f"coverage {chosen['coverage']:.2f}, risk {chosen['risk']:.2f}, refusal recall "
        f"{chosen['refusal_recall']:.2f}, wrong refusals {chosen['wrong_refusals']:.2f} (real and widened "
        f"questions). On the {len({r.item.id for r in rows})} real tune items alone: coverage {real['coverage']:.2f}, risk {real['risk']:.2f}, "
        f"refusal recall {real['refusal_recall']:.2f}, wrong refusals {real['wrong_refusals']:.2f}.",
        "",
        f"Hedge point **{model.hedge_threshold:.3f}**: an answer whose probability is at the threshold or above "
        'but below this opens with "This may not answer your question". The answers given on these rows were '
        "calibrated by isotonic regression of answered-right on probability; below this point the calibrated "
        "chance of being right is under one half. Calibration steps (probability from which, chance right): "
        + ", ".join(f"{x:.3f}: {y:.2f}" for x, y in _thin(list(calibration)))
        + ".",
        "",
        "![risk–coverage](risk_coverage.png)",
        "",
        "How to read it: each point is one threshold. Coverage is the share of questions answered; risk is the "
        "share of answered questions whose best sentence does not hold the expected fact (out-of-scope questions "
        "answered count as wrong). Moving the threshold up walks left: fewer answers, fewer wrong ones.",
        "",
        "| threshold | coverage | risk | refusal recall | wrong refusals |",
        "|---:|---:|---:|---:|---:|",
        *(
            f"| {r['threshold']:.3f} | {r['coverage']:.2f} | {r['risk']:.2f} | {r['refusal_recall']:.2f} | "
            f"{r['wrong_refusals']:.2f} |"
            for r in curve[:: max(1, len(curve) // 15)]
        ),
        "",
        "## Leave one document out (the tune documents: five shipped, four of evals/tune_docs)",
        "",
        "Fit on the tune items of the other documents, choose the threshold there, score the one held out.",
        "",
        "| held out | answerable items | answered with the fact | wrong refusals | out-of-scope items | refusal recall |",
        "|---|---:|---:|---:|---:|---:|",
        *(
            f"| {r['held_out']} | {r['answerable']} | {r['answered_right']:.2f} | {r['wrong_refusals']:.2f} | "
            f"{r['out_of_scope']} | {_fmt(r['refusal_recall'])} |"
            for r in lodo
        ),
        "",
        "## Hand-set constants left in the answer path",
        "",
        "| where | constant | why |",
        "|---|---|---|",
        *(f"| {w} | `{c}` | {why} |" for w, c, why in HAND_SET),
        "",
    ]
    (out / "REPORT.md").write_text("\n".join(lines), encoding="utf-8")
    risk_coverage_chart(
        [(r["coverage"], r["risk"]) for r in curve], out / "risk_coverage.png", (chosen["coverage"], chosen["risk"])
    )


def _thin(steps: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Isotonic steps as where each new chance starts (the fit lists both ends of every step)."""
    out: list[tuple[float, float]] = []
    for x, y in steps:
        if not out or y != out[-1][1]:
            out.append((x, y))
    return out


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def risk_coverage_chart(points: list[tuple[float, float]], path: Path, chosen: tuple[float, float] | None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs, ys = np.asarray([p[0] for p in points]), np.asarray([p[1] for p in points])
    order = np.argsort(xs)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.plot(xs[order], ys[order], marker=".", color="#1f5f8b")
    if chosen:
        ax.scatter([chosen[0]], [chosen[1]], color="#c0392b", zorder=3, label="operating point")
        ax.legend()
    ax.set_xlabel("coverage (share of questions answered)")
    ax.set_ylabel("risk (share of answers without the fact)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, max(0.5, float(ys.max()) + 0.05) if len(ys) else 1)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
