"""First chat page: ask, read the cited answer, open the source cards, filter by authority."""

import streamlit as st

from assistant.service import GuidanceAssistant, QuestionError


@st.cache_resource(show_spinner="Loading the guidance library…")
def get_assistant() -> GuidanceAssistant:
    assistant = GuidanceAssistant()
    if assistant.needs_indexing():
        assistant.reindex()
    return assistant


st.set_page_config(page_title="Practice guidance assistant", layout="wide")
st.title("Children's social care practice guidance")
st.caption("Answers quote council guidance with citations. Guidance, not a decision: check the cited source.")
assistant = get_assistant()
names = [a.name for a in assistant.manifest.authorities]
chosen = st.sidebar.multiselect("Limit to authority", names)
question = st.chat_input("Ask a question, e.g. How soon must a child be seen after a referral?")
if question:
    st.chat_message("user").write(question)
    with st.chat_message("assistant"):
        try:
            with st.spinner("Searching the guidance…"):
                answer = assistant.ask(question, chosen)
        except QuestionError as exc:
            st.warning(str(exc))
        else:
            if answer.abstained:
                st.info(answer.text)
            else:
                st.markdown(answer.text.replace("\n- ", "\n\n- "))
                for c in answer.citations:
                    with st.expander(f"[{c.n}] {c.authority} — {c.title} ({c.date})"):
                        st.caption(f"Section: {c.section}" + (f" · page {c.page}" if c.page else ""))
                        st.text(c.quote)
