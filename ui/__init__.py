"""The Streamlit app: rendering only; the logic lives in assistant/ and indexing/."""
