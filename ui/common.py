"""What every page shares: the one assistant per process, the feedback store, the curator lock."""

from __future__ import annotations

import uuid
from pathlib import Path

import streamlit as st

from assistant.curator import CuratorLock, is_configured, stored_hash_problem
from assistant.feedback import FeedbackStore
from assistant.service import GuidanceAssistant
from assistant.settings import Settings
from indexing.manifest import ManifestError
from indexing.pipeline import IndexReport

_UNLOCKED = "curator_unlocked"
_SESSION = "curator_session"  # counts this tab's failed passphrases


@st.cache_resource(show_spinner="Loading the guidance library (first start only, up to a minute)…")
def _load_assistant() -> GuidanceAssistant:
    assistant = GuidanceAssistant(Settings.from_env())
    if assistant.needs_indexing():
        assistant.reindex()
    return assistant


def load_assistant() -> GuidanceAssistant:
    """The shared assistant; a broken manifest stops the page with a warning, not a traceback."""
    try:
        return _load_assistant()
    except ManifestError as exc:
        st.warning(f"The guidance library cannot be opened: {exc}")
        st.stop()


@st.cache_resource
def _feedback_store(path: str, corpus_dir: str) -> FeedbackStore:
    return FeedbackStore(Path(path), Path(corpus_dir))


def feedback_store(assistant: GuidanceAssistant) -> FeedbackStore:
    """Feedback DB in the data folder; the library's own terms (council names, glossary, the
    documents' capitalised phrases) survive redaction."""
    return _feedback_store(str(assistant.settings.feedback_db), str(assistant.settings.corpus_dir))


def curator_unlocked() -> bool:
    """Show the lock in the sidebar; True once this session has given the passphrase.

    The hash is read from the environment on every run, so setting or changing it takes
    effect without restarting the app.
    """
    if st.session_state.get(_UNLOCKED):
        if st.sidebar.button("Lock curator changes"):
            st.session_state[_UNLOCKED] = False
            st.rerun()
        return True
    settings = Settings.from_env()
    stored = settings.curator_passphrase_hash
    if not is_configured(stored):
        st.info(
            "Read-only: no curator passphrase is configured, so the library cannot be changed here. "
            "An administrator sets GUIDANCE_CURATOR_PASSPHRASE_HASH (see the README)."
        )
        return False
    if stored_hash_problem(stored):
        st.warning(f"Read-only: curator changes cannot be unlocked. {stored_hash_problem(stored)}.")
        return False
    session = st.session_state.setdefault(_SESSION, uuid.uuid4().hex)
    with st.sidebar.form("unlock"):
        passphrase = st.text_input("Curator passphrase", type="password")
        if st.form_submit_button("Unlock curator changes"):
            result = CuratorLock(stored, settings.curator_lock_db).attempt(passphrase, session)
            if result.unlocked:
                st.session_state[_UNLOCKED] = True
                st.rerun()
            st.error(result.message)
    st.info("Read-only until a curator unlocks changes with the passphrase (sidebar).")
    return False


def reindex_with_progress(assistant: GuidanceAssistant) -> IndexReport:
    """Re-index, showing a progress bar document by document, then the outcome."""
    bar = st.progress(0.0, text="Re-indexing…")

    def progress(doc_id: str, position: int, total: int) -> None:
        bar.progress(position / total, text=f"Indexing {doc_id} ({position} of {total})")

    report = assistant.reindex(progress=progress)
    bar.progress(1.0, text="Index up to date.")
    for doc_id, reason in report.failed:
        st.warning(f"{doc_id} was not indexed: {reason}. Anything indexed before is still searchable.")
    return report
