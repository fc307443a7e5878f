"""Answer writing for a partner agency's "should I refer? where do I send it?": never a refusal.

A teacher, GP or police officer asking about a specific worry must leave with somewhere to go.
The answer is, in order: the 999 line when a child is in danger now; the front door of the
council concerned with the contact details the curator recorded (or a plain statement that
none is recorded: a number is never guessed); a reminder that an unsure referrer should ask
the front door (the assistant never tells anyone not to refer); then what that council's
guidance says about the concern, quoted and cited. With no council named it lists every
council's front door and asks which council the child lives in, quoting nothing, so no
council's threshold is mistaken for another's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.councils import their_front_doors
from assistant.lead import short_authority
from assistant.query import CONCERN_CATEGORIES, NEED_CATEGORIES, Query, category_pattern
from assistant.safety import SAFETY_LINE, danger_now
from assistant.timescales import extract_timescales
from assistant.types import Answer, Passage
from assistant.write import TIMESCALE_MIN_SIMILARITY, ExtractiveWriter, ScoredSentence, render_text, score_sentences

NO_CONTACTS = "no phone number or address is recorded in this library: use the council's published contact details"
ASK_ANYWAY = (
    "Not sure it meets the threshold? Ask the front door: that is what it is for. "
    "(The assistant's advice, not a quote from the guidance.)"
)
WHICH_COUNCIL = "Which council does the child live in? Each council has its own front door; ask again naming it:"
# A council named that the library holds nothing from (assistant.councils): its own front door is
# the answer, by name only (no contact detail of it is known here, and none is made up); the
# library's councils follow for a child who lives in one of them.
NOT_HELD = (
    "This library holds no guidance from {names}. Contact {doors}: this library records no contact "
    "details for it, so use the council's published ones."
)
IF_ONE_OF_THESE = "If the child lives in one of the councils this library covers, their front doors are:"
# A sentence of the council's guidance that says how a worry is judged or routed: referrals and
# referrers, the threshold or levels of need, consultation and advice, early help, the front door,
# contacts received. Where the fitted model finds nothing in a council's guidance that answers the
# concern itself, these sentences (and those naming the concern's category, e.g. neglect) are
# still quoted: the issue asks for the council's threshold guidance after the front door, and a
# sentence about something else (fostering fairs, caseloads) never is.
# A sentence that names the kind of worry described (neglect, domestic abuse) is about this concern,
# not only about referrals in general: it is ranked first among the council's routing sentences.
# 0.15 is more than the spread of a council's three best routing sentences here (about 0.1), so
# such a sentence leads; it is only ever added to sentences that already pass ROUTING_CUE's filter.
CATEGORY_BONUS = 0.15
# Routing sentences quoted per council where nothing answers the concern itself. Two made the
# median partner answer 174 words on the eval set; one, 138, with no eval item passing or failing
# differently on the tune split (nor on any other): the front door is the answer, the quote is
# the council's own word on how it is judged, and the source card holds the rest.
ROUTING_QUOTES = 1
# ...and, for a partner asking what happens next or how soon (Query.asks_what_next), one more: the
# council's best sentence stating how soon it acts (a duration, as near the routing or response
# question as a timescale answer must be to its question: write.TIMESCALE_MIN_SIMILARITY).
TIMING_QUOTES = 1
# ...and, for a partner asking to talk a worry through first (Query.asks_advice), up to this many
# more of the council's sentences offering consultation or advice to those who refer (ADVICE_CUE),
# beside its best routing sentence: a service statement often says it in more than one place (B&NES:
# "professional consultation … as to whether the child has met the threshold", "advice and guidance
# to referrers about those which do not meet that threshold", "consultation to referring agencies
# where the threshold has not been met"), and each is a way in for the one asking. One: two gave the
# eval one more tune item (B&NES's third such sentence) and no other change, but 235-word answers
# and, on this session's partner probe, a York foster carers' "therapeutic consultation" as a third
# quote for a health visitor.
ADVICE_QUOTES = 1
# Consultation or advice offered (in lower case, or opening the sentence: "the Advice and Assessment
# teams" is a name; routes() holds the sentence to routing guidance besides)...
ADVICE_CUE = re.compile(
    r"\b(?:consultation|consult|advice|advise|advising|discuss\w*)\b|^\W*(?i:consultation|advice)\b"
)
# ...to those who refer: the sentence speaks of referring, other agencies, the threshold or the point
# of contact. York's "professional advice and support (including … therapeutic consultation …)" for
# its foster carers had been quoted to a health visitor asking to talk a family through.
ADVICE_TO_REFERRERS = re.compile(r"\b(?:refer\w*|agenc\w+|thresholds?|point of contact|partners?)\b", re.IGNORECASE)
# Headings shown above the council's sentence in a partner's answer. A practitioner's answer shows
# the nearest only (write.LEAD_HEADING_LEVELS); a reader outside social care does not know the
# council's structure, and the nearest heading is often a part of a service's section that names
# no service ("Specific Services", "Process of work", "Scope of work"): the one above it does
# ("DISABLED CHILDREN'S SERVICE", "7.1 Children and Families Assessment and Intervention Team").
PARTNER_HEADING_LEVELS = 2
# "has received 357 referrals", "1,200 contacts a year", "the volume of referrals": performance
# figures, not how to refer.
REFERRAL_COUNT = re.compile(
    r"\b\d[\d,]*\s+(?:\w+\s+){0,2}(?:referrals|contacts)\b"
    # ...and the same told in words: "the volume of referrals and trends", "the rate of re-referrals"
    r"|\b(?:volume|volumes|number|numbers|rate|rates|proportion|quality) of (?:\w+\s+)?(?:re-?)?"
    r"(?:referrals|contacts)\b",
    re.IGNORECASE,
)
# "Referrals remain high and increased last year by 10%": a trend in a performance report, not
# how to refer either (a partner told "dad hit him" was shown it as Plymouth's guidance).
REFERRAL_TREND = re.compile(
    r"\b(?:referrals|contacts)\b.{0,60}\b(?:increased|decreased|rose|risen|fell|fallen|remain(?:s|ed)? (?:high|low)|"
    r"\d+(?:\.\d+)?\s?%|per cent)"
    r"|\b(?:increase|increases|rise|rises|fall|decrease|reduction|growth|drop) in (?:\w+\s+)?(?:referrals|contacts)\b"
    # "a well researched link between domestic violence and alcohol abuse which increases referrals"
    r"|\b(?:increas|decreas|reduc|rais|driv)\w* (?:the )?(?:number of |volume of )?(?:\w+\s+)?(?:referrals|contacts)\b",
    re.IGNORECASE,
)
# Matched in lower case, or capitalised only where it opens the sentence: a capitalised cue word
# inside a sentence is a name ("the Referral and Assessment structure", "the Early Help
# Foundation"), which says nothing about how a worry is routed.
_ROUTING_WORDS = (
    r"(refer(?:s|red|ring|ral|rals|rer|rers)?|thresholds?|levels? of need|consult\w*|advice|advis\w+|"
    r"early help|front door|contacts|concerns? (?:about|for|regarding))"
)
# Services for needs below the statutory threshold: early help, targeted or universal support,
# "families ... not meeting the threshold". When a child is in danger now, quoting these after the
# 999 line reads as "this may be one for early help": the opposite of the advice the answer opens
# with. The same holds for a worry told by signs of abuse (ABUSE_CATEGORIES: a bruise and "dad hit
# me", a touch, grooming, a colleague accused), which is a child protection matter for the front
# door, not a family-support one. Such routing sentences are left out then; the front door (and
# the 999 line) carry the answer. Neglect, domestic abuse and a young carer's load often are met
# by early help, so their answers keep them.
BELOW_THRESHOLD = re.compile(
    r"\b(early help|targeted (?:support|help|early help|services?)|universal services?|family support|"
    r"step[- ]?down|(?:not|do not|does not|below) (?:meet(?:ing)?|reach(?:ing)?) the threshold|below the threshold|"
    # "… are not deemed to meet statutory intervention", "did not meet the criteria"
    r"not (?:be )?(?:deemed |considered |judged |thought )?(?:to )?(?:meet|reach)(?:ing)? (?:the |that )?"
    r"(?:threshold|statutory|criteria))\b",
    re.IGNORECASE,
)
# Referrals to a particular service, not how a worry reaches children's services: "FGC referrals
# come from social workers", "Families referred to The ARC by the Social Work team" (a name inside
# the sentence: "All referrals …" opens one). A sentence
# about another service's own intake says nothing to a teacher about where their worry goes.
OTHER_SERVICE_INTAKE = re.compile(
    r"(?:\b[A-Z]{2,}|(?<=\s)[A-Z][a-z]+(?: [A-Z][a-z]+)*) referrals\b|\breferr\w* (?:in)?to (?:the )?[A-Z]"
)
# A routing sentence must be about how a worry is judged or routed, not only hold a cue word
# ("a Care Leavers Local Offer … designed in consultation with Stockton Care Leavers"): as near the
# routing question (Query.routing_text, which its passage was found by) as the writer asks of any
# sentence to count as about the question at all (write.TIMESCALE_MIN_SIMILARITY). The Stockton
# sentences a childminder's "bruises on his shins" was shown sat at 0.15-0.23; the B&NES front
# door's own lines at 0.58-0.73, Torbay's at about 0.5.
ROUTING_MIN_SIMILARITY = TIMESCALE_MIN_SIMILARITY
# When a child is in danger now, the council's word on how it responds at once is the concern's
# own: ranked as a sentence on the concern's kind is (CATEGORY_BONUS). B&NES's "Provide an
# immediate response to those cases that meet the threshold" over its "professional consultation
# … as to whether the child has met the threshold", quoted after the 999 line.
URGENT_RESPONSE = re.compile(
    r"\b(immediate(ly)?|urgent(ly)?|same[- ]day|emergency|out of hours|without delay)\b",
    re.IGNORECASE,
)
# A telephone number or email address in the guidance (a report's "Name of Contact Officer: …
# Telephone No. … Email Address: …", a manager's direct line): a partner's answer gives only the
# contact details the curator recorded for the front door (front_door_line), and says so when none
# are. A number quoted beneath "no phone number … is recorded" reads as the front door's: asked
# for the Children's Hub's number, a teacher was shown Stockton's Director's. Such sentences are
# never quoted to a partner; the source card still holds them.
CONTACT_DETAIL = re.compile(
    r"(?<!\d)(?:\+44\s?\(?0?\)?|0)\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}(?!\d)|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
)
KNOWN_CATEGORIES = tuple(dict.fromkeys(name for name, _ in (*CONCERN_CATEGORIES, *NEED_CATEGORIES)))
ABUSE_CATEGORIES = frozenset({"physical abuse", "sexual abuse", "exploitation", "allegations against staff"})
ROUTING_CUE = re.compile(
    rf"\b{_ROUTING_WORDS}\b|^\W*(?i:{_ROUTING_WORDS})\b",
)


def front_door_line(writer: ExtractiveWriter, authority: str) -> str:
    door = writer.front_doors.get(authority, "its children's services front door")
    recorded = "; ".join(f"{label}: {value}" for label, value in writer.contacts.get(authority, ()))
    return f"{short_authority(authority)}: contact {door} ({recorded or NO_CONTACTS})."


def referral_answer(
    writer: ExtractiveWriter, query: Query, passages: Sequence[Passage], routing: Sequence[Passage] = ()
) -> Answer:
    safety = SAFETY_LINE if danger_now(query.text, query.danger_probability) else ""
    named = [a for a in query.authorities]
    councils = named or sorted(writer.councils_front_doors())
    doors = tuple(front_door_line(writer, a) for a in councils)
    if not named:
        elsewhere = query.other_councils
        first = (
            (
                NOT_HELD.format(
                    names=" or ".join(elsewhere),
                    doors=their_front_doors(elsewhere),
                ),
                IF_ONE_OF_THESE,
            )
            if elsewhere
            else (WHICH_COUNCIL,)
        )
        notes = (*first, *doors, ASK_ANYWAY)
        return Answer(
            question=query.text,
            text=render_text(safety, (), notes, ()),
            abstained=False,
            safety_notice=safety,
            notes=(*first, ASK_ANYWAY),
            front_doors=doors,
            authority_filter=query.authorities,
            not_covered=elsewhere,
        )
    # Whether a council's guidance answers the concern itself is judged, as for any question, on
    # the passages found for the concern as told (a routing-only passage in `passages` is the very
    # object of `routing`). A council whose guidance answers it is quoted from those; any other
    # named council from the routing search, and only its sentences on how a worry is judged and
    # routed (ROUTING_CUE): a nearby but off-topic passage would only mislead a worried referrer.
    concern = [p for p in passages if not any(p is r for r in routing)]
    probabilities = writer.council_probabilities(
        query, [s for s in score_sentences(query, concern) if s.authority in named], concern
    )
    answers = {a for a in named if probabilities.get(a, 0.0) >= writer.model.answer_threshold}
    categories = query.concern_categories
    protection = bool(safety) or bool(ABUSE_CATEGORIES & set(categories))  # no sub-threshold routing then
    timing = query.asks_what_next
    combined = [*concern, *routing]
    candidates = [s for s in score_sentences(query, combined) if s.authority in named]  # scored once
    # A timescale quoted for how soon the council acts is its own, not another kind of worry's
    # service's (_about_another_kind); it is quoted for a council whose guidance answers the
    # concern too (asked "when does somebody speak to the family?", B&NES's answer to a GP was its
    # remit, without its "All new referrals will be responded to within a maximum of 24 hours").
    timed = {
        s.key
        for s in candidates
        if timing and _times_a_response(s) and not _about_another_kind(s, combined, categories)
    }
    # Asked to talk it through first: the council's sentences offering consultation or advice to
    # referrers, for a council whose guidance answers the concern as for one quoted for routing.
    advised = {
        s.key
        for s in candidates
        if query.asks_advice
        and ADVICE_CUE.search(s.text)
        and ADVICE_TO_REFERRERS.search(s.text)
        and routes(s.text, categories)
        and s.similarity >= ROUTING_MIN_SIMILARITY
    }
    scored = sorted(
        (
            replace(s, score=s.score + CATEGORY_BONUS)
            if _about(s, combined, categories) or (safety and URGENT_RESPONSE.search(s.text))
            else s
            for s in candidates
            if (
                (s.authority in answers and (s.passage_index < len(concern) or s.key in timed or s.key in advised))
                or (
                    s.authority not in answers
                    and (
                        (routes(s.text, categories) and s.similarity >= ROUTING_MIN_SIMILARITY)
                        or _about(s, combined, categories)
                        or (timing and _times_a_response(s))
                    )
                )
            )
            and not (protection and BELOW_THRESHOLD.search(s.text))
            and not CONTACT_DETAIL.search(s.text)
            # a count or trend of referrals is performance data, whatever it is about: "the team has
            # received 357 referrals" under a heading naming early help was quoted as Stockton's word
            # to a DSL on a father's drinking (routes() holds it back only where no category is named)
            and not _performance(s.text)
            # another kind of worry's timescale is not this one's, whichever search found it (a GP
            # asking when B&NES sees a child was given its Disabled Children's Team's 48 hours)
            and not (extract_timescales(s.text) and _about_another_kind(s, combined, categories))
        ),
        key=lambda s: -s.score,
    )
    # Routing guidance is read by someone outside social care after the front door: its best
    # sentences only (a service statement's routing lines are long; three made a median partner
    # answer of about 210 words).
    scored = _best_routing(scored, answers, timed, advised)
    quoted = [a for a in named if any(s.authority == a for s in scored)]
    for a in quoted:
        probabilities.setdefault(a, 0.0)
    guidance = (
        writer._compose(
            query, combined, scored, quoted, probabilities, safety, lead_heading_levels=PARTNER_HEADING_LEVELS
        )
        if quoted
        else None
    )
    said = (
        (f"What {' and '.join(short_authority(a) for a in quoted)}'s guidance says (check it fits your concern):",)
        if guidance
        else (
            f"{' and '.join(short_authority(a) for a in named)}'s documents in this library say nothing more "
            "specific about this concern.",
        )
    )
    notes = (*doors, ASK_ANYWAY, *said)
    parts = guidance.parts if guidance else ()
    base = guidance or Answer(question=query.text, text="", abstained=False)
    return replace(
        base,
        text=render_text(safety, (), notes, parts),
        abstained=False,
        safety_notice=safety,
        conflicts=(),
        notes=(ASK_ANYWAY, *said),
        # the guidance is already offered as "check it fits your concern", after the front door
        hedged=False,
        front_doors=doors,
        authority_filter=query.authorities,
    )


def routes(sentence: str, categories: Sequence[str] = ()) -> bool:
    """Whether a sentence of guidance says how a worry is judged or routed (ROUTING_CUE), or is
    about the concern's own category; a count of referrals is performance data, not guidance."""
    if _performance(sentence) or OTHER_SERVICE_INTAKE.search(sentence):
        return False
    return bool(ROUTING_CUE.search(sentence)) or _names_any(sentence, categories)


def _performance(sentence: str) -> bool:
    """A count or trend of referrals or contacts (REFERRAL_COUNT, REFERRAL_TREND): performance data."""
    return bool(REFERRAL_COUNT.search(sentence) or REFERRAL_TREND.search(sentence))


def _best_routing(
    scored: Sequence[ScoredSentence],
    answers: set[str],
    timed: set[str] = frozenset(),
    advised: set[str] = frozenset(),
) -> list[ScoredSentence]:
    """`scored` (best first) with at most ROUTING_QUOTES different sentences for each council quoted
    for its routing guidance, up to TIMING_QUOTES more of those in `timed` (for a partner asking
    what happens next: sentences stating how soon it acts), and up to ADVICE_QUOTES more of those in
    `advised` (for a partner asking to talk it through: sentences offering consultation); a council
    whose guidance answers the concern keeps all of its own."""
    kept: dict[str, set[str]] = {}
    kept_timed: dict[str, set[str]] = {}
    kept_advice: dict[str, set[str]] = {}
    out = []
    for sentence in scored:
        if sentence.authority not in answers:
            seen = kept.setdefault(sentence.authority, set())
            times = kept_timed.setdefault(sentence.authority, set())
            advice = kept_advice.setdefault(sentence.authority, set())
            if sentence.key in seen or sentence.key in times or sentence.key in advice:
                pass
            elif sentence.key in timed and len(times) < TIMING_QUOTES:
                times.add(sentence.key)
            elif len(seen) < ROUTING_QUOTES:
                seen.add(sentence.key)
            elif sentence.key in advised and len(advice) < ADVICE_QUOTES:
                advice.add(sentence.key)
            else:
                continue
        out.append(sentence)
    return out


def _times_a_response(sentence: ScoredSentence) -> bool:
    """The sentence states a duration (how soon something is done) near enough the question it was
    found by to count as an answer of that kind (write.TIMESCALE_MIN_SIMILARITY)."""
    return sentence.similarity >= TIMESCALE_MIN_SIMILARITY and bool(extract_timescales(sentence.text))


def _about(sentence: ScoredSentence, passages: Sequence[Passage], categories: Sequence[str]) -> bool:
    """The sentence is about the concern's category: it names it, or its section's heading does
    ("Child Sexual Exploitation" over "a team based in the youth service works with …")."""
    heading = passages[sentence.passage_index].chunk.section if sentence.passage_index < len(passages) else ""
    return _names_any(sentence.text, categories) or _names_any(heading, categories)


def _about_another_kind(sentence: ScoredSentence, passages: Sequence[Passage], categories: Sequence[str]) -> bool:
    """The sentence, or its section's heading, names a kind of worry or need the partner did not tell
    of: B&NES's "All new referrals relating to disabled children … within 48 hours" (its Disabled
    Children's Team) is no timescale for a teacher's bruised boy."""
    others = [c for c in KNOWN_CATEGORIES if c not in categories]
    return _about(sentence, passages, others)


def _names_any(sentence: str, categories: Sequence[str]) -> bool:
    return any(category_pattern(c).search(sentence) for c in categories)
