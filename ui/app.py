"""Entry point for `streamlit run ui/app.py`: page set-up and navigation only."""

import streamlit as st

st.set_page_config(page_title="Practice guidance assistant", page_icon=":material/menu_book:", layout="wide")
navigation = st.navigation(
    {
        "Practitioners": [
            st.Page("views/ask.py", title="Ask the guidance", icon=":material/forum:", default=True),
            st.Page("views/worried.py", title="Worried about a child?", icon=":material/health_and_safety:"),
            st.Page("views/timescales.py", title="Timescales", icon=":material/schedule:"),
        ],
        "Curators": [
            st.Page("views/library.py", title="Library", icon=":material/library_books:"),
            st.Page("views/quality.py", title="Quality", icon=":material/monitoring:"),
        ],
    }
)
navigation.run()
