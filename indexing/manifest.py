"""The corpus manifest: read `corpus/manifest.yaml` and check what a schema cannot see.

`indexing/schema.py` checks each field (file, line and field in every message); this module then
refuses ids and files used twice, files outside the corpus folder, two entries with the same
bytes, and documents whose council is not listed. Edits (add, update, remove) are in
`indexing/curate.py`.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import re
import tempfile
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from assistant.types import DocumentMeta
from indexing import schema
from indexing.schema import ConfigError, ManifestFile, validate_manifest, where

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")


class ManifestError(ConfigError):
    """The manifest (or glossary) or a requested change to it is invalid; the message says how to fix it."""


@dataclass(frozen=True)
class Authority:
    name: str
    aliases: tuple[str, ...] = ()
    front_door: str = ""
    phone: str = ""
    email: str = ""
    web: str = ""
    out_of_hours: str = ""
    national: bool = False  # its guidance applies in every council's area (schema: AuthorityEntry.national)

    @property
    def contacts(self) -> tuple[tuple[str, str], ...]:
        """The recorded ways to reach the front door, labelled; empty ones left out."""
        labelled = (
            ("phone", self.phone),
            ("email", self.email),
            ("web", self.web),
            ("out of hours", self.out_of_hours),
        )
        return tuple((label, value) for label, value in labelled if value)


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

    def find_authority(self, name: str) -> Authority | None:
        wanted = _fold(name)
        for auth in self.authorities:
            if wanted in {_fold(auth.name), *(_fold(a) for a in auth.aliases)}:
                return auth
        return None

    def authority(self, name: str) -> Authority:
        """Resolve a name or alias (any case) to a known authority, or explain what is known."""
        found = self.find_authority(name)
        if found is not None:
            return found
        names = [a.name for a in self.authorities]
        close = difflib.get_close_matches(name, names + [x for a in self.authorities for x in a.aliases], n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ManifestError(
            f"Unknown authority {name!r}.{hint} Known authorities: {'; '.join(names) or 'none yet'}. "
            "Add a new council with `guidance add FILE --new-authority NAME --alias SHORT --front-door TEAM ...` "
            "or in the `authorities` list of corpus/manifest.yaml."
        )


def _fold(text: str) -> str:
    return re.sub(r"[^a-z0-9&]+", " ", text.lower()).strip()


# --- reading ---------------------------------------------------------------------------------


# Where a checked parse of the manifest is kept, inside the cache folder a caller names (the index
# run's: data/cache). Reading manifest.yaml with ruamel's round-trip loader, which keeps every line
# number for the messages, costs about a second per 1,000 documents (2.1 s for 1,900 measured on
# this machine, loaded); an index run that finds the manifest unchanged reads the parse back instead.
PARSED_CACHE = "manifest.parsed.json"


def load_manifest(path: Path, cache_dir: Path | None = None) -> Manifest:
    """The manifest, checked. With `cache_dir`, a manifest whose bytes were parsed before (by any
    process using that folder) is read from the cached parse: the same fields, validated again by
    the same schema; only the YAML parsing is skipped. A problem found then is reported from a
    fresh parse, so its message still names the line."""
    if not path.exists():
        raise ManifestError(f"No manifest at {path}. Create one: see README 'Adding a document'.")
    try:
        checked, tree, keep = _checked_manifest(path, cache_dir)
    except ConfigError as exc:
        raise ManifestError(str(exc)) from None
    manifest = _built(path, checked, tree)
    if cache_dir is not None and keep:  # only a parse that passed every check: last_read_manifest reads it
        _write_quietly(cache_dir / PARSED_CACHE, json.dumps({"key": keep, "manifest": checked.model_dump(mode="json")}))
    return manifest


def last_read_manifest(path: Path, cache_dir: Path) -> Manifest | None:
    """The manifest as last read without a problem by any process using `cache_dir` (its cached
    parse, whatever the file holds now), checked again; None when there is none. For the question
    path only, when the file is broken by a hand edit: the index was built from a manifest that
    read, and its councils' names and front doors are still right for it. Indexing never uses it."""
    try:
        stored = json.loads((cache_dir / PARSED_CACHE).read_text(encoding="utf-8"))
        return _built(path, ManifestFile.model_validate(stored["manifest"]), None, reparse=False)
    except (OSError, ValueError, KeyError, TypeError, ManifestError):
        return None


def _built(path: Path, checked: ManifestFile, tree: object | None, reparse: bool = True) -> Manifest:
    """The Manifest from a schema-checked parse, after the checks across entries (ManifestError)."""
    problems: list[str] = []
    authorities = tuple(
        Authority(a.name, tuple(a.aliases), a.front_door, a.phone, a.email, a.web, a.out_of_hours, a.national)
        for a in checked.authorities
    )
    owner: dict[str, str] = {}
    # A name or alias, folded, to its council: the first listed wins, as in Manifest.find_authority
    # (looked up once per document, so a library of thousands of documents does no rescans).
    by_label: dict[str, Authority] = {}
    for i, auth in enumerate(authorities):
        for label in (auth.name, *auth.aliases):
            by_label.setdefault(_fold(label), auth)
            other = owner.setdefault(_fold(label), auth.name)
            if other != auth.name:
                problems.append(
                    f"{where(path, tree, ('authorities', i))}, authority {auth.name!r}: "
                    f"{label!r} already names {other!r}; a name or alias may belong to one council only"
                )
    manifest = Manifest(path=path, authorities=authorities, documents=())
    docs: list[DocumentMeta] = []
    first_entry: dict[str, int] = {}  # id -> the index of the entry that first used it
    files: dict[Path, str] = {}
    corpus = path.parent.resolve()
    for i, entry in enumerate(checked.documents):
        label = f"documents[{i}] ({entry.id})"
        if entry.id in first_entry:
            problems.append(
                f"{where(path, tree, ('documents', i, 'id'))}, {label} field 'id': "
                f"{entry.id!r} is used twice (first at {where(path, tree, ('documents', first_entry[entry.id]))})"
            )
        first_entry.setdefault(entry.id, i)
        authority = by_label.get(_fold(entry.authority))
        if authority is None:
            try:
                manifest.authority(entry.authority)
            except ManifestError as exc:
                problems.append(f"{where(path, tree, ('documents', i, 'authority'))}, {label} field 'authority': {exc}")
        target = (path.parent / entry.file).resolve()
        if Path(entry.file).is_absolute() or not target.is_relative_to(corpus):
            problems.append(
                f"{where(path, tree, ('documents', i, 'file'))}, {label} field 'file': {entry.file!r} is outside the "
                f"corpus folder {path.parent}; copy the document into {path.parent / 'documents'} and give "
                "its path relative to the manifest"
            )
        elif target in files:
            problems.append(
                f"{where(path, tree, ('documents', i))}, {label} field 'file': {entry.file!r} is already "
                f"document {files[target]!r}"
            )
        files.setdefault(target, entry.id)
        docs.append(
            DocumentMeta(
                doc_id=entry.id,
                # Canonical name: documents may name their council by an alias.
                authority=authority.name if authority else entry.authority,
                title=entry.title,
                doc_type=entry.type,
                published=entry.published,
                source_file=entry.file,
                status=entry.status,
                date_note=entry.date_note,
                review_date=entry.review_date,
                exclude_sections=tuple(entry.exclude_sections),
            )
        )
    if not problems:
        problems += _same_content(manifest.corpus_dir, docs)
    if problems and tree is None and reparse:  # checked from the cached parse: parse again for the line numbers
        return load_manifest(path)
    if problems:
        shown = problems[:5]
        raise ManifestError("\n".join(shown) + (f"\n(and {len(problems) - 5} more)" if len(problems) > 5 else ""))
    return replace(manifest, documents=tuple(docs))


def _checked_manifest(path: Path, cache_dir: Path | None) -> tuple[ManifestFile, object | None, str]:
    """The schema-checked manifest, its YAML tree (None when it came from the cache) and the key to
    keep a fresh parse under ("" when there is nothing to keep)."""
    if cache_dir is None:
        return *validate_manifest(path), ""
    key = _parse_key(path.read_bytes())
    cache = cache_dir / PARSED_CACHE
    try:
        stored = json.loads(cache.read_text(encoding="utf-8"))
        if stored.get("key") == key:
            return ManifestFile.model_validate(stored["manifest"]), None, ""
    except (OSError, ValueError):  # missing, unreadable or not a parse this schema accepts: parse
        pass
    checked, tree = validate_manifest(path)
    return checked, tree, key if _parse_key(path.read_bytes()) == key else ""  # "": edited while parsed


def _parse_key(raw: bytes) -> str:
    """Names one parse: the manifest's bytes, the schema's code and the YAML reader's version."""
    import ruamel.yaml

    digest = hashlib.sha256(raw)
    digest.update(Path(schema.__file__).read_bytes())
    digest.update(ruamel.yaml.__version__.encode())
    return digest.hexdigest()


def _write_quietly(path: Path, text: str) -> None:
    """Write whole or not at all (renamed into place); a folder that cannot be written only costs speed."""
    tmp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; the app may run as another user than the indexer
        os.replace(tmp, path)
    except OSError:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _same_content(corpus_dir: Path, docs: list[DocumentMeta]) -> list[str]:
    """Entries whose files hold the same bytes (they would be indexed, and cited, twice).

    Only files of equal size are hashed, so this costs a few stat calls on an ordinary library.
    """
    by_size: dict[int, list[DocumentMeta]] = defaultdict(list)
    for meta in docs:
        path = corpus_dir / meta.source_file
        if path.is_file():
            by_size[path.stat().st_size].append(meta)
    problems = []
    for group in by_size.values():
        seen: dict[str, str] = {}
        for meta in group if len(group) > 1 else ():
            digest = _file_digest(corpus_dir / meta.source_file)
            if digest in seen:
                problems.append(
                    f"{corpus_dir / 'manifest.yaml'}: documents {seen[digest]!r} and {meta.doc_id!r} have the "
                    "same content; remove one entry"
                )
            seen.setdefault(digest, meta.doc_id)
    return problems


def _file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def duplicate_of(manifest: Manifest, data: bytes) -> DocumentMeta | None:
    """The document whose file holds exactly these bytes, if any."""
    digest = hashlib.sha256(data).hexdigest()
    for meta in manifest.documents:
        path = manifest.corpus_dir / meta.source_file
        if path.is_file() and path.stat().st_size == len(data) and _file_digest(path) == digest:
            return meta
    return None


def check_date(value: str, label: str, allow_undated: bool) -> None:
    if allow_undated and value == "undated":
        return
    try:
        date.fromisoformat(value)
    except ValueError as exc:
        raise ManifestError(
            f"{label} must be YYYY-MM-DD{' or undated' if allow_undated else ''}, not {value!r}"
        ) from exc


_MOVED_TO_CURATE = {"add_document", "update_document", "remove_document", "save_manifest", "slugify", "make_doc_id"}


def __getattr__(name: str) -> object:
    """Edits moved to indexing/curate.py; `from indexing.manifest import update_document` still works."""
    if name in _MOVED_TO_CURATE:
        from indexing import curate

        return getattr(curate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
