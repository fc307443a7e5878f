"""Question understanding: normalise, repair typos, expand acronyms both ways, detect authority and intent."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from assistant.councils import councils_named
from assistant.topic import TIME_OF

STOPWORDS = frozenset(
    ["a", "an", "the", "of", "to", "in", "on", "for", "and", "or", "is", "are", "was", "were", "be", "been", "being", "do", "does", "did", "i", "we", "you", "they", "it", "its", "this", "that", "these", "those", "what", "whats", "what's", "which", "who", "whom", "whose", "how", "when", "where", "why", "can", "could", "should", "would", "will", "shall", "must", "may", "might", "have", "has", "had", "with", "by", "from", "at", "as", "about", "into", "after", "before", "than", "then", "there", "their", "our", "my", "me", "your", "if", "so", "not", "no", "any", "all", "each", "some", "such", "per", "via", "do", "does", "dont", "don't", "get", "gets", "need", "needs", "tell", "please", "much", "many", "long", "soon", "quickly", "happen", "happens"]  # noqa: E501
)
# The words a question is asked with: a typo in one is repaired to it whatever its length.
QUESTION_WORDS = ("what", "which", "when", "where", "who", "whose", "how", "why", "should", "would", "could")
_TOKEN = re.compile(r"[a-z0-9]+(?:&[a-z0-9]+)?")


_SECTION_PLURAL = re.compile(r"[a-z]+\d+s")


@lru_cache(maxsize=65536)  # a library's words repeat: every sentence scored stems the same few thousand
def stem(word: str) -> str:
    """A deliberately light suffix stripper: enough for referral/referrals, assess/assessed, and
    the plural of a section number ("s47s", "s20s")."""
    if _SECTION_PLURAL.fullmatch(word):
        return word[:-1]
    if len(word) <= 4 or word.isdigit():
        return word
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + repl
    return word


# Past forms of irregular verbs as their base ("seen" -> "see"), for telling whether two texts
# name the same thing (assistant.write: the two sides of a conflict, a council shown for its
# duration): "should a social worker SEE the child?" and "the child will be SEEN within …". Not
# part of `stem`: searching and scoring with it was measured in session 12 and not kept (tune +1
# -1, holdout -1, unseen_docs -1).
# fmt: off
IRREGULAR_FORMS = {
    "seen": "see", "saw": "see", "held": "hold", "met": "meet", "taken": "take", "took": "take",
    "given": "give", "gave": "give", "made": "make", "sent": "send", "kept": "keep", "told": "tell",
    "written": "write", "wrote": "write", "led": "lead", "known": "know", "knew": "know", "shown": "show",
}
# fmt: on


def with_verb_bases(terms: set[str] | frozenset[str]) -> set[str]:
    """The terms, each irregular past form as its base (IRREGULAR_FORMS)."""
    return {IRREGULAR_FORMS.get(t, t) for t in terms}


# A contraction's tail is not a word of its own: "they're" is "they", "won't" is "will not". Split
# at the apostrophe, the tails ("re", "ve", "ll") and negation stems ("doesn", "won") became rare,
# heavily weighted terms of the question that no answer holds.
_CONTRACTION = re.compile(r"(?<=[a-z])['’](?:re|ve|ll|d|m|s)\b")
_IRREGULAR_NEGATION = re.compile(r"\b(won|can|shan)['’]t\b")
_NEGATION = re.compile(r"\b([a-z]+)n['’]t\b")
_NEGATED = {"won": "will", "can": "can", "shan": "shall"}


# ...and typed without the apostrophe, as questions often are ("cant", "doesnt", "theyre"): only
# forms that are not also words of their own ("were", "well", "id" are left alone).
_BARE_NEGATION = re.compile(
    r"\b(do|does|did|is|are|was|were|has|have|had|should|would|could|must|need)nt\b|\b(wo|ca)nt\b"
)
_BARE_CONTRACTION = re.compile(r"\b(?:(i)(?:m|ve)|(they|you)(?:re|ve)|(that|there)s)\b")


def _uncontracted(lowered: str) -> str:
    lowered = _CONTRACTION.sub("", lowered)
    lowered = _IRREGULAR_NEGATION.sub(lambda m: f"{_NEGATED[m.group(1)]} not", lowered)
    return _NEGATION.sub(r"\1 not", lowered)


def _bare_uncontracted(lowered: str) -> str:
    lowered = _BARE_NEGATION.sub(
        lambda m: f"{m.group(1)} not" if m.group(1) else f"{_NEGATED[m.group(2) + 'n']} not", lowered
    )
    return _BARE_CONTRACTION.sub(lambda m: m.group(1) or m.group(2) or m.group(3), lowered)


def tokens(text: str) -> list[str]:
    lowered = _bare_uncontracted(text.lower())
    if "'" in lowered or "’" in lowered:
        lowered = _uncontracted(lowered)
    return _TOKEN.findall(lowered)


def content_terms(text: str) -> list[str]:
    """Stemmed tokens without stopwords: what lexical matching and coverage work on."""
    return [stem(t) for t in tokens(text) if t not in STOPWORDS and len(t) > 1]


@dataclass(frozen=True)
class Glossary:
    """Acronym -> expansions, curated in corpus/glossary.yaml."""

    terms: dict[str, tuple[str, ...]]

    @classmethod
    def load(cls, path: Path) -> Glossary:
        """The checked glossary (empty when the file is absent); a ManifestError names the file, line and term."""
        from indexing.schema import ConfigError, load_glossary_terms

        try:
            return cls(load_glossary_terms(path))
        except ConfigError as exc:
            from indexing.manifest import ManifestError

            raise ManifestError(str(exc)) from None

    def expand(self, text: str) -> list[str]:
        """Expansions for short forms in the text, and short forms for spelt-out phrases."""
        found: list[str] = []
        for short, expansions, typed in self._named(text):
            if typed:
                found.extend(e for e in expansions if e.lower() not in text.lower())
            else:
                found.append(short)
        return list(dict.fromkeys(found))

    def concepts(self, text: str) -> list[tuple[str, ...]]:
        """Each entry the text names, as (short form, *expansions): one thing, two spellings."""
        return [(short, *expansions) for short, expansions, _ in self._named(text)]

    def _named(self, text: str) -> list[tuple[str, tuple[str, ...], bool]]:
        """The entries the text names: (short form, expansions, whether the short form was typed).

        Two-letter forms (CP, SW, EH) and mixed-case ones (SoS) only match as typed, so an
        ordinary word is never read as an acronym; longer ones match in any case ("whats cras").
        """
        found: list[tuple[str, tuple[str, ...], bool]] = []
        # A spelt-out form matches in any inflection: "section 47 enquiries" names the entry
        # written "section 47 enquiry" (words compared as `stem` leaves them).
        lowered = f" {' '.join(stem(t) for t in tokens(text))} "
        common = common_english_words()
        for short, expansions in self.terms.items():
            # A short form that is also an everyday word ("SEND": "where do I send a referral?")
            # matches only as typed too.
            exact = len(short) <= 2 or (short != short.upper() and short != short.lower()) or short.lower() in common
            # ...and in the plural ("S47s", "ICPCs", "IROs").
            pattern = rf"(?<![\w&]){re.escape(short)}s?(?![\w&])"
            if re.search(pattern, text, 0 if exact else re.IGNORECASE):
                found.append((short, expansions, True))
            elif any(f" {' '.join(stem(t) for t in tokens(phrase))} " in lowered for phrase in expansions):
                found.append((short, expansions, False))
        return found


# Months and days are capitalised but name no thing a council's guidance is about.
_CALENDAR = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday)"
)


@dataclass(frozen=True)
class Query:
    text: str  # as the user typed it
    normalised: str  # whitespace/case tidied, typos repaired
    expansions: tuple[str, ...]
    authorities: tuple[str, ...]  # requested by parameter or detected in the text
    detected_authorities: tuple[str, ...]
    intent: str  # referral | date | timescale | who | definition | threshold | general
    corrections: tuple[tuple[str, str], ...] = ()
    # Words of the question the library never uses (not typos, not glossary acronyms): a
    # question about "melatonin" or "passports" is probably about something it does not cover.
    unknown_terms: tuple[str, ...] = ()
    # IDF of each content term in the indexed library (set once the index is known): how much a
    # term says about what is asked; "child" says little, "chairs" or "LADO" a lot.
    term_weights: tuple[tuple[str, float], ...] = ()
    # P(a child in danger now) from the typed question's vector (assistant.danger), set once it is embedded.
    danger_probability: float | None = None
    # The words that named a council in the question ("stockton", "b&ne"): they choose whose
    # guidance to read (`authorities`), they are not what is asked about. A council's own text
    # seldom names itself, so counted as question terms they made every council-named question
    # look half-unanswered to the term overlap and to the answerability model.
    place_terms: tuple[str, ...] = ()
    # ...and those words as the aliases they are ("BANES", "Bath"), which a phrase is read without
    # (topic.topic_of): the stems above miss "banes" in the text, and the topic kept it.
    place_names: tuple[str, ...] = ()
    # Each glossary entry the question names, as (short form, *spelt-out forms): "CP" and "child
    # protection" are one thing asked about, whichever way a sentence writes it.
    concepts: tuple[tuple[str, ...], ...] = ()
    # Read against the conversation (assistant.followup): a follow-up, not a question typed whole.
    follow_up: bool = False
    # A new question naming no council, asked in a conversation about one (Reading.conversation_council):
    # the answer says where that council's documents are silent and others' are quoted instead.
    conversation_council: str = ""
    # A follow-up's own words, as typed (assistant.answering.understand_question): what it asks
    # that the earlier question did not.
    stressed_terms: tuple[str, ...] = ()
    # Councils of England the question names that the library holds no guidance from ("a teacher
    # in Leeds"), by short name (assistant.councils): never read as the library's councils.
    other_councils: tuple[str, ...] = ()

    @property
    def named_things(self) -> tuple[str, ...]:
        """The names the question asks about, lower-cased: a run of two or more capitalised words
        ("the Joint Targeted Area Inspection", "Graded Care Profile"; small joining words allowed),
        not the council it names. A council whose guidance never names it does not answer it."""
        word = rf"(?!{_CALENDAR}\b)[A-Z][\w'’-]*"
        runs = re.findall(rf"(?<!^)(?<![.?!]\s)\b{word}(?:\s+(?:(?:of|and|for|in|the|&)\s+){{0,2}}{word})+", self.text)
        places = set(self.place_terms)
        out = []
        for run in runs:
            words = content_terms(run)
            if words and not set(words) <= places:
                out.append(" ".join(run.lower().split()))
        return tuple(dict.fromkeys(out))

    @property
    def search_text(self) -> str:
        """What is embedded and matched lexically: the question plus glossary expansions, and for a
        partner's question the guidance's words for how a worry is judged and routed (set from the
        intent, so a caller that sets the intent, like the partner page, gets them too)."""
        sought = (*REFERRAL_GUIDANCE_TERMS, *self.concern_categories) if self.intent == "referral" else ()
        return " ".join([self.normalised, *self.expansions, *sought]).strip()

    @property
    def terms(self) -> list[str]:
        """The content terms searched for and weighed: the search text's, without the place words."""
        return [t for t in content_terms(self.search_text) if t not in self.place_terms]

    @property
    def routing_text(self) -> str:
        """For a partner's question about a named council: the second search, for how that
        council's guidance says a worry is judged and routed (its threshold, what the front door
        does with contacts, consultation before referring), whatever words the worry is told in.
        "" for any other question, and with no council named (nothing is quoted then)."""
        if self.intent != "referral" or not self.authorities:
            return ""
        return " ".join([ROUTING_QUESTION, *self.concern_categories])

    @property
    def category_text(self) -> str:
        """For a partner's question about a named council whose worry has a category (neglect, a
        disabled child, substance misuse): a third search, for what that council's guidance offers
        for such worries, in the guidance's words (CATEGORY_SEARCH_WORDS). The concern as told
        ranks the passages that share its words ("weed", "breaking point"), and the routing search
        passages on thresholds; a service the guidance names for the category ("Changing Lives
        programme in relation to substance misuse") shares words with neither. "" otherwise."""
        words = self.category_words
        return f"{CATEGORY_SEARCH_LEAD} {words}" if words else ""

    @property
    def asks_what_next(self) -> bool:
        """A partner asking how soon the council acts, or what happens after they refer ("how
        quickly will they act?", "what happens next?"): read in the words as typed."""
        return self.intent == "referral" and bool(ASKS_WHAT_NEXT.search(self.text.lower()))

    @property
    def asks_advice(self) -> bool:
        """A partner asking to talk a worry through before deciding ("can I just ring and talk it
        through first?", "is there anyone I can get advice from?"): read in the words as typed."""
        return self.intent == "referral" and bool(ASKS_ADVICE.search(self.text.lower()))

    @property
    def response_text(self) -> str:
        """For such a question about a named council: a fourth search, for how soon that council
        acts on a referral (RESPONSE_QUESTION). "" otherwise."""
        return RESPONSE_QUESTION if self.asks_what_next and self.authorities else ""

    @property
    def category_words(self) -> str:
        """The category search's own words (Query.category_text without its lead), which its
        lexical half matches: "services" and "support" are in nearly every passage."""
        if self.intent != "referral" or not self.authorities:
            return ""
        needs = {name for name, _ in NEED_CATEGORIES}
        return "; ".join(CATEGORY_SEARCH_WORDS.get(c, c) for c in self.concern_categories if c not in needs)

    @property
    def asks_about_money(self) -> bool:
        """Who pays, what it costs, a fee, an allowance or a fine (ASKS_ABOUT_MONEY)."""
        return any(ASKS_ABOUT_MONEY.search(t) for t in (self.text, self.normalised))

    @property
    def asks_for_a_duration(self) -> bool:
        """A timescale question asking for an amount of time ("how soon", "within how many days",
        "what's the deadline"), not "when must …", which is as often answered by a circumstance
        ("when should a social worker be involved?") as by a time."""
        return self.intent == "timescale" and any(ASKS_FOR_A_DURATION.search(t) for t in (self.text, self.normalised))

    @property
    def asks_for_a_count(self) -> bool:
        """A question asking how many of something there are (ASKS_FOR_A_COUNT), not for a duration."""
        return not self.asks_for_a_duration and any(ASKS_FOR_A_COUNT.search(t) for t in (self.text, self.normalised))

    @property
    def asked_levels(self) -> frozenset[str]:
        """The levels of need the question names ("what happens at level 3?" -> {"3"})."""
        return levels_named(self.text) | levels_named(self.normalised)

    @property
    def asks_how_often(self) -> bool:
        """A timescale question asking how often, not how soon ("how often is the child visited?")."""
        return self.intent == "timescale" and any(HOW_OFTEN.search(t) for t in (self.text, self.normalised))

    @property
    def concern_categories(self) -> tuple[str, ...]:
        """The kinds of worry the question describes (CONCERN_CATEGORIES) and the needs it comes
        with (NEED_CATEGORIES), read in the words as typed and as repaired: repair can turn a word
        the library lacks into another ("accused" into "accessed"), and a worry must not be lost to it."""
        texts = (self.text.lower(), self.normalised.lower())
        found = [name for text in texts for name in concern_categories(text, affirmed=True)]
        found += [name for text in texts for name, cue in NEED_CATEGORIES if cue.search(text)]
        return tuple(dict.fromkeys(found))


_INTENTS = (
    (
        # A partner asking whether or where to refer a concern: answered with the front door,
        # never refused (assistant.write.ExtractiveWriter.referral).
        "referral",
        r"\b(should (i|we) (refer|report|make a referral|contact|ring|call)|"
        r"(do|can|would|must|shall) (i|we) (just |still |also )?(refer|make a referral)|"
        r"is (this|it|that) (a referral|referrable|"
        r"enough to refer|something (i|we) (should )?(refer|report))|where (do|should|can|would) (i|we) (send|refer|"
        r"report|make)|where (do|should) referrals?\b.{0,30}\bgo|who (else )?(do|should|can|must) (i|we) (need to )?"
        r"(contact|call|ring|tell|inform|ask|talk (it )?(through )?(to|with)|speak to|refer to|"
        r"report ([\w'-]+ ){0,4}to)|"
        r"how (do|can|should) (i|we) (refer|make a referral|report)|make a referral|report a concern|"
        r"worried about a (child|pupil|young person|baby)|(do|should) (i|we) refer)\b",
    ),
    (
        # The same asks in other words: a referral to make, send or need of any kind ("make a
        # safeguarding referral", "does CSC need a referral"), advice before referring, "who to?",
        # or the number to ring ("what number do schools ring"; not "what number of contacts").
        "referral",
        # ("children in need referrals" is the statutory term, a count, not a referral needed)
        r"\b((make|send|(?<!in )need|put in|submit|raise) (a |an )?"
        r"((?!(a|an|the|with|to|for|of)\b)[\w-]+ ){0,2}referral|"
        r"(advice|talk (it )?through|consult\w*|discuss\w*|check) .{0,40}\b(before|about|instead of) "
        r"(referring|a referral|making a referral)|before (referring|making a referral)|who to\s*\?|"
        r"what (phone )?number (do|should|can|would) \w+( \w+)?( in [\w&-]+)? (ring|call|phone|use))",
    ),
    (
        # Whether a worry is one to pass on ("is this a safeguarding concern?", "do I need to report
        # it?", "should social services know?"), or "what do I do?" from someone who meets the
        # child at school, nursery, the surgery or a home visit, whatever their job is called.
        "referral",
        r"\b(is (this|it|that) (a )?safeguarding( (concern|issue|matter))?\b|(does|should) (this|it|that) (need to be|"
        r"be) (reported|referred|passed on)|"
        r"do (i|we) (need|have) to (report|refer|pass on) (it|this|that|them|him|her)\b|"
        r"should (social services|children'?s services|social care|csc|the council) (know|be (told|informed|involved))|"
        r"(my|our) (class|pupils?|school|patients?|nursery|setting|club|team)\b.{0,400}\b(what (do|should|can) "
        r"(i|we) do|what now|who (do|should) (i|we) (call|ring|contact)))",
    ),
    (
        # A partner introducing themselves ("I'm a teacher in Bath", "GP in B&NES:", "school nurse
        # here") and asking what to do: the same answer, whatever words the worry is in.
        "referral",
        r"^\W*(i'?m |i am |as )?(an? )?(teacher|head ?teacher|school nurse|nurse|health visitor|gp|doctor|midwife|"
        r"police( officer)?|pcso|youth worker|nursery (worker|manager)|childminder|dsl|designated safeguarding lead|"
        r"paramedic|school)\b.{0,400}\b(what (do|should|can) (i|we) do|(should|do|can|must) (i|we) (make a )?refer|"
        r"is (this|it|that) (a |something )?(i |we )?(should )?refer|who (do|can|should) (i|we)|where (do|should|can) "
        r"(i|we))",
    ),
    (
        # when something happened or began ("when did the FGC service start?"): a date answers it
        "date",
        r"\b(when (did|was|were)|what (date|year|month)|which year|since when|how long ago)\b",
    ),
    (
        "timescale",
        # (a count of days asked for, "working" or not; how far ahead; how much notice; the latest or
        # the longest one may take)
        r"\b(how (long|soon|quickly|fast|often|many ((working|calendar|school) )?(days|weeks|hours|months))|"
        r"how far (ahead|in advance)|how much notice|"
        r"(what'?s|what is|whats) the (latest|longest|maximum time|most time)|"
        r"when (must|should|do|does|is|are|will)|within|timescales?|deadline|time ?frame|how frequently|by when|"
        # a time named by what it is the time of ("referral response time", "the time limit for …")
        rf"{TIME_OF})\b",
    ),
    ("who", r"\b(who|which (\w+ ){0,2}(team|service|worker|manager|person)s?|whose|responsible|responsibility)\b"),
    # "What does the strategy discussion need to decide?", "what does the officer have to do on the
    # first visit?" ask what must be done, not what something is: a duty, answered as any question is.
    (
        "definition",
        r"\b(what (is|are)|what does(?!(?:\s+[\w'-]+){1,5}\s+(?:need|needs|have|has|got) to\b)|whats|what's|"
        r"define|definition|meaning|mean|stand for)\b",
    ),
    (
        "threshold",
        r"\b(threshold|eligib\w*|criteria|qualif\w*|what age|age range|aged|who can (use|get|refer)|meets?)\b",
    ),
)


# A worry about one particular child, told by someone who meets them or asked as "what do I do?",
# is a partner's referral question whatever words it is in (issue 9: a partner never leaves with
# nothing). Three readings, each written from how partners describe a worry, not from eval items:
# who is writing, which child it is about, and what they ask for.
REPORTER = re.compile(
    # someone who meets children in their work, speaking for themself ("hv in torbay", "I teach year 4",
    # "our nursery", "police here"); social workers are left out, they are the practitioners
    r"\b((i'?m|im|i am|as|from) (an? |the )?([\w-]+ ){0,2}(teacher|ta|teaching assistant|senco|dsl|ddsl|"
    r"designated safeguarding lead|pastoral \w+|head ?teacher|head|school nurse|nurse|health visitor|midwife|gp|"
    r"doctor|paediatrician|dentist|pharmacist|paramedic|police officer|officer|pcso|youth worker|coach|"
    r"childminder|nursery \w+|early years \w+|key ?worker|family support worker|housing officer|"
    r"probation officer|counsellor|receptionist|volunteer|neighbour)|"
    r"(teacher|ta|senco|dsl|school nurse|health visitor|hv|midwife|gp|doctor|police|pcso|youth worker|"
    r"childminder|nursery (worker|manager|nurse)|paramedic|coach) (here|at|in|from|for)\b|"
    # (the separator looked ahead at: the closing \b after "gp," never held before a space)
    r"^\W*(police|police officer|pcso|paramedic|gp|teacher|school nurse|health visitor|hv|midwife|youth worker|"
    r"childminder|dsl)(?=\s*[,:;-])|"
    # a role reporting what it met: "police attended a domestic", "school nurse saw a boy"
    r"^\W*(police|officers?|pcso|gp|hv|health visitor|school nurse|teacher|youth worker|paramedics?|midwife|"
    r"nursery \w+)( \w+)? (attended|saw|visited|found|noticed|were called|was called|went)\b|"
    r"i (teach|coach|work (at|in|for|with)|volunteer|run (a|the|our)|look after children)|"
    # a message opening with who is writing, whatever the job is called: "dinner lady here.",
    # "scout leader:", "teaching assistant in york -" (a role noun by its ending, or "X here")
    # (the separator is looked ahead at, so the match ends on a word, where the closing \b holds)
    r"^\W*(an? )?([\w'-]+ ){0,3}(lady|man|leader|assistant|worker|manager|officer|nurse|volunteer|caretaker|teacher|"
    r"coach|instructor|tutor|mentor|cleaner|driver|warden|supervisor|staff|practitioner|lead|\w+ist|\w+ician)"
    r"( (at|in|from|for) [\w&-]+( [\w&-]+)?)?(?=\s*(here\b|[:,.;–-]))|^\W*([\w'-]+ ){1,2}here(?=\s*[:,.;–-])|"
    r"(my|our) (class|form|tutor group|school|nursery|setting|surgery|practice|club|group|ward|clinic|caseload|"
    r"patients?|pupils?|students?|families|mums|dads|kids|children))\b"
)
PARTICULAR_CHILD = re.compile(
    # a child the writer knows: "a girl in year 9", "one of our pupils", "7 yr old", "she told me"
    r"\b((a|an|one|this|the) (little )?(boy|girl|lad|lass|child|kid|pupil|student|patient|baby|toddler|teen\w*|"
    r"young person|sibling|brother|sister|twins?) (in|at|from|on|of) (my|our|year|yr|reception|the class)|"
    r"one of (my|our|the) \w+|(my|our) (pupil|patient|student|mum|dad)|"
    # a family told in its own words ("mum turned up drunk", "daddy hurt her"), not "the parents",
    # nor a case supposed ("what should I do if mum refuses?")
    r"(?<!if )(?<!when )(?<!whether )(?<!once )(mum|mom|mummy|dad|daddy|step ?dad|step ?mum|nan|gran|grandad)('s)? \w+|"
    r"(the )?(\d+|two|three|four|five) (kids|children|boys|girls|siblings) "
    r"(are|were|is|was|been|left|home|alone|at|in|with)|"
    r"the (\d+|two|three|four|five) (kids|children|boys|girls|siblings)|"
    r"the (kids|children|baby|toddler|twins|boy|girl|lad) (were|are|was|is|has|have|had|keeps?|says|said|told)|"
    r"(children|kids|child|baby|twins) (were |was )?(present|in the house|at home|upstairs|in the car)|"
    r"\d+ ?(yr|year|month|week)s?[ -]?old|\d+ ?y/o|(year|yr) \d+ (boy|girl|lad|pupil|student|child)|"
    r"(he|she|they) (has |have )?(told|tells|says|said|disclosed|showed|came|comes|keeps|is|was|has)|"
    r"(told|disclosed to|showed) (me|us)|(mum|dad|mother|father|step ?dad|parents?|carer) (is|are|has|have|keeps|"
    r"was|were|seems?|smell\w*|says|said|told))\b"
)
WHAT_TO_DO = re.compile(
    # an ask for action, in the writer's own person: "what should I do?", "who needs to know?", "next steps?"
    r"\b(what (do|should|can|must|would) (i|we) do|what now|what next|next steps?|what action|"
    r"who (needs|should|ought|has) to (know|be told)|(do|should|must|would|can) (i|we) (tell|inform|pass|flag|"
    r"call|ring|phone|contact|speak|do anything)|is (this|it|that) (serious|bad|worrying|worth|enough|a worry)|"
    r"(does|would|will|do) (this|it|that|they) (meet|reach|count)|help me|advice( please)?\s*[?!.]*$|"
    # what to pass on: "what do we need to send?", "does social care need to be told?"
    r"what (do|should|must) (i|we) (need to )?(send|share|pass on|notify|tell|report)|"
    # where what was met goes, in the writer's own words: "where does this go?", "who do I send it to?"
    r"where (does|do|should|would|will|can) (this|it|that) go|"
    r"where (do|should|can|would|must) (i|we) (send|refer|report|take|pass|put) (this|it|that|them|him|her)\b|"
    r"who (do|should|can|would|must) (i|we) (send|report|pass|refer|give) (this|it|that|them) (on )?to|"
    r"who (do|should|can|would|must) (i|we) (call|ring|phone|tell|contact|speak to)\b|"
    r"do (i|we) (need to )?(notify|send|share|let \w+ know)|"
    r"(do|does|should|would) (children'?s services|social (care|services)|csc|the council|the hub|the front door|"
    r"the mash) (need to )?(know|be told|be notified|hear about)|"
    # the setting asking for itself: "should the nursery do anything?", "does our school need to tell"
    r"(should|must|do|does|can) (the|our|my) (school|nursery|surgery|practice|club|setting|team) (need to )?"
    r"(do|refer|report|tell|inform|contact|act|pass)|"
    # whether what was seen is harm, or what happens now: "is that abuse?", "is this allowed?",
    # "what's the procedure?", "anything I should be doing?"
    r"(is|was|would) (this|that|it) (classed as |counted as |seen as )?(abuse|neglect|normal|ok|okay|allowed|legal|"
    r"safe|grooming|exploitation|a (safeguarding|child protection|welfare) (issue|concern|matter))|"
    r"what('s| is) the (procedure|process|protocol)|anything (i|we) (should|need to|ought to|can) (be )?do(ing)?)"
)
# Where a worry goes, asked as a fact only someone outside children's services asks: "what's the
# number for children's services in Torbay?", "how do nurseries contact the hub?". The front door is
# the answer. ("Which team handles ...?" is left to the "who" reading: practitioners ask it too.)
ROUTE = re.compile(
    r"\b((what|what'?s|whats) (is )?the (phone |telephone )?(number|email|address|contact( details)?) (for|of|to)\b"
    r".{0,20}\b(children'?s (services|social care)|social (care|services)|the (front door|hub|mash|duty team)|"
    r"safeguarding)|how (do|can|should|would) (i|we|schools|nurseries|gps|police|partners|professionals|agencies) "
    r"(contact|get hold of|reach|refer to|speak to|get through to) (children'?s|social|the (front door|hub|mash|duty|"
    r"safeguarding))|"
    # the way in, asked for by its channel: "the email address for the front door", "is there a
    # number for the MASH", "the out of hours number for social care"
    r"(number|phone|telephone|e-?mail|address|contact details|out of hours)\b.{0,40}\b(front door|mash|hub|"
    r"duty team|social care|social services|children'?s services|safeguarding team)|"
    # where a sender's worry goes: "where does a GP send safeguarding concerns", "where should a
    # nursery send a concern", "which team do I phone about a child at risk", "who takes referrals"
    r"where (do|does|should|can|would|could) (i|we|an?|the|our|my)? ?([\w'-]+ ){0,3}(send|refer|report|raise|"
    r"pass on|take) .{0,40}\b(concerns?|worr\w*|referrals?|safeguarding|a child)|"
    r"which (team|service|number|department) (do|should|can|would) (i|we) (phone|call|ring|contact|tell|send)|"
    r"who (takes|receives) (safeguarding |new )?(referrals|concerns)|"
    # with whom a setting raises a worry, or on what form: "who do partner agencies contact with
    # concerns", "is there a form for referring". ("How can a school refer to the X team" is left
    # to the threshold reading: it asks about one service's own route, which its guidance gives.)
    r"who (do|should|can|would) ([\w'-]+ ){1,2}(contact|call|ring|tell|refer to|report to) .{0,20}(concerns?|worr)|"
    r"(form|template) (for|to) (refer|referring|referrals|making a referral|report a concern)|"
    # the way in, asked for as a route: "what is the referral route for children's safeguarding?",
    # "how do I make a referral in York?"
    r"(what|what'?s|whats) (is )?the (referral|safeguarding|child protection) (route|pathway)(?! (into|to)\b)|"
    r"how (do|can|should|would) (i|we|you) (make a referral|refer a child|make a safeguarding referral)|"
    # what goes into one: "what do I need to include in a referral?"
    r"what (do|should|must|would) (i|we|you) (need to )?(include|put|say|write|send) in (a|the|my|our) referral)"
)
# Every spelling of refer/referral a hurried partner types ("referal", "reffer", "refferal").
REFERRAL_TYPO = re.compile(r"\bref+er+al+\b|\breff+er\b")


# What a referrer needs from the guidance is how a worry is judged and routed: the search for a
# partner's question adds the words the guidance uses for that, so "filthy house, nappy rash" finds
# the threshold and referral passages and not only passages that share its everyday words.
REFERRAL_GUIDANCE_TERMS = ("referral", "threshold", "levels of need", "early help", "consultation")
# The category a described worry belongs to, named as the guidance names it (a worry is told by
# its signs; the guidance is written by category: "neglect", "domestic abuse").
_NEGLECT_SIGNS = (
    r"\b(neglect\w*|hungry|no food|unwashed|dirty|filthy|smells?|nappy|nits|mould|no heating|rotten teeth|"
    r"home alone|left alone|left on (?:his|her|their) own|unsupervised|abandoned|no adults?|"
    r"missed appointments|missing clinic|not gaining weight|"
    # the home as a health visitor or nursery tells it: "dog mess, nothing in the fridge"
    r"nothing in the (?:fridge|cupboards?|house)|squal\w*|(?:dog|cat|animal) (?:mess|faeces|poo)|"
    r"(?:house|home|flat) (?:is )?(?:a tip|grim|in a state|chaotic)|home conditions|"
    r"missed (?:imms|immunisations|jabs|vaccinations))\b"
)
_DOMESTIC_ABUSE_SIGNS = (
    r"\b(domestic|da|dv|partner|boyfriend|husband) .{0,40}(hit|push|shout|smash|abus|violen|assault|threat)|"
    r"\bdomestic (abuse|violence)\b|"
    # told by what was done to the child's mother: "dad … has assaulted mum"
    r"\b(hit|hits|hitting|assault\w*|beat\w*|punch\w*|attack\w*|strangl\w*|threaten\w*|push\w*) (mum|mom|his mum|"
    r"her mum|their mum|the mum|the mother|his mother|her mother|their mother)\b"
)
CONCERN_CATEGORIES = (
    ("neglect", re.compile(_NEGLECT_SIGNS)),
    ("domestic abuse", re.compile(_DOMESTIC_ABUSE_SIGNS)),
    (
        "sexual abuse",
        # "sexually assaulted", "made him send naked pictures": told as it happened
        re.compile(
            r"\b(touch(es|ed|ing)? (her|him|them)|sexual\w*|rape\w*|knickers|naked (pictures|photos|images|selfies)|"
            r"nudes|sexting|indecent (images|pictures|photos))\b"
        ),
    ),
    (
        # the injuries safety.py counts as harm too, and an explanation that does not fit them
        "physical abuse",
        re.compile(
            r"\b(bruis\w*|burns?|hit|hits|beat\w*|injur\w*|marks|black eye|slap\w*|fractur\w*|broken (arm|leg|bone|"
            r"wrist|rib|ribs|collarbone)|scald\w*|bite marks?|non[- ]accidental|(explanation|story|account) "
            r"(doesn'?t|does not|didn'?t|did not) (fit|match|add up))\b"
        ),
    ),
    (
        # the child caring for someone, not someone to look after the child ("nobody sober to look after them")
        "young carer",
        re.compile(
            r"\b(caring for|does the caring|young carer|"
            r"looks? after (his |her |their )?(mum|dad|mother|father|parents?|"
            r"brothers?|sisters?|siblings?|gran|nan|grandma|grandad))\b"
        ),
    ),
    (
        # the signs safety.py counts as exploitation: older men, cars and lifts, gifts, a trap house
        "exploitation",
        re.compile(
            r"\b(exploit\w*|groom\w*|cse|cce|county lines|trap house|(older|adult) (men|man|males?|boyfriend)|"
            r"men in their (20|30|40)s|in cars with|gives? (her|him|them) (money|vodka|alcohol|drugs|gifts|a phone)|"
            r"new (phone|trainers|clothes) (she|he) can'?t afford|"
            # going missing, unexplained goods or cash, running drugs: the signs guidance lists for
            # children missing and exploited ("keeps going missing overnight, a 2nd phone nobody
            # bought him")
            r"(going|goes|went|gone|keeps going|been|reported|reports (him|her|them)) missing|"
            r"missing (overnight|from (home|care|school))|(2nd|second|another) phone|"
            r"(cash|money|phones?|trainers|clothes) (that )?(nobody|no one|he can'?t|she can'?t|they can'?t)"
            r" (bought|explain|account for|afford)|running drugs|drug running|older (lads|boys))\b"
        ),
    ),
    (
        "homeless",
        re.compile(
            r"\b(homeless\w*|thrown (him|her|them) out|kicked (him|her|them) out|(thrown|kicked) out|nowhere to "
            r"(stay|live|sleep|go)|sofa[- ]surf\w*|sleeping rough)\b"
        ),
    ),
    (
        "self-harm",
        re.compile(
            r"\b(self[- ]?harm\w*|cutting (her|him|them)sel\w+|cutting (to |on )?(her |his |their )?(fore)?arms?|"
            r"cuts? (to|on) (her |his |their )?((fore)?arms?|wrists?|legs?|thighs?)|suicid\w*|overdos\w*|"
            r"(end|ending|take|taking) (her|his|their) (own )?life|kill(ing)? (her|him|them)sel\w+)\b"
        ),
    ),
    (
        # the child's or a parent's: drugs named as they are told ("weed", "ketamine"), drinking
        "substance misuse",
        re.compile(
            r"\b(drugs?|weed|cannabis|skunk|ketamine|cocaine|coke|crack|heroin|spice|mdma|nitrous|legal highs?|"
            r"drinks? (?:heavily|a lot|too much)|drinking|drunk|intoxicated|alcohol\w*|"
            r"substance (?:misuse|use|abuse))\b"
        ),
    ),

    (
        # a person who works with children is the one accused: the route is the LADO, not the front door
        "allegations against staff",
        re.compile(
            r"\b(allegations?|alleged|accused|accusing)\b.{0,80}\b(teachers?|staff|colleagues?|coach|foster carers?|"
            r"childminder|youth worker|volunteer|tutor|leader)\b|\b(teacher|teaching assistant|member of staff|"
            r"staff member|colleague|coach|foster carer|childminder|youth worker|volunteer|tutor|scout leader)s?\b"
            r"[^.?!]{0,60}\b(accused|alleged|allegations?)\b|\b(a|our|my|one of (our|my)|the|his|her) (colleague|"
            r"member of staff|staff member|staff|teacher|teaching assistant|coach|youth leader|youth worker|"
            r"scout leader|tutor|childminder|foster carer|volunteer)s?\b[^.?!]{0,40}"
            r"\b(hit|hurt|grabbed|slapped|pushed|kicked|shouted|"
            r"touched|shak(e|es|ing|en)|smacked|messag\w*|inappropriate\w*|assault\w*|abus\w*|groom\w*|"
            r"made (him|her|them))"
        ),
    ),
    (
        "exploitation",
        re.compile(r"\b(exploit\w*|groom\w*|older (man|men|boyfriend|lads)|lifts from|county lines|gifts from)\b"),
    ),
)


# Needs a worry can come with that are no sign of harm themselves ("my son's school says he may be
# autistic" is no concern to refer), but that the guidance has its own services for: a partner's
# answer quotes what the council's guidance says about them. Not read by describes_child_concern.
NEED_CATEGORIES = (
    (
        # a disabled child, told by the condition or the setting ("severe autism", "special school")
        "disabled child",
        re.compile(
            r"\b(disab\w*|autis\w*|asd|epilep\w*|cerebral palsy|learning difficult\w*|special school|"
            r"special educational needs|complex (medical )?needs|wheelchair|non[- ]verbal|life[- ]limiting)\b"
        ),
    ),
    (
        # a worry the partner thinks short of the threshold, or help asked for the family instead:
        # the guidance's early or targeted help and its advice on contacts below the threshold
        "support below the threshold",
        re.compile(
            r"\b(not sure (it|this|that)('s| is)? (meets?|reach\w*|at|enough)|(doesn'?t|does not|might not|may not|"
            r"won'?t|wouldn'?t) (meet|reach)|(short of|below|under) (the threshold|social care|statutory)|"
            r"lower[- ]level|low[- ]level|"
            r"(probably|definitely|def|prob) not (social care|a referral|for social care|csc|"
            r"an? (csc|social care) referral)|"
            r"talk (it )?through|early help|"
            r"(support|help) (for|with) (the )?(family|parents?|parenting|mum|dad)|(family|parenting) support|"
            r"no (safeguarding|child protection|cp) concerns?|(anything|something|anyone|anybody) other than "
            r"(a )?(social worker|social care|a referral|csc))\b"
        ),
    ),
)


# The partner's second search (Query.routing_text): one fixed question, written once in the
# guidance's own words for what the issue asks a partner's answer to quote after the front door
# (levels of need, what the front door does with contacts below the threshold, consultation and
# advice to referrers, what to include), the same for every partner's question. A worry is told
# in its own words ("filthy house, nappy rash"), which rank the passages that share them; the
# council's threshold guidance shares few of them and needs its own search to be found at all.
ROUTING_QUESTION = (
    "How does children's social care respond to contacts and referrals about a child, what is the threshold "
    "or level of need for social care services, what advice, consultation and guidance is given to referrers "
    "when a concern does not meet the threshold, and when is early help offered instead"
)


# How the guidance writes a category where that is not its name: the allegations procedure is
# the LADO's ("Local Authority Designated Officer", "allegations against staff and volunteers").
CATEGORY_IN_GUIDANCE = {
    "allegations against staff": r"allegations?|designated officer|lado",
    "young carer": r"young carers?",
    "exploitation": r"exploitation|cse|child sexual exploitation|sexual exploitation|missing and exploited",
    "homeless": r"homeless\w*",
    "substance misuse": r"substance (?:misuse|use|abuse)|drugs? (?:and|or) alcohol|alcohol (?:and|or) drugs?|"
    r"drug misuse|alcohol misuse",
    "disabled child": r"disabled (children|child|young people)|disabilit(y|ies)|short breaks",
    "support below the threshold": r"early help|targeted (?:early help|support|help|interventions?)|family support|"
    r"(?:not meeting|do not meet|does not meet|below) (?:that|the) threshold",
}


# A partner asking what happens once they refer, or how soon: "how quickly will they act?", "what
# happens next?", "what will social care do?", "when will someone see her?", and the other tenses a
# worried professional asks in: "when does somebody speak to the family?", "how long before they
# decide?", "how long till a social worker sees her?".
_RESPONDER = (
    r"(they|someone|somebody|anyone|anybody|social care|social services|children'?s services|the council|the hub|"
    r"the mash|the front door|an? (?:duty )?social worker|the social worker)"
)
ASKS_WHAT_NEXT = re.compile(
    r"\b(how (quickly|soon|fast|long) (will|do|does|would|should|can|must|is)|what happens (next|now|then|after)|"
    rf"how long (before|until|till|til) |what (will|would|do|does) {_RESPONDER} do|"
    rf"when (will|would|does|do|is|are|can) {_RESPONDER}|"
    rf"will {_RESPONDER} (act|respond|see|visit|contact|get back|speak|talk|ring|call))\b"
)
# A partner asking for advice or to talk it through before deciding whether to refer.
ASKS_ADVICE = re.compile(
    r"\b(talk(ing)? (it |this |things )?(through|over|thru)|"
    r"(get|ask for|seek|want|need) (some )?(advice|a consultation)|"
    r"advice (first|before)|(talk|speak|chat) (to|with) (someone|somebody|anyone|anybody)|"
    r"(anyone|someone|somebody|anybody) (i|we) can (talk|speak|ask|ring|call)|(anyone|someone|somebody) "
    r"(at|in|from) [\w\s&'-]{1,30} (i|we) can (talk|speak) to|consult\w*|"
    r"who can (i|we) (talk|speak|ask)|(ring|call|phone) (up )?(and|to) (talk|discuss|ask|check))\b"
)
# The partner's fourth search (Query.response_text): how soon the council acts on a referral, in
# the words its guidance states its timescales in. The routing search (thresholds, advice to
# referrers) ranks a service statement's "within 24 hours" and "seen within 5 working days" far
# below its routing lines, and those hold no routing word of their own to be quoted by.
RESPONSE_QUESTION = (
    "How quickly children's social care responds to a referral: the decision on a contact or referral within "
    "hours or working days, the strategy discussion, when the child will be seen, and the assessment"
)
# The partner's third search (Query.category_text): what the council offers for the kind of
# worry, each category in the words guidance uses for it (one search for all of a message's).
CATEGORY_SEARCH_LEAD = "Services, programmes and support the council offers for"
# Only the kinds of harm (CONCERN_CATEGORIES), not the needs a worry comes with (NEED_CATEGORIES):
# searched for, "support below the threshold" brought B&NES's family support team's list before
# its front door's advice to referrers below the threshold, for a teacher asking "can I get advice
# first?", and "disabled child" the Disabled Children's Service's remit before the range of its
# services (tune partner items, read by hand).
CATEGORY_SEARCH_WORDS = {
    "allegations against staff": "allegations against staff and volunteers, the designated officer (LADO)",
    "young carer": "young carers",
    "exploitation": "child sexual exploitation and criminal exploitation",
    "homeless": "homeless young people",
}


def category_pattern(name: str) -> re.Pattern[str]:
    """What a sentence of guidance names a concern category by (a case-insensitive whole word)."""
    return re.compile(rf"\b(?:{CATEGORY_IN_GUIDANCE.get(name, re.escape(name))})\b", re.IGNORECASE)


# A sign the writer denies is no sign: "No injuries and he seems otherwise well looked after",
# "there aren't any bruises", "never hit her". The denial is a negative word at most
# DENIAL_REACH words before the sign, in the same clause (no punctuation, "but" or a word that
# opens a clause of its own between them: "won't say who hit him" still tells of a blow). Three
# words reach "no obvious marks or bruises" and "haven't seen any bruises"; a denial further back
# is as often about something else.
DENIAL_REACH = 3
_DENIAL = re.compile(
    rf"\b(?:no|not|never|nothing|none|without|(?:do|does|did|is|are|was|were|has|have|had|wo|ca|could|would)n'?t)\b"
    rf"(?:\s+[\w'-]+){{0,{DENIAL_REACH}}}\s*$"
)
_NEW_CLAUSE = re.compile(r"[.,;:!?()]|\b(?:but|who|what|why|how|where|when|if|whether|that|says?|said|told|tells)\b")


def _denied(lowered: str, start: int) -> bool:
    """Whether the sign found at `start` is denied by the words just before it (_DENIAL)."""
    before = lowered[max(0, start - 80) : start]
    denial = _DENIAL.search(before)
    return bool(denial) and not _NEW_CLAUSE.search(before, denial.start())


def concern_categories(lowered: str, affirmed: bool = False) -> tuple[str, ...]:
    """The categories a described worry belongs to, named as the guidance names them; with
    `affirmed`, only those told by a sign the message does not deny ("no injuries")."""
    return tuple(
        name
        for name, cue in CONCERN_CATEGORIES
        if any(not (affirmed and _denied(lowered, m.start())) for m in cue.finditer(lowered))
    )


def partner_concern(lowered: str) -> bool:
    """A worry about a particular child, from someone who meets them or asking what to do; any
    message describing a child in danger now (assistant.safety) is one too, whoever writes it."""
    from assistant.safety import immediate_danger

    if immediate_danger(lowered):
        return True
    about_a_child = PARTICULAR_CHILD.search(lowered) or describes_child_concern(lowered)
    return bool(about_a_child and (REPORTER.search(lowered) or WHAT_TO_DO.search(lowered)))


# A word for a child, for telling a worry about a child from one about an adult ("no food in the house").
CHILD_WORD = re.compile(
    r"\b(child|children|kids?|boy|girl|lad|lass|baby|babies|toddler|infant|pupil|student|son|daughter|teen\w*|"
    r"young person|little one|\d+ ?(yr|year|month|week)s?[ -]?old|\d+ ?y/?o)\b"
)


FIRST_PERSON = re.compile(r"\b(i|i'm|im|i've|me|my|we|we're|us|our)\b")
# Words telling that a child is being, or may be, harmed, beyond the named categories: what a
# worried adult writes before they know what the guidance calls it.
HARM_SIGN = re.compile(
    r"\b(hurt\w*|harm\w*|abus\w*|scared|frightened|afraid|unsafe|in danger|injur\w*|assault\w*|threat\w*|"
    r"explicit|indecent|nude|drunk|drugs?|missing|ran away|run away|forced|fgm|cut\b|radicali\w+|trafficked|"
    # a family in crisis, as a partner tells it: a child at risk of coming into care
    r"breaking point|can'?t cope|cannot cope|not coping|struggling to cope|give (him|her|them) up)"
)


def describes_child_concern(lowered: str) -> bool:
    """A message telling of a child (PARTICULAR_CHILD, CHILD_WORD) with the signs of harm
    (CONCERN_CATEGORIES, HARM_SIGN), by someone who met them, however it is asked. Looser than
    `partner_concern`: it only decides what happens to a question that would otherwise be
    refused (assistant.answering), which must never happen to someone telling of a child."""
    # A child and signs of harm are not enough ("what support is there for children who go missing?"
    # asks about a topic): someone who met the child speaks in the first person or says who they
    # are. Nor is a child told of without a sign of harm ("my son's school says he may be autistic").
    if not (FIRST_PERSON.search(lowered) or REPORTER.search(lowered)):
        return False
    child = PARTICULAR_CHILD.search(lowered) or CHILD_WORD.search(lowered)
    return bool(child and (concern_categories(lowered) or HARM_SIGN.search(lowered)))


# A level of need or tier by its number, as threshold documents and questions name it: "Level 3",
# "tier two", "Levels 3 and 4", a table row's "Level: 4". Only numbers (as digits or words): a
# "low-level concern" or "medium-level CSE indicators" names no level.
LEVEL_NAMED = re.compile(
    r"\b(?:level|tier)s?\s*:?\s*(\d|one|two|three|four|five)\b(?:\s*(?:and|or|&|to|-|–)\s*(\d|one|two|three|four|five)\b)?",
    re.IGNORECASE,
)
_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5"}


def levels_named(text: str) -> frozenset[str]:
    """The numbers of the levels (or tiers) a text names, as digits."""
    return frozenset(
        _NUMBER_WORDS.get(g.lower(), g) for m in LEVEL_NAMED.finditer(text) for g in m.groups() if g
    )


# A question about money: who pays, what something costs, a fee, an allowance, a fine. Guidance
# that answers it speaks of money (write.MONEY). "how much notice" is a timescale and "in charge
# of" a responsibility, not money.
ASKS_ABOUT_MONEY = re.compile(
    r"\b(who (pays|funds|is paying)|pa(y|ys|id|ying) for|how much (is|are|does|do|did|will|would|money|it costs?)|"
    r"costs?|fees?|charged|charges? for|(a|the|maximum) fine|fined|penalt(y|ies)|allowances?|funded by|funding for|"
    r"reimburs\w*|expenses)\b",
    re.I,
)
# A timescale question asking for an amount of time (Query.asks_for_a_duration): the phrases of the
# "timescale" intent (_INTENTS) that ask how much time, without "when must …" or a bare "within".
ASKS_FOR_A_DURATION = re.compile(
    r"\bhow (?:long|soon|quickly|fast|many (?:(?:working|calendar|school) )?(?:days|weeks|hours|months))\b|"
    rf"\bhow much notice\b|\bwithin (?:how|what)\b|\b(?:deadline|time ?frame|timescales?|by when|{TIME_OF})\b|"
    r"\b(?:what'?s|what is|whats) the (?:latest|longest|maximum time|most time)\b",
    re.IGNORECASE,
)
# A question asking for a count ("how many child protection plans does Torbay have?", "what is the
# number of referrals?"); a count of days is a duration, asked by ASKS_FOR_A_DURATION.
ASKS_FOR_A_COUNT = re.compile(
    r"\bhow many\b(?! (?:(?:working|calendar|school) )?(?:days|weeks|hours|months|years)\b)|"
    r"\b(?:what'?s|what is|whats|what was) the (?:number|total|count) of\b",
    re.IGNORECASE,
)
# A question about how often something happens: answered by a frequency (timescales.FREQUENCY).
HOW_OFTEN = re.compile(r"\bhow (?:often|frequently|regularly)\b|\bat what intervals?\b|\bhow many times\b", re.I)


def detect_intent(text: str) -> str:
    lowered = REFERRAL_TYPO.sub(lambda m: "referral" if m.group(0).endswith("l") else "refer", text.lower())
    asks = [(name, pattern) for name, pattern in _INTENTS if name != "referral"]
    if any(re.search(pattern, lowered) for name, pattern in _INTENTS if name == "referral"):
        return "referral"
    if partner_concern(lowered) or ROUTE.search(lowered):  # before "who", "how long": a teacher's worry
        return "referral"
    return next((name for name, pattern in asks if re.search(pattern, lowered)), "general")


COMMON_SHARE = 0.01  # "everyday" words: the most frequent 1% of the English word list (about 1,600)


@lru_cache(maxsize=1)
def common_english_words() -> frozenset[str]:
    """The most frequent COMMON_SHARE of pyspellchecker's English words ("send", "help"; not
    "mash" or "arc"): a glossary short form spelt like one is read as an acronym only in capitals."""
    counts = _english_counts()
    ranked = sorted(counts, key=counts.__getitem__, reverse=True)
    return frozenset(ranked[: max(1, int(len(ranked) * COMMON_SHARE))])


@lru_cache(maxsize=1)
def _english_counts() -> dict[str, int]:
    """pyspellchecker's bundled English word list with each word's frequency (read once, ~0.2 s)."""
    from spellchecker import SpellChecker

    return dict(SpellChecker().word_frequency.dictionary)


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """English words (pyspellchecker's bundled list, ~0.2 s once per process): a word in it is not
    a typo, whatever library word it resembles. Typo repair replaced "anyone" with "Anne" (a name
    in one document) and "normally" would go the same way as soon as a document said "normal"."""
    return frozenset(_english_counts())


def repair_typos(text: str, vocabulary: frozenset[str]) -> tuple[str, list[tuple[str, str]]]:
    """Replace words the corpus never uses with the closest corpus word ("refferal" -> "referral").

    Only words of 5+ letters are touched, with a high similarity cutoff (0.8), so names and
    acronyms pass through; the vocabulary is every word in the indexed chunks.
    """
    if not vocabulary:
        return text, []
    corrections: list[tuple[str, str]] = []

    def fix(match: re.Match) -> str:
        word = match.group(0)
        lower = word.lower()
        # (A capitalised word after the start is more likely a name: "Mrs Howe" stays.)
        named = word[0].isupper() and match.start() > 0
        if lower not in QUESTION_WORDS and lower not in vocabulary and not named:
            # A misspelt question word ("wich team", "wat is") hides what is asked (the intent).
            asked = difflib.get_close_matches(lower, QUESTION_WORDS, n=1, cutoff=0.8)
            if asked and len(lower) >= 3:
                corrections.append((word, asked[0]))
                return asked[0]
        if len(lower) < 5 or lower in vocabulary or lower in STOPWORDS or stem(lower) in vocabulary:
            return word
        if lower in english_words():  # a real word the library does not use ("anyone", "normally")
            return word
        if stem(lower) in _stems(vocabulary):  # another form of a library word ("teacher", "teachers")
            return word
        close = difflib.get_close_matches(lower, _near_in_length(vocabulary, len(lower)), n=1, cutoff=0.8)
        if not close:
            return word
        corrections.append((word, close[0]))
        return close[0]

    repaired = re.sub(r"[A-Za-z]+", fix, text)
    return repaired, corrections


def normalise(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    letters = [c for c in text if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.7:
        # A question typed in capitals: keep known acronyms readable, lower the rest.
        text = " ".join(w if len(w) <= 4 else w.lower() for w in text.split())
    return text


def understand(
    question: str,
    glossary: Glossary,
    authority_aliases: dict[str, str],
    vocabulary: frozenset[str] = frozenset(),
    requested: tuple[str, ...] = (),
) -> Query:
    """Turn a raw question into a Query. `authority_aliases` maps alias -> authority name."""
    cleaned = normalise(question)
    named = _named(cleaned, authority_aliases)
    detected = list(dict.fromkeys(authority_aliases[alias] for alias in named))
    repaired, corrections = repair_typos(cleaned, vocabulary)
    return Query(
        text=question,
        normalised=repaired,
        expansions=tuple(glossary.expand(repaired)),
        concepts=tuple(glossary.concepts(repaired)),
        authorities=tuple(requested) or tuple(detected),
        detected_authorities=tuple(detected),
        intent=_intent(cleaned, repaired),
        corrections=tuple(corrections),
        unknown_terms=unknown_terms(repaired, vocabulary, glossary),
        place_terms=tuple(dict.fromkeys(t for alias in named for t in content_terms(alias))),
        place_names=tuple(named),
        other_councils=councils_named(cleaned, authority_aliases),
    )


# What partners and practitioners call a council's way in for referrals. Each council names its
# own differently ("the Children's Hub", "the Safeguarding Hub (MASH)", "the Contact, Referral and
# Assessment Service"), and its documents use that name, seldom these words.
FRONT_DOOR_WORDS = re.compile(r"\bfront[- ]?doors?\b", re.IGNORECASE)


def with_front_door_names(query: Query, front_doors: dict[str, str]) -> Query:
    """A question about the front door of a council the curator has recorded one for also
    searches for, and counts as covered by, that council's own name for it: one thing asked
    about, two spellings, as a glossary entry is. Nothing changes when no such council is asked
    about (the manifest, not a list kept here, says what each council calls its front door)."""
    typed = FRONT_DOOR_WORDS.search(query.normalised)
    if not typed:
        return query
    names = [_door_name(front_doors[a]) for a in query.authorities if front_doors.get(a)]
    names = [n for n in dict.fromkeys(names) if n and n.lower() not in query.normalised.lower()]
    if not names:
        return query
    return replace(
        query,
        expansions=(*query.expansions, *names),
        concepts=(*query.concepts, (typed.group(0), *names)),
    )


def _door_name(door: str) -> str:
    """The name in a manifest's front-door line, without its article or bracketed short form:
    "the Safeguarding Hub (MASH)" -> "Safeguarding Hub"."""
    name = re.sub(r"\([^)]*\)", " ", door)
    name = re.sub(r"^\s*the\s+", "", name, flags=re.IGNORECASE)
    return " ".join(name.split())


def _intent(typed: str, repaired: str) -> str:
    """What the question asks for, read from the repaired words, but never less than the words as
    typed show: a partner's question is one however it is repaired, and a repair must not hide
    what was asked ("whats the latest …" is a timescale question; repaired to "what the latest …"
    it no longer read as one)."""
    as_typed = detect_intent(typed)
    if as_typed == "referral":
        return as_typed
    read = detect_intent(repaired)
    return as_typed if read == "general" else read


@lru_cache(maxsize=4)
def _by_length(vocabulary: frozenset[str]) -> dict[int, tuple[str, ...]]:
    grouped: dict[int, list[str]] = {}
    for word in vocabulary:
        grouped.setdefault(len(word), []).append(word)
    return {n: tuple(words) for n, words in grouped.items()}


def _near_in_length(vocabulary: frozenset[str], n: int) -> list[str]:
    """The words that can reach difflib's 0.8 ratio against an n-letter word: the ratio is at most
    2*min/(n+m), so m must lie within [2n/3, 3n/2]. The same match as searching every word."""
    groups = _by_length(vocabulary)
    return [w for m in range(-(-2 * n // 3), 3 * n // 2 + 1) for w in groups.get(m, ())]


def _stems(vocabulary: frozenset[str]) -> frozenset[str]:
    """Stemmed corpus words, computed once per index version rather than on every question."""
    return frozenset(stem(w) for w in vocabulary)


def unknown_terms(text: str, vocabulary: frozenset[str], glossary: Glossary) -> tuple[str, ...]:
    if not vocabulary:
        return ()
    known = _stems(vocabulary)
    acronyms = {k.lower() for k in glossary.terms}
    out = []
    for word in tokens(text):
        if len(word) < 4 or not word.isalpha() or word in STOPWORDS:
            continue
        if word in vocabulary or stem(word) in known or word in acronyms or word.rstrip("s") in acronyms:
            continue
        out.append(word)
    return tuple(dict.fromkeys(out))


def _named(text: str, authority_aliases: dict[str, str]) -> list[str]:
    """The aliases that occur in the question. Short all-caps aliases match as typed."""
    found: list[str] = []
    for alias in sorted(authority_aliases, key=len, reverse=True):
        exact = alias.isupper() and len(alias) <= 4 and "&" not in alias
        pattern = rf"(?<![\w&]){re.escape(alias)}(?![\w&])"
        if re.search(pattern, text, 0 if exact else re.IGNORECASE):
            found.append(alias)
    return found


def with_possessive_apostrophes(text: str, authority_aliases: dict[str, str]) -> str:
    """A council's name with a possessive "s" typed without its apostrophe, given one: "whats yorks
    threshold?" -> "whats york's threshold?", so the council is read ("yorks", "torbays", "plymouths"
    named none). Not where the name with an "s" is an English word ("baths", "durhams"), nor for an
    acronym."""
    english = _english_counts()
    for alias in sorted(authority_aliases, key=len, reverse=True):
        if alias.isupper() or not alias[-1:].isalpha() or f"{alias.lower()}s" in english:
            continue
        text = re.sub(rf"(?<![\w&])({re.escape(alias)})s(?![\w&'’])", r"\1's", text, flags=re.IGNORECASE)
    return text


def detect_authorities(text: str, authority_aliases: dict[str, str]) -> list[str]:
    """Authorities named in the question ("in York", "B&NES", "Bath")."""
    return list(dict.fromkeys(authority_aliases[alias] for alias in _named(text, authority_aliases)))
