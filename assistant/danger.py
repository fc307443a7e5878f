"""The fitted second opinion for the immediate-danger line: a logistic regression on the question's vector.

`assistant.safety.immediate_danger` reads cues in the words; it missed 60% of the danger-now
messages written after its cues were settled. This model reads the question's MiniLM vector
(the product's question embedder, on the question as typed) and was fitted by
`evals/fit_danger.py` on tests/assistant/danger_now.yaml; its weights, threshold, fit date and
set size are in danger.json beside this file, so answering needs no scikit-learn, only a dot
product. The line is shown when the rules OR the model say danger now (`danger_now`): the rules
keep the cases they were shaped on, the model catches wording they have not seen. How the
threshold was chosen, and the leave-one-batch-out figures, are in evals/fit/DANGER.md.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "danger.json"


@dataclass(frozen=True)
class DangerModel:
    coefficients: tuple[float, ...]  # one per vector dimension, in raw (unit-normalised) vector units
    intercept: float
    threshold: float  # probability at or above which the model says danger now
    fitted: str  # ISO date of the fit
    messages: int  # labelled messages it was fitted on

    def probability(self, vector: Sequence[float]) -> float:
        """P(danger now | question vector): the logistic of the linear score."""
        if len(vector) != len(self.coefficients):
            raise ValueError(f"vector has {len(vector)} dimensions, the danger model {len(self.coefficients)}")
        score = self.intercept + math.fsum(c * v for c, v in zip(self.coefficients, vector, strict=True))
        # Written so neither branch overflows for a large |score|.
        if score >= 0:
            return 1.0 / (1.0 + math.exp(-score))
        odds = math.exp(score)
        return odds / (1.0 + odds)

    def says_danger(self, probability: float | None) -> bool:
        return probability is not None and probability >= self.threshold

    @classmethod
    def from_json(cls, raw: dict) -> DangerModel:
        return cls(
            coefficients=tuple(float(c) for c in raw["coefficients"]),
            intercept=float(raw["intercept"]),
            threshold=float(raw["threshold"]),
            fitted=str(raw["fitted"]),
            messages=int(raw["messages"]),
        )

    def to_json(self) -> dict:
        return {
            "fitted": self.fitted,
            "messages": self.messages,
            "threshold": self.threshold,
            "intercept": self.intercept,
            "coefficients": list(self.coefficients),
        }


@lru_cache(maxsize=4)
def danger_model(path: Path = MODEL_PATH) -> DangerModel:
    """The shipped model, read once per process (the file is part of the package, not data)."""
    return DangerModel.from_json(json.loads(path.read_text(encoding="utf-8")))


def danger_probability(vector: Sequence[float], model: DangerModel | None = None) -> float:
    return (model or danger_model()).probability(vector)
