"""Rendering of one Answer: safety line first, refusal or per-authority quotes, conflicts, source cards."""

from __future__ import annotations

import streamlit as st

from assistant.present import (
    citation_label,
    citation_location,
    escape_markdown,
    hedge_detail,
    not_covered_title,
    part_view,
    passage_html,
    refusal_text,
    understood_text,
    with_citation_marks,
)
from assistant.types import Answer, Citation


def render_answer(answer: Answer) -> None:
    if answer.understood_as:
        label, reading = understood_text(answer)
        st.caption(f"{label}: {escape_markdown(reading)} (retype the question if that is wrong)")
    if answer.safety_notice:
        st.error(f"**{escape_markdown(answer.safety_notice)}**", icon=":material/emergency:")
    if answer.abstained and not answer.parts:
        st.info(f"**Not covered by the guidance**\n\n{escape_markdown(refusal_text(answer))}",
                icon=":material/help_center:")
        return
    notes = answer.notes
    if answer.abstained:  # the council asked about does not say; another council's answer follows, labelled
        st.info(f"**Not covered for the council you asked about**\n\n{escape_markdown(notes[0])}",
                icon=":material/help_center:")
        notes = notes[1:]
    if not answer.abstained and answer.not_covered and not answer.front_doors and notes:
        # Asked about a council the library holds nothing from, or one whose documents do not say
        # beside one that does: its note (the last) in a box of its own before anything quoted.
        st.info(f"**{not_covered_title(notes[-1])}**\n\n{escape_markdown(notes[-1])}", icon=":material/help_center:")
        notes = notes[:-1]
    # Answered, but more likely wrong than right at this confidence: said first. (Another council's
    # guidance shown below that point says so in the note above instead.)
    if answer.hedged and not answer.abstained:
        detail = escape_markdown(hedge_detail(notes[0]))
        st.warning(f"**May not answer your question**\n\n{detail}", icon=":material/help:")
        notes = notes[1:]
    for conflict in answer.conflicts:
        st.warning(f"**The sources disagree.** {with_citation_marks(conflict)}", icon=":material/balance:")
    doors_title = "Where to send a referral"
    if answer.front_doors and answer.not_covered and len(notes) >= 2:
        # A partner's council the library holds nothing from: said first, then the library's doors
        # under the note that introduces them (assistant.referral.NOT_HELD, IF_ONE_OF_THESE).
        st.info(f"**Not in this library**\n\n{escape_markdown(notes[0])}", icon=":material/help_center:")
        doors_title, notes = notes[1].rstrip(":"), notes[2:]
    if answer.front_doors:
        doors = "\n".join(f"- {escape_markdown(door)}" for door in answer.front_doors)
        st.info(f"**{escape_markdown(doors_title)}**\n\n{doors}", icon=":material/door_front:")
    for note in notes:
        st.caption(escape_markdown(note))
    for part in answer.parts:
        view = part_view(part, sure=not answer.hedged)
        quotes = "\n".join(f"- {quote}" for quote in view.quotes)
        st.markdown(f"{view.lead} — {escape_markdown(view.source)}\n\n{quotes}")
    if answer.citations:
        st.caption("Sources: open one to read the passage; the quoted sentences are highlighted.")
    for citation in answer.citations:
        render_source_card(citation)


def render_source_card(citation: Citation) -> None:
    with st.expander(citation_label(citation)):
        status = "" if citation.status == "current" else f" · **{citation.status.upper()}**: check for a newer version"
        st.markdown(
            f"**{escape_markdown(citation.authority)}**  \n"
            f"{escape_markdown(citation.title)} · {escape_markdown(citation.date)}{status}  \n"
            f"{escape_markdown(citation_location(citation))}"
        )
        st.html(passage_html(citation.quote, citation.used_sentences))
