"""What every page shares: the one assistant per process, the feedback store, the curator lock."""

from __future__ import annotations

import uuid
from pathlib import Path

import streamlit as st

from assistant.curator import CuratorLock, is_configured, stored_hash_problem
from assistant.feedback import FeedbackStore
from assistant.present import escape_markdown
from assistant.service import GuidanceAssistant
from assistant.settings import Settings
from indexing.lock import IndexBusy
from indexing.manifest import ManifestError
from indexing.pipeline import IndexReport, RemovalRefused

_UNLOCKED = "curator_unlocked"
_SESSION = "curator_session"  # counts this tab's failed passphrases


@st.cache_resource(show_spinner="Loading the guidance library (first start only, a few seconds)…")
def _load_assistant() -> GuidanceAssistant:
    # Opening never indexes: `guidance index` (or the Library page) is the one writer, and a
    # stale index is shown as a notice (index_notice) instead.
    assistant = GuidanceAssistant(Settings.from_env())
    assistant.warm_up_in_background()  # once per app process (cached): a name typed does not make the first answer wait
    return assistant


def load_assistant() -> GuidanceAssistant:
    """The shared assistant, its councils brought up to the current index; a broken manifest or
    an unreachable store stops the page with a message, not a traceback (nothing is cached, so
    the next visit tries again)."""
    try:
        return _follow_index(_load_assistant())
    except ManifestError as exc:
        st.warning(f"The guidance library cannot be opened: {exc}")
        st.stop()
    except Exception as exc:  # noqa: BLE001 - e.g. the Chroma server is down
        st.error(f"The guidance library cannot be opened just now ({type(exc).__name__}: {exc}). "
                 "Reload the page in a moment; if it keeps happening, tell whoever runs the assistant.")
        st.stop()


def _follow_index(assistant: GuidanceAssistant) -> GuidanceAssistant:
    """The councils brought up to the index before a page lists them: after `guidance add
    --new-authority` the Worried page's council list and the Ask page's filter lacked the new
    council until someone asked a question."""
    assistant.follow_index()
    return assistant


def index_notice(assistant: GuidanceAssistant) -> None:
    """A visible notice when the manifest is ahead of the index, or cannot be read (answers come
    from the last index either way)."""
    try:
        notice = assistant.status().notice()
    except ManifestError as exc:  # e.g. a hand edit of manifest.yaml in progress, or left broken
        st.warning(f"The library's manifest cannot be read (tell whoever runs the assistant); answers come from "
                   f"the last index until it is fixed. {escape_markdown(str(exc))}", icon=":material/update:")
        return
    except Exception:  # noqa: BLE001 - a notice must never stop the page
        return
    if notice:
        st.info(notice, icon=":material/update:")


@st.cache_resource
def _feedback_store(path: str, corpus_dir: str) -> FeedbackStore:
    store = FeedbackStore(Path(path), Path(corpus_dir))
    store.warm_up_in_background()  # once per app process (cached): the first question does not wait
    return store


def feedback_store(assistant: GuidanceAssistant) -> FeedbackStore:
    """Feedback DB in the data folder; the library's own terms (council names, glossary, the
    documents' capitalised phrases) survive redaction."""
    try:
        assistant.retriever.snapshot()  # the store must be reachable for any page to work
    except Exception as exc:  # noqa: BLE001 - the store is unreachable: say so, try again next run
        st.error(f"The guidance library cannot be searched just now ({type(exc).__name__}: {exc}). "
                 "Reload the page in a moment; if it keeps happening, tell whoever runs the assistant.")
        st.stop()
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

    try:
        report = assistant.reindex(progress=progress)
    except (IndexBusy, RemovalRefused) as exc:
        bar.empty()
        st.warning(f"Not re-indexed: {exc}. Any change to the library's details is saved; "
                   "answers keep coming from the current index.")
        st.stop()
    bar.progress(1.0, text="Index up to date.")
    for doc_id, reason in report.failed:
        st.warning(f"{doc_id} was not indexed: {reason}. Anything indexed before is still searchable.")
    return report
