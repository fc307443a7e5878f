"""Answer writing: the AnswerWriter protocol and the default extractive writer (no language model).

The extractive writer quotes, verbatim, the sentences of the retrieved passages that best
answer the question, groups them by authority (never mixing two councils in one sentence),
cites each with [n], flags where authorities state different timescales, and abstains when
nothing scores high enough.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from assistant.query import Query
from assistant.safety import SAFETY_LINE, immediate_danger
from assistant.timescales import extract_timescales
from assistant.types import Answer, AuthorityAnswer, Citation, Passage


class AnswerWriter(Protocol):
    def write(self, query: Query, passages: Sequence[Passage]) -> Answer:
        """Compose an Answer whose every statement is traceable to one of the passages."""
        ...


@dataclass(frozen=True)
class ScoredSentence:
    passage_index: int
    sentence_index: int
    text: str
    score: float
    authority: str

    @property
    def key(self) -> str:
        return re.sub(r"\W+", " ", self.text.lower()).strip()


# Weights of the sentence score. Semantic similarity carries most of it; the IDF-weighted
# term overlap rescues exact terms MiniLM blurs (team names, acronyms, "S47"); the passage
# similarity favours sentences whose whole passage is on topic. Tuned on the eval tune split.
W_SEMANTIC = 0.55
W_OVERLAP = 0.30
W_PASSAGE = 0.15
TIMESCALE_BONUS = 0.08  # a "how soon" question is answered by a sentence with a timescale
AUTHORITY_MARGIN = 0.20  # another council is shown if its best sentence is this close to the best
SENTENCE_MARGIN = 0.12  # further sentences from one council must be this close to its best
UNKNOWN_TERM_PENALTY = 0.02  # per question word the library never uses (at most two), when deciding to refuse
OVERLAP_ANSWERS = 0.6  # ...unless one of the top sentences holds this share of the question's words
TOP_FOR_OVERLAP = 3
TIMESCALE_MIN_SIMILARITY = 0.35  # ...but only if the sentence is about the question at all
ANAPHORA = re.compile(r"(this|these|they|it|that|such|he|she)\b", re.IGNORECASE)
SHORT_ITEM = 80  # list items shorter than this are quoted with their introducing line


def score_sentences(query: Query, passages: Sequence[Passage]) -> list[ScoredSentence]:
    scored: list[ScoredSentence] = []
    for p_index, passage in enumerate(passages):
        chunk = passage.chunk
        sims = passage.sentence_similarity
        for s_index, sentence in enumerate(chunk.sentences):
            semantic = sims[s_index] if s_index < len(sims) else 0.0
            if s_index and ANAPHORA.match(sentence) and s_index - 1 < len(sims):
                # "This includes a new team…" carries its topic in the sentence before it.
                semantic = max(semantic, (semantic + sims[s_index - 1]) / 2)
            overlap = passage.sentence_overlap[s_index] if s_index < len(passage.sentence_overlap) else 0.0
            score = W_SEMANTIC * semantic + W_OVERLAP * overlap + W_PASSAGE * passage.dense_similarity
            if query.intent == "timescale":
                on_topic = semantic >= TIMESCALE_MIN_SIMILARITY
                score += TIMESCALE_BONUS if extract_timescales(sentence) and on_topic else -TIMESCALE_BONUS / 2
            scored.append(ScoredSentence(p_index, s_index, sentence, score, chunk.meta.authority))
    return sorted(scored, key=lambda s: -s.score)


def lead_for(passage: Passage, sentence: str) -> str:
    """The line that introduces a short list item ("The team provide:-"), if any."""
    lines = passage.chunk.text.split("\n")
    for i, line in enumerate(lines):
        if sentence in line and line.lstrip().startswith(("•", "–")):
            for previous in reversed(lines[:i]):
                if not previous.lstrip().startswith(("•", "–")):
                    return previous.strip() if previous.rstrip().endswith((":", ":-", "-")) else ""
            return ""
    return ""


def section_label(passage: Passage) -> str:
    """Where a quote sits ("7.3 Disabled Children's Team › 7.3.3 Process of work: "): the
    heading often names the team a sentence like "The service is case responsible" is about."""
    path = passage.chunk.section_path[-2:]
    return f"{' › '.join(path)}: " if path else ""


class ExtractiveWriter:
    """Quote the best sentences, per authority, with citations. Abstain below the threshold."""

    def __init__(self, threshold: float, front_doors: dict[str, str] | None = None, max_sentences: int = 3) -> None:
        self.threshold = threshold
        self.front_doors = front_doors or {}
        self.max_sentences = max_sentences

    def write(self, query: Query, passages: Sequence[Passage]) -> Answer:
        safety = SAFETY_LINE if immediate_danger(query.text) else ""
        scored = score_sentences(query, passages)
        best = scored[0].score if scored else 0.0
        adjusted = best - UNKNOWN_TERM_PENALTY * min(len(query.unknown_terms), 2)
        if adjusted < self.threshold and not self._words_all_there(scored, passages):
            return self._abstain(query, safety, best, passages)
        floor = min(self.threshold, best)
        by_authority: dict[str, list[ScoredSentence]] = {}
        for sentence in scored:
            by_authority.setdefault(sentence.authority, []).append(sentence)
        chosen_authorities = [
            authority
            for authority, sentences in by_authority.items()
            if sentences[0].score >= max(floor, best - AUTHORITY_MARGIN)
        ]
        citations: list[Citation] = []
        cited: dict[int, int] = {}  # passage index -> citation number
        used: dict[int, list[str]] = {}
        parts: list[AuthorityAnswer] = []
        timescales: dict[str, list[tuple[str, int]]] = {}
        for authority in chosen_authorities:
            picks = self._pick(by_authority[authority], floor)
            lines: list[str] = []
            numbers: list[int] = []
            for pick in picks:
                passage = passages[pick.passage_index]
                if pick.passage_index not in cited:
                    cited[pick.passage_index] = len(cited) + 1
                n = cited[pick.passage_index]
                used.setdefault(pick.passage_index, []).append(pick.text)
                numbers.append(n)
                lead = lead_for(passage, pick.text) if len(pick.text) < SHORT_ITEM else ""
                quote = f"{lead} … {pick.text}" if lead else pick.text
                lines.append(f'- {section_label(passage)}"{quote}" [{n}]')
                if pick is by_authority[authority][0]:  # compare each council's best answer, not every aside
                    for value in extract_timescales(pick.text):
                        timescales.setdefault(authority, []).append((value, n))
            meta = passages[picks[0].passage_index].chunk.meta
            status = "" if meta.status == "current" else f", {meta.status.upper()}"
            header = f"{authority} — {meta.title} ({meta.date_label}{status}):"
            parts.append(AuthorityAnswer(authority, "\n".join([header, *lines]), tuple(dict.fromkeys(numbers))))
        for p_index, n in sorted(cited.items(), key=lambda pair: pair[1]):
            passage = passages[p_index]
            chunk = passage.chunk
            citations.append(
                Citation(
                    n=n,
                    doc_id=chunk.doc_id,
                    title=chunk.meta.title,
                    authority=chunk.meta.authority,
                    date=chunk.meta.date_label,
                    section=chunk.section,
                    page=chunk.page,
                    quote=chunk.text,
                    score=passage.score,
                    status=chunk.meta.status,
                    used_sentences=tuple(used.get(p_index, ())),
                )
            )
        conflicts = self._conflicts(query, timescales) if len(parts) > 1 else ()
        notes: list[str] = []
        if safety:
            notes.append(safety)
        if conflicts:
            notes.extend(conflicts)
        elif len(parts) > 1:
            notes.append(
                f"{len(parts)} councils' documents answer this, each for its own area; "
                "follow the one responsible for the child."
            )
        text = "\n\n".join([*notes, *(part.text for part in parts)])
        return Answer(
            question=query.text,
            text=text,
            abstained=False,
            citations=tuple(citations),
            parts=tuple(parts),
            safety_notice=safety,
            conflicts=tuple(conflicts),
            authority_filter=query.authorities,
        )

    def _pick(self, sentences: list[ScoredSentence], floor: float) -> list[ScoredSentence]:
        top = sentences[0].score
        picks: list[ScoredSentence] = []
        seen: set[str] = set()
        for sentence in sentences:
            if len(picks) >= self.max_sentences:
                break
            if sentence.score < max(floor, top - SENTENCE_MARGIN) or sentence.key in seen:
                continue
            seen.add(sentence.key)
            picks.append(sentence)
        # Read in document order within a passage, best passage first.
        order = {p.passage_index: i for i, p in reversed(list(enumerate(picks)))}
        return sorted(picks, key=lambda s: (order[s.passage_index], s.sentence_index))

    @staticmethod
    def _words_all_there(scored: list[ScoredSentence], passages: Sequence[Passage]) -> bool:
        """A top sentence holding nearly all of the question's (IDF-weighted) words answers it even
        when its meaning is diluted: long multi-clause sentences embed poorly."""
        for s in scored[:TOP_FOR_OVERLAP]:
            overlap = passages[s.passage_index].sentence_overlap
            if s.sentence_index < len(overlap) and overlap[s.sentence_index] >= OVERLAP_ANSWERS:
                return True
        return False

    @staticmethod
    def _conflicts(query: Query, timescales: dict[str, list[tuple[str, int]]]) -> tuple[str, ...]:
        """Authorities that give different timescales for the same question."""
        if query.intent != "timescale" or len(timescales) < 2:
            return ()
        values = {authority: tuple(sorted({v for v, _ in items})) for authority, items in timescales.items()}
        if len(set(values.values())) < 2:
            return ()
        sides = "; ".join(
            f"{authority}: {', '.join(dict.fromkeys(f'{v} [{n}]' for v, n in items))}"
            for authority, items in timescales.items()
        )
        return (
            f"The councils' documents state different timescales — {sides}. "
            "They are not interchangeable: use the rule of the authority responsible for the child.",
        )

    def _abstain(self, query: Query, safety: str, best: float, passages: Sequence[Passage]) -> Answer:
        doors = [self.front_doors[a] for a in query.authorities if a in self.front_doors]
        where = (
            f"your duty manager or {doors[0]}"
            if len(doors) == 1
            else "your duty manager or your local authority's children's services front door"
        )
        text = f"The guidance in this library does not cover this question, so I will not guess. Please ask {where}."
        if safety:
            text = f"{safety}\n\n{text}"
        return Answer(
            question=query.text,
            text=text,
            abstained=True,
            abstain_reason=(
                f"no passage answered the question well enough "
                f"(best sentence score {best:.2f} < {self.threshold:.2f})"
            ),
            safety_notice=safety,
            authority_filter=query.authorities,
        )
