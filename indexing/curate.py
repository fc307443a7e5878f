"""Corpus curation: add, edit and remove documents (and add councils, and edit their front doors) in
`corpus/manifest.yaml`.

Every change is checked before anything is written, and writing is a round trip (ruamel.yaml)
that changes only the entries that changed, so the file's comments, flow lists and long lines
stay as the curator wrote them. The write is atomic (temp file + rename).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.types import STATUSES, DocumentMeta
from indexing.manifest import (
    SUPPORTED_SUFFIXES,
    Authority,
    Manifest,
    ManifestError,
    check_date,
    duplicate_of,
)
from indexing.schema import DOC_ID_PATTERN, AuthorityEntry

MAX_ID_CHARS = 60  # ids appear in citations, file names and eval items: short enough to read
# Words of a council's name that say nothing about which council it is ("City of York Council" -> york).
_GENERIC_AUTHORITY_WORDS = {"council", "city", "of", "the", "and", "borough", "county", "metropolitan", "district"}
# Words an id should not end on once it is cut to length ("...-procedures-for" reads as cut off).
_DANGLING_WORDS = {"a", "an", "and", "for", "in", "of", "on", "or", "the", "to", "with"}


# --- ids -------------------------------------------------------------------------------------


def slugify(text: str, max_chars: int = MAX_ID_CHARS) -> str:
    """Lowercase words joined by dashes, each word once, cut at a word boundary (never mid-word)."""
    words = re.findall(r"[a-z0-9]+", re.sub(r"['’]", "", text.lower()))
    kept: list[str] = []
    for word in dict.fromkeys(words):
        if len("-".join([*kept, word])) > max_chars:
            break
        kept.append(word)
    while len(kept) > 1 and kept[-1] in _DANGLING_WORDS:
        kept.pop()
    return "-".join(kept) or (words[0][:max_chars] if words else "document")


def make_doc_id(authority: str, title: str) -> str:
    """A readable id from the council and title: 'Norfolk County Council' + 'Norfolk Safeguarding
    Children Partnership procedures' -> norfolk-safeguarding-children-partnership-procedures."""
    council = [w for w in re.findall(r"[\w'’-]+", authority) if w.lower() not in _GENERIC_AUTHORITY_WORDS]
    return slugify(" ".join([*(council or [authority]), title]))


def check_doc_id(doc_id: str) -> str:
    if not re.fullmatch(DOC_ID_PATTERN, doc_id):
        raise ManifestError(
            f"--id {doc_id!r}: use letters, digits and dashes, at most 100 characters (e.g. york-neglect-strategy)"
        )
    return doc_id


# --- writing ---------------------------------------------------------------------------------


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never wrap a long title onto a second line
    yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def _flow(items: list[str]) -> Any:
    from ruamel.yaml.comments import CommentedSeq

    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _entry_fields(meta: DocumentMeta) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "id": meta.doc_id,
        "file": meta.source_file,
        "authority": meta.authority,
        "title": meta.title,
        "type": meta.doc_type,
        "published": meta.published,
        "date_note": meta.date_note,
        "review_date": meta.review_date,
        "status": meta.status,
    }
    if meta.exclude_sections:
        fields["exclude_sections"] = list(meta.exclude_sections)
    return fields


def _as_text(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [str(x) for x in value]
    return "" if value is None else str(value)


def save_manifest(manifest: Manifest) -> None:
    """Bring the file in line with `manifest`, touching only entries that changed; atomic write."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = _yaml()
    tree = yaml.load(manifest.path.read_text(encoding="utf-8-sig")) if manifest.path.exists() else None
    if not isinstance(tree, CommentedMap):
        tree = CommentedMap()
    if not isinstance(tree.get("authorities"), CommentedSeq):
        tree["authorities"] = CommentedSeq()
    if not isinstance(tree.get("documents"), CommentedSeq):
        tree["documents"] = CommentedSeq()
    listed = {str(a.get("name")): a for a in tree["authorities"] if isinstance(a, dict)}
    for auth in manifest.authorities:
        entry = listed.get(auth.name)
        if entry is None:
            entry = CommentedMap(name=auth.name, aliases=_flow(list(auth.aliases)), front_door=auth.front_door)
            if auth.national:
                entry["national"] = True
            tree["authorities"].append(entry)
        for key in CONTACT_FIELDS:  # a front door or a way to reach it edited on the Library page
            value = getattr(auth, key)
            if _as_text(entry.get(key)) != value and (key in entry or value):
                entry[key] = value
    docs: CommentedSeq = tree["documents"]
    wanted = {d.doc_id: d for d in manifest.documents}
    for i in reversed(range(len(docs))):
        if not isinstance(docs[i], dict) or str(docs[i].get("id")) not in wanted:
            del docs[i]
    present = {str(e.get("id")): e for e in docs}
    for meta in manifest.documents:
        entry = present.get(meta.doc_id)
        if entry is None:
            docs.append(CommentedMap(_entry_fields(meta)))
            continue
        for key, value in _entry_fields(meta).items():
            if key in entry and _as_text(entry[key]) == value:
                continue
            if key == "authority" and getattr(manifest.find_authority(_as_text(entry.get(key))), "name", None) == value:
                continue  # written as an alias, which still names the same council
            if key not in entry and value in ("", [], "guidance", "current", "undated"):
                continue
            entry[key] = _flow(value) if isinstance(value, list) else value
    buffer = io.StringIO()
    yaml.dump(tree, buffer)
    fd, tmp = tempfile.mkstemp(dir=manifest.path.parent, suffix=".yaml.tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(buffer.getvalue())
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
    new_authority: Authority | None = None,
) -> tuple[Manifest, DocumentMeta]:
    """Copy FILE into corpus/documents and add its manifest entry. Validates before changing anything.

    With `new_authority`, the council is added to the manifest's authorities in the same write.
    """
    if not file.is_file():
        raise ManifestError(f"No such file: {file}")
    if file.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ManifestError(
            f"{file.name}: unsupported file type {file.suffix or '(none)'}; supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    if status not in STATUSES:
        raise ManifestError(f"status must be one of {STATUSES}, not {status!r}")
    if not title.strip():
        raise ManifestError("Give the document a title.")
    check_date(published, "published", allow_undated=True)
    if review_date:
        check_date(review_date, "review_date", allow_undated=False)
    authorities = manifest.authorities
    if new_authority is not None:
        authorities = (*authorities, check_new_authority(manifest, new_authority))
        authority = new_authority.name
    else:
        authority = manifest.authority(authority).name
    doc_id = check_doc_id(doc_id) if doc_id else make_doc_id(authority, title)
    if doc_id in manifest.doc_ids:
        raise ManifestError(f"A document with id {doc_id!r} already exists; pass a different --id.")
    target = manifest.corpus_dir / "documents" / f"{doc_id}{file.suffix.lower()}"
    if target.exists() and file.resolve() != target.resolve():
        raise ManifestError(f"{target} already exists; pass a different --id.")
    same = duplicate_of(manifest, file.read_bytes())
    if same is not None:
        raise ManifestError(
            f"{file.name} has the same content as document {same.doc_id!r} ({same.title}, {same.status}); "
            "it is already in the library"
        )
    meta = DocumentMeta(
        doc_id=doc_id,
        authority=authority,
        title=title.strip(),
        doc_type=doc_type.strip() or "guidance",
        published=published,
        source_file=target.relative_to(manifest.corpus_dir).as_posix(),
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


def check_new_authority(manifest: Manifest, new: Authority) -> Authority:
    """A council to add: a name, aliases no other council uses, and a front door for refusals."""
    name = new.name.strip()
    if not name:
        raise ManifestError("--new-authority needs the council's full name, e.g. 'Norfolk County Council'")
    for label in (name, *new.aliases):
        known = manifest.find_authority(label)
        if known is not None:
            raise ManifestError(
                f"{label!r} already names {known.name!r}; use --authority {known.name!r} to add a document to it"
            )
    if not new.front_door.strip():
        raise ManifestError(
            "--front-door is needed with --new-authority: the team a practitioner is sent to when the guidance "
            "does not answer (e.g. 'the Children's Advice and Duty Service')"
        )
    aliases = tuple(dict.fromkeys(a.strip() for a in new.aliases if a.strip()))
    return Authority(name=name, aliases=aliases, front_door=new.front_door.strip(), national=new.national)


# A council's front door and the ways a partner reaches it: what the curator edits for a council.
CONTACT_FIELDS = ("front_door", "phone", "email", "web", "out_of_hours")


def update_authority(manifest: Manifest, name: str, **changes: str) -> Manifest:
    """Edit a council's front door and contact details; checked as the manifest's schema checks a
    hand edit (a phone number must be a UK number as published, never tidied into one), then saved."""
    current = manifest.authority(name)
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise ManifestError(f"Cannot change {', '.join(sorted(unknown))} of a council here")
    wanted = {key: " ".join(str(changes.get(key, getattr(current, key))).split()) for key in CONTACT_FIELDS}
    if not wanted["front_door"]:
        raise ManifestError(
            f"{current.name} needs a front door: the team a partner or practitioner is sent to (e.g. 'the "
            "Children's Advice and Duty Service')"
        )
    try:
        checked = AuthorityEntry.model_validate({"name": current.name, **wanted})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg'].removeprefix('Value error, ')}"
                             for e in exc.errors())
        raise ManifestError(f"Not saved: {problems}") from None
    edited = replace(current, **{key: getattr(checked, key) for key in CONTACT_FIELDS})
    if edited == current:
        return manifest
    councils = tuple(edited if a.name == current.name else a for a in manifest.authorities)
    updated = replace(manifest, authorities=councils)
    save_manifest(updated)
    return updated


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
        check_date(changes["published"], "published", allow_undated=True)
    if changes.get("review_date"):
        check_date(changes["review_date"], "review_date", allow_undated=False)
    new_meta = replace(current, **changes)  # type: ignore[arg-type]
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
