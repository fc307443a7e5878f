"""Question understanding, follow-ups (pure): read a question against the conversation so far.

A newly qualified social worker types "and in Plymouth?" after a question about Bath, "and a
core assessment?" after one about initial assessments, "what else does that team do?" after
an answer naming a team. Each becomes a question that stands alone, which is what is searched
and what the app shows ("Understood as: …"), so a wrong reading is visible. A follow-up whose subject
is a pronoun or left out ("how long does it take?", "who chairs it?", "what happens next?")
gets the previous question's topic (assistant.topic) in its place. A question that already
stands alone is left exactly as typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant.councils import with_councils_not_held
from assistant.lead import strip_article
from assistant.query import IRREGULAR_FORMS, STOPWORDS, detect_authorities, detect_intent, stem, tokens
from assistant.topic import AUXILIARY, STANDING_REFERENTS, Topic, subject_phrase, topic_of
from assistant.types import Answer

# Openings that tie a question to the one before ("and in Plymouth?", "what if it came from a s47?").
FOLLOW_UP_OPENING = re.compile(
    r"^\s*((?:and\s+)?(?:is|are|would|will|does)\s+(?:it|that|this|they)\s+(?:the\s+)?(?:same|different)(?!\s+(?:as|from|to)\b)"
    # (longer openings first: the regex takes the first alternative that matches, and "and" alone
    # would leave "what about the ARC?" as the follow-up's own words)
    r"(?:\s+(?:in|for|at))?|and what about|and how about|and what if|and if|and for|ok and|and|also|what about|"
    r"how about|what of|same question for|same questions? (?:in|for)|same q(?:n|uestion)? (?:in|for)|same again for|"
    r"same for|"
    r"what if|if so|in that case|then)\b",
    re.IGNORECASE,
)
# Words that point back at something earlier: a team the last answer named, or its place.
# The nouns are the kinds of body guidance names as who does something: a team, service or unit,
# a group, board, panel or forum, a worker, officer or manager ("what else does THAT GROUP do?"
# after an answer naming the Quality Assurance Group).
UNIT_NOUNS = (
    "team|service|unit|hub|panel|group|board|forum|partnership|committee|department|centre|center|project|"
    "programme|worker|officer|manager|practitioner"
)
REFERENCE = re.compile(
    rf"\b(that|this|the same|those|these) ({UNIT_NOUNS})s?\b|\b(they|them|their|it)\b"
    r"|\bthere\s*\?*\s*$",
    re.IGNORECASE,
)
CONDITION = re.compile(r"\s*(what if|and if|if so|in that case)\b", re.IGNORECASE)
OWN_TOPIC_TERMS = 3  # a follow-up with this many content words of its own keeps its own wording
NAME_WORDS = 8  # a lead this short, without a full stop, names something ("Family Placement Team")
_PLACE_WORDS = r"(?:in|for|at|from|within|across)"
# Participles of the verbs that do not add -ed ("holds" -> "held").
# fmt: off
IRREGULAR = {
    "does": "done", "holds": "held", "sees": "seen", "makes": "made", "takes": "taken", "writes": "written",
    "leads": "led", "runs": "run", "keeps": "kept", "sends": "sent", "meets": "met", "gives": "given",
    "sets": "set", "pays": "paid", "says": "said", "finds": "found", "tells": "told", "buys": "bought",
}
# fmt: on
# A pronoun standing for the last topic: the subject after an auxiliary ("how long does IT take",
# "do THEY") or the object closing the question ("who chairs IT?"). "this"/"that" count only
# before a verb or at the end, so "that team" stays a reference to the last answer (REFERENCE).
PRONOUN_SUBJECT = re.compile(
    rf"\b(?P<aux>{AUXILIARY})\s+(?P<pronoun>it|they|(?:this|that|these|those)(?=\s+(?:take|last|happen|mean|"
    r"involve|cover|include|apply|start|need|work|get|have|cost|go|be|\w+ed|"
    # a participle ("how is THAT recorded?"), not "done": "how is that done in York?" asks the last
    # question of York (SAME_QUESTION_WORDS)
    rf"{'|'.join(sorted(set(IRREGULAR.values()) - {'done'}))})\b))\b",
    re.IGNORECASE,
)
# What may come before a subject pronoun's auxiliary: nothing, or the question words ("HOW LONG does it take").
ASKED_BEFORE_AUX = re.compile(
    r"\s*(?:(?:and|so|ok|but|then)\s+)?(?:(?:how(?:\s+(?:long|soon|often|quickly|far|(?:much|many)(?:\s+[\w-]+){0,3}))?|"
    r"(?:what|which|whose)(?:\s+(?!(?:does|do|did|is|are|was|were)\b)[\w-]+){0,3}|when|where|why|who|whom)\s+)?",
    re.IGNORECASE,
)
PRONOUN_OBJECT = re.compile(r"\b(?P<pronoun>it|them|this|that|these|those)\s*[?.!]*\s*$", re.IGNORECASE)
# "how big are THEIR caseloads?", "what are ITS opening hours?": the last topic's
POSSESSIVE = re.compile(r"\b(?P<pronoun>their|its)\b", re.IGNORECASE)
# "one" for another of the last topic's kind: "does York have ONE?", "is there ONE in Plymouth?",
# "who can ask for ONE?", "does Bath have SOMETHING SIMILAR?"
# (not "one" before its noun: "does the plan have one review?")
ONE = re.compile(
    r"\b(?:have|has|got|there|run|runs|use|uses|offer|offers|for|at|to|in|with|from|after|before)\s+"
    r"(?P<pronoun>one|something similar|anything similar|something like (?:that|it)|anything like (?:that|it))"
    r"(?=\s*(?:[?.!,]|$|\s(?:in|for|at|there|here|too|as well|like)\b))",
    re.IGNORECASE,
)
# ...or the object of a preposition inside it ("how many OF THEM are there?", "who is responsible FOR IT now?")
PRONOUN_AFTER_PREPOSITION = re.compile(r"\b(?:of|for|about|with|from|into)\s+(?P<pronoun>it|them)\b", re.IGNORECASE)
# Whoever is contacted is a service or a person, whatever its name says ("how do I contact THEM?"
# after "what is the MASH?"): "them" there stands for the last topic even when its noun does not
# show it can be "they".
CONTACTED = re.compile(
    r"\b(?:contact|call|ring|phone|e-?mail|reach|refer to|speak to|talk to|get hold of|write to)\s+them\b",
    re.IGNORECASE,
)
# "what happens next?", "and then what?": what follows the last topic.
WHAT_NEXT = re.compile(
    r"^\s*(?:and\s+|ok\s+|so\s+)?(?:what\s+(?:happens|comes)(?:\s+(?:next|then|afterwards|after\s+(?:that|this)))?|"
    r"what\s+next|then\s+what)\s*\??\s*$",
    re.IGNORECASE,
)
# "how often?", "and when?": the last question asked again with this question word.
# "After that": a time after the last question's event ("how often after that?" once the first
# review conference is due), which the reading keeps: the guidance says it in those words ("After
# that, Review Conferences must take place at intervals of …").
AFTER_THAT = r"after (?:that|this|the first(?: one)?)|from then on|thereafter|afterwards"
BARE_WH = re.compile(
    rf"^\s*(?:and\s+|ok\s+|so\s+)?(?:(?P<before>{AFTER_THAT})\s*,?\s+)?"
    r"(?P<wh>how often|how long|how soon|how quickly|by when|when|where|why)"
    r"(?:\s+(?:was|is|did|were|does)\s+(?:that|it|this))?"
    rf"(?:\s*,?\s*(?P<after>{AFTER_THAT}))?\s*[?.!]*\s*$",
    re.IGNORECASE,
)
# "and after that?", "what about after that?": the last question again, after its event.
BARE_AFTER = re.compile(rf"^\s*(?:and|what about|how about|ok|so)?\s*,?\s*(?P<after>{AFTER_THAT})\s*[?.!]*\s*$", re.I)
# A question that opens with a question word before its auxiliary ("WHEN is the conference held").
WH_OPENING = re.compile(
    rf"^\s*(?:how often|how long|how soon|how quickly|by when|when|where|what time)\s+(?={AUXILIARY}\b)", re.IGNORECASE
)
# "who reviews X": its verb and object, for "how often are X reviewed?"
WHO_DOES = re.compile(r"^\s*who\s+(?P<verb>[a-z]+s)\s+(?P<object>[^?]+?)\s*\??\s*$", re.IGNORECASE)
# A yes/no question ("CAN a case be stepped down …?"), for "who decides?" after it.
YES_NO = re.compile(rf"^\s*(?P<aux>{AUXILIARY})\s+(?P<body>[^?]+?)\s*\??\s*$", re.IGNORECASE)
# "who attends?", "and who decides?": a bare verb whose object is the last topic; or "who decides
# that?", "who agrees this?" (`that`), where with a deciding verb (DECIDING) "that" is what the
# last question asked, as for a bare "who decides?", not its topic ("Who decides a child …?").
# "Who has to attend?", "who needs to attend?" ask the same with a modal of obligation.
WHO_MODAL = r"(?:can|should|must|will|would|does|do|has\s+to|have\s+to|needs?\s+to|ought\s+to)"
BARE_WHO = re.compile(
    rf"^\s*(?:and\s+|ok\s+|so\s+)?who\s+(?P<verb>(?:{WHO_MODAL}\s+)?"
    r"(?!(?:it|them|this|that|these|those)\b)\w+)(?:\s+(?P<that>that|this))?\s*\??\s*$",
    re.IGNORECASE,
)
# "who has to be there?", "who is there?", "who should be present?": who attends the last topic's
# event, asked as being there ("there" is the event, not the council, as in "is it the same there?").
WHO_THERE = re.compile(
    rf"^\s*(?:and\s+|ok\s+|so\s+)?who\s+(?P<be>(?:{WHO_MODAL}\s+be)|is|are|was|were)\s+(?:there|present)\s*\??\s*$",
    re.IGNORECASE,
)
# An antecedent of the question's own, in a clause before its pronoun's: an article phrase or a
# capitalised word after the first ("what is THE ARC and what does it offer?", "when is ICPC held,
# who chairs it?"). Within the pronoun's own clause a noun is not what it stands for ("who can
# refer a family to it?").
OWN_ANTECEDENT = re.compile(r"\b(?:a|an|the)\s+\w|(?<=\s)(?!I\b)[A-Z]\w*")
CLAUSE_BREAK = re.compile(r",|;|\s(?:and|but|then|so)\s", re.IGNORECASE)


@dataclass(frozen=True)
class Turn:
    """One earlier exchange, as much of it as a follow-up can refer to."""

    question: str  # as understood (already standing alone)
    authorities: tuple[str, ...] = ()  # the councils it was about
    lead: str = ""  # the first answer's lead line, e.g. "Family Placement Team" for a who-question
    answered: bool = True  # False when the guidance did not cover it (a refusal)


@dataclass(frozen=True)
class Reading:
    text: str  # the question to answer
    inherited: bool  # True when the conversation changed it
    # How it was read: "standalone", "council" (the council switched or carried over), "partner"
    # (a partner's follow-up about the same child: answered as a partner's question is), "topic"
    # (an elliptical topic swapped in), "pronoun" (the last topic put in place of a pronoun or a
    # left-out subject), "reference" (what the last answer named), "condition" ("what if …") or
    # "own words" (a tied question with words of its own, gaining the council).
    rule: str = "standalone"
    topic: str = ""  # the phrase taken from the conversation, where one was
    # A new question naming no council, in a conversation about one: that council (the answer says
    # so where its documents are silent and other councils' are quoted). "" otherwise.
    conversation_council: str = ""


def _content(words: Sequence[str]) -> list[str]:
    return [w for w in words if w not in STOPWORDS and len(w) > 1]


def _strip_councils(text: str, aliases: dict[str, str]) -> str:
    """The text without any council alias (and the 'in' before it; "York's teams" -> "the teams")."""
    for alias in sorted(aliases, key=len, reverse=True):
        text = re.sub(rf"(?<![\w&]){re.escape(alias)}['’]s\b", "the", text, flags=re.IGNORECASE)
        text = re.sub(
            rf"\s*(?:\b{_PLACE_WORDS}\s+)?(?<![\w&]){re.escape(alias)}(?![\w&])", "", text, flags=re.IGNORECASE
        )
    text = re.sub(r"\s+([?.!,])", r"\1", text).strip()
    # "In Kent, what should I do …": the comma (or colon, dash) that followed the council opening it
    return re.sub(r"^[,;:–-]+\s*", "", text)


def _with_council(question: str, place: str) -> str:
    body = re.sub(r"\s+there$", "", question.rstrip(" ?.!"))  # "… have there" -> "… have in Bath"
    return f"{body} in {place}?"


# A follow-up's own words that open like a question ("who attends the meeting", "what are the
# opening hours") are a question, not a noun phrase to put in place of the last question's topic.
QUESTION_OPENING = re.compile(
    r"^\s*(?:who|what|when|where|which|how|why|whose|does|do|did|is|are|was|were|can|could|must|should|will|would|"
    r"has|have)\b",
    re.IGNORECASE,
)


def _replace_topic(previous: str, phrase: str) -> str | None:
    """'How long does an initial assessment take?' + 'a core assessment' -> 'How long does a core
    assessment take?': the phrase replaces the words of the previous question that share its head
    noun. None when the previous question has no such words."""
    if QUESTION_OPENING.match(phrase):
        return None  # a question, not a noun phrase: "who attends the meeting" replaces no topic
    words = [w for w in re.findall(r"[\w'’-]+", phrase) if w.lower() not in ("a", "an", "the")]
    if not words:
        return None
    # the head noun comes before any qualifier ("the core ASSESSMENT for a child in need")
    before = re.split(r"\s(?:for|of|in|with|to|about|after|before|who|that|which|where)\s", " ".join(words))[0]
    head = stem(before.split()[-1].lower())
    found = None
    for match in re.finditer(r"[\w'’-]+", previous):
        word = match.group(0).lower()
        # the same noun, not a verb of its family ("the first review" does not replace "reviewed")
        verb_form = word.endswith(("ed", "ing")) and not before.split()[-1].lower().endswith(("ed", "ing"))
        if stem(word) == head and not verb_form:
            found = match
    if found is None:
        return None
    start = found.start()
    before = previous[:start].rstrip().split(" ")
    # take the head's modifiers too ("initial" in "an initial assessment"), not its article or verb;
    # a name's are its capitalised words ("Family Placement" in "the Family Placement Team")
    name = found.group(0)[:1].isupper()
    while (
        before
        and before[-1]
        and before[-1].lower() not in STOPWORDS
        and (before[-1][:1].isupper() if name else before[-1][:1].islower())
        and len(before) > 1
    ):
        start = previous.rfind(before[-1], 0, start)
        before = before[:-1]
    replaced = (
        previous[:start]
        + re.sub(r"^(?:a|an|the)\s+", "", phrase.strip(), flags=re.IGNORECASE)
        + previous[found.end() :]
    )
    return re.sub(
        r"\ban(?= [^aeiouAEIOU\W])|\ba(?= [aeiouAEIOU])", lambda m: "a" if m.group(0) == "an" else "an", replaced
    )


# "where's that recorded?", "who's that?": read as "where is …" ("where's" was no question word the
# reader knew, so the follow-up stood alone and was refused).
_UNCONTRACTED = re.compile(r"\b(where|what|who|when|how|which)['’]s\b", re.IGNORECASE)


def read_follow_up(question: str, history: Sequence[Turn], aliases: dict[str, str]) -> Reading:
    """The question as it should be answered, given the earlier turns (most recent last): see
    _read_follow_up. A reading built from an earlier question that opened with its council ("In
    Kent, what should I do …") starts with a capital, as that question did."""
    reading = _read_follow_up(_UNCONTRACTED.sub(r"\1 is", question), history, aliases)
    if not reading.inherited:
        reading = replace(reading, text=question)  # a question in its own right, exactly as typed
    earlier = history[-1].question if history else ""
    if reading.inherited and reading.text[:1].islower() and earlier[:1].isupper():
        return replace(reading, text=reading.text[:1].upper() + reading.text[1:])
    return reading


def _read_follow_up(question: str, history: Sequence[Turn], aliases: dict[str, str]) -> Reading:
    """The question as it should be answered, given the earlier turns (most recent last).

    A question with no opening tie ("and…", "what about…"), no reference ("that team", "they",
    "there") and no pronoun standing for the last topic stands alone, unless it is only a
    council ("Plymouth?"). A pronoun subject or object with no antecedent of its own ("how long
    does it take?", "who chairs it?"), or a left-out one ("what happens next?", "who attends?"),
    is replaced by the last question's topic. A tied question with words of its own keeps them,
    gains the earlier council and has "that team" replaced by what the last answer named; a tied
    question that is only a topic or a council is the previous question with it swapped in.
    """
    if not history:
        return Reading(question, False)
    previous = _after_a_refusal(history)
    aliases = _reading_aliases(question, previous, aliases)
    switched = _switch_then_question(question, previous, aliases)
    if switched:  # its "they" and "there" are the council's (not read again for the last topic)
        return Reading(switched[:1].upper() + switched[1:], True, "council")
    owned = _theirs_reading(question, previous, aliases)
    if owned:
        return owned
    named = detect_authorities(question, aliases)
    opening = FOLLOW_UP_OPENING.match(question) or _bare_phrase(question, aliases)
    reference = REFERENCE.search(question)
    rest = question[opening.end() :].strip(" ,") if opening else question
    own = _strip_councils(rest, aliases)
    rest_terms = _content(tokens(own))
    if named and rest_terms and all(t in SAME_QUESTION_WORDS for t in rest_terms):
        rest_terms = []  # "what does Torbay say?", "same question for York": only a council
    place = _place(question, named, previous, aliases)
    conditional = bool(opening and CONDITION.match(opening.group(0)))
    topic = topic_of(previous.question, tuple(aliases))
    answer_name = _answer_name(previous, topic)
    asked_again = _asked_again(question, previous.question, place, aliases)
    if asked_again:
        return asked_again
    new_subject = _new_subject_asked(question, topic, place, aliases)
    if new_subject:
        return new_subject
    event = _event_next(question, previous.question, place, aliases)
    if event:
        return event
    agent = _agent(previous.question, answer_name, aliases)
    # "how long is it in York?", "does that apply in Torbay too?" after "How soon must a child be
    # seen … in Bath?": a council, and a pronoun for the last question itself, asked the same way
    # (the same kind of answer, or none named): that question of the council, not its topic put
    # in the pronoun's place ("How long is a child in York?").
    if named and not rest_terms and not conditional and _asks_the_same(own, previous.question):
        base, placed = _base(previous.question, place, aliases)
        return Reading(base if placed else _with_council(base, place), True, "council")
    pronoun = (
        None
        if conditional
        else _pronoun_reading(question, rest, topic, answer_name, place, aliases, agent, previous.question)
    )
    if pronoun:
        return pronoun
    fragment = _fragment_reading(question, topic, place, aliases)
    if fragment:
        return fragment
    counted = _count_reading(question, topic, answer_name, place)
    if counted:
        return counted
    if not opening and not named and place and _partner_follow_up(question, previous.question):
        # "what do I need to include?", "should I tell the parents first?", "will they tell me what
        # happens?" after a partner's "where do I send this in Torbay?": the same child, so that council
        text = REFERRAL_CONTENT.sub(lambda m: f"{m.group(0).rstrip(' ?')} in a referral", question.strip(), count=1)
        return Reading(_with_council(text[:1].upper() + text[1:], place), True, "partner")
    if not opening and not reference and not (named and not rest_terms):
        if not named and place and _continues(question, previous.question):
            # "who chairs the review?" after "how often are plans reviewed in Bath?": its definite
            # phrase is the last question's thing, so it is asked of the same council
            text = _the_topic_for_its_head(question, topic) if topic else question
            return Reading(_with_council(text[:1].upper() + text[1:], place), True, "council")
        if not named and place and topic and previous.answered and _substantive(topic) and _belongs(question):
            # "who gets the notes?" after "how soon must a strategy discussion be held in Durham?":
            # a short question about "the" something, asked with nothing else, is about the last
            # topic's: the topic goes along in brackets, as what it is (as for "and how quickly do
            # the action notes have to go out?")
            text = f"{question.strip().rstrip(' ?.!')} ({_whole(topic.phrase)})?"
            return Reading(_with_council(text[:1].upper() + text[1:], place), True, "bridge", _whole(topic.phrase))
        # a new question in its own right; naming no council, it is answered from whichever
        # councils' guidance answers it, and says so where the conversation's council is not one
        council = previous.authorities[0] if not named and len(previous.authorities) == 1 else ""
        return Reading(question, False, conversation_council=council)
    base, placed = _base(previous.question, place, aliases)
    if conditional:  # "what if…" narrows the last question
        text = f"{base.rstrip(' ?.!')} if {own.strip(' ?.!,')}?"
        return Reading(_with_council(text, place) if place and not placed else text, True, "condition")
    own_question = bool(opening and OWN_QUESTION.match(own))
    children = _swap_children(base, own) if opening and not own_question else None
    if children:  # "what about babies?": the same question, for them
        return Reading(_with_council(children, place) if place and not placed else children, True, "children")
    phrase = own.strip(" ?.!,")
    swapped_name = (
        _replace_topic(base, phrase)
        if opening and not reference and not own_question and not _NOT_A_PHRASE.search(phrase)
        else None
    )
    if swapped_name and len(rest_terms) >= OWN_TOPIC_TERMS:
        # "and the Disabled Children's Team?": a longer name is still a topic put in the last
        # question's place ("What does the Disabled Children's Team do …"), not a question of its own
        text = _with_council(swapped_name, place) if place and not placed else swapped_name
        return Reading(text, True, "topic", phrase)
    if len(rest_terms) >= OWN_TOPIC_TERMS or (reference and answer_name) or own_question:
        text, rule = rest, "own words"
        if own_question and not reference and topic:
            text = _the_topic_for_its_head(text, topic)  # "who attends the meeting?" after a strategy meeting
        own_plural = reference and reference.group(3) and _plural_before(rest, reference.start(3))
        asked_of = _asked_of(previous.question, aliases) if reference and reference.group(3) else ""
        agent_again = AGENT_QUESTION.match(rest)
        same_verb = bool(agent_again) and agent_again.group("verb").lower() in previous.question.lower().split()
        if asked_of and agent_again and (named or same_verb):
            # "who does them in Torbay?" after "which team does section 47 enquiries in York?": it asks
            # for the team again (of another council, or with the same verb), so "them" is what was
            # done, not the team the last answer named ("who manages them?" is still the team).
            text, rule = REFERENCE.sub(lambda _match: asked_of, text, count=1), "pronoun"
        elif _it_is_the_topic(question, reference, topic, aliases):
            # "how soon after the strategy discussion must IT happen?" after "who chairs the initial
            # child protection conference?": a thing asked about is "it", the body the answer named
            # is "they" (it had become "must the Safeguarding and Family Support Service happen")
            text, rule = REFERENCE.sub(lambda _match: topic.phrase, text, count=1), "pronoun"
        elif reference and (reference.group(2) or reference.group(3)) and answer_name and not own_plural:
            text, rule = REFERENCE.sub(lambda match: _owned(match, _the(answer_name)), text, count=1), "reference"
        elif opening and not named and topic and previous.answered and _bridges(own, topic):
            # "and how quickly do THE ACTION NOTES have to go out?" after strategy discussions:
            # the notes are the discussions'; the topic goes along, in brackets, as what it is.
            text, rule = f"{rest.rstrip(' ?.!')} ({_whole(topic.phrase)})?", "bridge"
        if not named and place:
            text = _with_council(text, place)
        text = text[:1].upper() + text[1:]
        if text == question:
            return Reading(question, False)
        taken = {"reference": answer_name, "bridge": _whole(topic.phrase) if topic else "", "pronoun": asked_of}
        return Reading(text, True, rule, taken.get(rule, ""))
    if rest_terms:
        swapped = own.strip(" ?.!,")
        if QUALIFIER.match(swapped):  # "and after 18?": the same question, narrowed
            text = f"{base.rstrip(' ?.!')} {swapped}?"
            return Reading(_with_council(text, place) if place and not placed else text, True, "condition", swapped)
        attribute = _attribute_reading(swapped, topic)
        if attribute:  # "what about the age range?": the last topic's, not a topic in its place
            return Reading(_with_council(attribute, place) if place else attribute, True, "topic", swapped)
        text = (
            _replace_topic(base, swapped)
            or _swap_topic(base, topic, swapped)
            or _swap_object(base, topic, swapped)
            or f"{base.rstrip(' ?.!')}: {swapped}?"
        )
        rule = "topic"
    else:
        text, swapped, rule = base, "", "council"
    return Reading(_with_council(text, place) if place and not placed else text, True, rule, swapped)


# Words that ask the last question again of another council and name no topic of their own
# ("what does Torbay say?", "does Plymouth have the same rule?", "switching to York, same
# question"): with a council named and no other content word, the follow-up is only that council.
# Asking how another council compares ("does York do it quicker?", "how does that compare with
# Torbay?", "is theirs the same in York?", "how is that done in York?") is the same question of it
# too: the answer on screen is the one to compare with.
SAME_QUESTION_WORDS = frozenset([
    "ok", "okay", "now", "switching", "switch", "moving", "move", "onto", "same", "question", "questions",
    "qn", "rule", "rules", "thing", "things", "answer", "say", "says", "said", "policy", "procedure",
    "please", "too", "well",
    "compare", "compares", "compared", "comparison", "different", "differ", "differs", "differently",
    "difference", "quicker", "faster", "slower", "sooner", "longer", "shorter", "theirs", "done", "doing",
    "apply", "applies", "also", "likewise",
])
# A question word, for whether a follow-up asks for the same kind of answer as the last question.
_ASKS = re.compile(r"\b(?:who|whom|whose|what|which|when|where|why|how)\b", re.IGNORECASE)


def _asks_the_same(own: str, previous: str) -> bool:
    """The follow-up asks for no kind of answer of its own ("does that apply too?"), or for the
    kind the last question asked for ("how long is it?" after "how soon must …": a duration)."""
    return not _ASKS.search(own) or detect_intent(own) == detect_intent(previous) != "general"
# A tied follow-up that is a whole question of its own, a question word and its verb ("and WHO
# DOES the assessment?", "and who goes to the conference?"): its own words, with the council, not
# a topic swapped into the last question ("How soon must who sees the child be seen…").
OWN_QUESTION = re.compile(
    rf"^\s*(?:who|what|when|where|why|which\s+[a-z]+|how(?:\s+(?:long|often|soon|quickly|many|much))?)\s+"
    rf"(?:{AUXILIARY}|(?!about\b|if\b)[a-z]+s)\s+\w",
    re.IGNORECASE,
)
# "what about charities, can they refer?": a new subject, then a question with a pronoun for it.
SUBJECT_THEN_QUESTION = re.compile(
    rf"^\s*(?:and\s+|ok\s+|so\s+)?(?:what|how)\s+about\s+(?P<subject>[^,;:?]+?)\s*[,;:-]+\s*"
    rf"(?P<question>{AUXILIARY}\s+(?P<pronoun>they|it)\b[^?]*?)\s*\??\s*$",
    re.IGNORECASE,
)


# Where a typed turn holds more than one question: after each question mark.
QUESTIONS_SPLIT = re.compile(r"(?<=\?)\s+(?=\S)")


MODALS = frozenset(["must", "should", "can", "could", "will", "would", "may", "might", "shall"])


def _participle(word: str) -> bool:
    """A past participle: "-ed", or an irregular one (query.IRREGULAR_FORMS, IRREGULAR's)."""
    return word.endswith("ed") or word in IRREGULAR_FORMS or word in IRREGULAR.values()


def _event_next(question: str, previous: str, place: str, aliases: dict[str, str]) -> Reading | None:
    """"what happens next?" / "what happens after that?" after a question about something done to
    people ("How soon must a child be seen after a referral?"): what follows that event ("What
    happens after a child is seen after a referral?"), not after them ("… after a child"). None
    for any other pair (the last topic is then what follows, as before: "a strategy meeting")."""
    if not WHAT_NEXT.match(question):
        return None
    asked = WH_AUX.match(_strip_councils(previous, aliases).rstrip(" ?.!"))
    if not asked:
        return None
    aux, body = asked.group("aux").lower(), asked.group("body").strip()
    subject = _subject_of(body)
    rest = body[len(subject) :].split() if subject else []
    if not rest or not Topic(subject).names_people:
        return None  # "a strategy meeting" is itself what happens: the last topic, as before
    be = "are" if Topic(subject).plural else "is"
    if aux in MODALS and rest[0].lower() == "be" and len(rest) > 1 and _participle(rest[1].lower()):
        event = f"{subject} {be} {' '.join(rest[1:])}"
    elif aux in ("is", "are", "was", "were") and _participle(rest[0].lower()):
        event = f"{subject} {aux} {' '.join(rest)}"
    else:
        return None
    text = f"What happens after {event}?"
    return Reading(_with_council(text, place) if place else text, True, "pronoun", event)


def _reading_aliases(question: str, previous: Turn, aliases: dict[str, str]) -> dict[str, str]:
    """The aliases a follow-up is read with: the library's, and a council it holds nothing from
    (assistant.councils) when the last question was about one ("… in Manchester?" then "and in
    York?") or the follow-up only switches to one ("and in Leeds?", "what about leeds"). Named in
    a follow-up of its own words ("and hospital referrals for kids who live in Wiltshire?" after
    a B&NES question) it is a detail of the question, and the council asked about carries over."""
    extended = with_councils_not_held(aliases)
    held = set(aliases.values())
    outside = {a: a for a in previous.authorities if a not in held}  # the last question's, by short name
    named = detect_authorities(question, extended)
    if named and not detect_authorities(question, aliases):
        rest = _content(tokens(_strip_councils(question, extended)))
        if all(t in SAME_QUESTION_WORDS for t in rest):
            return extended
    if not outside:
        return aliases
    return {**{name: short for name, short in extended.items() if short in outside}, **aliases}


def _switch_then_question(question: str, previous: Turn, aliases: dict[str, str]) -> str:
    """"how does York do it? what support do carers get there": a council switch that says nothing
    else (SAME_QUESTION_WORDS aside), then a question of its own. The turn asks that question, of
    that council ("what support do carers get in York?"); "" for any other turn. Read as one, the
    switch's "do it" was given the last topic and the question put after it as a tail."""
    parts = QUESTIONS_SPLIT.split(question.strip())
    if len(parts) < 2:
        return ""
    earlier, last = " ".join(parts[:-1]), parts[-1]
    named = detect_authorities(earlier, aliases)
    if not named or detect_authorities(last, aliases):
        return ""
    if any(t not in SAME_QUESTION_WORDS for t in _content(tokens(_strip_councils(earlier, aliases)))):
        return ""  # "what is the ARC in Torbay? what does it offer?": the first says what "it" is
    if not QUESTION_OPENING.match(last) or len(_content(tokens(last))) < 2:
        return ""
    return _with_council(last, _place(earlier, named, previous, aliases))


# "have THEIRS gone up?", "is YORK'S the same?" after "stockton's CIN referrals went up …": the
# thing the last question said a council has, of the council named now.
OWNED_BY_COUNCIL = (
    r"(?P<np>(?:[\w-]+\s+){0,3}?[\w-]+?)(?=\s+(?:went|gone|go|goes|have|has|had|is|are|was|were|did|do|does|rose|"
    r"fell|increased|decreased|changed)\b)"
)
# ...where it stands without its noun: "theirs", or a council's "'s" before a verb or at the end
THEIRS_AFTER = r"(?=\s+(?:gone|go|been|the|changed|increased|risen|fallen|different|same)\b|\s*\??\s*$)"
SWITCH_OPENER = re.compile(
    r"^\s*(?:ok(?:ay)?\s*,?\s*)?(?:switching|switch|moving|move|turning|turn)\s+(?:on\s+)?(?:to|over to)\s+",
    re.IGNORECASE,
)


def _theirs_reading(question: str, previous: Turn, aliases: dict[str, str]) -> Reading | None:
    """"ok switching to Plymouth - have theirs gone up?" after "stockton's CIN referrals went up
    …": "Have Plymouth's CIN referrals gone up?". None unless the follow-up names a council and
    has "theirs" (or that council's "'s" with no noun after it) and the last question said what a
    council has ("stockton's CIN referrals")."""
    named = detect_authorities(question, aliases)
    if not named:
        return None
    alias_pattern = "|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True))
    owned = re.search(rf"(?<![\w&])(?:{alias_pattern})['’]s\s+{OWNED_BY_COUNCIL}", previous.question, re.IGNORECASE)
    if not owned:
        return None
    place = _place(question, named, previous, aliases)
    theirs = re.search(rf"\btheirs\b|(?<![\w&])(?:{alias_pattern})['’]s{THEIRS_AFTER}", question, re.IGNORECASE)
    if not theirs:
        return None
    text = question[: theirs.start()] + f"{place}'s {owned.group('np')}" + question[theirs.end() :]
    if SWITCH_OPENER.match(text):  # "ok switching to Plymouth - …": the switch said, the question stays
        text = re.sub(rf"^.*?(?:{alias_pattern})\s*[-–,:]\s*", "", text, count=1, flags=re.IGNORECASE)
    text = text.strip()
    return Reading(text[:1].upper() + text[1:], True, "council", owned.group("np"))


# "and the assessment, how long is that?", "what about the core group, who chairs it?": a new
# thing, then a wh-question whose pronoun stands for it.
SUBJECT_THEN_WH = re.compile(
    r"^\s*(?:and|ok and|so|what about|how about)\s+(?P<subject>[^,;:?]+?)\s*[,;:-]+\s*"
    r"(?P<question>(?:who|what|when|where|which|how)\b[^?]*?\b(?P<pronoun>it|that|this|they|them)\b[^?]*?)\s*\??\s*$",
    re.IGNORECASE,
)


def _new_subject_asked(question: str, topic: Topic | None, place: str, aliases: dict[str, str]) -> Reading | None:
    """"what about charities, can they refer?" after a question about an FGC: the question with its
    own subject in place of its pronoun, and the last topic in brackets as what it is about ("Can
    charities refer (an FGC) in Torbay?"); the old reading swapped "charities" into the last
    question and lost what was asked. A wh-question after the new thing ("and the assessment, how
    long is that?") is its own question about it ("How long is the assessment in Bath?"), the last
    topic left out: the thing named is what it asks about. None for any other shape, or with no
    last topic."""
    wh = SUBJECT_THEN_WH.match(question)
    if wh and not detect_authorities(wh.group("subject"), aliases):
        return _subject_for_pronoun(wh, "", place, aliases, "topic")
    match = SUBJECT_THEN_QUESTION.match(question)
    if not match or topic is None:
        return None
    return _subject_for_pronoun(match, topic.phrase, place, aliases, "bridge")


def _subject_for_pronoun(
    match: re.Match[str], about: str, place: str, aliases: dict[str, str], rule: str
) -> Reading:
    """The matched question with its subject in place of its pronoun, `about` in brackets after it
    when given, and the council when it names none."""
    asked = match.group("question")
    at = match.start("pronoun") - match.start("question")
    text = asked[:at] + match.group("subject").strip() + asked[at + len(match.group("pronoun")) :]
    text = f"{text[:1].upper()}{text[1:].rstrip(' ?.!')}{f' ({about})' if about else ''}?"
    if place and not detect_authorities(text, aliases):
        text = _with_council(text, place)
    return Reading(text, True, rule, about or match.group("subject").strip())


def _the_topic_for_its_head(own: str, topic: Topic) -> str:
    """"the meeting" in a follow-up's own question is the last topic when that is a kind of
    meeting ("the strategy meeting"); any other definite phrase is its own."""
    named = strip_article(topic.phrase)
    head = named.split()[-1].lower() if named else ""
    for match in DEFINITE.finditer(own):
        words = match.group("words").split()
        if head and words[-1].lower() == head and len(named.split()) > 1:
            return own[: match.start()] + "the " + named + own[match.end() :]
    return own


# A follow-up that is only a short noun phrase, no question word or verb ("drugs or alcohol?",
# "a core assessment?"), is tied to the last question as "and …?" would be; an acronym alone
# ("LADO?") and a council alone ("Plymouth?", read elsewhere) are not.
BARE_PHRASE_WORDS = 3
_NOT_A_PHRASE = re.compile(
    rf"\b(?:{AUXILIARY}|who|what|when|where|which|how|why|whose|thanks?|thank you|ok|okay|yes|no|hi|hello|please)\b",
    re.IGNORECASE,
)


def _bare_phrase(question: str, aliases: dict[str, str]) -> re.Match[str] | None:
    """An empty match at the start of a bare noun-phrase follow-up (it stands for "and"), else None."""
    words = re.findall(r"[\w&'-]+", _strip_councils(question, aliases))
    if not words or len(words) > BARE_PHRASE_WORDS or _NOT_A_PHRASE.search(" ".join(words)):
        return None
    if len(words) == 1 and words[0].isupper():
        return None  # "LADO?": what it is, more likely than the last question asked of it
    if not question.rstrip().endswith("?"):
        return None
    return re.match(r"", question)


# A question word and what it asks for, with no verb and no subject: "what age range?", "how many
# staff?", "up to what age?", "which team?". It cannot stand alone (nothing is asked about), so it
# asks its thing of the last question's topic: "What age range for the disabled children's team in
# Bath?". A verb or a pronoun in it makes it a question of its own, read by the rules above; a
# single question word ("what?", "which?") asks nothing to read.
WH_FRAGMENT = re.compile(
    r"^\s*(?:(?:and|so|ok|but)\s*,?\s+)?"
    r"(?P<fragment>(?:(?:up to|from|at|by|for|in|until)\s+)?(?:what|which|how many|how much|whose)"
    r"(?P<words>(?:\s+[\w'’&-]+){1,3}))\s*\?\s*$",
    re.IGNORECASE,
)
# What the fragment may not hold: a verb (an auxiliary, "-ed") or a word that points elsewhere.
_FRAGMENT_NOT = re.compile(
    rf"\b(?:{AUXILIARY}|\w+ed|it|they|them|this|that|these|those|there|about|if|else|happens?|next|ones?)\b",
    re.IGNORECASE,
)


def _fragment_reading(question: str, topic: Topic | None, place: str, aliases: dict[str, str]) -> Reading | None:
    """A wh-fragment (WH_FRAGMENT) asked of the last question's topic, in its council; None for
    any other question, or with no topic to ask it of."""
    match = WH_FRAGMENT.match(_strip_councils(question, aliases))
    if not match or topic is None or _FRAGMENT_NOT.search(match.group("words")):
        return None
    fragment = match.group("fragment").strip()
    text = f"{fragment[:1].upper()}{fragment[1:]} for {topic.phrase}?"
    return Reading(_with_council(text, place) if place else text, True, "topic", topic.phrase)


# What a service, team, meeting or process has, not a thing in its own right: "what about the age
# range?" after a question about a team asks the team's age range, not what an age range does.
ATTRIBUTE_NOUNS = frozenset([
    "age", "ages", "range", "timescale", "timescales", "timeframe", "timeframes", "deadline", "hours", "cost",
    "costs", "criteria", "eligibility", "threshold", "thresholds", "staffing", "caseload", "caseloads", "size",
    "funding", "budget", "location", "address", "number", "phone", "email", "training", "qualifications", "remit",
    "capacity", "waiting", "wait",
])


def _attribute_reading(phrase: str, topic: Topic | None) -> str | None:
    """"What is the age range for the Disabled Children's Team?" for a follow-up that names only an
    attribute (ATTRIBUTE_NOUNS) of a last topic of substance; None otherwise."""
    if topic is None or not _substantive(topic) or QUESTION_OPENING.match(phrase):
        return None
    words = re.findall(r"[\w'’-]+", phrase)
    if not words or len(words) > BARE_PHRASE_WORDS + 1 or words[-1].lower() not in ATTRIBUTE_NOUNS:
        return None
    head = re.split(r"\s(?:of|for|in|at)\s", strip_article(topic.phrase))[0].split()[-1].lower()
    if head in ATTRIBUTE_NOUNS:
        return None  # the last topic is an attribute itself ("the threshold for …"): a topic swap
    named = phrase if re.match(r"(?:the|its|their|a|an)\b", phrase, re.I) else f"the {phrase}"
    last = words[-1].lower()
    verb = "are" if last == "criteria" or (last.endswith("s") and not last.endswith("ss")) else "is"
    return f"What {verb} {named} for {topic.phrase}?"


# What goes into a referral, asked after a partner's question: "what do I need to include?"
REFERRAL_CONTENT = re.compile(
    r"^\s*(?:and\s+|so\s+)?what\s+(?:do|should|must|would)\s+(?:i|we)\s+(?:need\s+to\s+)?"
    r"(?:include|put|say|write|send|give|share|tell them)\b(?!.*\breferral\b)[^?]*?(?=\s*\??\s*$)",
    re.IGNORECASE,
)
PARTNER_FOLLOW_UP_WORDS = 12  # a partner's follow-up this short, naming no council, is about the same child


def _partner_follow_up(question: str, previous: str) -> bool:
    """A short follow-up, in the asker's own person, to a partner's question about a worry (the
    last question's intent is a referral): the same child, so the same council."""
    words = re.findall(r"[\w'’-]+", question)
    return (
        detect_intent(previous) == "referral"
        and len(words) <= PARTNER_FOLLOW_UP_WORDS
        and bool(re.search(r"\b(?:i|we|me|us|my|our)\b", question, re.IGNORECASE))
    )


# A question this short, about "the" something, belongs to the conversation. 8, not 6: "who do I
# send the request to?" (7 words) after Kent's level 3 was read as a new question; at 8 no eval
# answer changed, must-not-inherit follow-ups included (those name something, or "a"/"any" thing).
BELONGING_WORDS = 8
_FIRST_PERSON = re.compile(r"I(?:['’](?:m|ve|d|ll))?")


def _belongs(question: str) -> bool:
    """A short question whose only thing is a definite phrase in lower case ("who gets the
    notes?", "what are the indicators?"): no name, no council, nothing else it is about."""
    words = re.findall(r"[\w'’-]+", question)
    # "I" is no name: "who do I send the request to?" had been read as naming something of its own
    named = any(w[:1].isupper() and not _FIRST_PERSON.fullmatch(w) for w in words[1:])
    if len(words) > BELONGING_WORDS or named or INDEFINITE.search(question):
        return False
    return bool(DEFINITE.search(question))


def _continues(question: str, previous: str) -> bool:
    """A question whose definite phrase ("the review", "the meeting") has a head noun of the last
    question's words (its stem, "review" of "reviewed"): it goes on talking about that."""
    asked = {stem(w) for w in _content(tokens(previous))}
    for match in DEFINITE.finditer(question):
        head = match.group("words").split()[-1].lower()
        if head not in STANDING_REFERENTS and stem(head) in asked:
            return True
    return False


# "how many are there?": of what the last answer named ("Referral and Assessment Social Work
# Teams"), else the last topic; "who is eligible?": for the last topic.
HOW_MANY_THERE = re.compile(r"^\s*(?:and\s+|so\s+)?how many (?:are|were) there\s*\??\s*$", re.IGNORECASE)
# ...and so is "who should be invited?", "who gets told?", "who must be notified?" (a passive with a
# modal or "get": it was read as a question of its own, with nothing to ask it of).
WHO_IS = re.compile(
    r"^\s*(?:and\s+|so\s+)?who\s+(?P<verb>is|are|gets?|(?:should|must|will|would|can|could|needs? to|has to|have to)"
    r"\s+(?:be|get))\s+(?P<what>eligible|entitled|responsible|involved|invited|told|informed|notified|consulted)"
    r"\s*\??\s*$",
    re.IGNORECASE,
)
_WHO_IS_PREPOSITION = {
    "eligible": "for", "entitled": "to", "responsible": "for", "involved": "in", "invited": "to",
    "told": "about", "informed": "about", "notified": "of", "consulted": "about",
}


def _count_reading(question: str, topic: Topic | None, answer_name: str, place: str) -> Reading | None:
    """HOW_MANY_THERE and WHO_IS asked of what the conversation is about; None otherwise."""
    what = WHO_IS.match(question)
    if what and topic and _substantive(topic):
        adjective = what.group("what").lower()
        verb = " ".join(what.group("verb").lower().split())
        text = f"Who {verb} {adjective} {_WHO_IS_PREPOSITION[adjective]} {topic.phrase}?"
        return Reading(_with_council(text, place) if place else text, True, "pronoun", topic.phrase)
    if not HOW_MANY_THERE.match(question):
        return None
    counted = strip_article(answer_name) if answer_name else ""
    generic = topic is not None and bool(
        re.match(r"(?:an?|any)\s", topic.phrase, re.IGNORECASE) or Topic(topic.phrase).plural
    )
    if not counted and generic and _substantive(topic):
        counted = _plural(strip_article(topic.phrase))  # "a family group conference" -> how many of them
    if not counted:
        return None
    text = f"How many {counted} are there{f' in {place}' if place else ''}?"
    return Reading(text, True, "pronoun", counted)


def _plural(phrase: str) -> str:
    """'family group conference' -> 'family group conferences' (its last word; already plural kept)."""
    words = phrase.split()
    last = words[-1]
    if Topic(phrase).plural or last.lower() in ("children", "people"):
        return phrase
    irregular = {"child": "children", "person": "people"}
    if last.lower() in irregular:
        return " ".join([*words[:-1], irregular[last.lower()]])
    last = last[:-1] + "ies" if last.endswith("y") and last[-2:-1] not in "aeiou" else (
        last + "es" if last.endswith(("s", "sh", "ch", "x")) else last + "s"
    )
    return " ".join([*words[:-1], last])


def _base(previous: str, place: str, aliases: dict[str, str]) -> tuple[str, bool]:
    """The last question to build on, and whether its council is already in it: switched where it
    stands when it is the subject ("Does Plymouth have a MASH?" -> "and Stockton?" -> "Does
    Stockton have a MASH?"), else taken out, for `_with_council` to put at the end."""
    in_place = _council_in_place(previous, place, aliases) if place else None
    if in_place and " and " in place:  # two councils are the subject: "Do York and Stockton have …"
        in_place = re.sub(r"^(Does|Has|Is)\b", lambda m: _PLURAL_VERB[m.group(1)], in_place)
    return (in_place, True) if in_place else (_strip_councils(previous, aliases), False)


_PLURAL_VERB = {"Does": "Do", "Has": "Have", "Is": "Are"}


def _council_in_place(question: str, place: str, aliases: dict[str, str]) -> str | None:
    """The question with its council replaced where it stands, when it is the subject or the
    owner ("Does PLYMOUTH have…", "PLYMOUTH's front door"), not a place ("… in Plymouth"); None
    when it is only a place (then it goes to the end, as `_with_council` puts it)."""
    for alias in sorted(aliases, key=len, reverse=True):
        match = re.search(rf"(?<![\w&]){re.escape(alias)}(?![\w&])", question, re.IGNORECASE)
        if not match:
            continue
        before = question[: match.start()]
        if not re.search(r"\w", before) or re.search(rf"\b{_PLACE_WORDS}\s+$", before, re.IGNORECASE):
            return None  # only a council ("Bath?"), or a place ("… in Plymouth")
        return question[: match.start()] + place + question[match.end() :]
    return None


# An age or a time that narrows the last question rather than naming a new topic ("and after 18?",
# "what about over 16s?", "and before the conference?").
QUALIFIER = re.compile(r"^(?:after|before|over|under|aged?|from|until|beyond|past|during)\s+\S", re.IGNORECASE)
# A group of children a follow-up narrows the last question to ("what about babies?", "and for
# disabled children?", "and 16 year olds?"), written from how practitioners name children, and
# where the last question named its child ("a child", "children", "young people"; not "child
# protection", "child in need" or "a child's"): the group stands in the child's place. A status
# ("care leavers", "young carers") is not an age or kind of child: `_swap_object` puts it in place
# of what a team was asked about.
CHILD_GROUP = re.compile(
    r"^(?:for\s+|with\s+)?(?:(?:the|an?|our)\s+)?(?:[\w-]+\s+){0,3}?(?:bab(?:y|ies)|infants?|toddlers?|newborns?|"
    r"teenagers?|teens|adolescents?|siblings?|young (?:people|persons?)|(?:year|yr)[- ]?olds?|"
    r"under[- ]?\d+s?|children|child|kids?|boys?|girls?)\s*$",
    re.IGNORECASE,
)
CHILD_GROUP_WORDS = 5
LAST_CHILD = re.compile(
    r"\b(?:(?:a|the|each|every|any|that)\s+)?(?:child(?:ren)?|young (?:person|people)|kids?)\b"
    r"(?!\s+(?:protection|in need|arrangements?|sexual|criminal|social|services)\b)(?!['’])",
    re.IGNORECASE,
)


def _swap_children(base: str, own: str) -> str | None:
    """'How often must the lead social worker visit a child …?' + 'babies' -> '… visit babies …?'."""
    group = own.strip(" ?.!,")
    if len(group.split()) > CHILD_GROUP_WORDS or not CHILD_GROUP.match(group):
        return None
    child = LAST_CHILD.search(base)
    if not child:
        return None
    group = re.sub(r"^(?:for|with)\s+", "", group, flags=re.IGNORECASE)
    return f"{base[: child.start()]}{group}{base[child.end() :]}".rstrip(" ?.!") + "?"


def _swap_object(base: str, topic: Topic | None, phrase: str) -> str | None:
    """'Which team supports children in care?' + 'care leavers' -> 'Which team supports care
    leavers?': after a which-team question, a new noun phrase takes the place of what the team
    was asked to do something for (the verb's object in "the team that supports …")."""
    if topic is None or not topic.entity or QUESTION_OPENING.match(phrase):
        return None
    # the verb's preposition stays ("works WITH children in care" -> "works with care leavers")
    match = re.match(r"^the\s.+?\sthat\s+\w+\s+(?:(?:with|for|to|on|about)\s+)?(?P<object>.+)$", topic.phrase)
    if not match or match.group("object") not in base:
        return None
    return base.replace(match.group("object"), phrase, 1)


def _it_is_the_topic(
    question: str, reference: re.Match[str] | None, topic: Topic | None, aliases: dict[str, str]
) -> bool:
    """The follow-up's reference is "it", with no antecedent of its own in an earlier clause ("when
    is the first review held, and who chairs it?"), and the last question asked about a thing (not
    "which team …?", whose phrase describes the body the answer names): "it" is that thing."""
    if not (reference and (reference.group(3) or "").lower() == "it" and topic):
        return False
    breaks = list(CLAUSE_BREAK.finditer(question, 0, reference.start()))
    earlier_clauses = question[: breaks[-1].start()] if breaks else ""
    return (
        not topic.entity
        and not topic.can_be_they
        and _substantive(topic)
        and not OWN_ANTECEDENT.search(_strip_councils(earlier_clauses, aliases))
    )


def _substantive(topic: Topic) -> bool:
    """A topic worth carrying: it has a content word that is not a standing referent ("a child"
    from "how soon must a child be seen" is no topic to add; "a strategy meeting" is)."""
    return any(t not in STANDING_REFERENTS for t in _content(tokens(topic.phrase)))


def _swap_topic(base: str, topic: Topic | None, phrase: str) -> str | None:
    """'What is a family group conference?' + 'a strategy discussion' -> 'What is a strategy
    discussion?': the new phrase in place of the last question's whole topic, where that topic is
    what the question is about (a definition, what a service does), not only its subject ("how
    soon must A CHILD be seen" does not become "how soon must a strategy discussion be seen")."""
    if topic is None or topic.entity or topic.phrase not in base or QUESTION_OPENING.match(phrase):
        return None
    if not re.match(r"^\s*(?:what|who)\b", base, re.IGNORECASE) and not _substantive(topic):
        return None
    return base.replace(topic.phrase, phrase, 1)


# A definite description ("the action notes", "the first review") in a follow-up tied to the last
# question names a part of that question's topic (bridging reference), unless it is one of the
# domain's standing referents (topic.STANDING_REFERENTS: "the child", "the family", "the case").
DEFINITE = re.compile(
    r"\bthe\s+(?:(?:first|second|next|last|final|initial|same|other)\s+)?(?P<words>[a-z][\w-]*(?:\s+[a-z][\w-]*)?)\b"
)
INDEFINITE = re.compile(r"\b(?:a|an|any|another)\s+[a-z]")


# A stage of a thing ("the end of a section 47 enquiry", "the outcome of the conference"): what a
# bridged follow-up's part belongs to is the thing itself ("how long does the assessment take?" is
# the enquiry's assessment, not the end's).
STAGE_OF = re.compile(
    r"^(?:the|an?)\s+(?:end|start|beginning|outcome|result|close|conclusion|stage|point|time)\s+of\s+(?=\S)",
    re.IGNORECASE,
)


def _whole(phrase: str) -> str:
    """The thing a stage phrase is a stage of ("the end of a section 47 enquiry" -> "a section 47
    enquiry"); any other phrase as it is."""
    return STAGE_OF.sub("", phrase, count=1)


def _bridges(own: str, topic: Topic) -> bool:
    """Whether a tied follow-up's own words are about a part of the last topic rather than a new
    topic: it holds a definite description of something not yet named, no indefinite one (a new
    thing: "and a core assessment?"), no capitalised name after its first word (a new named
    thing: "and the ARC?"), and no content word of the topic (which it would then repeat)."""
    described = [m.group("words").split() for m in DEFINITE.finditer(own)]
    # "the duty team" is the team, a standing referent, whatever word comes before it
    if not any(words and not STANDING_REFERENTS & set(words) for words in described):
        return False
    if not _substantive(topic):
        return False
    if INDEFINITE.search(own) or re.search(r"(?<=\s)[A-Z]", own):
        return False
    topic_terms = {stem(t) for t in _content(tokens(topic.phrase))}
    return not topic_terms & {stem(t) for t in _content(tokens(own))}


# An auxiliary made to agree with the topic put in place of a pronoun ("do they" -> "does the service").
SINGULAR = {"do": "does", "are": "is", "have": "has", "were": "was"}
PLURAL = {single: plural for plural, single in SINGULAR.items()}


def _pronoun_reading(
    question: str,
    body: str,
    topic: Topic | None,
    answer_name: str,
    place: str,
    aliases: dict[str, str],
    agent: str = "",
    previous: str = "",
) -> Reading | None:
    """The follow-up (`body`: the question without its opening tie) with the last topic in place
    of its pronoun or left-out subject, or None when it has none (or has an antecedent of its
    own, so its pronoun is not about the past)."""
    referent = answer_name if topic is None or topic.entity else topic.phrase
    event = _event_of(previous, aliases) if previous and (topic is None or not _substantive(topic)) else None
    if event and not answer_name and EVENT_PRONOUN.search(body):
        # "where is it recorded?", "who does that?" after "How soon must a child be seen after a
        # referral?": "it" is the child being seen, not the child
        subject, participle, rest = event
        if WHO_DOES_IT.match(question):
            text = f"Who {_active(participle)} {subject}{rest}?"
            return Reading(_with_council(text, place) if place else text, True, "pronoun", f"{subject}{rest}")
        referent = f"{subject} being {participle}{rest}"
    subject_they = re.search(rf"\b{AUXILIARY}\s+they\b", body, re.IGNORECASE)
    if agent and subject_they:  # "do they do that with other councils?" after "who buys X?": whoever buys X
        referent = agent
    if CONTACTED.search(body) and (answer_name or agent):
        # "how do I contact them?" after "who deals with allegations against staff?": the one the
        # answer named (the LADO), not the allegations
        referent = _the(answer_name) if answer_name else agent
    if not referent:
        return None
    they = re.search(r"\b(they|them)\b", body, re.IGNORECASE)
    if they and _plural_before(body, they.start()):
        return None  # "what about charities, can they refer?": they are the charities
    if (
        they
        and they.group(1).lower() == "them"
        and topic
        and not topic.entity
        and referent == topic.phrase
        and re.match(r"an?\s", referent, re.I)
        and _substantive(topic)
    ):
        # "does Torbay offer them?" after "what is a family group conference?": that kind, in the plural
        referent = _plural(strip_article(referent))
    if (
        they
        and referent != agent
        and not (topic and topic.entity)
        and not Topic(referent).can_be_they
        and not CONTACTED.search(body)
    ):
        return None  # "can they refuse?" after "what is a section 20 agreement?": they are people
    bare_who = BARE_WHO.match(question)
    bare_who = bare_who if bare_who and not bare_who.group("that") else None  # "who chairs that?": "that" is the topic
    there = WHO_THERE.match(question)
    if WHAT_NEXT.match(question):
        text = f"What happens after {referent}?"
    elif there:
        text = f"Who {there.group('be').lower()} at {referent}?"
    elif bare_who:
        text = f"Who {bare_who.group('verb')} {referent}?"
    else:
        subject = PRONOUN_SUBJECT.search(body)
        if subject and not ASKED_BEFORE_AUX.fullmatch(body[: subject.start("aux")]):
            subject = None  # "how does york DO IT?": "do" is the verb there, "it" its object
        found = subject or PRONOUN_OBJECT.search(body) or PRONOUN_AFTER_PREPOSITION.search(body)
        possessive = None if found else POSSESSIVE.search(body)
        if possessive and possessive.group("pronoun").lower() == "their" and not (
            (topic and topic.entity) or Topic(referent).can_be_they or _a_name(referent)
        ):
            return None  # "what are their rights?" after "what is a section 20 agreement?": people's
        found = found or possessive
        one = None if found else ONE.search(body)
        if one:  # another of its kind: the topic with "a"/"an" for its article
            named = strip_article(referent)
            found, referent = one, f"{'an' if named[:1].lower() in 'aeiou' else 'a'} {named}"
        if not found:
            return None
        breaks = list(CLAUSE_BREAK.finditer(body, 0, found.start("pronoun")))
        earlier_clauses = body[: breaks[-1].start()] if breaks else ""
        if OWN_ANTECEDENT.search(_strip_councils(earlier_clauses, aliases)):
            return None
        before = body[: found.start("pronoun")]
        if found.re is PRONOUN_SUBJECT:
            aux = found.group("aux")
            plural = Topic(referent).plural and referent != agent  # "whoever buys X" is one
            agreed = (PLURAL if plural else SINGULAR).get(aux.lower(), aux.lower())
            before = before[: found.start("aux")] + (agreed.capitalize() if aux[:1].isupper() else agreed) + " "
        owner = f"{referent}'s" if found.re is POSSESSIVE else referent  # "their caseloads": the team's
        text = before + owner + body[found.end("pronoun") :]
    text = text[:1].upper() + text[1:]
    if place and not detect_authorities(text, aliases):
        text = _with_council(text, place)
    return Reading(text, True, "pronoun", referent)


# A how-soon question about something done to someone ("How soon must A CHILD be SEEN AFTER A
# REFERRAL?"): its subject, participle and the rest, for a follow-up whose "it" is that event.
EVENT_QUESTION = re.compile(
    r"^\s*(?:how\s+(?:soon|quickly|long|often)|when|by\s+when)\s+(?:must|should|will|would|can|is|are|has|have)\s+"
    rf"(?P<subject>.+?)\s+(?:be|been)\s+(?P<participle>\w+ed|{'|'.join(sorted(set(IRREGULAR.values())))})\b"
    r"(?P<rest>[^?]*?)\s*\??\s*$",
    re.IGNORECASE,
)
# "it"/"that"/"this" as a subject or object, not before a noun ("that team" is REFERENCE's)
EVENT_PRONOUN = re.compile(
    r"\b(?:it|that|this)\b(?!\s+(?:team|service|unit|hub|panel|group|board|officer|worker|manager|plan|child|"
    r"meeting|conference|assessment)s?\b)",
    re.IGNORECASE,
)


# "who does it?", "and who does that?": who does the event the pronoun stands for
WHO_DOES_IT = re.compile(
    r"^\s*(?:and\s+|so\s+)?who\s+(?:does|do|did|will|should|must|can)\s+(?:it|that|this)\s*\??\s*$", re.IGNORECASE
)


def _event_of(previous: str, aliases: dict[str, str]) -> tuple[str, str, str] | None:
    """(subject, participle, rest) of a how-soon question about something done to someone, its
    council left out; None for any other question."""
    match = EVENT_QUESTION.match(_strip_councils(previous, aliases))
    if not match:
        return None
    return match.group("subject"), match.group("participle"), match.group("rest").rstrip(" ?.!")


def _active(participle: str) -> str:
    """The present tense a participle comes from: "seen" -> "sees", "completed" -> "completes"."""
    word = participle.lower()
    for present, past in IRREGULAR.items():
        if past == word:
            return present
    if word.endswith("ied"):
        return word[:-3] + "ies"  # notified -> notifies
    if word.endswith("eed"):
        return word[:-1] + "s"  # agreed -> agrees
    if word.endswith(("ssed", "shed", "ched", "xed", "zed")) and not word.endswith(("ised", "ized")):
        return word[:-2] + "es"  # assessed -> assesses
    if re.search(r"(?:[aeiou][tcvgsz]|[^aeiou][cvg]|[aeiou]s|ur)ed$", word):
        return word[:-1] + "s"  # completed -> completes, allocated, organised, closed, served
    return word[:-2] + "s" if word.endswith("ed") else word  # recorded -> records, reviewed -> reviews


def _asked_again(question: str, previous: str, place: str, aliases: dict[str, str]) -> Reading | None:
    """A bare question word ("how often?") asks the last question that way: its own question word
    replaced ("When is X held" -> "How often is X held"), or a who-question turned round ("Who
    reviews X" -> "How often are X reviewed"). A bare "who decides?" after a yes/no question asks
    who decides whether it is so. None for anything else."""
    base = _strip_councils(previous, aliases).rstrip(" ?.!")
    bare = BARE_WH.match(question)
    bare_who = BARE_WHO.match(question)
    text = ""
    after = bare and (bare.group("before") or bare.group("after"))
    if (only_after := BARE_AFTER.match(question)) and base:
        text, after = base, only_after.group("after")
    elif bare and WH_OPENING.match(base):
        text = WH_OPENING.sub(f"{bare.group('wh')} ", base, count=1)
    elif bare and (who := WHO_DOES.match(base)):
        verb, done = who.group("verb").lower(), who.group("object")
        stem = verb[:-1]  # "reviews" -> "review", "completes" -> "complete", "notifies" -> "notifie"
        participle = IRREGULAR.get(verb) or stem + ("d" if stem.endswith("e") else "ed")
        be = "are" if Topic(done).plural else "is"
        text = f"{bare.group('wh')} {be} {done} {participle}"
    elif bare and YES_NO.match(base):  # "when was that?" after "did the team take on staff?"
        text = f"{bare.group('wh')} {base[:1].lower()}{base[1:]}"
    elif bare_who and (embedded := _embedded_question(base, bare_who.group("verb"))):
        text = f"Who {bare_who.group('verb')} {embedded}"
    elif bare_who and (yes_no := YES_NO.match(base)) and not re.search(r"\b(?:it|they|this|that)\b", question):
        subject = _subject_of(yes_no.group("body"))
        if subject:
            rest = yes_no.group("body")[len(subject) :].strip()
            text = f"Who {bare_who.group('verb')} whether {subject} {yes_no.group('aux').lower()} {rest}"
    told = WHO_TOLD.match(question)
    if told and not text and (embedded := _embedded_question(base, "decides")).startswith(("when ", "whether ")):
        # "who needs to be told?" after "when does a plan end?": who is told of it, when it does
        text = f"Who {told.group('told')} {embedded}"
    if not text:
        return None
    text = text[:1].upper() + text[1:] + "?"
    text = _with_council(text, place) if place else text
    if after:  # "When must the first core group meet in Sussex, after that?"
        text = f"{text.rstrip(' ?')}, {after.lower()}?"
    return Reading(text, True, "asked again")


# "who needs to be told?", "who must be notified?": who is told of what the last question asked
WHO_TOLD = re.compile(
    r"^\s*(?:and\s+|so\s+)?who\s+(?P<told>(?:needs|has|have|need|must|should)\s+(?:to\s+)?be\s+"
    r"(?:told|informed|notified|consulted))\s*\??\s*$",
    re.IGNORECASE,
)
# Verbs whose object can be a whole question ("who DECIDES how families get into Family
# Solutions?"): after "how do families get into Family Solutions?", a bare "who decides?" asks
# who decides that, not who decides "families". Other verbs ("who attends?") take the last topic.
DECIDING = re.compile(
    r"^(?:(?:can|should|must|will|would|does|do)\s+)?(?:decide|determine|agree|approve|choose|judge|check|confirm|"
    r"authori[sz]e|sign off|say)s?$",
    re.IGNORECASE,
)
WH_AUX = re.compile(
    rf"^\s*(?P<wh>how(?:\s+(?:long|soon|often|quickly|many\s+\w+|much))?|when|where|why|which\s+\w+)\s+"
    rf"(?P<aux>{AUXILIARY})\s+(?P<body>.+)$",
    re.IGNORECASE,
)


def _embedded_question(base: str, verb: str) -> str:
    """A wh-question turned into the clause a deciding verb takes ("How do families get into X" ->
    "how families get into X"; "When is the conference held" -> "when the conference is held"),
    or "" when the verb is not one of those or the question has no such shape."""
    asked = WH_AUX.match(base)
    if not DECIDING.match(verb.strip()) or not asked:
        return ""
    body, aux = asked.group("body").strip(), asked.group("aux").lower()
    subject = _subject_of(body)
    if not subject or aux == "did":  # "did" would need the past tense of the verb after it
        return ""
    rest = body[len(subject) :].strip()
    if aux == "does":  # "does a family get" -> "a family gets"
        first, _, after = rest.partition(" ")
        rest = f"{_third_person(first)} {after}".strip()
    elif aux != "do":
        rest = f"{aux} {rest}"
    return f"{asked.group('wh').lower()} {subject} {rest}"


def _third_person(verb: str) -> str:
    if re.search(r"(?:s|sh|ch|x|z|o)$", verb):
        return verb + "es"
    if re.search(r"[^aeiou]y$", verb):
        return verb[:-1] + "ies"
    return verb + "s"


def _subject_of(words: str) -> str:
    """The subject at the start of a yes/no question's body ("a case" of "a case be stepped down")."""
    subject = subject_phrase(words)
    return subject if subject and subject != words.strip() else ""


def _agent(previous: str, answer_name: str, aliases: dict[str, str]) -> str:
    """Who a "who VERBs X?" question asked for: the team its answer named, else "whoever VERBs X"
    ("they" in the next question is them, not X). "" for a question of another shape."""
    who = WHO_DOES.match(_strip_councils(previous, aliases))
    if not who:
        return ""
    return _the(answer_name) if _names_something(answer_name) else f"whoever {who.group('verb')} {who.group('object')}"


# A question asking who does something: "who VERBs …", "which team/service VERBs …".
AGENT_QUESTION = re.compile(
    rf"^\s*(?:and\s+|so\s+|ok\s+)?(?:who|which\s+(?:[a-z'’-]+\s+){{0,2}}?(?:{UNIT_NOUNS})s?)\s+(?!is\b|are\b|was\b|has\b)(?P<verb>[a-z]+s)\b",
    re.IGNORECASE,
)


def _asked_of(previous: str, aliases: dict[str, str]) -> str:
    """What an agent question was asking about: "section 47 enquiries" in "Which team does section
    47 enquiries in York?" or "Who reviews looked after children?"; "" for another shape."""
    question = _strip_councils(previous, aliases).strip()
    agent = AGENT_QUESTION.match(question)
    if not agent:
        return ""
    return question[agent.end():].strip(" ?.!")


def _plural_before(body: str, at: int) -> bool:
    """An earlier clause of the follow-up names a plural of its own for "they" ("what about
    CHARITIES, can they refer?")."""
    breaks = list(CLAUSE_BREAK.finditer(body, 0, at))
    if not breaks:
        return False
    earlier = body[: breaks[-1].start()].lower()
    return any(Topic(w).plural and w not in STOPWORDS and w not in _S_ADVERBS for w in re.findall(r"[a-z]+", earlier))


# Words ending in -s that are not plurals of a thing "they" could be.
# fmt: off
_S_ADVERBS = frozenset([
    "always", "perhaps", "sometimes", "unless", "across", "towards", "afterwards", "whereas", "besides", "thus",
    "plus", "yes", "as", "its", "his", "hers", "ours", "yours", "theirs", "has", "was", "does", "is",
])
# fmt: on


def _answer_name(previous: Turn, topic: Topic | None) -> str:
    """What the last answer is about when it answered "which team …?": the team its lead named,
    else the question's own description of it ("the team that runs fostering"); "" otherwise."""
    if _names_something(previous.lead):
        return previous.lead
    return topic.phrase if topic and topic.entity else ""


def _names_something(lead: str) -> bool:
    """A lead that names a team or role, not a sentence or a duration."""
    return (
        bool(lead)
        and len(lead.split()) <= NAME_WORDS
        and not lead.rstrip().endswith(".")
        and lead[:1].isupper()
        and not re.search(r"\d", lead)
    )


def _a_name(phrase: str) -> bool:
    """A phrase whose last word is capitalised names an organisation ("the ARC", "the Family
    Placement Team"), which British English calls "they": "who are their staff?"."""
    words = strip_article(phrase).split()
    return bool(words) and words[-1][:1].isupper()


def _owned(reference: re.Match[str], name: str) -> str:
    """What a reference is replaced by: the name, or its possessive for "their"/"its"."""
    return f"{name}'s" if reference.group(0).lower() in ("their", "its") else name


def _the(lead: str) -> str:
    return lead if lead.isupper() else "the " + strip_article(lead)


def _after_a_refusal(history: Sequence[Turn]) -> Turn:
    """The last turn, as a follow-up reads it. A question the guidance did not cover, asked of no
    council ("who pays for the taxi?" after a question about Bath), does not end the conversation's
    council: the turn takes the council of the last turn before it that had one, so "and who
    chairs the initial conference?" is still asked of Bath."""
    previous = history[-1]
    if previous.answered or previous.authorities:
        return previous
    earlier = next((t.authorities for t in reversed(history[:-1]) if t.authorities), ())
    return replace(previous, authorities=earlier)


def _place(question: str, named: list[str], previous: Turn, aliases: dict[str, str]) -> str:
    """The council to ask about: the one named now (as typed), else the previous turn's. Two or
    more named now ("and in York and Torbay?") are all asked about, in the order typed."""
    if named:
        found: dict[str, re.Match[str]] = {}
        for alias in sorted(aliases, key=len, reverse=True):
            match = re.search(rf"(?<![\w&]){re.escape(alias)}(?![\w&])", question, re.IGNORECASE)
            if match and aliases[alias] in named and aliases[alias] not in found:
                found[aliases[alias]] = match
        typed = [m.group(0) for m in sorted(found.values(), key=lambda m: m.start())]
        if typed:
            return " and ".join(typed)
    if previous.authorities:
        authority = previous.authorities[0]
        # The shortest name practitioners type that is a word, not an acronym ("York", not "CYC").
        typed = [a for a, name in aliases.items() if name == authority and not a.isupper()]
        return min(typed, key=len, default=authority)
    return ""


def turn_from(answer: Answer) -> Turn:
    """What a later follow-up may refer to in an answer: the question as understood, its council
    and the lead of its first part (a team, for a who-question)."""
    lead = answer.parts[0].lead if answer.parts and not answer.abstained else ""
    return Turn(answer.understood_as or answer.question, turn_council(answer), lead, not answer.abstained)


def turn_council(answer: Answer) -> tuple[str, ...]:
    """The council a follow-up to this answer is about: the one the question asked about (even
    when its documents did not say and another council's guidance was shown instead), else the
    one council that answered; none when several councils answered, each for its own area."""
    if answer.authority_filter:
        return tuple(answer.authority_filter[:1])
    if answer.not_covered:  # a council the library holds nothing from ("… in Leeds?"): still the one asked about
        return tuple(answer.not_covered[:1])
    councils = list(dict.fromkeys(answer.authorities))
    return tuple(councils) if len(councils) == 1 and not answer.abstained else ()
