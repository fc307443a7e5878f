"""Answer writing, the lead line (pure): the few words of the cited sentence that answer the question.

Every lead is a span of the sentence's own words, never a paraphrase: the duration for a
timescale question ("within a maximum of 5 working days"), the team or role for a
who-does-what question, the level for a threshold question, and otherwise the whole
sentence (which is then not quoted a second time). `source_label` gives the short
"authority, document year" form an answer names its source by, once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.query import content_terms, stem
from assistant.timescales import (
    _TIMESCALE,  # one pattern for what a duration looks like
    DATE,
    extract_timescales,
)
from assistant.topic import WHO_ADVERB
from assistant.types import DocumentMeta

# Words that open a duration phrase ("within", "no later than") and words that carry it on
# to its starting event ("… of the referral", "… from the strategy discussion").
_DURATION_OPENERS = r"(?:(?:with)?in|no later than|not later than|not more than|by|at least|at most|up to|every|after|before|a maximum of|maximum of|of)"  # noqa: E501
_DURATION_TAIL_WORDS = 8  # enough for "of the strategy discussion being held", short of a new clause
# Words a tail cut at a clause's end may be left hanging on ("… of the strategy discussion at" before
# "which …"): dropped, so the lead does not read as cut off mid-phrase.
_HANGING_WORDS = frozenset(["a", "an", "the", "at", "in", "on", "of", "to", "for", "by", "with", "from", "and", "or"])
# Where the clause holding a duration starts: after a semicolon, colon or bullet, or the opening
# bracket of an aside the duration sits in (an aside closed before it is part of the clause:
# "children in care (accommodated under section 20) at their 4 month review"). Not at a comma or
# a conjunction: "referrals relating to disabled children and young people will be responded to
# within 48 hours" must not lead with "young people will be responded to …".
# A clause starts after ; : or a bullet, inside an open bracket, or at a new sentence (a quote can
# carry the sentence its "It …" refers to).
_CLAUSE_START = re.compile(r"[;:•]\s*|(?<=[.!?])\s+(?=[A-Z])|\((?![^)]*\))\s*")
CLAUSE_LEAD_WORDS = 20  # longer than this, the clause is no longer a lead line: its last words only
CLAUSE_TAIL_WORDS = 6  # "… who will assume case responsibility within 24 hours": the verb and its object
_CLAUSE_END = re.compile(r"[.;:,!?()•]|\s(?:and|but|which|where|unless|although)\s")
_NAMED = r"\b[A-Z][\w'’&-]*(?:,?\s+(?:(?:of|for|and|in|&)\s+)?[A-Z][\w'’&-]*){0,6}\s+"
# A named team or role: capitalised words (small joining words allowed) ending in a team noun
# ("Child in Need Teams") or a person's role ("Local Authority Designated Officer"), or an acronym.
# A centre or group is a service too ("Assessment Resource Centre (The ARC)" supervises contact).
_UNIT_NOUNS = r"(?:Team|Service|Hub|Unit|Panel|Board|Partnership|Conference|Centre|Center|Group|Department|Directorate)"
_TEAM = re.compile(rf"{_NAMED}{_UNIT_NOUNS}s?\b|\bMASH\b")
_PERSON = re.compile(
    rf"{_NAMED}(?:Manager|Officer|Worker|Co-?ordinator|Chair|Lead|Practitioner|Nurse|Doctor|Paediatrician|"
    r"Consultant|Director)s?\b|\b(?:LADO|IRO|DSL)\b"
)
# A sentence whose subject is a team only by reference ("The team provide…", "This service is…",
# "They offer…"): which team is said by its heading or the line introducing it.
_GENERIC_SUBJECT = re.compile(rf"^\s*(?:(?:the|this|that|our|these)\s+{_UNIT_NOUNS.lower()}s?\b|they\b)", re.IGNORECASE)
_ASKS_FOR_TEAM = re.compile(r"\b(team|service|hub|unit|panel|department)s?\b", re.IGNORECASE)
_LEVEL = re.compile(r"\b(?:Level|Tier)\s+\w+(?:\s*[–-]\s*[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,3})?")
_AUTHORITY_SUFFIXES = re.compile(r"\s+(?:City|Borough|County|Metropolitan Borough|District)?\s*Council$")


def lead_text(
    intent: str,
    sentence: str,
    headings: tuple[str, ...] = (),
    question: str = "",
    introduced_by: str = "",
    about: Callable[[str], float] | None = None,
) -> str:
    """The words of `sentence` that answer a question of this intent (see module docstring).
    `introduced_by`: the line a list item sits under ("The Safeguarding and Family Support Service
    covers the following areas: …"), which names who does what the item lists. `about`: how much
    of the question a clause holds (see timescale_span)."""
    text = _strip_bullet(sentence)
    span = ""
    if intent == "timescale":
        span = timescale_span(text, about)
    elif intent == "who":
        span = who_named(text, headings, question, introduced_by)
    elif intent == "date":
        match = DATE.search(text)
        if match:  # the clause the date sits in, up to the date
            starts = [m.end() for m in _CLAUSE_START.finditer(text[: match.start()])]
            span = text[starts[-1] if starts else 0 : match.end()].strip(" ,;")
    elif intent == "threshold":
        match = _LEVEL.search(text)
        span = match.group(0).strip() if match else ""
    span = span or text.strip()
    return span[:1].upper() + span[1:]


def who_named(
    sentence: str, headings: tuple[str, ...] = (), question: str = "", introduced_by: str = ""
) -> str:
    """The team or role that answers a who-question from this sentence: its own team name, else
    that of the line introducing it as a list item, else the heading's ("7.3 Disabled Children's
    Team" over "The service is case responsible…"). A team for "which team…", else a person's role
    first. "" when none of them names one."""
    text = _strip_bullet(sentence)
    kinds = (_TEAM, _PERSON) if _ASKS_FOR_TEAM.search(question) else (_PERSON, _TEAM)
    places = (text, introduced_by, *(_strip_number(h) for h in reversed(headings)))
    if _GENERIC_SUBJECT.match(text):
        # "The team provide:- • Crisis response to the Safeguarding Hub": the team is the one its
        # heading (or introducing line) names, not a team the sentence names after it.
        places = (*places[1:], text)
    # The name, not the article the sentence put before it ("A Family Placement Team …"), and
    # not the question's own subject (restates_question).
    return _passive_agent(text, question, kinds) or _active_agent(text, question, kinds) or next(
        (name for kind in kinds for place in places if (name := _unit_name(kind, place, question))), ""
    )


def _unit_name(kind: re.Pattern[str], place: str, question: str = "") -> str:
    """The first team or role `kind` finds in `place` that is a name: "The Team Manager" opens
    with "The Team", an article and a unit noun, which names nothing ("Team" led an answer);
    nor is the question's own subject (restates_question)."""
    for match in kind.finditer(place):
        name = strip_article(match.group(0).strip())
        if (len(name.split()) > 1 or not re.fullmatch(_UNIT_NOUNS + "s?", name)) and not restates_question(
            name, question
        ):
            return name
    return ""


def restates_question(name: str, question: str) -> bool:
    """The name is what the question is about, not who answers it: its unit noun ("Conference",
    "Panel", "Team") is in the question other than as the kind of unit asked for ("which team …"),
    and at least half its words are the question's. Asked "who chairs the initial child protection
    conference?", the list item "Transfer-In Initial Child Protection Conferences" is no chair (it
    led such an answer, pointed to from a council whose guidance did not say); asked "which team
    supports care leavers?", the "Care Leavers Team" is the answer."""
    if not question or not name.split():
        return False
    unit = name.split()[-1].lower().rstrip("s")
    # ...as a noun: "who chairs …" asks for a chair, and "Child Protection Conference Chair" answers it
    said = [
        m
        for m in re.finditer(rf"\b{re.escape(unit)}s?\b", question, re.IGNORECASE)
        if not _AS_VERB.search(question[: m.start()])
    ]
    if not said:
        return False
    if any(m.group(1).lower().rstrip("s") == unit for m in _ASKED_UNIT.finditer(question)):
        return False
    words = set(content_terms(name))
    asked = set(content_terms(question))
    # one word in two forms the light stemmer leaves apart ("conferenc", "conference") is one word
    shared = [
        w
        for w in words
        if any(w == a or (min(len(w), len(a)) >= 4 and (w.startswith(a) or a.startswith(w))) for a in asked)
    ]
    return bool(words) and 2 * len(shared) >= len(words)


# What comes before a word used as the question's verb: "who chairs", "who will lead", "who should manage".
_AS_VERB = re.compile(r"\bwho\s+(?:(?:will|should|must|does|do|can|would|is to|has to)\s+)?$", re.IGNORECASE)
# The kind of unit a question asks for: "which team", "what service", "which of the panels".
_ASKED_UNIT = re.compile(rf"\b(?:which|what|whose)\s+(?:\w+\s+){{0,2}}?({_UNIT_NOUNS})s?\b", re.IGNORECASE)


# "who chairs …?", "who decides …?", "who will lead …?": the action a who-question asks about.
# An adverb between "who" and its verb is no action (topic.WHO_ADVERB): "who actually reviews the plan?".
WHO_ACTS = re.compile(
    r"^\W*(?:(?:and|so|ok|but)\s+)?who\s+(?:(?:will|should|must|can|would|is to|has to)\s+)?"
    rf"{WHO_ADVERB}(?P<verb>[a-z]+)\b",
    re.IGNORECASE,
)
# Words after "who" that name no action: "who is the LADO?", "who does section 47 enquiries?" (its
# action is in the words after), "who do I contact?".
_NOT_AN_ACTION = frozenset(
    [
        *("is", "are", "was", "were", "be", "been", "has", "have", "had", "does", "do", "did"),
        *("can", "could", "should", "must", "will", "would", "may", "might", "shall", "the", "a", "an"),
    ]
)


# A who-question asking who is there ("who has to be at a strategy discussion?", "who is invited to
# the conference?", "who takes part in the core group?"): its action is attending, however asked,
# and a sentence answers it by speaking of being there in some form (PRESENCE_WORDS).
WHO_ATTENDS = re.compile(
    r"^\W*(?:(?:and|so|ok|but)\s+)?who\s+(?:(?:will|should|must|can|would|is to|has to|have to|needs? to|"
    r"ought to|tends? to)\s+)?(?:be\s+(?:at|in|present|there|invited|involved)\b|(?:is|are)\s+(?:present|"
    r"invited|involved)\b|goes\s+to\b|go\s+to\b|takes?\s+part\b|sits?\s+on\b|attends?\b|joins?\b)",
    re.IGNORECASE,
)
ATTEND = "attend"
# How guidance says who is there: "attended by", "invited", "present", "participants", "members",
# "involve", "include" ("the discussion should include the police"). Not "join": its stem
# begins "joint" ("joint with the police").
PRESENCE_WORDS = ("attend", "invit", "present", "particip", "member", "involv", "includ")


def asked_action(question: str) -> str:
    """The verb of a who-question asking who does something ("chairs" in "who chairs the
    conference?"; ATTEND for who is there, WHO_ATTENDS), as typed in lower case; "" for any other
    question ("who is the LADO?")."""
    if WHO_ATTENDS.match(question):
        return ATTEND
    acts = WHO_ACTS.match(question)
    verb = acts.group("verb").lower() if acts else ""
    return "" if verb in _NOT_AN_ACTION else verb


def does_action(terms: Sequence[str], verb: str) -> bool:
    """The (stemmed) terms speak of the asked action in some form (holds_word); being there, in
    any of the words guidance says it with (PRESENCE_WORDS)."""
    if verb == ATTEND:
        return any(holds_word(terms, word) for word in PRESENCE_WORDS)
    return holds_word(terms, stem(verb))


def holds_word(terms: Sequence[str], word: str) -> bool:
    """One of the (stemmed) terms is the word in some form: it begins with the word's stem less its
    last letter, at least four letters ("conference" in "Conferences", "decid" in "decision")."""
    prefix = word[: max(4, len(word) - 1)]
    return any(t == word or t.startswith(prefix) for t in terms)


# The one who does the asked action, named after "by" in the passive: "… on a rota and managed by a
# Deputy Team Manager" answers "who manages the duty teams?", not the Contact, Referral and
# Assessment Service the sentence opens with; "chaired by an independent Child Protection Conference
# Chair". The word before "by" is the action in some form (holds_word, as write._does_what_is_asked
# asks of a sentence).
_BY_AGENT_WORDS = 8  # the words after "by" a name is looked for in


def _passive_agent(text: str, question: str, kinds: tuple[re.Pattern[str], ...]) -> str:
    """The team or role named as the agent of the question's action in `text` ("managed by X"), or ""."""
    verb = asked_action(question)
    if not verb:
        return ""
    action = stem(verb)
    for match in re.finditer(r"\b([\w'-]+)\s+by\s+", text):
        if not holds_word(content_terms(match.group(1)), action):
            continue
        after = " ".join(text[match.end() :].split()[:_BY_AGENT_WORDS])
        name = next((n for kind in kinds if (n := _unit_name(kind, after, question))), "")
        if name:
            return name
    return ""


# ...and the one named just before it in the active voice: "Working closely with Advanced
# Practitioners and the Workforce Development Unit the Principal Social Worker leads on the
# Assessed first Year in Employment" answers "who leads the ASYE?" with the Principal Social
# Worker, not the first role the sentence names. Only auxiliaries and such may come between.
_ACTIVE_GAP = r"(?:\s+(?:will|shall|must|should|also|then|is|are|can|may|to|currently|now|jointly|usually))*"


def _active_agent(text: str, question: str, kinds: tuple[re.Pattern[str], ...]) -> str:
    """The team or role named as the subject of the question's action in `text` ("X leads …"), or ""."""
    verb = asked_action(question)
    if not verb:
        return ""
    action = stem(verb)
    for kind in kinds:
        for match in kind.finditer(text):
            then = re.match(rf"{_ACTIVE_GAP}\s+([\w'-]+)", text[match.end() :], re.IGNORECASE)
            if then and holds_word(content_terms(then.group(1)), action):
                name = _unit_name(kind, match.group(0), question)
                # ...with a role joined to it by a slash: "The Team Manager/Deputy Manager will
                # quality assure and sign off" is the one or the other
                joined = re.search(r"((?:[A-Z][\w'-]*\s+){0,3}[A-Z][\w'-]*)\s*/\s*$", text[: match.start()])
                if name and joined:
                    return f"{strip_article(joined.group(1))}/{name}"
                if name:
                    return name
    return ""


def answer_values(intent: str, sentence: str, question: str = "") -> tuple[str, ...]:
    """Every answer of the kind a question of this intent asks for that the sentence holds, in a
    form two sentences can be compared by: its durations ("5 working days") for a timescale
    question, the teams and roles it names for who-does-what (not the question's own subject,
    given the `question`: restates_question), the levels for a threshold question; () for other
    intents."""
    text = _strip_bullet(sentence)
    if intent == "timescale":
        return tuple(extract_timescales(text))
    kinds = {"who": (_TEAM, _PERSON), "threshold": (_LEVEL,)}.get(intent, ())
    found = (strip_article(" ".join(m.group(0).split())) for k in kinds for m in k.finditer(text))
    return tuple(dict.fromkeys(v for v in found if v and not (intent == "who" and restates_question(v, question))))


def duration_span(sentence: str) -> str:
    """'The child will be seen within a maximum of 5 working days and …' -> 'within a maximum of
    5 working days'; with the event it runs from when the sentence says so."""
    match = _TIMESCALE.search(sentence)
    return _duration_at(sentence, match) if match else ""


def _duration_at(sentence: str, match: re.Match) -> str:
    """duration_span for the duration `match` found in the sentence."""
    start = _opener_start(sentence, match)
    after = sentence[match.end() :]
    tail = re.match(r"\s+(?:of|from|after|following|before|since)\b", after, re.IGNORECASE)
    end = match.end()
    if re.search(r"(?:day|hour|week|month|year)$", match.group(0), re.IGNORECASE):
        # A singular unit after a number names a thing, not a wait: "at their 4 month review",
        # "the 45 day assessment period". The duration alone would say only "at their 4 month".
        noun = re.match(r"(?:[\s-]+(?!(?:and|or|but|to|of|for|in|on|the|a|which|where)\b)[a-z]+){1,2}", after)
        if noun:
            return sentence[start : match.end() + noun.end()].strip(" ,;")
    if tail:
        rest = after[tail.end() :]
        stop = _CLAUSE_END.search(rest)
        limit = stop.start() if stop else len(rest)
        words = rest[:limit].split()[:_DURATION_TAIL_WORDS]
        while words and words[-1].lower() in _HANGING_WORDS:
            words.pop()
        end = match.end() + tail.end() + (len(" ".join(words)) + 1 if words else 0)
    return sentence[start:end].strip(" ,;")


_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def strip_article(name: str) -> str:
    """'A Family Placement Team' -> 'Family Placement Team': a team is named without the article
    its sentence put before it."""
    return _ARTICLE.sub("", name)


def _opener_start(sentence: str, match: re.Match) -> int:
    """Where the words that open a duration ("within a maximum of") start, before its match."""
    before = sentence[: match.start()]
    opener = re.search(rf"(?:\b{_DURATION_OPENERS}\s+)+(?:\w+\s+){{0,2}}$", before, re.IGNORECASE)
    return opener.start() if opener else match.start()


def timescale_span(sentence: str, about: Callable[[str], float] | None = None) -> str:
    """The duration with what it applies to: the clause that holds it, from its start to the
    duration's end ('The child will be seen within a maximum of 5 working days'). A bare duration
    reads as the answer to whatever was asked: 'Within 5 working days' led an answer about when
    IROs must be told, from a sentence about seeing the child. A clause that starts more than
    CLAUSE_LEAD_WORDS words before the duration gives its last CLAUSE_TAIL_WORDS words, after "…".

    A sentence with several durations ("… within 15 working days …: … until the 4 week review
    meeting …") leads with the clause `about` finds holds most of the question (the first of
    equals; the first clause when no `about` is given): the first duration answered whatever was
    asked, though the sentence gives it for something else."""
    clauses = duration_clauses(sentence)
    if not clauses:
        return ""
    if about is None or len(clauses) == 1:
        return clauses[0]
    return max(clauses, key=about)  # max keeps the first of equals


def duration_clauses(sentence: str) -> list[str]:
    """Each duration of the sentence with its clause, in order (timescale_span's candidates)."""
    out = []
    for match in _TIMESCALE.finditer(sentence):
        span = _duration_at(sentence, match)
        at = sentence.find(span, _opener_start(sentence, match))
        starts = [m.end() for m in _CLAUSE_START.finditer(sentence[:at])]
        subject = sentence[starts[-1] if starts else 0 : at].strip()
        words = subject.split()
        if not subject:
            clause = span
        elif len(words) > CLAUSE_LEAD_WORDS:
            clause = f"… {' '.join(words[-CLAUSE_TAIL_WORDS:])} {span}"
        else:
            clause = f"{subject} {span}"
        if clause not in out:
            out.append(clause)
    return out


def short_authority(name: str) -> str:
    """'City of York Council' -> 'York'; 'Bath and North East Somerset Council' -> 'Bath and North East Somerset'."""
    short = _AUTHORITY_SUFFIXES.sub("", name.strip())
    return re.sub(r"^City of\s+", "", short) or name


def listing(names: Sequence[str], last: str = "and") -> str:
    """'York', 'York and Torbay', 'York, Torbay and Plymouth': a council's own name may hold an
    "and" (Bath and North East Somerset), so only the last pair is joined by it."""
    names = list(names)
    return names[0] if len(names) < 2 else f"{', '.join(names[:-1])} {last} {names[-1]}"


def source_label(meta: DocumentMeta) -> str:
    """The short form an answer names its source by: 'York, service description (undated)'."""
    year = meta.published[:4] if meta.published and meta.published != "undated" else "undated"
    kind = meta.doc_type or "document"
    status = "" if meta.status == "current" else f", {meta.status.upper()}"
    return f"{short_authority(meta.authority)}, {kind} {year}{status}"


def _strip_number(heading: str) -> str:
    return re.sub(r"^\s*\d+(?:\.\d+)*\.?\s+", "", heading)


def _strip_bullet(sentence: str) -> str:
    return re.sub(r"^\s*[•–·-]\s+", "", sentence)
