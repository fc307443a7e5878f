"""Stage 5: the Chroma store (embedded or server), written in whole generations behind a pointer.

Why generations: a reader must see the old index or the new one, never a mixture and never an
error. An index run writes a complete new pair of collections (a *generation*), checks every
document in it, and only then moves a pointer (the metadata of one small collection, a single
atomic update) to it. A committed generation is never written again, so nothing a reader has
cached about it (the embedded client keeps HNSW segments in memory per process) can go stale;
a reader notices the pointer moved and opens the new generation's collections. The generation
before the current one is kept for readers still finishing a question on it; older ones and
any a crashed run left half-written are dropped by the next run. The same scheme works for the
embedded PersistentClient and for a Chroma server, because the pointer lives in Chroma itself.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
from typing import Any

from assistant.settings import Settings
from assistant.types import Chunk
from indexing.generation import (
    LEGACY,
    Generation,
    IndexedDocument,
    chunk_from_record,
    chunk_metadata,
    meta_hash,
)

__all__ = [
    "LEGACY",
    "ChunkStore",
    "Generation",
    "IndexedDocument",
    "chunk_from_record",
    "chunk_metadata",
    "meta_hash",
    "open_client",
]

_SPACE = {"hnsw:space": "cosine"}


def open_client(settings: Settings) -> Any:
    """PersistentClient in the data folder, or HttpClient when a Chroma server host is set."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


class ChunkStore:
    """The Chroma database: its generations and the pointer to the current one.

    Readers call `current()` (one small read) before each question; only `index` writes, by
    `begin()` -> Generation.write_document/copy_document -> `commit()` -> `drop_old()`."""

    def __init__(self, client: Any, name: str) -> None:
        self.client = client
        self.name = name
        self.pointer_name = f"{name}_current"
        self._pattern = re.compile(rf"^{re.escape(name)}_g(\d+)_(chunks|sentences)$")
        self._handles: dict[int, Generation] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, settings: Settings) -> ChunkStore:
        return cls(open_client(settings), settings.collection)

    # --- the pointer -------------------------------------------------------------------
    def pointer(self) -> dict[str, Any] | None:
        """{"generation", "previous", "committed_at"} or None before the first commit."""
        from chromadb.errors import NotFoundError

        try:
            return dict(self.client.get_collection(self.pointer_name, embedding_function=None).metadata or {})
        except (NotFoundError, ValueError):
            return None

    def current(self) -> Generation | None:
        """The committed generation readers should use now (None: nothing indexed yet)."""
        pointer = self.pointer()
        if pointer is not None:
            return self._open(int(pointer["generation"]))
        return self._legacy()

    def _open(self, number: int) -> Generation:
        with self._lock:
            handle = self._handles.get(number)
            if handle is None:
                chunks_name, sentences_name = self._names(number)
                handle = Generation(
                    self.client.get_collection(chunks_name, embedding_function=None),
                    self.client.get_collection(sentences_name, embedding_function=None),
                    number,
                    chunks_name,
                )
                self._handles[number] = handle
                for older in [n for n in self._handles if n < number - 1]:
                    del self._handles[older]  # a long-running reader keeps handles for two generations at most
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
        current = int(pointer["generation"]) if pointer else LEGACY
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
        )

    def commit(self, generation: Generation, documents: int) -> None:
        """Point readers at `generation` (one metadata update: atomic)."""
        previous = self.pointer()
        metadata = {
            "generation": generation.number,
            "previous": int(previous["generation"]) if previous else LEGACY,
            "committed_at": time.time(),
            "documents": documents,
        }
        pointer = self.client.get_or_create_collection(self.pointer_name, embedding_function=None)
        self._set_pointer(pointer, metadata)

    def _set_pointer(self, pointer: Any, metadata: dict[str, Any]) -> None:
        pointer.modify(metadata=metadata)

    def drop_old(self) -> list[int]:
        """Drop every generation but the current one and the one before it (a reader may still
        be finishing a question there; it reopens the current one on its next question)."""
        pointer = self.pointer()
        if pointer is None:
            return []
        keep = {int(pointer["generation"]), int(pointer.get("previous", LEGACY))}
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

    def query(self, vector: list[float], k: int, where: dict | None = None) -> list[tuple[str, float]]:
        current = self.current()
        return current.query(vector, k, where) if current else []
