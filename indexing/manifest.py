"""Corpus curation: read, validate and edit `corpus/manifest.yaml` (documents and authorities)."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import yaml

from assistant.types import STATUSES, DocumentMeta

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")


class ManifestError(ValueError):
    """The manifest or a requested change to it is invalid; the message says how to fix it."""


@dataclass(frozen=True)
class Authority:
    name: str
    aliases: tuple[str, ...] = ()
    front_door: str = ""


@dataclass(frozen=True)
class Manifest:
    path: Path
    authorities: tuple[Authority, ...]
    documents: tuple[DocumentMeta, ...]

    @property
    def corpus_dir(self) -> Path:
        return self.path.parent

    def document(self, doc_id: str) -> DocumentMeta:
        for doc in self.documents:
            if doc.doc_id == doc_id:
                return doc
        raise ManifestError(f"No document with id {doc_id!r}. Known: {', '.join(self.doc_ids)}")

    @property
    def doc_ids(self) -> list[str]:
        return [d.doc_id for d in self.documents]

    def authority(self, name: str) -> Authority:
        """Resolve a name or alias (any case) to a known authority, or explain what is known."""
        wanted = _fold(name)
        for auth in self.authorities:
            if wanted in {_fold(auth.name), *(_fold(a) for a in auth.aliases)}:
                return auth
        names = [a.name for a in self.authorities]
        close = difflib.get_close_matches(name, names + [x for a in self.authorities for x in a.aliases], n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ManifestError(
            f"Unknown authority {name!r}.{hint} Known authorities: {'; '.join(names)}. "
            "A new council is added to the `authorities` list in corpus/manifest.yaml "
            "(the file's header shows how)."
        )


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9&]+", " ", text.lower()).strip()


def load_manifest(path: Path) -> Manifest:
    if not path.exists():
        raise ManifestError(f"No manifest at {path}. Create one: see README 'Adding a document'.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ManifestError(f"{path} is not valid YAML: {exc}") from exc
    authorities = tuple(
        Authority(
            name=str(a["name"]),
            aliases=tuple(str(x) for x in a.get("aliases") or ()),
            front_door=str(a.get("front_door") or ""),
        )
        for a in raw.get("authorities") or ()
    )
    docs = []
    seen: set[str] = set()
    for entry in raw.get("documents") or ():
        meta = _meta_from_entry(entry, path)
        if meta.doc_id in seen:
            raise ManifestError(f"{path}: document id {meta.doc_id!r} appears twice.")
        seen.add(meta.doc_id)
        docs.append(meta)
    manifest = Manifest(path=path, authorities=authorities, documents=tuple(docs))
    for meta in docs:
        manifest.authority(meta.authority)  # raises with a clear message if unknown
    return manifest


def _meta_from_entry(entry: dict, path: Path) -> DocumentMeta:
    missing = [k for k in ("id", "file", "authority", "title") if not entry.get(k)]
    if missing:
        raise ManifestError(f"{path}: a document entry is missing {', '.join(missing)}: {entry}")
    status = str(entry.get("status") or "current")
    if status not in STATUSES:
        raise ManifestError(f"{path}: {entry['id']}: status must be one of {STATUSES}, not {status!r}")
    published = str(entry.get("published") or "undated")
    _check_date(published, f"{entry['id']}: published", allow_undated=True)
    review = str(entry.get("review_date") or "")
    if review:
        _check_date(review, f"{entry['id']}: review_date", allow_undated=False)
    return DocumentMeta(
        doc_id=str(entry["id"]),
        authority=str(entry["authority"]),
        title=str(entry["title"]),
        doc_type=str(entry.get("type") or "guidance"),
        published=published,
        source_file=str(entry["file"]),
        status=status,
        date_note=str(entry.get("date_note") or ""),
        review_date=review,
        exclude_sections=tuple(str(x) for x in entry.get("exclude_sections") or ()),
    )


def _check_date(value: str, label: str, allow_undated: bool) -> None:
    if allow_undated and value == "undated":
        return
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise ManifestError(
            f"{label} must be YYYY-MM-DD{' or undated' if allow_undated else ''}, not {value!r}"
        ) from exc


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "document"


def _header(path: Path) -> str:
    """The comment block at the top of the manifest, kept when the file is rewritten."""
    lines = []
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#") or not line.strip():
                lines.append(line)
            else:
                break
    return "\n".join(lines).rstrip() + "\n" if lines else ""


def save_manifest(manifest: Manifest) -> None:
    """Write atomically (temp file + rename) so a crash never leaves half a manifest."""
    data = {
        "authorities": [
            {"name": a.name, "aliases": list(a.aliases), "front_door": a.front_door} for a in manifest.authorities
        ],
        "documents": [
            {
                "id": d.doc_id,
                "file": d.source_file,
                "authority": d.authority,
                "title": d.title,
                "type": d.doc_type,
                "published": d.published,
                "date_note": d.date_note,
                "review_date": d.review_date,
                "status": d.status,
                **({"exclude_sections": list(d.exclude_sections)} if d.exclude_sections else {}),
            }
            for d in manifest.documents
        ],
    }
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    fd, tmp = tempfile.mkstemp(dir=manifest.path.parent, suffix=".yaml.tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(_header(manifest.path) + body)
    os.replace(tmp, manifest.path)


def add_document(
    manifest: Manifest,
    file: Path,
    *,
    authority: str,
    title: str,
    published: str,
    doc_type: str = "guidance",
    date_note: str = "",
    review_date: str = "",
    status: str = "current",
    doc_id: str | None = None,
    new_authority: bool = False,
) -> tuple[Manifest, DocumentMeta]:
    """Copy FILE into corpus/documents and add its manifest entry. Validates before changing anything."""
    if not file.exists():
        raise ManifestError(f"No such file: {file}")
    if file.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ManifestError(
            f"{file.name}: unsupported file type {file.suffix or '(none)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if status not in STATUSES:
        raise ManifestError(f"status must be one of {STATUSES}, not {status!r}")
    authorities = manifest.authorities
    try:
        authority = manifest.authority(authority).name
    except ManifestError:
        if not new_authority:
            raise
        authorities = (*authorities, Authority(name=authority))
    doc_id = doc_id or slugify(f"{authority.split()[0]}-{title}")
    if doc_id in manifest.doc_ids:
        raise ManifestError(f"A document with id {doc_id!r} already exists; pass a different --id.")
    _check_date(published, "published", allow_undated=True)
    if review_date:
        _check_date(review_date, "review_date", allow_undated=False)
    target = manifest.corpus_dir / "documents" / f"{doc_id}{file.suffix.lower()}"
    meta = DocumentMeta(
        doc_id=doc_id,
        authority=authority,
        title=title,
        doc_type=doc_type,
        published=published,
        source_file=str(target.relative_to(manifest.corpus_dir)),
        status=status,
        date_note=date_note,
        review_date=review_date,
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    if file.resolve() != target.resolve():
        shutil.copyfile(file, target)
    updated = replace(manifest, authorities=authorities, documents=(*manifest.documents, meta))
    save_manifest(updated)
    return updated, meta


def update_document(manifest: Manifest, doc_id: str, **changes: str) -> Manifest:
    """Edit a document's metadata (e.g. status="superseded"); validated, then saved."""
    current = manifest.document(doc_id)
    field_names = {"authority", "title", "doc_type", "published", "date_note", "review_date", "status"}
    unknown = set(changes) - field_names
    if unknown:
        raise ManifestError(f"Cannot change {', '.join(sorted(unknown))}")
    if "status" in changes and changes["status"] not in STATUSES:
        raise ManifestError(f"status must be one of {STATUSES}, not {changes['status']!r}")
    if "authority" in changes:
        changes["authority"] = manifest.authority(changes["authority"]).name
    if "published" in changes:
        _check_date(changes["published"], "published", allow_undated=True)
    if changes.get("review_date"):
        _check_date(changes["review_date"], "review_date", allow_undated=False)
    new_meta = replace(current, **changes)
    docs = tuple(new_meta if d.doc_id == doc_id else d for d in manifest.documents)
    updated = replace(manifest, documents=docs)
    save_manifest(updated)
    return updated


def remove_document(manifest: Manifest, doc_id: str, delete_file: bool = False) -> Manifest:
    meta = manifest.document(doc_id)
    updated = replace(manifest, documents=tuple(d for d in manifest.documents if d.doc_id != doc_id))
    save_manifest(updated)
    if delete_file:
        (manifest.corpus_dir / meta.source_file).unlink(missing_ok=True)
    return updated
