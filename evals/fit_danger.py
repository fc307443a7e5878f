"""Fit the immediate-danger model on the labelled messages: `python -m evals.fit_danger`.

1. Embed every message of tests/assistant/danger_now.yaml, as typed, with the product's question
   embedder (indexing.onnx_embed.question_embedder: what answering embeds the question with).
2. The set was written in four batches at different times (the file's `# ---- ` headings): the
   first shaped the rules, the next two were unseen checks that then shaped them further, the
   last was written after the rules were settled. Each batch is held out in turn (leave one
   batch out): a class-balanced logistic regression (scikit-learn) is fitted on the other three
   and scores the held-out one, so each figure is on wording the model was not fitted on.
3. The threshold is chosen by one rule, stated once: the LOWEST probability threshold at which
   rules OR model keep the pooled held-out false-positive rate <= MAX_FALSE_POSITIVES (issue 9's
   ceiling): as much recall as that budget allows. Recall cannot be the constraint: on the three
   batches the rules were shaped on they already reach 0.99-1.00, so a recall floor is met by the
   rules alone there and says nothing about the wording they miss (0.40 on the last batch). The
   rules flag no negative in any batch, so the false positives are the model's own, measured on
   messages it was not fitted on. Chosen on the pooled held-out probabilities, the threshold has
   seen every batch's labels, so a nested figure is reported too: for each held-out batch the
   threshold is chosen by the same rule from the other three batches alone (inner leave one
   batch out), then applied to it.
4. The labelled messages are all about a particular child; the questions the assistant mostly
   gets are plain practice questions ("for a new s20 care episode?"), which the model would
   otherwise never have seen. So the tune split's non-partner eval questions (and the earlier
   turns of its conversations) are added as not-danger examples, dealt round-robin to the four
   folds so they are held out a quarter at a time too; their held-out false-positive rate is
   reported on its own, and the threshold rule above reads the labelled messages only. The
   holdout and unseen_docs splits are never read here.
5. The shipped model is fitted on all messages and stored as plain weights in
   assistant/danger.json (answering does a dot product, no scikit-learn); the report goes to
   evals/fit/DANGER.md.

scikit-learn is not a declared dependency: it is installed with sentence-transformers, and only
this fit script uses it.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from assistant.danger import MODEL_PATH, DangerModel
from assistant.safety import immediate_danger
from assistant.settings import Settings, configure_offline
from evals.items import load_items

SET = Path(__file__).resolve().parents[1] / "tests" / "assistant" / "danger_now.yaml"
REPORT = Path(__file__).resolve().parent / "fit" / "DANGER.md"
BATCH_HEADING = "# ---- "  # how danger_now.yaml marks where a later batch begins
# Fixed before any figure here was seen (the colleague's first experiment used it): weak
# regularisation, since 384 dimensions of a normalised vector carry small coefficients.
REGULARISATION_C = 8.0
# Issue 9's ceiling (tests/assistant/test_danger_now.py): a line shown on every answer stops being read.
MAX_FALSE_POSITIVES = 0.10
THRESHOLDS = np.round(np.arange(0.02, 0.981, 0.01), 2)  # the grid the rule searches, low to high
MAX_ITERATIONS = 5000  # lbfgs converges well inside this on ~300 x 384


@dataclass(frozen=True)
class Message:
    text: str
    danger: bool
    batch: int


def load_messages(path: Path = SET) -> list[Message]:
    """The labelled messages with the batch each was written in (counted from the file's headings)."""
    batches: list[int] = []
    batch = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(BATCH_HEADING):
            batch += 1
        elif line.startswith("- {"):
            batches.append(batch)
    rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    if len(rows) != len(batches):
        raise ValueError(f"{path}: {len(rows)} messages but {len(batches)} one-line entries; keep one per line")
    return [Message(r["text"], bool(r["danger"]), b) for r, b in zip(rows, batches, strict=True)]


def practice_questions(settings: Settings, labelled: set[str]) -> list[str]:
    """Ordinary questions from the eval's tune split that are not a partner's worry: none
    describes a child in danger now (a partner's message might, so those are left out)."""
    texts: list[str] = []
    for item in load_items(settings.eval_items_path):
        if item.split == "tune" and item.kind != "partner" and not item.safety:
            texts += [*item.history, item.question]
    return [t for t in dict.fromkeys(texts) if t.lower() not in labelled]


def fit(vectors: np.ndarray, labels: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=REGULARISATION_C, class_weight="balanced", max_iter=MAX_ITERATIONS)
    return model.fit(vectors, labels)


def rates(flagged: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Recall on danger-now messages and false-positive rate on the others."""
    return float(flagged[labels].mean()), float(flagged[~labels].mean())


def held_out_probabilities(vectors: np.ndarray, labels: np.ndarray, batches: np.ndarray) -> np.ndarray:
    """Each message's probability from a model fitted without its batch."""
    out = np.zeros(len(labels))
    for b in np.unique(batches):
        train = batches != b
        out[~train] = fit(vectors[train], labels[train]).predict_proba(vectors[~train])[:, 1]
    return out


def choose_threshold(probabilities: np.ndarray, rules: np.ndarray, labels: np.ndarray) -> float:
    """The lowest threshold at which rules OR model flag at most MAX_FALSE_POSITIVES of the others."""
    for threshold in THRESHOLDS:
        if rates(rules | (probabilities >= threshold), labels)[1] <= MAX_FALSE_POSITIVES:
            return float(threshold)
    return float(THRESHOLDS[-1])


def nested_thresholds(
    vectors: np.ndarray, labels: np.ndarray, rules: np.ndarray, batches: np.ndarray, labelled: np.ndarray
) -> dict:
    """For each batch, the threshold the rule picks from the other batches' held-out probabilities."""
    chosen = {}
    for b in np.unique(batches):
        rest = batches != b
        inner = held_out_probabilities(vectors[rest], labels[rest], batches[rest])
        read = labelled[rest]
        chosen[int(b)] = choose_threshold(inner[read], rules[rest][read], labels[rest][read])
    return chosen


def _row(name: str, flagged: np.ndarray, labels: np.ndarray) -> str:
    recall, false_positives = rates(flagged, labels)
    missed = int((~flagged & labels).sum())
    wrong = int((flagged & ~labels).sum())
    return f"| {name} | {recall:.2f} ({missed} missed) | {false_positives:.2f} ({wrong} flagged) |"


def main() -> int:
    configure_offline()
    from indexing.onnx_embed import question_embedder

    settings = Settings.from_env()
    messages = load_messages()
    practice = practice_questions(settings, {m.text.lower() for m in messages})
    folds = len({m.batch for m in messages})
    texts = [m.text for m in messages] + practice
    every_label = np.array([m.danger for m in messages] + [False] * len(practice))
    every_batch = np.array([m.batch for m in messages] + [n % folds for n in range(len(practice))])
    labelled = np.array([True] * len(messages) + [False] * len(practice))
    every_rule = np.array([immediate_danger(t) for t in texts])
    every_vector = np.array(question_embedder(settings).embed(texts))

    every_probability = held_out_probabilities(every_vector, every_label, every_batch)
    nested = nested_thresholds(every_vector, every_label, every_rule, every_batch, labelled)
    # From here on the figures are on the labelled messages; the practice questions get their own line.
    labels, batches, rules = every_label[labelled], every_batch[labelled], every_rule[labelled]
    probabilities = every_probability[labelled]
    threshold = choose_threshold(probabilities, rules, labels)
    nested_flags = np.array([p >= nested[int(b)] for p, b in zip(probabilities, batches, strict=True)])
    practice_p = every_probability[~labelled]
    practice_rules = every_rule[~labelled]

    final = fit(every_vector, every_label)
    model = DangerModel(
        coefficients=tuple(float(c) for c in final.coef_[0]),
        intercept=float(final.intercept_[0]),
        threshold=threshold,
        fitted=dt.date.today().isoformat(),
        messages=len(texts),
    )
    MODEL_PATH.write_text(json.dumps(model.to_json(), indent=1) + "\n", encoding="utf-8")
    # The stored weights must give what scikit-learn gives (same vectors, same probabilities).
    shipped = np.array([model.probability(v) for v in every_vector])
    drift = float(np.abs(shipped - final.predict_proba(every_vector)[:, 1]).max())

    lines = [
        "# The immediate-danger model (evals/fit_danger.py)",
        "",
        f"Fitted {model.fitted} on {len(messages)} messages of tests/assistant/danger_now.yaml "
        f"({int(labels.sum())} danger now) and {len(practice)} ordinary practice questions from the eval's "
        "tune split (not danger; not partner items), embedded as typed with the product's question embedder; "
        f"class-balanced logistic regression, C={REGULARISATION_C}. Stored in assistant/danger.json "
        f"(largest difference from scikit-learn's probabilities: {drift:.1e}).",
        "",
        f"Threshold rule: the lowest threshold at which rules OR model flag at most {MAX_FALSE_POSITIVES:.2f} of "
        "the not-danger messages, pooled over the held-out batches (the rules' recall cannot be the "
        "constraint: on the batches that shaped them it is 0.99-1.00). "
        f"Chosen: **{threshold:.2f}** (on the pooled held-out probabilities). Nested "
        "(threshold chosen from the other three batches only, then applied to the held-out one): "
        + ", ".join(f"batch {b}: {t:.2f}" for b, t in nested.items())
        + ".",
        "",
        "Leave one batch out: the model scoring each batch was fitted without it. Batch 0 shaped the "
        "rules; batches 1 and 2 were unseen checks that then shaped them; batch 3 (`split: check`) was "
        "written after the rules were settled, so only there are the rules' figures held out too.",
        "",
    ]
    for b in np.unique(batches):
        part = batches == b
        y = labels[part]
        lines += [
            f"## Batch {b} ({int(part.sum())} messages, {int(y.sum())} danger now)",
            "",
            "| decision | recall | false positives |",
            "|---|---|---|",
            _row("rules alone", rules[part], y),
            _row(f"model alone (>= {threshold:.2f})", probabilities[part] >= threshold, y),
            _row(f"rules or model (>= {threshold:.2f})", rules[part] | (probabilities[part] >= threshold), y),
            _row(f"rules or model, nested threshold {nested[int(b)]:.2f}", rules[part] | nested_flags[part], y),
            "",
        ]
    lines += [
        "## All batches pooled",
        "",
        "| decision | recall | false positives |",
        "|---|---|---|",
        _row("rules alone", rules, labels),
        _row(f"model alone (>= {threshold:.2f})", probabilities >= threshold, labels),
        _row(f"rules or model (>= {threshold:.2f})", rules | (probabilities >= threshold), labels),
        _row("rules or model, nested thresholds", rules | nested_flags, labels),
        "",
        f"Practice questions (tune split, held out a quarter at a time): the model flags "
        f"{int((practice_p >= threshold).sum())} of {len(practice)}, the rules {int(practice_rules.sum())}; "
        f"highest held-out probability {practice_p.max():.2f}.",
        "",
        "Messages the combined decision still gets wrong (held-out probability in brackets):",
        "",
    ]
    combined = rules | (probabilities >= threshold)
    for m, p, flagged in zip(messages, probabilities, combined, strict=True):
        if flagged != m.danger:
            lines.append(f"- {'missed' if m.danger else 'flagged'} (batch {m.batch}, p={p:.2f}): {m.text}")
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
