"""'Worried about a child?' page for partners: choose the council, describe the concern, see where to send it."""

from __future__ import annotations

import streamlit as st

from assistant.present import escape_markdown
from assistant.service import QuestionError
from indexing.manifest import ManifestError
from ui.answer_view import render_answer
from ui.common import load_assistant

NOT_LISTED = "Not listed / not sure"

assistant = load_assistant()

st.title("Worried about a child?")
st.error(
    "**If a child is in immediate danger, call 999 now.** Then tell the council's children's services.",
    icon=":material/emergency:",
)
st.caption(
    "For schools, health, police and other partners. Choose the council where the child lives and "
    "describe your worry in a few lines: you will see where to send a referral and what that council's "
    "guidance says. What you type here is not stored. Do not include the child's name: it is not needed."
)
councils = [a.name for a in assistant.manifest.authorities if not a.national]  # where a child lives
with st.form("worried"):
    council = st.selectbox("Council where the child lives", [NOT_LISTED, *councils])
    concern = st.text_area(
        "What are you worried about?",
        max_chars=1000,
        height=120,
        placeholder="e.g. A 7 year old in my class has bruises on his arm and says his dad hit him.",
    )
    sent = st.form_submit_button("Where should I send this?", icon=":material/send:")
if sent:
    if not concern.strip():
        st.warning("Describe the worry in a few words first.")
    else:
        try:
            answer = assistant.referral_check(concern, None if council == NOT_LISTED else council)
        except (QuestionError, ManifestError) as exc:
            st.warning(escape_markdown(str(exc)))
        else:
            render_answer(answer)
