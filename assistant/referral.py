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

from collections.abc import Sequence
from dataclasses import replace

from assistant.lead import short_authority
from assistant.query import Query
from assistant.safety import SAFETY_LINE, danger_now
from assistant.types import Answer, Passage
from assistant.write import ExtractiveWriter, render_text, score_sentences

NO_CONTACTS = "no phone number or address is recorded in this library: use the council's published contact details"
ASK_ANYWAY = (
    "If you are not sure it meets the threshold, contact the front door and ask: that is what it is for. "
    "(The assistant's advice, not a quote from the guidance.)"
)
WHICH_COUNCIL = "Which council does the child live in? Each council has its own front door; ask again naming it:"


def front_door_line(writer: ExtractiveWriter, authority: str) -> str:
    door = writer.front_doors.get(authority, "its children's services front door")
    recorded = "; ".join(f"{label}: {value}" for label, value in writer.contacts.get(authority, ()))
    return f"{short_authority(authority)}: contact {door} ({recorded or NO_CONTACTS})."


def referral_answer(writer: ExtractiveWriter, query: Query, passages: Sequence[Passage]) -> Answer:
    safety = SAFETY_LINE if danger_now(query.text, query.danger_probability) else ""
    named = [a for a in query.authorities]
    councils = named or sorted(writer.front_doors)
    doors = tuple(front_door_line(writer, a) for a in councils)
    if not named:
        notes = (WHICH_COUNCIL, *doors, ASK_ANYWAY)
        return Answer(
            question=query.text,
            text=render_text(safety, (), notes, ()),
            abstained=False,
            safety_notice=safety,
            notes=(WHICH_COUNCIL, ASK_ANYWAY),
            front_doors=doors,
            authority_filter=query.authorities,
        )
    scored = [s for s in score_sentences(query, passages) if s.authority in named]
    probabilities = writer.council_probabilities(query, scored, passages)
    # Quote a council's guidance only where it answers (the same fitted test as any question):
    # a nearby but off-topic passage would only mislead a worried referrer.
    quoted = [a for a in named if probabilities.get(a, 0.0) >= writer.model.answer_threshold]
    guidance = writer._compose(query, passages, scored, quoted, probabilities, safety) if quoted else None
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
        front_doors=doors,
        authority_filter=query.authorities,
    )
