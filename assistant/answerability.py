"""Answer selection, the refusal decision: a fitted model of "this council's guidance answers the question".

For each council, the features of its best-scoring sentences go through a logistic regression
fitted by `python -m evals.fit_answerability` on the eval tune split only (weights and the
operating point are stored in answerability.json beside this file, the fit report in
evals/fit/REPORT.md). A council is quoted when its probability reaches the threshold; when no
council's does, the assistant says the guidance does not cover the question.

The features describe the best sentence in ways that carry over to documents nobody tuned on:
how much of the question's rarest terms it holds (the thing asked about: "chairs",
"threshold"), whether it holds the kind of answer asked for (a duration, a team), and
question words the library never uses.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.query import Query, common_english_words, content_terms, stem
from assistant.timescales import DATE, extract_timescales

MODEL_PATH = Path(__file__).resolve().parent / "answerability.json"

FEATURES = (
    "similarity",  # cosine similarity of the question to the council's best sentence
    "coverage",  # IDF-weighted share of the question's own terms in it or its headings (see own_coverage)
    "focus",  # share of the question's rarest known terms in it or its headings
    "answer_type",  # it holds the kind of answer the question asks for (see answer_type_present)
    "passage_similarity",  # cosine similarity of the question to its whole passage
    "unknown_terms",  # question words the library never uses: 0, 0.5, or 1 for two or more
    # The most of the question's terms any of the council's top sentences holds: a long
    # multi-clause sentence embeds poorly but can hold nearly every word asked about.
    "best_overlap",
)
FOCUS_TERMS = 2  # a question is about one or two things; its rarest terms name them

# What each kind of question is answered by (assistant.query.detect_intent), written from the
# domain, not from eval items.
ROLE_WORDS = re.compile(
    r"\b((?:team|service|hub|unit|panel|board|manager|officer|worker|practitioner|lead|chair|co-?ordinator|"
    r"nurse|doctor|paediatrician|consultant|director|partnership|professional|social worker)s?|chaired|chairing|"
    r"designated|police|schools?|reviewing|head of|agenc(?:y|ies)|LADO|MASH|IRO)\b",
    re.IGNORECASE,
)
THRESHOLD_WORDS = re.compile(
    r"\b(level|threshold|criteria|eligib\w*|significant harm|tier|universal|early help|targeted|specialist|"
    r"statutory|in need|aged?|under \d+|up to \d+|refer\w*)\b",
    re.IGNORECASE,
)
DEFINING = re.compile(r"\b(is|are) (a|an|the|any|when|where)\b|\bmeans?\b|\brefers? to\b|\bdefined\b|\bdescribes?\b")


class ModelError(RuntimeError):
    """The stored model does not match the code's features: refit it."""


def answer_type_present(intent: str, text: str) -> bool:
    """Does the text hold the kind of answer the question's intent asks for?"""
    if intent == "timescale":
        return bool(extract_timescales(text))
    if intent == "date":
        return bool(DATE.search(text))
    if intent == "who":
        return bool(ROLE_WORDS.search(text))
    if intent == "threshold":
        return bool(THRESHOLD_WORDS.search(text))
    if intent == "definition":
        return bool(DEFINING.search(text))
    return False


STEM_PREFIX = 6  # a shared start this long is one word family the light stemmer split ("conferenc", "conference")


def term_present(term: str, words: AbstractSet[str]) -> bool:
    """A question term is present as a word, inside a compound ("phone" in "telephone"), or as
    another form of the same word that the light stemmer (assistant.query.stem) left apart: one
    is the start of the other ("conferencing" -> "conferenc", "conference")."""
    return _present(term, _starts(term), words, " ".join(words))


def _present(term: str, starts: frozenset[str], words: AbstractSet[str], joined: str) -> bool:
    """term_present with the term's prefixes and the joined words worked out by the caller, once
    (own_coverage runs it for every question term in every candidate sentence). Inside a longer
    word is one substring search of the words joined by spaces (a term has none, so it cannot
    match across two words); a word that starts the term is one of its prefixes (`_starts`)."""
    return term in words or (len(term) >= 4 and term in joined) or not starts.isdisjoint(words)


@lru_cache(maxsize=4096)
def _starts(term: str) -> frozenset[str]:
    """The term's own prefixes of STEM_PREFIX letters or more: a word equal to one is its family."""
    return frozenset(term[:k] for k in range(STEM_PREFIX, len(term)))


def focus_terms(query: Query) -> list[str]:
    """The question's rarest terms that the library uses: what it is really about. Everyday
    English words come after the rest, however rare in the library: "goes" or "got" is not what
    "where does the case go if the child goes on a child protection plan?" asks about, though
    guidance seldom writes it (query.common_english_words; session 10, after the stored fit)."""
    weights = dict(query.term_weights)
    everyday = _everyday_stems()
    known = [t for t in weights if t not in query.unknown_terms]
    return sorted(known, key=lambda t: (t in everyday, -weights[t]))[:FOCUS_TERMS]


@lru_cache(maxsize=1)
def _everyday_stems() -> frozenset[str]:
    return frozenset(stem(w) for w in common_english_words())


@dataclass(frozen=True)
class Evidence:
    """What the features are computed from: a council's best sentence, in its context."""

    text: str  # the sentence (with the one before it if it refers back)
    headings: tuple[str, ...]
    similarity: float
    coverage: float
    passage_similarity: float
    best_overlap: float = 0.0  # the highest term overlap among the council's top sentences


# Question words that name the kind of answer asked for rather than its topic: a sentence holding
# such an answer (a duration) holds them ("what is the timescale for…" is answered by "45 days").
ANSWER_TYPE_TERMS = {"timescale": frozenset(content_terms("timescale timescales timeframe timeframes time deadline"))}


def own_coverage(query: Query, words: AbstractSet[str], holds_answer: bool = False) -> float:
    """IDF-weighted share of the question's own terms found among `words` (a sentence and its
    headings). A glossary entry is one thing asked about, however either side writes it: when
    its short form or one of its spelt-out forms is there in full, the question's words for it
    all count as found ("S47" asked, "section 47 enquiries" written; "child protection plan"
    asked, "CP plan" written). Expansions the question did not type never dilute the share."""
    own, concepts = _own_terms(query.normalised, query.term_weights, query.concepts)
    total = sum(w for _, w, _ in own)
    if not total:
        return 0.0
    joined = " ".join(words)  # once per sentence, not once per term
    found = {t for t, _, starts in own if _present(t, starts, words, joined)}
    for spelt in concepts:
        if any(all(_present(t, starts, words, joined) for t, starts in terms) for terms in spelt):
            found.update(t for terms in spelt for t, _ in terms)
    found.update(t for t, _, _ in own if t.endswith("s") and t[:-1] in found)  # "IROs" with the IRO spelt out
    if holds_answer:
        found |= ANSWER_TYPE_TERMS.get(query.intent, frozenset())
    return sum(w for t, w, _ in own if t in found) / total


def stressed_share(query: Query, words: AbstractSet[str]) -> float:
    """IDF-weighted share of a follow-up's own words (Query.stressed_terms) found among `words`."""
    stressed = _stressed_weights(query.stressed_terms, query.term_weights)
    total = sum(w for _, w in stressed)
    if not total:
        return 0.0
    return sum(w for t, w in stressed if term_present(t, words)) / total


@lru_cache(maxsize=256)
def _stressed_weights(
    stressed: tuple[str, ...], term_weights: tuple[tuple[str, float], ...]
) -> tuple[tuple[str, float], ...]:
    """Each stressed term with its weight: once per question, not once per sentence scored."""
    weights = dict(term_weights)
    return tuple((t, weights.get(t, 0.0)) for t in stressed)


@lru_cache(maxsize=256)
def _own_terms(
    normalised: str, term_weights: tuple[tuple[str, float], ...], concepts: tuple[tuple[str, ...], ...]
) -> tuple[
    tuple[tuple[str, float, frozenset[str]], ...], tuple[tuple[tuple[tuple[str, frozenset[str]], ...], ...], ...]
]:
    """The question's own weighed terms (with their prefixes), and each glossary entry's forms as
    term lists (once per question, not once per sentence scored)."""
    weights = dict(term_weights)
    # A glossary short form typed in the plural ("IROs", "ICPCs") is found where the short form is.
    shorts = {forms[0].lower() for forms in concepts if forms}
    own = tuple(
        (t, weights[t], _starts(t) | ({t[:-1]} if t.endswith("s") and t[:-1] in shorts else set()))
        for t in dict.fromkeys(content_terms(normalised))
        if t in weights
    )
    spelt = tuple(
        tuple(tuple((t, _starts(t)) for t in content_terms(f)) for f in forms if content_terms(f)) for forms in concepts
    )
    return own, spelt


def features(query: Query, best: Evidence) -> tuple[float, ...]:
    words = set(content_terms(" ".join([best.text, *best.headings])))
    focus = focus_terms(query)
    return (
        best.similarity,
        own_coverage(query, words, answer_type_present(query.intent, best.text))
        if query.term_weights
        else best.coverage,
        (sum(term_present(t, words) for t in focus) / len(focus)) if focus else 0.0,
        1.0 if answer_type_present(query.intent, best.text) else 0.0,
        best.passage_similarity,
        min(len(query.unknown_terms), 2) / 2,
        best.best_overlap,
    )


@dataclass(frozen=True)
class AnswerabilityModel:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    answer_threshold: float  # operating point chosen on the tune split's risk–coverage curve
    fitted_on: str = ""
    # Below this (and at or above answer_threshold) an answer is given but flagged as one that
    # may not answer the question: on the tune split such answers were more often wrong than
    # right (evals.fit_answerability.choose_hedge). Equal to answer_threshold: nothing flagged.
    hedge_threshold: float = 0.0
    # A follow-up read against the conversation is answered from here (hedged below the hedge
    # point) rather than refused: evals.fit_followup chooses it on the tune follow-ups. Never
    # above answer_threshold; equal to it (the default): follow-ups are treated as any question.
    follow_up_threshold: float = 1.0
    # A follow-up's own hedge point: its reading carries the earlier question's words, so its
    # probability runs lower for the same chance of being right, and the standalone hedge point
    # flagged about half the follow-ups answered right (session 21). evals.fit_followup
    # calibrates it on the tune follow-ups as choose_hedge does for standalone questions. None
    # (a model file without it): the standalone hedge point.
    follow_up_hedge_threshold: float | None = None

    def __post_init__(self) -> None:
        if self.hedge_threshold < self.answer_threshold:
            object.__setattr__(self, "hedge_threshold", self.answer_threshold)
        if self.follow_up_threshold > self.answer_threshold:
            object.__setattr__(self, "follow_up_threshold", self.answer_threshold)
        if self.follow_up_hedge_threshold is not None and self.follow_up_hedge_threshold < self.follow_up_threshold:
            object.__setattr__(self, "follow_up_hedge_threshold", self.follow_up_threshold)

    def threshold(self, follow_up: bool = False) -> float:
        """The operating point: a follow-up's may sit lower (follow_up_threshold)."""
        return self.follow_up_threshold if follow_up else self.answer_threshold

    def hedge_point(self, follow_up: bool = False) -> float:
        """Below this an answer given is flagged: a follow-up's may sit elsewhere (follow_up_hedge_threshold)."""
        if follow_up and self.follow_up_hedge_threshold is not None:
            return self.follow_up_hedge_threshold
        return self.hedge_threshold

    def hedged(self, probability: float, follow_up: bool = False) -> bool:
        """An answer given (probability at the threshold or above) that is more likely wrong than right."""
        return self.threshold(follow_up) <= probability < self.hedge_point(follow_up)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> AnswerabilityModel:
        if not path.exists():
            raise ModelError(f"{path} is missing: run `python -m evals.fit_answerability`")
        raw = json.loads(path.read_text(encoding="utf-8"))
        model = cls(
            features=tuple(raw["features"]),
            weights=tuple(float(w) for w in raw["weights"]),
            bias=float(raw["bias"]),
            answer_threshold=float(raw["answer_threshold"]),
            fitted_on=str(raw.get("fitted_on", "")),
            hedge_threshold=float(raw.get("hedge_threshold", 0.0)),
            follow_up_threshold=float(raw.get("follow_up_threshold", 1.0)),
            follow_up_hedge_threshold=(
                float(raw["follow_up_hedge_threshold"]) if raw.get("follow_up_hedge_threshold") is not None else None
            ),
        )
        if model.features != FEATURES:
            raise ModelError(
                f"{path} was fitted on features {list(model.features)}, the code computes {list(FEATURES)}: "
                "run `python -m evals.fit_answerability`"
            )
        return model

    @classmethod
    def untrained(cls) -> AnswerabilityModel:
        """Zero weights (every council at 0.5, answered): only for the fit script, before a model exists."""
        return cls(FEATURES, tuple(0.0 for _ in FEATURES), 0.0, 0.5, "untrained")

    def probability(self, values: Sequence[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, values, strict=True))
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    def save(self, path: Path = MODEL_PATH) -> None:
        data = {
            "note": "Fitted by `python -m evals.fit_answerability` on the tune split; see evals/fit/REPORT.md.",
            "features": list(self.features),
            "weights": [round(w, 6) for w in self.weights],
            "bias": round(self.bias, 6),
            "answer_threshold": round(self.answer_threshold, 4),
            "hedge_threshold": round(self.hedge_threshold, 4),
            "follow_up_threshold": round(self.follow_up_threshold, 4),
            "follow_up_hedge_threshold": (
                round(self.follow_up_hedge_threshold, 4) if self.follow_up_hedge_threshold is not None else None
            ),
            "fitted_on": self.fitted_on,
        }
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
