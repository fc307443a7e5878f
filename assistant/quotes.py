"""Answer writing, quote selection (pure): keep a further quote only when it adds to what the answer already says.

A council's part of an answer opens with its best sentence (the lead line, and its quote).
Every further candidate sentence, best first, is weighed against what is said so far, the best
sentence, its headings and the quotes already kept, and is kept when either

- it holds an answer of the kind the question asks for that is not yet said: another duration
  for a timescale question, another team or role for who-does-what, another level for a
  threshold question (a second rule is the thing a practitioner must not miss); or
- it adds enough of the question's weight: the IDF-weighted share of the question's own
  terms that it holds and the answer so far does not (`MIN_TERM_GAIN`), while not mostly
  repeating words already said (`MAX_REPEAT`).

Which councils are shown (`COUNCIL_MARGIN`, `OTHERS_MUST_ANSWER`) and how much of a quote's
heading path (`HEADING_LEVELS`) belong to the same choice of what an answer shows. The constants
are fitted by `python -m evals.fit_selection` on the eval tune split only: the setting with the
shortest answers among those that find every expected fact, cite every expected source and show
every council of a conflict item that the best setting of a small grid does on that split
(evals/fit/SELECTION.md has the grid, the figures and the reasons). As fitted today the quote
rule keeps every candidate (each step of it cost a fact or a cited source) and answers are
shortened by showing beside the best council only those whose own guidance answers (likely to,
or holding an answer of the kind asked for) and ranks within COUNCIL_MARGIN of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answerability import term_present
from assistant.lead import answer_values
from assistant.query import Query, content_terms

# Fitted by evals/fit_selection.py on the tune split (see evals/fit/SELECTION.md): the least
# share of the question's weight a further quote must add that the answer does not yet hold.
# It fitted to 0 (no demand): on tune, quotes that add none of the question's terms still carry
# expected facts (a "This …" sentence after the best one, an elaboration), and every step up
# from 0 lost some.
MIN_TERM_GAIN = 0.0
# Fitted likewise: a further quote whose content words are more than this share already said
# (in the best sentence or a kept quote) repeats the answer and is dropped, unless it holds a
# new answer of the kind asked for. It fitted to 1.0 (no quote is dropped as a repeat): every
# lower setting stopped citing an expected source passage on tune (the same rule restated for
# another case, a plainer sentence under the best one's heading), though none lost a fact.
MAX_REPEAT = 1.0
# Fitted likewise: another council is shown beside the best answering one when its best sentence
# scores within this of that council's (councils that set different rules for the same thing are
# seen side by side; one that only mentions the topic ranks far below and is not). It fitted to
# 0.30 once sentence scoring counted a glossary entry as one term (session 7): 0.20 hid York's
# Regional Adoption Agency beside B&NES's adopter assessments, and the fit no longer allows a
# setting that hides a council some other setting shows. Session 9 (15 tune conflict items, the
# fit led by the eval's verdict per item): 1.00, no margin at all, so which other councils are
# shown rests on OTHERS_MUST_ANSWER alone; 0.30 hid Stockton's 45-day assessment period beside
# Plymouth's 45 days and B&NES's 10 working days.
COUNCIL_MARGIN = 1.00
# Fitted likewise: how many levels of a quote's heading path are shown beside it ("7.3 Disabled
# Children's Team › 7.3.3 Process of work"); the upper level often names the team a sentence
# like "The service is case responsible" is about.
HEADING_LEVELS = 2
# Fitted likewise: a council shown beside the best must itself reach the answer threshold, or
# hold in its best sentence an answer of the kind asked for (a differing duration must be seen),
# not only rank within COUNCIL_MARGIN of it: one that merely ranks near says little about the question.
OTHERS_MUST_ANSWER = True
# Fitted likewise: a further sentence of a council is a candidate quote only when it scores
# within this of the council's best (score = assistant.write.score_sentences). Hand-set at 0.12
# until session 7, when it joined the grid and the fit began to put what an answer holds before
# its length: 0.30, the widest tried, finds the most expected facts on tune (0.796 -> 0.830) for
# a median of 128 words instead of 100. At most max_sentences_per_authority quotes still apply.
SENTENCE_MARGIN = 0.30


@dataclass(frozen=True)
class Selection:
    """What a writer shows: which councils, which further quotes, how much of their headings
    (the fit script tries other settings on the tune split)."""

    min_term_gain: float = MIN_TERM_GAIN
    max_repeat: float = MAX_REPEAT
    keep_new_answers: bool = True
    council_margin: float = COUNCIL_MARGIN
    heading_levels: int = HEADING_LEVELS
    others_must_answer: bool = OTHERS_MUST_ANSWER
    sentence_margin: float = SENTENCE_MARGIN

    def keeps(self, addition: Addition) -> bool:
        if self.keep_new_answers and addition.new_answers:
            return True
        return addition.term_gain >= self.min_term_gain and addition.repeat <= self.max_repeat


# The rule before quotes were weighed: every candidate within the sentence margin is kept,
# councils within 0.20 of the best are shown, with two heading levels.
KEEP_ALL = Selection(
    0.0,
    1.0,
    keep_new_answers=True,
    council_margin=0.20,
    heading_levels=2,
    others_must_answer=False,
    sentence_margin=0.12,
)


@dataclass(frozen=True)
class Addition:
    """What one candidate quote would add to the answer so far."""

    term_gain: float  # IDF-weighted share of the question's own terms it holds that are not yet said
    repeat: float  # share of its own content words already said
    new_answers: tuple[str, ...]  # answers of the kind asked for (durations, teams, levels) not yet said


def question_weights(query: Query) -> dict[str, float]:
    """The question's own terms (not glossary expansions) with their IDF weights."""
    weights = dict(query.term_weights)
    own = dict.fromkeys(content_terms(query.normalised))
    return {t: weights[t] for t in own if t in weights}


def addition(query: Query, candidate: str, said: Sequence[str], context: Sequence[str] = ()) -> Addition:
    """How much `candidate` adds to the sentences already `said` (the best one, kept quotes) and
    the headings shown with them (`context`). A repeat is counted against the sentences alone:
    a sentence that states in words what a heading only names ("A Disabled Children's Team
    which will provide the hospital duty service" under "7.3 Disabled Children's Team") is
    the plainest support there is, not a repeat."""
    sentence_words = set(content_terms(" ".join(said)))
    said_words = sentence_words | set(content_terms(" ".join(context)))
    words = set(content_terms(candidate))
    weights = question_weights(query)
    total = sum(weights.values())
    new_terms = [t for t in weights if term_present(t, words) and not term_present(t, said_words)]
    gain = sum(weights[t] for t in new_terms) / total if total else 0.0
    repeat = len(words & sentence_words) / len(words) if words else 1.0
    said_values = {v.lower() for text in [*said, *context] for v in answer_values(query.intent, text)}
    fresh = tuple(v for v in answer_values(query.intent, candidate) if v.lower() not in said_values)
    return Addition(gain, repeat, fresh)


def select(
    query: Query,
    best: str,
    best_context: Sequence[str],
    candidates: Sequence[tuple[str, Sequence[str]]],
    rule: Selection,
) -> list[int]:
    """Indexes of the `candidates` (text, headings), best first, that `rule` keeps beside the best
    sentence `best` and its headings `best_context`. Each kept quote counts as said for the next."""
    said, context = [best], list(best_context)
    kept: list[int] = []
    for index, (text, headings) in enumerate(candidates):
        if rule.keeps(addition(query, text, said, context)):
            kept.append(index)
            said.append(text)
            context += headings
    return kept
