"""Library curation for the app: list documents, add an uploaded file safely, edit metadata, preview chunks."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from assistant.settings import Settings
from assistant.types import Chunk, DocumentMeta
from indexing.chunk import chunk_document
from indexing.curate import (
    add_document,
    check_doc_id,
    check_new_authority,
    make_doc_id,
    update_authority,
    update_document,
)
from indexing.load import LoadError, load
from indexing.lock import manifest_lock
from indexing.manifest import SUPPORTED_SUFFIXES, Authority, Manifest, ManifestError, duplicate_of, load_manifest
from indexing.store import ChunkStore


@dataclass(frozen=True)
class LibraryRow:
    """One document as the curator sees it: its metadata and what the index holds for it."""

    meta: DocumentMeta
    chunks: int
    indexed_at: float | None  # epoch seconds; None when the index has nothing for it

    @property
    def state(self) -> str:
        if self.meta.status == "withdrawn":
            return "withdrawn: not searched"
        if self.indexed_at is None:
            return "not indexed yet"
        return "superseded: searchable, never cited as current" if self.meta.status == "superseded" else "searchable"


@dataclass(frozen=True)
class DocumentForm:
    """The metadata a curator types for a document (the manifest's fields, minus id and file)."""

    authority: str
    title: str
    doc_type: str
    published: str  # YYYY-MM-DD or "undated"
    date_note: str = ""
    review_date: str = ""
    status: str = "current"


def library_rows(manifest: Manifest, store: ChunkStore) -> list[LibraryRow]:
    indexed = store.indexed_documents()
    rows = []
    for meta in manifest.documents:
        entry = indexed.get(meta.doc_id)
        rows.append(LibraryRow(meta, entry.chunks if entry else 0, entry.indexed_at if entry else None))
    return rows


def add_upload(
    manifest: Manifest,
    filename: str,
    data: bytes,
    form: DocumentForm,
    settings: Settings,
    doc_id: str | None = None,
    new_authority: Authority | None = None,
) -> tuple[Manifest, DocumentMeta]:
    """Add an uploaded file to the corpus, or raise LoadError/ManifestError and change nothing.

    The file is parsed and chunked from a temporary copy first, so a corrupt, empty, oversized,
    unreadable or already-present file never reaches corpus/documents; if writing the manifest
    fails after the copy, the manifest's previous bytes are restored and the copied file removed.
    With `new_authority` the council is added to the manifest with the document. The manifest is
    read again from disk under the manifest lock, so a document another process added meanwhile
    is kept (the caller's copy may be stale: a long-running app's, for one).
    """
    with manifest_lock(manifest.path):
        return _add_upload(load_manifest(manifest.path), filename, data, form, settings, doc_id, new_authority)


def _add_upload(
    manifest: Manifest,
    filename: str,
    data: bytes,
    form: DocumentForm,
    settings: Settings,
    doc_id: str | None,
    new_authority: Authority | None,
) -> tuple[Manifest, DocumentMeta]:
    suffix = Path(filename).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(
            f"{filename}: {suffix or 'files without an extension'} cannot be added; "
            f"use one of {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if not form.title.strip():
        raise ManifestError("Give the document a title.")
    if new_authority is not None:
        authority = check_new_authority(manifest, new_authority).name
    else:
        authority = manifest.authority(form.authority).name
    chosen = bool(doc_id)
    doc_id = check_doc_id(doc_id) if doc_id else make_doc_id(authority, form.title)
    target = manifest.corpus_dir / "documents" / f"{doc_id}{suffix}"
    if doc_id in manifest.doc_ids or target.exists():
        hint = "choose a different id" if chosen else "change the title, or give the document its own id"
        raise ManifestError(f"The library already has a document called {doc_id!r}; {hint}.")
    same = duplicate_of(manifest, data)
    if same is not None:
        raise ManifestError(
            f"{filename} has the same content as document {same.doc_id!r} ({same.title}, {same.status}); "
            "it is already in the library"
        )
    with tempfile.TemporaryDirectory() as folder:
        upload = Path(folder) / f"{doc_id}{suffix}"
        upload.write_bytes(data)
        _check_indexable(upload, filename, form, settings)
        before = manifest.path.read_bytes()
        try:
            return add_document(
                manifest,
                upload,
                authority=authority,
                title=form.title.strip(),
                published=form.published,
                doc_type=form.doc_type,
                date_note=form.date_note,
                review_date=form.review_date,
                status=form.status,
                doc_id=doc_id,
                new_authority=new_authority,
            )
        except BaseException:
            manifest.path.write_bytes(before)
            target.unlink(missing_ok=True)
            raise


def _check_indexable(path: Path, filename: str, form: DocumentForm, settings: Settings) -> None:
    meta = DocumentMeta(
        doc_id=path.stem,
        authority=form.authority,
        title=form.title,
        doc_type=form.doc_type,
        published=form.published,
        source_file=path.name,
    )
    try:
        document = load(path, meta, settings.max_file_mb)
    except LoadError as exc:
        raise LoadError(str(exc).replace(path.name, filename, 1)) from exc
    if not chunk_document(document, settings.chunk_chars, settings.chunk_max_chars, ()):
        raise LoadError(f"{filename}: no text the assistant could quote was found after parsing")


def edit_document(manifest: Manifest, doc_id: str, form: DocumentForm) -> Manifest:
    """Save changed metadata (including marking a document superseded or withdrawn), on the manifest
    as it is on disk now, under the manifest lock."""
    with manifest_lock(manifest.path):
        return _edit_document(load_manifest(manifest.path), doc_id, form)


def _edit_document(manifest: Manifest, doc_id: str, form: DocumentForm) -> Manifest:
    current = manifest.document(doc_id)
    changes = {
        name: value
        for name, value in (
            ("authority", form.authority),
            ("title", form.title.strip()),
            ("doc_type", form.doc_type),
            ("published", form.published),
            ("date_note", form.date_note),
            ("review_date", form.review_date),
            ("status", form.status),
        )
        if getattr(current, name) != value
    }
    if "title" in changes and not changes["title"]:
        raise ManifestError("A document needs a title.")
    return update_document(manifest, doc_id, **changes) if changes else manifest


@dataclass(frozen=True)
class FrontDoorForm:
    """A council's front door and the ways a partner reaches it, as the curator types them; an
    empty field stays empty (a partner is then told to use the council's published details)."""

    front_door: str
    phone: str = ""
    email: str = ""
    web: str = ""
    out_of_hours: str = ""


def edit_front_door(manifest: Manifest, authority: str, form: FrontDoorForm) -> Manifest:
    """Save a council's front door and contact details on the manifest as it is on disk now, under
    the manifest lock. Nothing is re-indexed: every face reads the edited manifest at its next question."""
    with manifest_lock(manifest.path):
        return update_authority(load_manifest(manifest.path), authority, **vars(form))


def document_chunks(store: ChunkStore, doc_id: str) -> list[Chunk]:
    """The indexed chunks of one document in reading order, for the curator's preview."""
    current = store.current()
    return sorted(current.document_chunks(doc_id), key=lambda c: c.start) if current else []
