"""Library page: the documents and their index state for everyone; changes for an unlocked curator."""

from __future__ import annotations

import time

import streamlit as st

from assistant.library import (
    DocumentForm,
    FrontDoorForm,
    add_upload,
    document_chunks,
    edit_document,
    edit_front_door,
    library_rows,
)
from assistant.types import STATUSES, DocumentMeta
from indexing.load import LoadError
from indexing.manifest import SUPPORTED_SUFFIXES, ManifestError
from ui.common import curator_unlocked, index_notice, load_assistant, reindex_with_progress

STATUS_HELP = (
    "current: cited normally. superseded: kept but never cited as current. "
    "withdrawn: removed from the index at the next re-index."
)

NOTICE = "library_notice"  # a change's outcome, shown after the rerun that refreshes the table

assistant = load_assistant()


def done(message: str) -> None:
    st.session_state[NOTICE] = message
    st.rerun()


def title_of(doc_id: str) -> str:
    meta = assistant.manifest.document(doc_id)
    return f"{meta.title} ({meta.authority})"


def metadata_form(key: str, meta: DocumentMeta | None) -> DocumentForm:
    """The metadata fields, filled from `meta` when editing; returns what the curator typed."""
    names = [a.name for a in assistant.manifest.authorities]
    authority = st.selectbox("Authority", names, index=names.index(meta.authority) if meta else 0,
                             key=f"{key}_authority")
    title = st.text_input("Title (as the document gives it)", meta.title if meta else "", key=f"{key}_title")
    doc_type = st.text_input("Type", meta.doc_type if meta else "procedure", key=f"{key}_type",
                             help="e.g. procedure, service statement, threshold document")
    published = st.text_input("Published (YYYY-MM-DD, or undated)", meta.published if meta else "undated",
                              key=f"{key}_published")
    date_note = st.text_input("Date note (optional)", meta.date_note if meta else "", key=f"{key}_note",
                              help="e.g. 'in force from 1 April 2013' or 'undated; about 2016'")
    review_date = st.text_input("Review date (YYYY-MM-DD, optional)", meta.review_date if meta else "",
                                key=f"{key}_review")
    status = st.radio("Status", STATUSES, index=STATUSES.index(meta.status) if meta else 0,
                      horizontal=True, help=STATUS_HELP, key=f"{key}_status")
    return DocumentForm(authority, title, doc_type, published.strip(), date_note, review_date.strip(), status)


def add_section() -> None:
    with st.form("add_document"):
        upload = st.file_uploader("Document", type=[s.lstrip(".") for s in SUPPORTED_SUFFIXES])
        form = metadata_form("add", None)
        if not st.form_submit_button("Add to the library", type="primary"):
            return
    if upload is None:
        st.warning("Choose a file first.")
        return
    try:
        _, meta = add_upload(assistant.manifest, upload.name, upload.getvalue(), form, assistant.settings)
    except (LoadError, ManifestError) as exc:
        st.error(f"Not added: {str(exc).rstrip('.')}. The library has not been changed.")  # one full stop
        return
    reindex_with_progress(assistant)
    done(f"Added “{meta.title}” ({meta.doc_id}); it is now searchable.")


def edit_section() -> None:
    doc_id = st.selectbox("Document", assistant.manifest.doc_ids, key="edit_doc", format_func=title_of)
    with st.form("edit_document"):
        form = metadata_form(f"edit_{doc_id}", assistant.manifest.document(doc_id))
        if not st.form_submit_button("Save and re-index", type="primary"):
            return
    try:
        edit_document(assistant.manifest, doc_id, form)
    except ManifestError as exc:
        st.error(f"Not saved: {exc}")
        return
    reindex_with_progress(assistant)
    done(f"Saved the details of {doc_id} and re-indexed.")


CONTACTS_HELP = (
    "Fill a field only from what the council publishes (its website, or a document in this library), "
    "and leave it empty rather than guess: a partner worried about a child rings this number. An "
    "empty field is shown as 'no phone number or address is recorded in this library'."
)


def front_door_section() -> None:
    """A council's front door and how partners reach it: shown first in every partner's answer."""
    names = [a.name for a in assistant.manifest.authorities]
    name = st.selectbox("Council", names, key="door_council")
    council = assistant.manifest.authority(name)
    st.caption(CONTACTS_HELP)
    with st.form("edit_front_door"):
        form = FrontDoorForm(
            st.text_input("Front door (the team a worry goes to)", council.front_door, key=f"door_{name}"),
            st.text_input("Phone", council.phone, key=f"phone_{name}", placeholder="as published, e.g. 0xxxx xxxxxx"),
            st.text_input("Email", council.email, key=f"email_{name}"),
            st.text_input("Web address", council.web, key=f"web_{name}"),
            st.text_input("Out of hours", council.out_of_hours, key=f"ooh_{name}",
                          placeholder="as published: the service and its number"),
        )
        if not st.form_submit_button("Save", type="primary"):
            return
    try:
        edit_front_door(assistant.manifest, name, form)
    except ManifestError as exc:
        reason = str(exc).removeprefix("Not saved: ").rstrip(".")
        st.error(f"Not saved: {reason}. The library has not been changed.")
        return
    assistant.reload_manifest()
    done(f"Saved {name}'s front door; partners' answers use it from their next question.")


def preview_section() -> None:
    doc_id = st.selectbox("Document", assistant.manifest.doc_ids, key="preview_doc", format_func=title_of)
    chunks = document_chunks(assistant.store, doc_id)
    st.caption(f"{len(chunks)} passages, in reading order, each with the heading path it is cited under.")
    st.dataframe(
        [{"Heading path": " › ".join(c.section_path) or "(document start)",
          **({"Page": c.page} if any(x.page for x in chunks) else {}), "Passage": c.text}
         for c in chunks],
        hide_index=True,
        column_config={"Passage": st.column_config.TextColumn(width="large")},
    )


st.title("Guidance library")
if NOTICE in st.session_state:
    st.success(st.session_state.pop(NOTICE))
index_notice(assistant)
unlocked = curator_unlocked()
rows = library_rows(assistant.manifest, assistant.store)
st.dataframe(
    [
        {
            "Authority": row.meta.authority,
            "Title": row.meta.title,
            "Status": row.state,
            "Passages": row.chunks,
            "Last indexed": time.strftime("%d %b %Y %H:%M", time.localtime(row.indexed_at)) if row.indexed_at else "—",
            "Published": row.meta.date_label,
            "Type": row.meta.doc_type,
            "Id": row.meta.doc_id,
        }
        for row in rows
    ],
    hide_index=True,
    column_config={"Title": st.column_config.TextColumn(width="medium")},
)
tabs = ["Preview passages"] + (
    ["Add a document", "Edit details or status", "Front doors", "Re-index"] if unlocked else []
)
preview, *curator_tabs = st.tabs(tabs)
with preview:
    preview_section()
if curator_tabs:
    add_tab, edit_tab, door_tab, reindex_tab = curator_tabs
    with add_tab:
        add_section()
    with edit_tab:
        edit_section()
    with door_tab:
        front_door_section()
    with reindex_tab:
        st.caption("Brings the index in line with the library; unchanged documents are not re-read.")
        if st.button("Re-index now"):
            done(reindex_with_progress(assistant).summary())
