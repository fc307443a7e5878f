"""Stage 5: the Chroma store (embedded or server), written in whole generations behind a pointer.

Why generations: a reader must see the old index or the new one, never a mixture and never an
error. An index run writes a complete new pair of collections (a *generation*), checks every
document in it, and only then moves a pointer (the metadata of one small collection, a single
atomic update) to it. A committed generation is never written again, so nothing a reader has
cached about it (the embedded client keeps HNSW segments in memory per process) can go stale;
a reader notices the pointer moved and opens the new generation's collections. The generation
before the current one is kept for readers still finishing a question on it; older ones and
any a crashed run left half-written are dropped by the next run. A run that writes a whole new
base of a large library drops the base it replaced itself, once readers have had
READER_GRACE_SECONDS to finish with it: deleting a large generation takes seconds, and the next
run may be a one-document change someone is waiting for. The same scheme works for the
embedded PersistentClient and for a Chroma server, because the pointer lives in Chroma itself.

Why a base and a delta: rewriting every document to change one costs minutes at 100k chunks.
So an index run that changes a small part of a large library writes a *delta* segment holding
only the changed documents (and the previous delta's), and the pointer names the base, the
delta, and the base's documents the delta replaces; one metadata update still moves readers
from one whole index to the next. A run that changes much, or a small library, writes a whole
new base (which is also how the delta is folded back in). Each segment's BM25 index, sentence
vectors and catalogue are sealed into a folder beside the store before the pointer moves.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import numpy as np

from assistant.settings import Settings
from assistant.types import Chunk
from indexing.generation import (
    LEGACY,
    Generation,
    IndexedDocument,
    chunk_from_record,
    chunk_metadata,
    meta_hash,
    read_all,
    strip_heading,
)
from indexing.lexical import CorpusStats

__all__ = [
    "LEGACY",
    "ChunkStore",
    "Generation",
    "IndexView",
    "IndexedDocument",
    "chunk_from_record",
    "chunk_metadata",
    "meta_hash",
    "open_client",
]

_SPACE = {"hnsw:space": "cosine"}
_HANDLES_KEPT = 4  # segments a long-running reader keeps open: the current base and delta, and the previous
# How long after a commit a reader may still be finishing a question on the index it replaced: a
# question reads the pointer once and is done with the store within a second (the slowest measured,
# 2.3 s, at 100k chunks on a loaded machine), so 10 s leaves a wide margin.
READER_GRACE_SECONDS = 10.0


# Chroma shares one system per data folder in a process and starts it inside the client's
# constructor; two threads constructing clients for the same folder at once can get the system
# before it has started ("'RustBindingsAPI' object has no attribute 'bindings'", or a KeyError on
# the folder). The app does exactly that when its Timescales page (its own store) opens while the
# Ask page's assistant is still opening: the first visit showed "The timescales cannot be read".
# Clients are therefore made one at a time.
_CLIENT_LOCK = threading.Lock()


def open_client(settings: Settings) -> Any:
    """PersistentClient in the data folder, or HttpClient when a Chroma server host is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    with _CLIENT_LOCK:
        if settings.chroma_host:
            return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
        settings.chroma_dir.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


class ChunkStore:
    """The Chroma database: its generations and the pointer to the current one.

    Readers call `current()` (one small read) before each question; only `index` writes, by
    `begin()` -> Generation.write_document/copy_document -> `commit()` -> `drop_old()`."""

    def __init__(
        self, client: Any, name: str, folder: Path | None = None, reader_grace: float = READER_GRACE_SECONDS
    ) -> None:
        self.client = client
        self.name = name
        self.folder = folder  # where sealed segment folders live (None: kept in memory only)
        self.reader_grace = reader_grace
        self.pointer_name = f"{name}_current"
        self._pattern = re.compile(rf"^{re.escape(name)}_g(\d+)_(chunks|sentences)$")
        self._handles: OrderedDict[int, Generation] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings) -> ChunkStore:
        return cls(open_client(settings), settings.collection, settings.data_dir / "segments")

    # --- the pointer -------------------------------------------------------------------
    def pointer(self) -> dict[str, Any] | None:
        """{"generation" (the base), "delta" (-1: none), "hidden" (JSON list of the base's documents
        left out), "previous", "previous_delta", "committed_at"} or None before the first commit."""
        from chromadb.errors import NotFoundError

        try:
            return dict(self.client.get_collection(self.pointer_name, embedding_function=None).metadata or {})
        except (NotFoundError, ValueError):
            return None

    def current(self) -> IndexView | None:
        """The committed index readers should use now (None: nothing indexed yet)."""
        pointer = self.pointer()
        if pointer is None:
            legacy = self._legacy()
            return IndexView(legacy) if legacy is not None else None
        delta = int(pointer.get("delta", -1))
        return IndexView(
            self._open(int(pointer["generation"])),
            self._open(delta) if delta >= 0 else None,
            frozenset(json.loads(pointer.get("hidden") or "[]")),
        )

    def _open(self, number: int) -> Generation:
        with self._lock:
            handle = self._handles.get(number)
            if handle is not None:
                self._handles.move_to_end(number)
            else:
                chunks_name, sentences_name = self._names(number)
                handle = Generation(
                    self.client.get_collection(chunks_name, embedding_function=None),
                    self.client.get_collection(sentences_name, embedding_function=None),
                    number,
                    chunks_name,
                    self._folder(number),
                )
                self._handles[number] = handle
                while len(self._handles) > _HANDLES_KEPT:  # a long-running reader keeps the few it uses
                    self._handles.popitem(last=False)
            return handle

    def _legacy(self) -> Generation | None:
        from chromadb.errors import NotFoundError

        chunks_name, sentences_name = self._names(LEGACY)
        try:
            chunks = self.client.get_collection(chunks_name, embedding_function=None)
            sentences = self.client.get_collection(sentences_name, embedding_function=None)
        except (NotFoundError, ValueError):
            return None
        return Generation(chunks, sentences, LEGACY, f"legacy:{chunks.id}")

    def _folder(self, number: int) -> Path | None:
        return self.folder / f"{self.name}_g{number:06d}" if self.folder and number != LEGACY else None

    def _names(self, number: int) -> tuple[str, str]:
        if number == LEGACY:
            return f"{self.name}_chunks", f"{self.name}_sentences"
        return f"{self.name}_g{number:06d}_chunks", f"{self.name}_g{number:06d}_sentences"

    def generation_numbers(self) -> list[int]:
        """Every generation with a collection in the store, committed or not."""
        numbers = set()
        for collection in self.client.list_collections():
            name = collection if isinstance(collection, str) else collection.name
            match = self._pattern.match(name)
            if match:
                numbers.add(int(match.group(1)))
        return sorted(numbers)

    # --- writing (index runs only, under the index lock) --------------------------------
    def begin(self) -> Generation:
        """A new, empty generation. Generations newer than the current one were left by a run
        that did not finish (its lock was taken over): they are dropped first."""
        pointer = self.pointer()
        current = max(int(pointer["generation"]), int(pointer.get("delta", -1))) if pointer else LEGACY
        numbers = self.generation_numbers()
        for number in numbers:
            if number > current:
                self._drop(number)
        number = max([current, *numbers]) + 1  # never reuse a name another process may have cached
        chunks_name, sentences_name = self._names(number)
        return Generation(
            self.client.create_collection(chunks_name, metadata=_SPACE, embedding_function=None),
            self.client.create_collection(sentences_name, metadata=_SPACE, embedding_function=None),
            number,
            chunks_name,
            self._folder(number),
        )

    def commit(
        self,
        generation: Generation,
        documents: int,
        base: IndexView | None = None,
        hidden: frozenset[str] = frozenset(),
    ) -> None:
        """Seal `generation` and point readers at it (one metadata update: atomic): as a whole new
        base, or, with `base`, as the delta over that index's base segment, leaving out `hidden`."""
        generation.seal(base.stats if base is not None else None)
        previous = self.pointer()
        metadata = {
            "generation": base.base.number if base is not None else generation.number,
            "delta": generation.number if base is not None else -1,
            "hidden": json.dumps(sorted(hidden)),
            "previous": int(previous["generation"]) if previous else LEGACY,
            "previous_delta": int(previous.get("delta", -1)) if previous else -1,
            "committed_at": time.time(),
            "documents": documents,
        }
        pointer = self.client.get_or_create_collection(self.pointer_name, embedding_function=None)
        self._set_pointer(pointer, metadata)

    def _set_pointer(self, pointer: Any, metadata: dict[str, Any]) -> None:
        pointer.modify(metadata=metadata)

    def drop_old(self, replaced_too: bool = False) -> list[int]:
        """Drop every generation but the current one and the one before it (a reader may still
        be finishing a question there; it reopens the current one on its next question).

        `replaced_too`: drop the one before as well, once `reader_grace` has passed since the
        commit that replaced it (waiting out the rest). For a run that wrote a whole new base of a
        large library: Chroma deletes ~0.1-0.2 ms per record and holds the GIL meanwhile (a
        10k-chunk generation with its sentences took ~3.4 s), so the old base is dropped by the
        long run that replaced it rather than by the next one-document run, which the person who
        changed that document waits for."""
        pointer = self.pointer()
        if pointer is None:
            return []
        named = ("generation", "delta") if replaced_too else ("generation", "delta", "previous", "previous_delta")
        keep = {int(pointer[key]) for key in named if key in pointer}
        if replaced_too:
            time.sleep(max(0.0, float(pointer.get("committed_at", 0.0)) + self.reader_grace - time.time()))
        dropped = [n for n in self.generation_numbers() if n not in keep]
        for number in dropped:
            self._drop(number)
        if LEGACY not in keep and self._legacy() is not None:
            self._drop(LEGACY)
            dropped.append(LEGACY)
        return dropped

    def _drop(self, number: int) -> None:
        from chromadb.errors import NotFoundError

        with self._lock:
            self._handles.pop(number, None)
        for name in self._names(number):
            with contextlib.suppress(NotFoundError, ValueError):  # already gone
                self.client.delete_collection(name)
        folder = self._folder(number)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

    # --- the current generation, for callers that only read ------------------------------
    def indexed_documents(self) -> dict[str, IndexedDocument]:
        current = self.current()
        return current.indexed_documents() if current else {}

    def all_chunks(self) -> list[Chunk]:
        current = self.current()
        return current.all_chunks() if current else []

    def all_sentence_vectors(self) -> dict[str, list[list[float]]]:
        current = self.current()
        return current.all_sentence_vectors() if current else {}

    def query(
        self, vector: list[float], k: int, authorities: tuple[str, ...] = (), current_only: bool = False
    ) -> list[tuple[str, float]]:
        current = self.current()
        return current.query(vector, k, authorities, current_only) if current else []


class IndexView:
    """The committed index as readers see it: a base segment, at most one delta segment holding
    documents changed since the base was written, and the base's documents the delta replaced
    (or that were removed), which every search of the base leaves out.

    Everything here queries: Chroma (dense, with `where` filters), the segments' BM25 indexes
    and their memory-mapped sentence vectors. Nothing reads the whole corpus."""

    def __init__(self, base: Generation, delta: Generation | None = None, hidden: frozenset[str] = frozenset()) -> None:
        self.base = base
        self.delta = delta
        self.hidden = hidden
        self.number = base.number
        self.key = f"{base.key}+{delta.key}" if delta else base.key
        self._words: frozenset[str] | None = None

    @property
    def label(self) -> str:
        return f"{self.base.label} + delta {self.delta.number}" if self.delta else self.base.label

    def segments(self) -> list[tuple[Generation, frozenset[str]]]:
        """Each segment with the documents a search of it must leave out."""
        out = [(self.base, self.hidden)]
        if self.delta is not None:
            out.append((self.delta, frozenset()))
        return out

    def segment_holding(self, doc_id: str) -> Generation:
        if self.delta is not None and doc_id in self.delta.files().catalogue:
            return self.delta
        return self.base

    # --- the catalogue -----------------------------------------------------------------------
    def indexed_documents(self) -> dict[str, IndexedDocument]:
        docs = {d: e for d, e in self.base.indexed_documents().items() if d not in self.hidden}
        if self.delta is not None:
            docs.update(self.delta.indexed_documents())
        return docs

    def count(self) -> int:
        return sum(e.chunks for e in self.indexed_documents().values())

    def sentence_count(self) -> int:
        return sum(int(seg.files().offsets[-1]) for seg, _ in self.segments()) - self._hidden_sentences()

    def _hidden_sentences(self) -> int:
        if not self.hidden:
            return 0
        files = self.base.files()
        lex = files.lexical
        hidden = {i for i, d in enumerate(lex.doc_names) if d in self.hidden}
        rows = np.flatnonzero(np.isin(lex.doc, list(hidden)))
        return int(sum(files.offsets[i + 1] - files.offsets[i] for i in rows))

    def problems(self) -> dict[str, str]:
        found = {d: p for d, p in self.base.problems().items() if d not in self.hidden}
        if self.delta is not None:
            found.update(self.delta.problems())
        return found

    def all_chunks(self) -> list[Chunk]:
        chunks = [c for c in self.base.all_chunks() if c.doc_id not in self.hidden]
        return chunks + (self.delta.all_chunks() if self.delta is not None else [])

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        """One document's chunks, from the segment holding its live copy (a filtered read)."""
        if doc_id not in self.indexed_documents():
            return []
        segment = self.segment_holding(doc_id)
        records = read_all(segment.chunks, ["metadatas", "documents"], {"doc_id": doc_id})
        return [
            chunk_from_record(i, strip_heading(t, m), m)
            for i, t, m in zip(records["ids"], records["documents"], records["metadatas"], strict=True)
        ]

    def all_sentence_vectors(self) -> dict[str, list[list[float]]]:
        vectors: dict[str, list[list[float]]] = {}
        for segment, hidden in self.segments():
            files = segment.files()
            for chunk_id, doc in zip(files.lexical.ids, files.lexical.doc, strict=True):
                if files.lexical.doc_names[doc] not in hidden:
                    vectors[chunk_id] = files.sentences_of(chunk_id).tolist()  # type: ignore[union-attr]
        return vectors

    def sentence_counts(self) -> dict[str, int]:
        """doc_id -> sentence vectors held for it (from the sentence records themselves)."""
        counts: dict[str, int] = {}
        for segment, hidden in self.segments():
            for md in read_all(segment.sentences, ["metadatas"])["metadatas"] or []:
                if md["doc_id"] not in hidden:
                    counts[md["doc_id"]] = counts.get(md["doc_id"], 0) + 1
        return counts

    # --- searching -----------------------------------------------------------------------------
    def query(
        self, vector: list[float], k: int, authorities: tuple[str, ...] = (), current_only: bool = False
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) best first, over every segment. A filter that leaves few
        chunks (one council of many) is answered exactly from the segment's memory-mapped chunk
        vectors; anything broader goes to Chroma's vector index, filtered only where it must be."""
        hits = []
        for segment, hidden in self.segments():
            rows = _allowed_rows(segment, hidden, authorities, current_only)
            files = segment.files()
            query = np.asarray(vector, dtype=np.float32)
            if rows is None and len(files.lexical) <= EXACT_MAX_CHUNKS:
                # Unfiltered, a segment this small is scanned exactly too: Chroma's approximate
                # index returned a different neighbour list about one run in six for the same
                # question on the shipped library, so the same question got a different answer.
                # The memory map is read in place (indexing it by a list of rows would copy it).
                sims = np.asarray(files.chunk_vectors, dtype=np.float32) @ query
                hits += [(files.lexical.ids[i], float(sims[i])) for i in np.argsort(-sims)[:k]]
            elif rows is not None and len(rows) <= EXACT_MAX_CHUNKS:
                sims = np.asarray(files.chunk_vectors[rows], dtype=np.float32) @ query
                best = np.argsort(-sims)[:k]
                hits += [(files.lexical.ids[rows[i]], float(sims[i])) for i in best]
            else:
                hits += _query_leaving_out(
                    segment, hidden, vector, k, _where(segment, frozenset(), authorities, current_only)
                )
        return sorted(hits, key=lambda h: -h[1])[:k]

    def lexical(
        self, terms: list[str], k: int, authorities: tuple[str, ...], current_only: bool
    ) -> list[tuple[str, float]]:
        hits = [
            hit
            for segment, hidden in self.segments()
            for hit in segment.files().lexical.search(terms, k, authorities, current_only, hidden)
        ]
        return sorted(hits, key=lambda h: -h[1])[:k]

    def get_chunks(self, ids: list[str]) -> dict[str, Chunk]:
        """The chunks with these ids, each from the segment that holds its live copy."""
        found: dict[str, Chunk] = {}
        wanted = list(dict.fromkeys(ids))
        for segment, hidden in reversed(self.segments()):  # the delta first: it replaces the base
            rest = [i for i in wanted if i not in found and i in segment.files().row]
            found.update({i: c for i, c in segment.get_chunks(rest).items() if c.doc_id not in hidden})
        return found

    def adjacent(self, chunk_id: str) -> list[str]:
        """The live chunks just before and after this one in its own document (no store read)."""
        for segment, hidden in reversed(self.segments()):
            files = segment.files()
            i = files.row.get(chunk_id)
            if i is None:
                continue
            lex = files.lexical
            if lex.doc_names[lex.doc[i]] in hidden:
                return []
            return [lex.ids[j] for j in (i - 1, i + 1) if 0 <= j < len(lex.ids) and lex.doc[j] == lex.doc[i]]
        return []

    def authority_of(self, chunk_id: str) -> str:
        """The council of a live chunk ("" if none): from the BM25 index's arrays, no store read."""
        for segment, hidden in reversed(self.segments()):
            lex = segment.files().lexical
            i = segment.files().row.get(chunk_id)
            if i is not None and lex.doc_names[lex.doc[i]] not in hidden:
                return lex.authority_names[lex.authority[i]]
        return ""

    def sentence_vectors(self, chunk_id: str) -> np.ndarray | None:
        for segment, hidden in reversed(self.segments()):
            files = segment.files()
            i = files.row.get(chunk_id)
            if i is not None and files.lexical.doc_names[files.lexical.doc[i]] not in hidden:
                return files.sentences_of(chunk_id)
        return None

    @property
    def stats(self) -> CorpusStats:
        """The base's BM25 statistics: what IDF means for every segment of this index."""
        return self.base.files().lexical.stats

    @property
    def words(self) -> frozenset[str]:
        if self._words is None:
            words = set(self.base.files().lexical.words)
            if self.delta is not None:
                words |= self.delta.files().lexical.words
            self._words = frozenset(words)
        return self._words


# Up to this many chunks left by a filter, an exact scan of their vectors (at most ~30 MB read from
# the memory map, a few ms) is faster than Chroma's filtered search, measured at 20-140 ms on 10k
# chunks (its unfiltered search: under 2 ms). An unfiltered search of a segment this small is
# scanned exactly as well: a few ms at most, and the same question always finds the same chunks.
EXACT_MAX_CHUNKS = 20_000
# The base's documents a delta replaced are dropped from an unfiltered search's results rather
# than filtered out in Chroma (a `$nin` filter made every question a slow filtered search); the
# search asks for this many more results, at most, to make up for the ones dropped.
OVERFETCH_MAX = 1000


def _query_leaving_out(
    segment: Generation, hidden: frozenset[str], vector: list[float], k: int, where: dict | None
) -> list[tuple[str, float]]:
    """A Chroma search of one segment without the hidden documents' chunks: over-fetch and drop
    them; only if too many were dropped to be sure of the top k, filter in Chroma instead."""
    if not hidden:
        return segment.query(vector, k, where)
    files = segment.files()
    codes = [i for i, d in enumerate(files.lexical.doc_names) if d in hidden]
    hidden_chunks = int(np.isin(files.lexical.doc, codes).sum())
    extra = min(hidden_chunks, OVERFETCH_MAX)
    found = segment.query(vector, k + extra, where)
    doc = files.lexical.doc
    kept = [(c, sim) for c, sim in found if c not in files.row or doc[files.row[c]] not in codes]
    if len(kept) >= k or extra == hidden_chunks or len(found) < k + extra:
        return kept[:k]
    nin = {"doc_id": {"$nin": sorted(hidden)}}
    return segment.query(vector, k, {"$and": [where, nin]} if where else nin)


def _allowed_rows(
    segment: Generation, hidden: frozenset[str], authorities: tuple[str, ...], current_only: bool
) -> np.ndarray | None:
    """The segment rows a filter leaves, or None when it leaves every row (no filter to apply)."""
    lexical = segment.files().lexical
    keep = np.ones(len(lexical), dtype=bool)
    if authorities:
        keep &= np.isin(lexical.authority, [i for i, a in enumerate(lexical.authority_names) if a in authorities])
    if current_only:
        keep &= lexical.current
    if hidden:
        keep &= ~np.isin(lexical.doc, [i for i, d in enumerate(lexical.doc_names) if d in hidden])
    return None if keep.all() else np.flatnonzero(keep)


def _where(
    segment: Generation, hidden: frozenset[str], authorities: tuple[str, ...], current_only: bool
) -> dict | None:
    """The Chroma filter for one segment, without the clauses that exclude nothing there (every
    chunk current, every council asked for): Chroma answers an unfiltered query several times
    faster than a filtered one, and the answer is the same."""
    lexical = segment.files().lexical
    clauses: list[dict] = []
    if authorities and not set(lexical.authority_names) <= set(authorities):
        clauses.append({"authority": {"$in": list(authorities)}})
    if current_only and not bool(np.all(lexical.current)):
        clauses.append({"status": "current"})
    if hidden:
        clauses.append({"doc_id": {"$nin": sorted(hidden)}})
    return clauses[0] if len(clauses) == 1 else ({"$and": clauses} if clauses else None)
