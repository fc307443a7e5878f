"""Answer writing: the AnswerWriter protocol and the default extractive writer (no language model).

The extractive writer quotes, verbatim, the sentences of the retrieved passages that best
answer the question, groups them by authority (never mixing two councils in one sentence),
cites each with [n], flags where authorities state different timescales, and abstains when
nothing scores high enough.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from assistant.answerability import (
    AnswerabilityModel,
    Evidence,
    answer_type_present,
    features,
    own_coverage,
    stressed_share,
)
from assistant.councils import their_front_doors
from assistant.force import force
from assistant.lead import (
    ATTEND,
    answer_values,
    asked_action,
    does_action,
    holds_word,
    lead_text,
    listing,
    restates_question,
    short_authority,
    source_label,
    who_named,
)
from assistant.query import Query, content_terms, levels_named, with_verb_bases
from assistant.quotes import Selection, select
from assistant.safety import SAFETY_LINE, danger_now
from assistant.timescales import FREQUENCY, counted_from_spans, extract_timescales
from assistant.topic import STANDING_REFERENTS, Topic, noun_heads, topic_of
from assistant.types import Answer, AuthorityAnswer, Citation, Passage, Quote


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
    similarity: float = 0.0  # cosine similarity to the question (with its referent's, if it refers back)
    overlap: float = 0.0  # IDF-weighted share of the question's terms in it or its headings

    @property
    def key(self) -> str:
        return re.sub(r"\W+", " ", self.text.lower()).strip()


# Weights of the sentence score. Semantic similarity carries most of it; the IDF-weighted
# term overlap rescues exact terms MiniLM blurs (team names, acronyms, "S47"); the passage
# similarity favours sentences whose whole passage is on topic. These rank sentences; they were
# swept on the eval tune split (README, "Refusals"). Whether to answer at all is not decided
# here but by the fitted answerability model (assistant/answerability.py).
W_SEMANTIC = 0.55
W_OVERLAP = 0.30
W_PASSAGE = 0.15
# A follow-up's own words ("babies" in "what about babies?", read as "How often … visit babies on a
# plan?") are what it asks that the question before did not; the sentence holding them gains this
# times their IDF-weighted share. Fitted by evals/fit_followup.py on the tune follow-ups, jointly
# with the follow-up threshold (evals/fit/FOLLOWUP.md): the smallest weight among those under
# which the most follow-ups pass.
W_FOLLOW_UP_WORDS = 0.05
TIMESCALE_BONUS = 0.08  # a "how soon" question is answered by a sentence with a timescale
TOP_FOR_OVERLAP = 3  # the council's sentences whose term overlap the answerability model sees
TIMESCALE_MIN_SIMILARITY = 0.35  # ...but only if the sentence is about the question at all
# A question naming a level of need ("what happens at level 3?") is answered by a sentence about
# that level, in its words or its headings ("6.1 Intensive support is for families …" under "6.
# Intensive Support – Level 3"), not by one about another level: the words are the same but for a
# number, which term overlap does not count and MiniLM barely tells apart, and "what happens at
# level 3 in kent?" led with Level 2. The level asked for is the answer asked for, so it weighs what
# a duration does for a how-soon question (TIMESCALE_BONUS). No penalty for naming other levels:
# "at Levels 3 and 4 only" is the answer to "can I make a request for a family at Level 2?" (a
# penalty lost that fact on tune). Not fitted: the eval's level questions are too few to fit it on.
LEVEL_BONUS = TIMESCALE_BONUS
# "what is private fostering?" is answered by the sentence defining it ("A child is privately
# fostered where he or she is under 16 …"), which ranked sixth there behind sentences that only name
# it ("Read with the National Minimum Standards for Private Fostering"). A sentence that opens by
# saying what the thing asked about is (_defines) holds the answer asked for, as a duration does for
# a how-soon question: the same bonus. Not fitted: the eval's definition questions are too few.
DEFINITION_BONUS = TIMESCALE_BONUS
# The opening of a definition: "X is a …", "X is … where …", "X means …", "X refers to …", "X is
# defined as …", within DEFINITION_HEAD_WORDS words of the sentence's start.
DEFINES = re.compile(
    r"\b(?:is|are)\b(?:\s+[\w-]+){0,3}?\s+(?:a|an|the|any|when|where|if)\b|\bmeans?\b|\brefers? to\b"
    r"|\b(?:is|are) defined\b"
)
DEFINITION_HEAD_WORDS = 12
ANAPHORA = re.compile(r"(this|these|they|it|that|such|he|she)\b", re.IGNORECASE)
# A sentence that points back inside itself ("… transferred to an allocated social worker AT THESE
# POINTS", "in such cases", "as above"): what it is about is named in the sentence before. Not
# "those children WHO …", which names its own.
BACK_REFERENCE = re.compile(
    r"\b(?:these|those|such)\s+(?:points?|cases?|times?|stages?|circumstances|situations?|children|families|"
    r"arrangements|services|teams?|meetings?)\b(?!\s+(?:who|that|which|whose|where|as|with)\b)"
    r"|\b(?:the|as) above\b|\bat (?:this|that) (?:point|stage|time)\b",
    re.IGNORECASE,
)


# A line that opens with an infinitive of purpose has left out its subject: the service the line
# before names ("The ARC provides a range of services …" / "To provide individual programmes of
# work … such as family therapy"). Not "To date, …" nor "To be eligible, …", which stand alone.
PURPOSE_LINE = re.compile(r"to\s+(?!date\b|be\b|do\s+so\b)[a-z]+\b(?!\s*,)", re.IGNORECASE)


def refers_back(sentence: str) -> bool:
    """Does the sentence need the one before it to be understood: it opens with a reference
    ("This…", "They…") or an infinitive of purpose with no subject ("To provide…"), or points
    back inside itself ("at these points")?"""
    return bool(ANAPHORA.match(sentence) or PURPOSE_LINE.match(sentence) or BACK_REFERENCE.search(sentence))
SHORT_ITEM = 80  # list items shorter than this are quoted with their introducing line
LEAD_COVERS_QUOTE = 0.8  # a lead holding this share of its sentence's words makes quoting it again a repeat
# When the council asked about does not cover a question, another council's guidance is a pointer
# ("York's documents do not say; Torbay's says …"), not the answer: the council most likely to
# answer is shown, with its best sentence only. Several councils' partial matches under a
# "does not say" were long and mostly off the point (the fit of the answerability model found
# that, asked without their own council, tune questions' best other council held the expected
# fact 3 times in 41 shown: evals/fit/REPORT.md); one council, one sentence, keeps the pointer
# short and the user one click from checking it.
# A lead that is its whole sentence is shown under its nearest heading only: that heading names
# what the sentence is about ("Assessment Resource Centre (The ARC)"); the path above it is in the
# citation. Measured on the tune split: two levels, as quotes have, lengthen the median answer by
# 4 words, one level by 3, for the same facts.
LEAD_HEADING_LEVELS = 1
LIST_ITEMS = 6  # a list longer than this is a catalogue, not an answer: the citation shows the rest
# What a hedged answer (AnswerabilityModel.hedged) opens with: given, because refusing would
# leave the reader with nothing where the guidance may well answer, but not as a sure answer.
HEDGE_LEAD = "This may not answer your question"
HEDGE_NOTE = f"{HEDGE_LEAD}: it is the closest the guidance comes. Check the quotes."
# A question asking for an amount of time (Query.asks_for_a_duration: "how soon", "within how many
# days") answered by sentences none of which states a duration: whatever the answerability model's
# probability, the answer does not give what was asked for, and the nearest rule must not be taken
# for it. Flagged, not refused: the sentences may still be the guidance's nearest word on it.
# Measured against the same run without it (561 items): it flags one answer, a failed tune one (an
# out-of-scope "how many working days …" answered with a sentence of no duration); no other flag and
# no verdict changed on any split. Judged on the best sentence alone it also flagged a passed
# unseen_docs answer whose duration sat in a further quote, so the note would have been untrue.
NO_DURATION_NOTE = f"{HEDGE_LEAD}: none of the sentences quoted states a timescale. Check the quotes."
# ...and a how-many question (Query.asks_for_a_count) answered by sentences none of which states a
# number ("how many child protection plans does Torbay have?" led, unflagged, with the list item
# "Children subject to Child Protection plans"), for the same reason.
NO_COUNT_NOTE = f"{HEDGE_LEAD}: none of the sentences quoted states a number. Check the quotes."
# A number in a sentence that can be a count: digits or a number written as a word, but not a year
# ("2014"), a date's day ("1st June"), nor a paragraph number ("3.1.1").
NUMBER = re.compile(
    r"(?<![\d.])(?!(?:19|20)\d\d\b)\d[\d,]*(?![\d.]*\.\d)(?!\s*(?:st|nd|rd|th)\b)|"
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|"
    r"thousand|dozen)\b",
    re.IGNORECASE,
)
# ...and a how-soon question about a step ("how quickly must the initial child protection conference
# be held?") whose lead times another step counted from it ("The first Review Conference must be
# held within 3 months of the Initial Child Protection Conference"), with no quote timing the step
# itself: Sussex's answer led with that at probability 0.97, unflagged. The step asked about is
# in the duration's "of/from/after …" phrase there, not in what is timed (_counted_from_topic).
# A timescale answer whose first council's sentence, with its headings, does not name the thing
# asked about (less than TOPIC_SHARE of it): its duration may time another step. "whats the max
# timescale for completing the C&F assessment when s47 enquiries are running?" had been led by
# "the conference must take place within 15 working days", unflagged. Measured in session 18 as
# flagging 3 passed tune answers and no failed one, and not kept; kept in session 19, when of 48
# new practitioner questions on the tuning corpus it flagged 3 answers, each wrong or out of scope,
# and of the 2 passed tune answers it flags one is led by another step's duration (its fact is in a
# later quote).
UNNAMED_NOTE = f"{HEDGE_LEAD}: the sentence quoted does not name {{topic}}. Check the quotes."
# A who-question where a council's best sentence, its list's introducing line and its headings
# name no team or role (lead.who_named), nor does the sentence hold a word a who-answer holds
# (answerability.ROLE_WORDS: "social workers", "the manager", "the police"): the lead is then the
# whole sentence, which says what happens, not who does it ("who makes the final decision …?" led
# by what a review conference looks at; "who decides the outcome of a s47 enquiry?" by what a
# strategy discussion decides, beside other councils' answers).
NO_ROLE_NOTE = f"{HEDGE_LEAD}: the sentence quoted{{whose}} names no team or role. Check the quotes."
COUNTED_FROM_NOTE = (
    f"{HEDGE_LEAD}: the timescale quoted is for another step, counted from {{topic}}. Check the quotes."
)
# Of the topic's words (or glossary terms), the share a sentence must hold to be about it.
TOPIC_SHARE = 0.5
# Beside the first council, one whose best sentence (with its headings) names less than TOPIC_SHARE
# of the thing asked about is shown, but said to be unsure: asked when the first review conference
# is due, Durham's "within 15 working days of the strategy discussion" (its initial conference)
# stood beside Sussex's answer as Durham's own rule. Leaving such councils out lost two tune
# conflict items whose councils name the thing otherwise ("Principal Children and Families Social
# Worker"), and flagging the whole answer flagged three passed tune answers and no failed one.
ASIDE_NOTE = "{names}: the sentence quoted does not name {topic}, so it may be about something else. Check it."
UNSURE_LABEL = "may be about something else"  # beside such a council's own lead, in text and in the app
ASIDE_TOPIC_WORDS = 6  # a longer topic ("the maximum time a child can be kept in …") is not repeated in the note
# Said before the quotes when the question names only councils the library holds nothing from.
NOT_HELD_NOTE = (
    "This library holds no guidance from {names}: what follows is other councils' guidance, each for its own area."
)
# ...and when all of it is national guidance, which applies in their area too.
NOT_HELD_NATIONAL_NOTE = (
    "This library holds no guidance from {names}: what follows is national guidance, which applies there too."
)
NOT_HELD_BOTH_NOTE = (
    "This library holds no guidance from {names}: what follows is national guidance, which applies there too, "
    "and other councils' guidance, each for its own area."
)
# Beside councils' answers, national guidance is no council's rule for its own area.
NATIONAL_BESIDE_COUNCILS = (
    "National guidance applies in every area, and each council's guidance in its own; follow the council "
    "responsible for the child."
)
# What the not-covered note says of another council's guidance shown below the hedge point.
ELSEWHERE_UNSURE = "comes closest, though it may not answer your question"
# Who every rule is about: "the child" or "the case" is in nearly every timescale sentence, so two
# sentences sharing only them are no more about the same thing than two sharing "days" ("… assume
# case responsibility within 24 hours" and "cases where children have been on CP plans for over
# 12 months" were told as one rule two ways, for a question about the RUH).
EVERY_RULE_WORDS = frozenset(content_terms("child children young person people family families case cases"))
# The words a duration is told in: shared by any two timescale sentences, they say nothing about
# whether the two are about the same thing (ExtractiveWriter._conflicts). With them the verbs a
# duration is asked with ("how long does a section 47 enquiry take?", "how long does a plan last?"):
# "take" matched "the conference must take place within 15 working days" and "the first Core Group
# meeting must take place within 10 working days", so two steps that are not the enquiry were told
# as the councils' differing rules for it.
DURATION_WORDS = frozenset(
    content_terms(
        "day days week weeks month months hour hours year years working calendar within timescale time "
        "take takes taking taken took last lasts lasted lasting"
    )
)
ELSEWHERE_COUNCILS = 1
ELSEWHERE_SENTENCES = 1


def score_sentences(query: Query, passages: Sequence[Passage]) -> list[ScoredSentence]:
    scored: list[ScoredSentence] = []
    asked_levels = query.asked_levels  # read from the question once, not per sentence
    defined = _topic_units(query) if query.intent == "definition" else None
    for p_index, passage in enumerate(passages):
        chunk = passage.chunk
        sims = passage.sentence_similarity
        for s_index, sentence in enumerate(chunk.sentences):
            if asks(sentence) or in_capitals(sentence):
                continue
            semantic = sims[s_index] if s_index < len(sims) else 0.0
            back = bool(s_index) and s_index - 1 < len(sims) and refers_back(sentence)
            if back:
                # "This includes a new team…" carries its topic in the sentence before it.
                semantic = max(semantic, (semantic + sims[s_index - 1]) / 2)
            if s_index < len(passage.sentence_terms):
                words = passage.sentence_terms[s_index]
                if back:  # ...and so do its terms: the two are read, and quoted, together
                    words = words | passage.sentence_terms[s_index - 1]
            else:  # a passage made by hand (tests): its sentence and headings read here
                text = " ".join(chunk.sentences[s_index - 1 : s_index + 1]) if back else sentence
                words = frozenset(content_terms(" ".join((text, *chunk.section_path))))
            items = _listed(passage, s_index, sentence)
            if not items and sentence.rstrip().endswith((":", ":-")):
                # A line introducing what is not there to quote with it (a table chunked apart, a
                # list in another passage): "6.2 Examples of indicators that a child sits at Level
                # 3:" led an answer to "what happens at level 3?" and promised what it did not hold.
                continue
            if items:
                # "The strategy discussion:" is quoted with the list it introduces (with_list),
                # and so is scored on it: its terms, and its best item's similarity.
                words = words | frozenset(t for i in items for t in _terms_of(passage, i))
                semantic = max(semantic, (semantic + max((sims[i] for i in items if i < len(sims)), default=0.0)) / 2)
            valued = query.intent in ("timescale", "date")  # asks for a duration or a date
            holds = valued and answer_type_present(query.intent, sentence)
            overlap = own_coverage(query, words, holds)
            score = W_SEMANTIC * semantic + W_OVERLAP * overlap + W_PASSAGE * passage.dense_similarity
            if query.stressed_terms:
                score += W_FOLLOW_UP_WORDS * stressed_share(query, words)
            if asked_levels and levels_named(" ".join((sentence, *chunk.section_path))) & asked_levels:
                score += LEVEL_BONUS
            if defined and _defines(defined[1], sentence):
                score += DEFINITION_BONUS
            if valued:
                on_topic = semantic >= TIMESCALE_MIN_SIMILARITY
                if query.asks_how_often:
                    # A how-often question is answered by a frequency (at intervals of no more than
                    # six weeks) in the sentence or the list it introduces; a one-off deadline
                    # ("within seven working days") gets neither the bonus nor the penalty.
                    listed = " ".join([sentence, *(chunk.sentences[i] for i in items)])
                    frequent = bool(FREQUENCY.search(listed)) and on_topic
                    score += TIMESCALE_BONUS if frequent else (0.0 if holds else -TIMESCALE_BONUS / 2)
                else:
                    score += TIMESCALE_BONUS if holds and on_topic else -TIMESCALE_BONUS / 2
            scored.append(ScoredSentence(p_index, s_index, sentence, score, chunk.meta.authority, semantic, overlap))
    return sorted(scored, key=lambda s: -s.score)


# A sentence that asks rather than states: a checklist's "Does the concern meet Level 3 or Level 4
# of this guidance?", an FAQ's question, a heading such as "What drives the demand for the
# service?". It echoes a user's question in its words and so ranks near the top, but it answers
# nothing: "what happens at level 3 in kent?" led with Kent's checklist question. It is never a
# candidate quote; a line introducing such a list is, and is quoted with it (with_list).
QUESTION_SENTENCE = re.compile(r"\?[\s\"'”’)\]]*$")


# A line in capitals is a title or a heading the parser left in the text ("6.1 IMPLEMENTATION OF THE
# CHILD PROTECTION PLAN - LEAD SOCIAL WORKER AND CORE GROUP RESPONSIBILITIES", a document's front
# matter), not guidance: it led a partner's answer from Sussex. Capitals are this share of its
# letters, of at least CAPITALS_MIN_LETTERS (an acronym-heavy sentence, "The MASH and the EDS …", is
# far below it).
CAPITALS_SHARE = 0.8
CAPITALS_MIN_LETTERS = 20


def in_capitals(sentence: str) -> bool:
    """The sentence is written in capitals (a title or heading, CAPITALS_SHARE)."""
    letters = [c for c in sentence if c.isalpha()]
    return len(letters) >= CAPITALS_MIN_LETTERS and sum(c.isupper() for c in letters) >= CAPITALS_SHARE * len(letters)


def asks(sentence: str) -> bool:
    """The sentence is a question (it ends with a question mark, closing quotes or brackets aside)."""
    return bool(QUESTION_SENTENCE.search(sentence))


def _listed(passage: Passage, index: int, sentence: str) -> list[int]:
    """The indexes of the sentences that are the list items a sentence ending in a colon
    introduces (list_after's items, at most LIST_ITEMS sentences), in the chunk's order."""
    items = list_after(passage, sentence)
    out: list[int] = []
    for i in range(index + 1, min(len(passage.chunk.sentences), index + 1 + LIST_ITEMS)):
        if not any(passage.chunk.sentences[i] in item for item in items):
            break
        out.append(i)
    return out


def _terms_of(passage: Passage, index: int) -> frozenset[str]:
    if index < len(passage.sentence_terms):
        return passage.sentence_terms[index]
    return frozenset(content_terms(passage.chunk.sentences[index]))


def evidence(sentences: list[ScoredSentence], passages: Sequence[Passage]) -> Evidence:
    """A council's best sentence (with the one before it if it refers back) for the answerability features."""
    best = sentences[0]
    passage = passages[best.passage_index]
    text = best.text
    if best.sentence_index and refers_back(best.text):
        text = f"{passage.chunk.sentences[best.sentence_index - 1]} {text}"
    return Evidence(
        text=text,
        headings=passage.chunk.section_path,
        similarity=best.similarity,
        coverage=best.overlap,
        passage_similarity=passage.dense_similarity,
        best_overlap=max(s.overlap for s in sentences[:TOP_FOR_OVERLAP]),
    )


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


def list_after(passage: Passage, sentence: str) -> tuple[str, ...]:
    """The list items a sentence introduces ("There are two key time frames:"), in the passage's
    order, at most LIST_ITEMS items: quoted alone, such a sentence promises an answer it does not
    hold."""
    if not sentence.rstrip().endswith((":", ":-")):
        return ()
    lines = passage.chunk.text.split("\n")
    for i, line in enumerate(lines):
        if sentence in line:
            items = []
            for following in lines[i + 1 :]:
                if not following.lstrip().startswith(("•", "–")):
                    break
                items.append(following.strip().lstrip("•–").strip())
            return tuple(items[:LIST_ITEMS])
    return ()


def _naming(query: Query, scored: Sequence[ScoredSentence]) -> dict[str, bool]:
    """Per council: whether one of its retrieved sentences names one of the things the question
    names (Query.named_things: the name's words in a row, small words aside, so "wider families …
    identify their own solutions" does not name "Family Solutions"). Empty when it names none."""
    names = [" ".join(content_terms(n)) for n in query.named_things]
    names = [n for n in names if n]
    if not names:
        return {}
    out: dict[str, bool] = {}
    for sentence in scored:
        if not out.get(sentence.authority):
            said = f" {' '.join(content_terms(sentence.text))} "
            out[sentence.authority] = any(f" {n} " in said for n in names)
    return out


def with_referent(passage: Passage, index: int, sentence: str) -> str:
    """A sentence that refers back (opening "This is becoming a well embedded tool…", "They
    hold…", or inside itself: "… at these points") with the sentence before it, which names what
    it refers to, when the two run on in the passage (not across a bullet): quoted alone it says
    something about nothing the reader can see."""
    if not index or not refers_back(sentence) or index > len(passage.chunk.sentences) - 1:
        return sentence
    previous = passage.chunk.sentences[index - 1].strip()
    if re.search(rf"{re.escape(previous)}\s+{re.escape(sentence.strip())}", passage.chunk.text):
        return f"{previous} {sentence}"
    return sentence


def with_list(passage: Passage, sentence: str) -> str:
    """The sentence, followed by the list it introduces, if any ("… time frames: • … • …")."""
    items = list_after(passage, sentence)
    return " • ".join([sentence.rstrip(), *items]) if items else sentence


def section_label(passage: Passage, levels: int = 2) -> str:
    """Where a quote sits ("7.3 Disabled Children's Team › 7.3.3 Process of work: "): the
    heading often names the team a sentence like "The service is case responsible" is about."""
    path = passage.chunk.section_path[-levels:] if levels else ()
    return f"{' › '.join(path)}: " if path else ""


def _holds_an_answer_to(query: Query, sentence: str) -> bool:
    """The sentence holds an answer of the kind asked for (assistant.lead.answer_values); for a
    timescale, one whose own clause is about something asked: it shares a word of the question
    other than those durations are told in, as the two sides of a conflict must (_conflicts).
    "What is the timescale for a child protection review conference?" showed Torbay's "over 12
    months" on CP plans and Stockton's monthly audit beside B&NES: durations, but of other things."""
    if not answer_values(query.intent, sentence, query.text):
        return False
    if query.intent != "timescale":
        return True
    asked = with_verb_bases(set(query.terms)) - DURATION_WORDS - EVERY_RULE_WORDS
    clause = lead_text(query.intent, sentence, about=lambda c: len(_timed_terms(c) & asked))
    return bool(_timed_terms(clause) & asked)


# What a sentence answering a question about money speaks of (Query.asks_about_money): paying,
# funding, a cost, a fee or charge, a sum in pounds, a budget, an allowance, a fine or penalty.
MONEY = re.compile(
    r"\b(pa(y|ys|id|ying|yment|yments)|fund\w*|cost\w*|fees?|charg\w*|budget\w*|allowances?|fines?|fined|"
    r"penalt\w*|financ\w*|grants?|spend\w*|expens\w*|reimburs\w*|commission\w*|purchas\w*|buy\w*)\b|£\s?\d",
    re.IGNORECASE,
)


def _speaks_of_money(scored: Sequence[ScoredSentence], authority: str) -> bool:
    """One of the council's best sentences (TOP_FOR_OVERLAP, as the model sees them) speaks of money."""
    return any(MONEY.search(s.text) for s in [s for s in scored if s.authority == authority][:TOP_FOR_OVERLAP])


# The kinds of question whose answer a sentence can be seen to hold (assistant.lead.answer_values):
# a duration, a team or role, a level of need.
TYPED_INTENTS = frozenset({"timescale", "who", "threshold"})


def _points_to_an_answer(query: Query, scored: Sequence[ScoredSentence], authority: str) -> bool:
    """Whether another council's guidance, shown when the council asked about does not cover the
    question, holds the kind of answer asked for in the sentence it would be shown by (its best,
    ELSEWHERE_SENTENCES): "how long does a child protection plan last in York?" had been pointed
    to Plymouth's count of children on plans, and "who attends a child protection conference in
    Plymouth?" to a B&NES list of services. Such a pointer is shown beside "York's documents do
    not say" as what another council says about it, and it says nothing about it. Questions of
    other kinds are not held to this (nothing in a sentence shows a definition for certain)."""
    if query.intent not in TYPED_INTENTS:
        return True
    best = next((s for s in scored if s.authority == authority), None)
    return best is not None and _holds_an_answer_to(query, best.text) and _does_what_is_asked(query.text, best.text)


# A topic as the units a sentence must hold to be about it: each glossary term it names (any of its
# forms: "ICPC" or "initial child protection conference"), and each other word of it that is not a
# standing referent ("a child" names nothing in particular), as stemmed terms.
TopicUnits = tuple[str, tuple[tuple[str, ...], ...]]


# "how long is allowed between a referral and …" has no subject: topic_of reads "allowed between a
# referral", a participle and its preposition, which no sentence names as a thing ("looked after
# children" is a noun phrase). A follow-up may still refer to it; the checks here do not use it.
NO_NOUN_PHRASE = re.compile(r"^[a-z]{3,}ed\s+(?:between|by|to|for|from|in|on|at|with|within|until)\b", re.I)


def _topic_units(query: Query, entities: bool = False, topic: Topic | None = None) -> TopicUnits | None:
    """What the question is about (topic.topic_of: "the initial child protection conference" whose
    time is asked, "private fostering" to be defined), as (its phrase, its units); None when it
    names nothing in particular. With `entities`, a "which team …?" question is about what the team
    is asked to be or do (topic.Topic.asked_of); without, it names nothing in particular."""
    topic = topic or topic_of(query.text, query.place_names or query.place_terms)  # parsed here unless the caller has
    if topic is None or (topic.entity and not entities):
        return None
    phrase = topic.asked_of if topic.entity else topic.phrase
    if not phrase or NO_NOUN_PHRASE.match(phrase):
        return None
    units: list[tuple[str, ...]] = []
    rest = phrase

    def named_in(text: str, concept: tuple[str, ...]) -> str:  # its longest form the text holds
        return max((f for f in concept if _holds_phrase(text, f)), key=len, default="")

    # the longest term first: "initial child protection conference" is one thing, not "child protection" and two words
    in_concepts: set[str] = set()  # the words of every form of a concept named
    for concept in sorted(query.concepts, key=lambda c: -len(named_in(phrase, c))):
        named = named_in(rest, concept)
        if named:
            units.append(tuple(f.lower() for f in concept))
            in_concepts.update(t for form in concept for t in content_terms(form))
            rest = re.sub(rf"(?<!\w){re.escape(named)}(?!\w)", " ", rest, flags=re.IGNORECASE)
    # A word the concept's own name holds is that concept again, not a thing of its own: "a s47
    # enquiry" is the one unit "section 47 enquiry" (named by its short form), and "enquiry" alone
    # is no half of the topic ("… Durham Constabulary lead the criminal investigation and the
    # enquiry is conducted jointly" held half of "s47" + "enquiry" and led "who leads a s47
    # enquiry?" unflagged).
    units += [(t,) for t in content_terms(rest) if t not in STANDING_REFERENTS and t not in in_concepts]
    return (phrase, tuple(units)) if units else None


def _defines(units: tuple[tuple[str, ...], ...], sentence: str) -> bool:
    """The sentence opens by saying what the topic is: a defining construction (DEFINES) within its
    first DEFINITION_HEAD_WORDS words, with the topic named in the words up to it."""
    found = DEFINES.search(sentence)
    if not found:
        return False
    head = sentence[: found.end()]
    return len(head.split()) <= DEFINITION_HEAD_WORDS and _topic_share(units, head) >= TOPIC_SHARE


def _topic_share(units: tuple[tuple[str, ...], ...], text: str) -> float:
    """The share of the topic's units the text holds: a glossary term in any of its forms, a word
    in any form its stem begins (at least four letters: "conference" in "Conferences")."""
    terms = content_terms(text)
    return sum(_unit_held(u, text, terms) for u in units) / len(units)


def _unit_held(unit: tuple[str, ...], text: str, terms: Sequence[str]) -> bool:
    if len(unit) > 1 or " " in unit[0]:
        return any(_holds_phrase(text, form) for form in unit)
    return holds_word(terms, unit[0])


def _topic_head(topic: TopicUnits) -> tuple[str, ...] | None:
    """The unit naming what the topic is: the head noun of its first noun chunk whose head is one
    of its units (topic.noun_heads): "minutes" in "the core group minutes", whose other unit,
    "core group", says whose minutes. None when no unit holds a head."""
    phrase, units = topic
    for head in noun_heads(phrase):
        stemmed = content_terms(head)
        if not stemmed:
            continue
        for unit in units:
            if len(unit) > 1 or " " in unit[0]:
                if any(stemmed[0] in content_terms(form) for form in unit):
                    return unit
            elif unit[0] == stemmed[0]:
                return unit
    return None


def _names_topic(topic: TopicUnits, text: str) -> bool:
    """The text is about the topic: it holds TOPIC_SHARE of its units, its head among them. "3.2.1
    The first Core Group meeting must take place within 10 working days" holds half of "the core
    group minutes" but not the minutes, so it does not time them."""
    units = topic[1]
    if _topic_share(units, text) < TOPIC_SHARE:
        return False
    if len(units) == 1:
        return True  # its one unit is its head (and the parser is not loaded for it)
    head = _topic_head(topic)
    return head is None or _unit_held(head, text, content_terms(text))


def _holds_phrase(text: str, phrase: str) -> bool:
    """The text holds the phrase as whole words, in any case, its last word in the singular or
    plural ("Section 47 enquiries" holds "section 47 enquiry"; "child protection plans" holds
    "child protection plan"): guidance and questions name the thing in either."""
    words = " ".join(phrase.split())
    stem_end = words[:-1] if words.lower().endswith("y") and len(words) > 3 else words
    plural = rf"{re.escape(stem_end)}ies" if stem_end != words else rf"{re.escape(words)}(?:s|es)"
    singular = re.escape(words[:-1]) if words.lower().endswith("s") and not words.lower().endswith("ss") else ""
    forms = "|".join(f for f in (re.escape(words), plural, singular) if f)
    return bool(re.search(rf"(?<!\w)(?:{forms})(?!\w)", " ".join(text.split()), re.IGNORECASE))


def _timed_and_source(text: str) -> tuple[str, str]:
    """(what a sentence times, what its durations are counted from): "The first Core Group meeting
    must take place within 10 working days" and "of the Initial Child Protection Conference"."""
    spans = counted_from_spans(text)
    timed, start = [], 0
    for a, b in spans:
        timed.append(text[start:a])
        start = b
    timed.append(text[start:])
    return " ".join(timed), " ".join(text[a:b] for a, b in spans)


def _timed_terms(text: str) -> set[str]:
    """The words of what a sentence times (_timed_and_source), irregular verbs as their base: a
    step named only as the one a duration counts from is not what the sentence times."""
    return with_verb_bases(set(content_terms(_timed_and_source(text)[0])))


def _read_whole(sentence: ScoredSentence, passages: Sequence[Passage]) -> str:
    """The sentence with the one it refers back to ("It must be completed within …")."""
    passage = passages[sentence.passage_index]
    return with_referent(passage, sentence.sentence_index, sentence.text)


def _naming_timescale(
    best: ScoredSentence,
    picks: Sequence[ScoredSentence],
    passages: Sequence[Passage],
    units: tuple[tuple[str, ...], ...],
    asked_levels: frozenset[str] = frozenset(),
) -> ScoredSentence:
    """The sentence a timescale answer leads with: the best one, unless its words (with the sentence
    it refers back to) do not name the thing asked about and another sentence quoted for the council
    does, with a duration. "whats the max timescale for completing the C&F assessment …?" had been
    led by "… because the conference must take place within 15 working days" (the best sentence,
    on the enquiry's findings), while Durham's "It must be completed within a maximum of 45 working
    days of the referral", said of the Child & Family Assessment, was quoted below it. A best
    sentence with no duration gives way to the best-ranked quoted one with a duration that names
    the thing asked at least as fully (Kent's "An Early Help Manager will respond within 2 working
    days" for "how quickly will they get back to me?", over the line before it, on contacting the
    team), never to one about another level of need than the one asked."""

    def share(sentence: ScoredSentence) -> float:
        return _topic_share(units, _read_whole(sentence, passages))

    def _other_level(sentence: ScoredSentence) -> bool:  # about a level of need other than the one asked
        named = levels_named(" ".join((sentence.text, *passages[sentence.passage_index].chunk.section_path)))
        return bool(asked_levels) and bool(named) and not named & asked_levels

    timed = bool(extract_timescales(best.text))
    own = share(best) if units else 1.0
    if timed and own >= TOPIC_SHARE:
        return best
    # a quoted sentence with a duration that names the thing asked (where the best does not), or,
    # where the best states no duration at all, the best-ranked quoted one that does
    better = [p for p in picks if p is not best and extract_timescales(p.text) and not _other_level(p)]
    if units:  # ...naming the thing asked at least as fully as the best does
        better = [p for p in better if share(p) >= max(TOPIC_SHARE, own)]
    if not better:
        return best
    return better[0] if not timed or share(better[0]) > own else best


def _doing_what_is_asked(
    best: ScoredSentence,
    picks: Sequence[ScoredSentence],
    passages: Sequence[Passage],
    question: str,
    units: tuple[tuple[str, ...], ...] | None,
) -> ScoredSentence:
    """The sentence a who-answer asking who does something leads with: the best one, unless it does
    not speak of the action asked and another sentence quoted for the council does, naming the one
    who does it and something of the thing asked about (where the best names any of it). "who
    leads the ASYE programme in bath?" had led with a paragraph on workforce development that
    mentions the assessed and supported year, while "The PCFSW … will lead and manage the provision
    of the Assessed and Supported Year in Employment" was quoted below it."""

    def text_of(sentence: ScoredSentence) -> str:
        return _read_whole(sentence, passages)

    if not asked_action(question) or _does_what_is_asked(question, text_of(best)):
        return best
    own = _topic_share(units, text_of(best)) if units else 0.0
    for pick in picks:
        if pick is best or not _does_what_is_asked(question, text_of(pick)):
            continue
        if not answer_type_present("who", text_of(pick)):
            continue
        if units and own and not _topic_share(units, text_of(pick)):
            continue
        return pick
    return best


def _counted_from_only(units: tuple[tuple[str, ...], ...], lead: str, shown: Sequence[str]) -> bool:
    """The council's lead times another step counted from the topic (its `units` are in the lead's
    counted-from phrase, not in what it times) and no sentence shown times the topic itself."""

    split = _timed_and_source
    timed, source = split(lead)
    if not (_topic_share(units, source) >= TOPIC_SHARE > _topic_share(units, timed)):
        return False
    return not any(
        extract_timescales(text) and _topic_share(units, split(text)[0]) >= TOPIC_SHARE for text in shown
    )


def _does_what_is_asked(question: str, sentence: str) -> bool:
    """For a who-question asking who does something ("who chairs the conference?"), the sentence
    speaks of that action in some form ("chairs", "chaired by", "the Chair"): a team named in a
    sentence about something else is no answer to who does it. York's "who chairs the initial
    child protection conference?" had been pointed to Stockton's "Assessment Teams", from a
    sentence on family group conferences that mentions child protection. The action's stem is
    matched by its first letters (at least four), so "decides" finds "decision" and "manages"
    "manager". True for any other question."""
    verb = asked_action(question)
    if not verb:
        return True
    return does_action(content_terms(sentence), verb)


class ExtractiveWriter:
    """Quote the best sentences of each council whose guidance answers; refuse when none does."""

    def __init__(
        self,
        model: AnswerabilityModel,
        front_doors: dict[str, str] | None = None,
        max_sentences: int = 2,
        contacts: dict[str, tuple[tuple[str, str], ...]] | None = None,
        selection: Selection | None = None,
    ) -> None:
        self.model = model
        # Which further quotes earn their place beside the best one (assistant.quotes): a quote
        # that adds nothing the answer does not already say only makes it longer.
        self.selection = selection or Selection()
        self.front_doors = front_doors or {}
        self.contacts = contacts or {}  # council -> recorded (label, value) ways to reach its front door
        # Authorities whose guidance applies in every area (the manifest's `national`): shown as
        # such, and first when the council asked about does not say (its rule applies there too).
        self.national: frozenset[str] = frozenset()
        self.max_sentences = max_sentences

    def council_probabilities(
        self, query: Query, scored: list[ScoredSentence], passages: Sequence[Passage]
    ) -> dict[str, float]:
        """Each council's probability that its guidance answers the question, in ranking order."""
        by_authority: dict[str, list[ScoredSentence]] = {}
        for sentence in scored:
            by_authority.setdefault(sentence.authority, []).append(sentence)
        return {
            authority: self.model.probability(features(query, evidence(sentences, passages)))
            for authority, sentences in by_authority.items()
        }

    def write(self, query: Query, passages: Sequence[Passage]) -> Answer:
        safety = SAFETY_LINE if danger_now(query.text, query.danger_probability) else ""
        scored = score_sentences(query, passages)
        probabilities = self.council_probabilities(query, scored, passages)
        best = max(probabilities.values(), default=0.0)
        chosen_authorities = self._answering(query, scored, probabilities)
        if not chosen_authorities:
            return self._abstain(query, safety, best, passages)
        answer = self._compose(query, passages, scored, chosen_authorities, probabilities, safety)
        silent = tuple(a for a in query.authorities if a not in chosen_authorities)
        return self._also_asked(answer, silent) if silent else answer

    def _ask(self, councils: Sequence[str]) -> str:
        """" For York, ask the Referral and Assessment Service.": where to ask for councils whose
        documents do not say (each door named with its council when there are several); "" when
        the manifest records none of their front doors (none is invented)."""
        doors = [
            self.front_doors[a] if len(councils) == 1 else f"{self.front_doors[a]} ({short_authority(a)})"
            for a in councils
            if a in self.front_doors
        ]
        return f" For {' or '.join(short_authority(a) for a in councils)}, ask {'; '.join(doors)}." if doors else ""

    def _also_asked(self, answer: Answer, silent: tuple[str, ...]) -> Answer:
        """An answer for some of the councils asked about ("in Plymouth and Torbay"), saying that
        the others' documents do not say, with their front doors: a council asked about is never
        passed over in silence (the reader would take the answer shown for theirs)."""
        notes = (*answer.notes, f"{_documents_do_not_say([short_authority(a) for a in silent])}{self._ask(silent)}")
        return replace(
            answer,
            notes=notes,
            not_covered=silent,
            text=render_text(answer.safety_notice, answer.conflicts, notes, answer.parts),
        )

    def _answering(self, query: Query, scored: list[ScoredSentence], probabilities: dict[str, float]) -> list[str]:
        """The councils to quote. The question is answered when one council is likely to answer it
        (the fitted threshold); any other council whose best sentence ranks near that council's (and,
        as fitted, that is likely to answer too or whose best sentence holds an answer of the kind
        asked for: assistant.quotes) is shown too, each apart, so councils that set different rules
        for the same thing are seen side by side (a council that only mentions the topic in passing
        ranks far below, or is unlikely and holds no such answer, and is not)."""
        top: dict[str, ScoredSentence] = {}
        for sentence in scored:
            top.setdefault(sentence.authority, sentence)
        likely = [a for a, p in probabilities.items() if p >= self.model.threshold(query.follow_up)]
        if query.asks_about_money:
            # Who pays, or what it costs, is answered only by guidance that speaks of money: the
            # nearest sentences about the service ("To provide help and services to disabled
            # children") say nothing of who pays for a wetroom.
            likely = [a for a in likely if _speaks_of_money(scored, a)]
        if not likely:
            return []
        best = max(top[a].score for a in likely)
        near = [a for a in probabilities if top[a].score >= best - self.selection.council_margin]
        named = _naming(query, scored)
        if any(named.get(a) for a in likely):
            # The question names a thing ("the Joint Targeted Area Inspection") that an answering
            # council's guidance names: a council whose retrieved guidance never does is not
            # answering it, however near its sentences rank on the other words.
            likely = [a for a in likely if named.get(a)]
            near = [a for a in near if named.get(a)]
        if not self.selection.others_must_answer:
            return near
        # A council that ranks near but is unlikely to answer is shown only when its best sentence
        # holds an answer of the kind asked for (Plymouth's "10 working days" beside B&NES's 5):
        # a differing rule must be seen; a sentence that merely mentions the topic need not be.
        shown = [a for a in near if a in likely or _holds_an_answer_to(query, top[a].text)]
        # ...and, where the question names a thing, only when its best sentence names it too
        # (TOPIC_SHARE of the question's topic): an answer of the kind asked for about something
        # else is no differing rule. "How often must a privately fostered child be visited?" had
        # shown Sussex's "Visit the child at least once every ten working days" (a child on a
        # protection plan, probability 0.39) as Sussex's rule beside the DfE's.
        topic = _topic_units(query)
        if topic:
            shown = [a for a in shown if a in likely or _topic_share(topic[1], top[a].text) >= TOPIC_SHARE]
        return shown

    def elsewhere(
        self, query: Query, passages: Sequence[Passage], not_covered: tuple[str, ...], unheld: bool = False
    ) -> Answer | None:
        """When the councils asked about do not cover a question, what other councils' guidance
        says, labelled as theirs; None when nobody's does. `unheld`: the library holds no current
        document of theirs at all (withdrawn, or not yet added), which the note then says."""
        scored = [s for s in score_sentences(query, passages) if s.authority not in not_covered]
        probabilities = self.council_probabilities(query, scored, passages)
        chosen = [a for a in self._answering(query, scored, probabilities) if _points_to_an_answer(query, scored, a)]
        if not chosen:
            return None
        # National guidance first: its rule applies in the council asked about; another council's does not.
        chosen = sorted(chosen, key=lambda a: (a not in self.national, -probabilities[a]))[:ELSEWHERE_COUNCILS]
        safety = SAFETY_LINE if danger_now(query.text, query.danger_probability) else ""
        return self._compose(
            query,
            passages,
            scored,
            chosen,
            probabilities,
            safety,
            not_covered,
            max_sentences=ELSEWHERE_SENTENCES,
            unheld=unheld,
        )

    def _compose(
        self,
        query: Query,
        passages: Sequence[Passage],
        scored: list[ScoredSentence],
        chosen_authorities: list[str],
        probabilities: dict[str, float],
        safety: str,
        not_covered: tuple[str, ...] = (),
        max_sentences: int | None = None,
        unheld: bool = False,
        lead_heading_levels: int = LEAD_HEADING_LEVELS,
    ) -> Answer:
        by_authority: dict[str, list[ScoredSentence]] = {}
        for sentence in scored:
            by_authority.setdefault(sentence.authority, []).append(sentence)
        cited: dict[int, int] = {}  # passage index -> citation number
        used: dict[int, list[str]] = {}
        parts: list[AuthorityAnswer] = []
        timescales: dict[str, list[tuple[str, int]]] = {}
        asks_for_a_duration = query.asks_for_a_duration
        holds_value: list[bool] = []  # per council, for such a question: a sentence it is quoted by states a duration
        asks_for_a_count = query.asks_for_a_count
        holds_count: list[bool] = []  # per council, for a how-many question: a sentence it is quoted by states a number
        typed = asks_for_a_duration or query.intent in ("who", "timescale")  # a question whose topic is checked
        topic = topic_of(query.text, query.place_names or query.place_terms) if typed else None
        asked_topic = _topic_units(query, entities=query.intent == "who", topic=topic) if topic else None
        timed_topic = asked_topic if asks_for_a_duration else None
        counted_from_topic = ""  # the step asked about, where a council's lead times another step from it
        timed_elsewhere = ""  # a timescale answer whose first council's sentence does not name the topic
        names_no_one: list[str] = []  # for a who-answer, the councils whose sentence names no team or role
        listed_only = False  # a who-answer whose lead is a team covering the thing asked, not doing what was asked
        # A who-answer is about the thing asked only where its sentence names it: "Durham Constabulary
        # lead the criminal investigation and the enquiry is conducted jointly", under a heading on
        # Section 47 enquiries, led "who leads section 47 enquiries?" unflagged, though social workers
        # lead them. Less than TOPIC_SHARE of the topic in the best sentence itself (its heading
        # aside) flags the answer.
        who_topic = asked_topic if query.intent == "who" else None
        # A "which team …?" question is about what the team is or does ("the front door for new
        # referrals"): a council beside the first whose sentence does not name it is said to be
        # unsure (ASIDE_NOTE), as for a timescale, rather than flagging the first council's answer;
        # the first council's own sentence not naming it flags the answer as above.
        entity_who = bool(who_topic) and topic is not None and topic.entity
        typed_topic = asked_topic if query.intent == "timescale" or entity_who else None
        first = max(chosen_authorities, key=lambda a: probabilities.get(a, 0.0)) if chosen_authorities else ""
        asides: list[str] = []  # councils beside the first whose sentence does not name the topic
        for authority in chosen_authorities:
            picks = self._pick(query, by_authority[authority], passages, max_sentences or self.max_sentences)
            best_pick = by_authority[authority][0]
            if asks_for_a_duration and not entity_who:
                units = typed_topic[1] if typed_topic else ()
                best_pick = _naming_timescale(best_pick, picks, passages, units, query.asked_levels)
            elif query.intent == "who" and not entity_who:
                best_pick = _doing_what_is_asked(
                    best_pick, picks, passages, query.text, who_topic[1] if who_topic else None
                )
            quotes: list[Quote] = []
            for pick in picks:
                passage = passages[pick.passage_index]
                n = cited.setdefault(pick.passage_index, len(cited) + 1)
                used.setdefault(pick.passage_index, []).append(pick.text)
                lead_in = lead_for(passage, pick.text) if len(pick.text) < SHORT_ITEM else ""
                shared = next(
                    (i for i, q in enumerate(quotes) if lead_in and q.n == n and q.text.startswith(f"{lead_in} … ")),
                    None,
                )
                if shared is not None:
                    # Two items of one list: quoted together under their introducing line, once.
                    quotes[shared] = replace(quotes[shared], text=f"{quotes[shared].text} • {pick.text}")
                else:
                    text = (
                        f"{lead_in} … {pick.text}"
                        if lead_in
                        else with_list(passage, with_referent(passage, pick.sentence_index, pick.text))
                    )
                    quotes.append(
                        Quote(text, n, section_label(passage, self.selection.heading_levels), force(pick.text))
                    )
                if pick is best_pick:  # compare each council's best answer, not every aside
                    for value in extract_timescales(pick.text):
                        timescales.setdefault(authority, []).append((value, n))
            top = passages[best_pick.passage_index]
            best_text = with_list(top, with_referent(top, best_pick.sentence_index, best_pick.text))
            shown = (best_text, *(q.text for q in quotes))  # what the reader is shown of this council
            if asks_for_a_duration:
                holds_value.append(any(answer_values(query.intent, text) for text in shown))
                if timed_topic and _counted_from_only(timed_topic[1], best_text, shown):
                    counted_from_topic = timed_topic[0]
            if asks_for_a_count:
                holds_count.append(any(NUMBER.search(text) for text in shown))
            introduced_by = lead_for(top, best_pick.text) if len(best_pick.text) < SHORT_ITEM else ""
            if who_topic and _topic_share(who_topic[1], best_text) < TOPIC_SHARE:
                if entity_who and authority != first:
                    asides.append(authority)
                else:
                    listed_only = True
            seen_with = " ".join((*top.chunk.section_path, best_text))
            if typed_topic and not entity_who and not _names_topic(typed_topic, seen_with):
                asides.append(authority)
                if authority == first:
                    timed_elsewhere = typed_topic[0]
            # A who-is-there question ("who has to be at a strategy discussion?") whose best sentence
            # says nothing of anyone being there (lead.PRESENCE_WORDS) is answered by what the meeting
            # does, not who attends: Durham's list of what a strategy discussion decides led it,
            # unflagged. Only for being there: a check of every asked action ("who runs ASYE?",
            # "who desides …?") flagged two passed tune answers, whose sentences said "leads" and
            # "decided", and no failed one.
            if asked_action(query.text) == ATTEND and not _does_what_is_asked(query.text, best_text):
                listed_only = True
            if introduced_by and restates_question(best_pick.text, query.text):
                # The list item is the question's own subject ("Transfer-In Initial Child Protection
                # Conferences" for "who chairs the initial child protection conference?"): the team its
                # introducing line names covers it, which answers "who chairs it?" only where that line
                # speaks of chairing. Torbay's answer had led, unflagged, with the team.
                listed_only = listed_only or not _does_what_is_asked(query.text, introduced_by)
            if (
                query.intent == "who"
                and not who_named(best_text, top.chunk.section_path, query.text, introduced_by)
                and not answer_type_present("who", best_text)
            ):
                names_no_one.append(authority)
            lead = lead_text(
                query.intent,
                best_text,
                top.chunk.section_path,
                query.text,
                introduced_by,
                about=lambda clause: own_coverage(query, set(content_terms(clause))),
            )
            lead_n = cited[best_pick.passage_index]
            if _share_of_words(lead, best_text) >= LEAD_COVERS_QUOTE:
                # The lead already says it all, and so does any quote it holds (the sentence an
                # "It …" lead refers to). A quote that opens with it (brought as the referent of
                # the sentence after it: "… implemented. This includes a new team …") keeps only
                # what it adds: the lead is printed just above it.
                quotes = [_after_lead(q, best_text) for q in quotes if q.text != best_text and q.text not in lead]
            in_quotes = any(best_pick.text in q.text for q in quotes)
            lead_heading = "" if in_quotes else section_label(top, lead_heading_levels)
            if lead_heading:
                quotes = _under_lead(quotes, lead_n)
            # A list item already quoted under the sentence that introduces it is not quoted again,
            # nor a sentence quoted as another's referent.
            quotes = [
                q
                for i, q in enumerate(quotes)
                if not any(_quoted_within(q.text, o.text) or (j < i and q.text == o.text) for j, o in enumerate(quotes))
            ]
            meta = top.chunk.meta
            quoted = any(best_pick.text in q.text for q in quotes)
            parts.append(
                AuthorityAnswer(
                    authority,
                    source_label(meta),
                    lead,
                    lead_n,
                    tuple(quotes),
                    meta.status,
                    probabilities[authority],
                    "" if quoted else force(best_pick.text),
                    lead_heading,
                )
            )
        citations = [
            _citation(passages[p_index], n, used.get(p_index, ()))
            for p_index, n in sorted(cited.items(), key=lambda pair: pair[1])
        ]
        conflicts = self._conflicts(query, timescales, {p.authority: p for p in parts}) if len(parts) > 1 else ()
        notes: tuple[str, ...] = ()
        confidence = max(probabilities.values(), default=0.0)
        hedged = self.model.hedged(confidence, query.follow_up)
        no_duration = bool(holds_value) and not any(holds_value)
        if not_covered:
            names = " or ".join(short_authority(a) for a in not_covered)
            silent = (
                f"This library holds no current guidance from {names}."
                if unheld
                else _documents_do_not_say([short_authority(a) for a in not_covered])
            )
            # The reader still needs somewhere to go for the council asked about: its front door
            # (from the manifest), before another council's guidance, which is not its rule.
            ask = self._ask(not_covered)
            # The other council is shown at the same operating point as any answer, so below the
            # hedge point it is no surer to answer: said so in this note (and `hedged`, so its lead
            # is not shown as an answer to stand on), not "does". Asked of Plymouth, "how long … to
            # hold an ICPC after the strategy discussion" was told B&NES's guidance "does", leading
            # with "… until the 4 week review meeting", at probability 0.45.
            other = ELSEWHERE_UNSURE if hedged else "does"
            if all(p.authority in self.national for p in parts):
                notes = (f"{silent}{ask} National guidance, which applies there too, {other}:",)
            else:
                notes = (f"{silent}{ask} Another council's guidance {other}, for its own area:",)
        elif len(parts) > 1 and any(p.authority in self.national for p in parts):
            notes = (NATIONAL_BESIDE_COUNCILS,)
        elif len(parts) > 1 and not conflicts:
            notes = (
                f"{len(parts)} councils' documents answer this, each for its own area; "
                "follow the one responsible for the child.",
            )
        if typed_topic and first not in asides and asides and not not_covered and not (entity_who and listed_only):
            # only beside a first council that does name it: where none does, the answer's own
            # flags say what there is to say
            names = listing([short_authority(a) for a in asides])
            said = typed_topic[0] if len(typed_topic[0].split()) <= ASIDE_TOPIC_WORDS else "the thing asked about"
            notes = (*notes, ASIDE_NOTE.format(names=names, topic=said))
            parts = [replace(p, unsure=True) if p.authority in asides else p for p in parts]
        if no_duration and not not_covered:
            notes = (NO_DURATION_NOTE, *notes)
            hedged = True
        elif holds_count and not any(holds_count) and not not_covered:
            notes = (NO_COUNT_NOTE, *notes)
            hedged = True
        elif counted_from_topic and not not_covered:
            notes = (COUNTED_FROM_NOTE.format(topic=counted_from_topic), *notes)
            hedged = True
        elif timed_elsewhere and not not_covered:
            said = timed_elsewhere if len(timed_elsewhere.split()) <= ASIDE_TOPIC_WORDS else "the thing asked about"
            notes = (UNNAMED_NOTE.format(topic=said), *notes)
            hedged = True
        elif names_no_one and not not_covered:
            # beside other councils' answers, whose sentence it is
            whose = f" for {listing([short_authority(a) for a in names_no_one])}" if len(parts) > 1 else ""
            notes = (NO_ROLE_NOTE.format(whose=whose), *notes)
            hedged = True
        elif (hedged or listed_only) and not not_covered:
            hedged = True
            notes = (HEDGE_NOTE, *notes)
        if (
            query.conversation_council
            and parts
            and not not_covered
            and all(p.authority != query.conversation_council for p in parts)
        ):
            # "how often do core groups meet?" in a conversation about Torbay, answered from B&NES's
            # guidance alone, had read as if it were Torbay's
            notes = (*notes, CONVERSATION_ELSEWHERE_NOTE.format(council=short_authority(query.conversation_council)))
        return Answer(
            question=query.text,
            text=render_text(safety, tuple(conflicts), notes, tuple(parts)),
            abstained=bool(not_covered),
            citations=tuple(citations),
            parts=tuple(parts),
            abstain_reason=f"{', '.join(not_covered)}: nothing in its documents answers this" if not_covered else "",
            safety_notice=safety,
            conflicts=tuple(conflicts),
            authority_filter=query.authorities,
            notes=notes,
            not_covered=not_covered,
            confidence=confidence,
            hedged=hedged,
        )

    def _pick(
        self, query: Query, sentences: list[ScoredSentence], passages: Sequence[Passage], max_sentences: int
    ) -> list[ScoredSentence]:
        """The council's best sentence, and those of the next best (up to max_sentences, within
        the selection's sentence margin of it) that add something it does not already say (assistant.quotes)."""
        top = sentences[0].score
        candidates: list[ScoredSentence] = []
        seen: set[str] = set()
        for sentence in sentences:
            if len(candidates) >= max_sentences:
                break
            if sentence.score < top - self.selection.sentence_margin or sentence.key in seen:
                continue
            seen.add(sentence.key)
            candidates.append(sentence)
        best, others = candidates[0], candidates[1:]
        kept = select(
            query,
            best.text,
            passages[best.passage_index].chunk.section_path,
            [(s.text, passages[s.passage_index].chunk.section_path) for s in others],
            self.selection,
        )
        picks = [best, *(others[i] for i in kept)]
        # Read in document order within a passage, best passage first.
        order = {p.passage_index: i for i, p in reversed(list(enumerate(picks)))}
        return sorted(picks, key=lambda s: (order[s.passage_index], s.sentence_index))

    @staticmethod
    def _conflicts(
        query: Query, timescales: dict[str, list[tuple[str, int]]], parts: dict[str, AuthorityAnswer]
    ) -> tuple[str, ...]:
        """Authorities that give different timescales for the same question. Each side is told by
        its lead line (the duration in its own clause), so what each council's figure applies to
        is seen: two durations for different events are not a conflict a reader should act on."""
        if query.intent != "timescale" or len(timescales) < 2:
            return ()
        # Councils whose durations are about the same thing asked: each side's lead clause shares a
        # word of the question, other than the words durations are told in, with another side's.
        # "The first Core Group meeting must take place within 10 working days" and "It must be
        # completed within 45 working days of the referral" share none: two rules about two
        # things, not one rule two ways. The words every rule is about ("child", "case") do not
        # count either (EVERY_RULE_WORDS), and "see" asked is "seen" written (with_verb_bases).
        # (Limiting the match to the question's rarer words instead parted "45 days from initial
        # referral to complete the assessment" from "the 45 day assessment period", one rule two
        # ways.)
        asked = with_verb_bases(set(query.terms)) - DURATION_WORDS - EVERY_RULE_WORDS
        about = {
            a: _timed_terms(parts[a].lead) & asked if a in parts else set() for a in timescales
        }
        timescales = {
            a: items for a, items in timescales.items() if any(about[a] & about[b] for b in about if b != a)
        }
        values = {authority: tuple(sorted({v for v, _ in items})) for authority, items in timescales.items()}
        if len(timescales) < 2 or len(set(values.values())) < 2:
            return ()
        sides = "; ".join(
            f"{authority}: {parts[authority].lead} [{parts[authority].lead_n}]"
            if authority in parts and extract_timescales(parts[authority].lead)
            else f"{authority}: {', '.join(dict.fromkeys(f'{v} [{n}]' for v, n in items))}"
            for authority, items in timescales.items()
        )
        return (
            f"The councils' documents state different timescales — {sides}. "
            "They are not interchangeable: use the rule of the authority responsible for the child.",
        )

    def _abstain(self, query: Query, safety: str, best: float, passages: Sequence[Passage]) -> Answer:
        refusal = (
            "The guidance in this library does not cover this question, so I will not guess. "
            + self._ask_instead(query.authorities)
        )
        return Answer(
            question=query.text,
            text=f"{safety}\n\n{refusal}" if safety else refusal,
            abstained=True,
            abstain_reason=(
                f"no council's guidance is likely enough to answer it "
                f"(best probability {best:.2f} < {self.model.threshold(query.follow_up):.2f})"
            ),
            safety_notice=safety,
            authority_filter=query.authorities,
            refusal=refusal,
            not_covered=query.authorities,
            confidence=best,
        )

    def not_held(self, query: Query, councils: tuple[str, ...], answer: Answer) -> Answer:
        """`answer` to a question naming only councils the library holds no guidance from: it says
        so before any other council's guidance it quotes (each for its own area), and a refusal
        names their own front doors instead, by name only (no contact detail of theirs is known
        here). The question may name them in passing ("a child who lives in Wiltshire is referred
        to the RUH"), so another council's answer is still given, labelled."""
        names = " or ".join(councils)
        if answer.abstained:
            doors = their_front_doors(councils)
            refusal = f"This library holds no guidance from {names}. Please ask your duty manager or {doors}."
            text = f"{answer.safety_notice}\n\n{refusal}" if answer.safety_notice else refusal
            return replace(answer, text=text, refusal=refusal, not_covered=councils)
        national = [p.authority in self.national for p in answer.parts]
        note = (NOT_HELD_NATIONAL_NOTE if all(national) else NOT_HELD_BOTH_NOTE if any(national) else NOT_HELD_NOTE)
        note = note.format(names=names)
        notes = (*answer.notes, note)  # last: the app shows it in its own box
        return replace(
            answer,
            notes=notes,
            not_covered=councils,
            text=render_text(answer.safety_notice, answer.conflicts, notes, answer.parts),
        )

    def councils_front_doors(self) -> dict[str, str]:
        """Every council's front door, as listed when no council is named: a national authority's
        (a government department's "local authority children's social care") is no council's door,
        though it is given when a question names it."""
        return {a: door for a, door in self.front_doors.items() if a not in self.national}

    def _ask_instead(self, authorities: tuple[str, ...]) -> str:
        """Who to ask: the named council's front door, or every council's when none was named."""
        named = [a for a in authorities if a in self.front_doors]
        if named:
            doors = "; ".join(f"{self.front_doors[a]} ({short_authority(a)})" for a in named)
            return f"Please ask your duty manager or {doors}."
        councils = self.councils_front_doors()
        if not councils:
            return "Please ask your duty manager or your local authority's children's services front door."
        doors = "; ".join(f"{short_authority(a)}: {door}" for a, door in councils.items())
        return f"Please ask your duty manager or the front door of the council responsible for the child ({doors})."


# A new question naming no council, in a conversation about one whose guidance is not among those
# quoted: said, so another council's rule is not taken for that council's.
CONVERSATION_ELSEWHERE_NOTE = (
    "Nothing from {council}, the council this conversation was about, is quoted here: what follows is "
    "other councils' guidance, for their own areas."
)


def render_text(
    safety: str, conflicts: tuple[str, ...], notes: tuple[str, ...], parts: tuple[AuthorityAnswer, ...]
) -> str:
    """The answer as plain text: safety line, notes, then per council its lead line (with the
    document named once, in short) and its quotes, each after the heading it sits under."""
    # An answer the model is unsure of says so before anything else it states, a conflict of
    # timescales included (as the app shows it: its yellow box comes first).
    hedge = tuple(n for n in notes if n.startswith(HEDGE_LEAD))
    blocks = [b for b in (safety, *hedge, *conflicts, *(n for n in notes if not n.startswith(HEDGE_LEAD))) if b]
    for part in parts:
        unsure = f" ({UNSURE_LABEL})" if part.unsure else ""
        lines = [f"{part.lead_heading}{part.lead} [{part.lead_n}] — {part.source}{unsure}."]
        previous = ""
        for q in part.quotes:
            # A heading repeated on the next quote is clutter: say it once per run of quotes.
            heading = q.heading if q.heading != previous else ""
            previous = q.heading
            lines.append(f'{heading}"{q.text}" [{q.n}]')
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _documents_do_not_say(councils: Sequence[str]) -> str:
    """"York's documents in this library do not say.", for one council or several asked at once."""
    owners = [f"{c}'s" for c in councils]
    if len(owners) == 1:
        return f"{owners[0]} documents in this library do not say."
    if len(owners) == 2:
        return f"Neither {owners[0]} nor {owners[1]} documents in this library say."
    return f"None of {', '.join(owners[:-1])} or {owners[-1]} documents in this library say."


def _quoted_within(text: str, other: str) -> bool:
    """Every piece of a quote is already in another: the quote itself, or a list item quoted
    under its introducing line ("… covers: … Child Protection investigations") where the other
    quote holds that line with its whole list."""
    pieces = [p.strip() for p in re.split(r"\s(?:…|•)\s", text) if p.strip()]
    return len(text) < len(other) and all(p in other for p in pieces) if pieces else False


def _under_lead(quotes: Sequence[Quote], lead_n: int) -> list[Quote]:
    """Quotes from the lead's own passage that follow the lead line directly sit under the heading
    it already shows (their citation [n] holds the whole path): printed without it. Once a quote
    from another section comes between, the heading is said again."""
    out, run = [], True
    for q in quotes:
        run = run and q.n == lead_n
        out.append(replace(q, heading="") if run else q)
    return out


def _after_lead(quote: Quote, lead_sentence: str) -> Quote:
    """The quote without the lead's sentence it opens with (and nothing else changed)."""
    if quote.text.startswith(lead_sentence) and quote.text[len(lead_sentence) :].strip():
        return replace(quote, text=quote.text[len(lead_sentence) :].strip())
    return quote


def _share_of_words(part: str, whole: str) -> float:
    words = re.findall(r"\w+", whole.lower())
    return len(re.findall(r"\w+", part.lower())) / len(words) if words else 1.0


def _citation(passage: Passage, n: int, used: Sequence[str]) -> Citation:
    chunk = passage.chunk
    return Citation(
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
        used_sentences=tuple(used),
    )
