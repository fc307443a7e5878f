"""Ask page: chat with the guidance, filtered by authority, with cited answers and feedback."""

from __future__ import annotations

import logging

import streamlit as st

from assistant.followup import turn_from
from assistant.present import escape_markdown
from assistant.service import QuestionError
from assistant.types import Answer
from indexing.manifest import ManifestError
from ui.answer_view import render_answer
from ui.common import feedback_store, index_notice, load_assistant

EXAMPLES = (
    "How soon must a child be seen after a referral?",
    "Who do I notify when a child is about to come into care?",
    "Which team is the front door for new referrals to children's social care?",
)
HISTORY = "ask_history"  # list of (question_id, Answer) for this browser session

assistant = load_assistant()
store = feedback_store(assistant)


def save_rating(question_id: int) -> None:
    rating = st.session_state.get(f"rating_{question_id}")
    if rating is not None:
        store.rate(question_id, helpful=rating == 1, comment=st.session_state.get(f"comment_{question_id}", ""))


def stored(answer: Answer) -> int | None:
    """The stored question's id, or None when it could not be stored (the answer is shown all the same)."""
    try:
        return store.log_question(answer)
    except Exception as exc:  # noqa: BLE001 - e.g. the data folder is full or unwritable
        # only the kind of failure is logged: a message could quote what was typed
        logging.getLogger(__name__).error("storing a question failed (%s)", type(exc).__name__)
        return None


def render_feedback(question_id: int | None) -> None:
    if question_id is None:
        st.caption("This answer could not be saved for review, so it cannot be rated.")
        return
    st.caption("Was this answer helpful?")
    rating = st.feedback("thumbs", key=f"rating_{question_id}", on_change=save_rating, args=(question_id,))
    if rating is not None:
        st.text_input(
            "Anything wrong or missing? (optional; please no names or case details)",
            key=f"comment_{question_id}", on_change=save_rating, args=(question_id,),
        )
        st.caption("Thank you: your rating is saved and a curator reviews it.")


def ask(question: str, authorities: list[str]) -> None:
    with st.chat_message("user"):
        st.markdown(escape_markdown(question))
    with st.chat_message("assistant"):
        try:
            with st.spinner("Searching the guidance…"):
                earlier = [turn_from(previous) for _, previous in st.session_state[HISTORY]]
                answer = assistant.ask(question, authorities, history=earlier)
        except (QuestionError, ManifestError) as exc:
            st.warning(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a message, never a traceback; the question box stays
            # the question text is not logged: it may name a child
            logging.getLogger(__name__).exception("answering a question failed")
            st.error(f"Something went wrong answering that question ({type(exc).__name__}). Please try "
                     "again; if it keeps happening, tell whoever runs the assistant.")
            return
        question_id = stored(answer)
        render_answer(answer)
        render_feedback(question_id)
    st.session_state[HISTORY].append((question_id, answer))


st.title("Ask the guidance")
st.caption(
    "Answers are quoted from councils' children's social care guidance, with a numbered source for "
    "each quote. This is guidance, not a decision: check the cited source and your local procedures, "
    "and talk to your manager about the child in front of you. Leave out the child's name and school: "
    "they are not needed (those the assistant recognises are left out before it answers, and it says so)."
)
index_notice(assistant)
chosen = st.sidebar.multiselect(
    "Only use guidance from", [a.name for a in assistant.manifest.authorities],
    placeholder="All councils", help="Leave empty to search every council's guidance.",
)
st.session_state.setdefault(HISTORY, [])
question = st.chat_input("Ask about timescales, who does what, thresholds…")
if not st.session_state[HISTORY] and not question:
    st.markdown("**Try one of these, or type your own question below:**")
    for example in EXAMPLES:  # one per line, so the whole question is readable
        if st.button(example, icon=":material/chat_bubble_outline:"):
            question = example
for question_id, answer in st.session_state[HISTORY]:
    with st.chat_message("user"):
        st.markdown(escape_markdown(answer.question))
    with st.chat_message("assistant"):
        render_answer(answer)
        render_feedback(question_id)
if question:
    ask(question, chosen)
