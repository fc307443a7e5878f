"""The comparison point: the pipeline LangChain's RAG tutorial teaches, over the same corpus and model.

Fixed-size character chunks (RecursiveCharacterTextSplitter, 1000/200) of each current
document's raw text, a langchain_chroma.Chroma store in memory, similarity_search with the
tutorial's k=4. Nothing of ours is used except the loader and the embedding model, so the
benchmark and the eval ablation measure what structure-aware chunking and hybrid retrieval add.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings

from assistant.settings import Settings
from indexing.embed import Embedder
from indexing.load import load
from indexing.manifest import load_manifest

# The tutorial's values (python.langchain.com/docs/tutorials/rag): do not tune them,
# the point is to compare against what a user would copy.
TUTORIAL_CHUNK_SIZE = 1000
TUTORIAL_CHUNK_OVERLAP = 200
TUTORIAL_K = 4


@dataclass(frozen=True)
class BaselineHit:
    """One passage the tutorial pipeline returned, with the provenance it can offer."""

    doc_id: str
    text: str
    authority: str


class EmbedderEmbeddings(Embeddings):
    """Our Embedder as a LangChain Embeddings, so Chroma never falls back to its default model."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed([text])[0]


class TutorialBaseline:
    """Build once with `TutorialBaseline.build(settings, embedder)`, then `search(question, k)`."""

    def __init__(self, store: Any, chunks: int) -> None:
        self.store = store
        self.chunks = chunks

    @classmethod
    def build(cls, settings: Settings, embedder: Embedder) -> TutorialBaseline:
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        splitter = RecursiveCharacterTextSplitter(
            chunk_size=TUTORIAL_CHUNK_SIZE, chunk_overlap=TUTORIAL_CHUNK_OVERLAP, add_start_index=True
        )
        splits = splitter.split_documents(_raw_documents(settings))
        store = _memory_store(EmbedderEmbeddings(embedder))
        store.add_documents(splits)
        return cls(store, len(splits))

    def search(self, question: str, k: int = TUTORIAL_K) -> list[BaselineHit]:
        return [
            BaselineHit(d.metadata["doc_id"], d.page_content, d.metadata["authority"])
            for d in self.store.similarity_search(question, k=k)
        ]


def _raw_documents(settings: Settings) -> Sequence[LCDocument]:
    """Each current document's whole text as one LangChain Document (what a loader would give)."""
    manifest = load_manifest(settings.manifest_path)
    return [
        LCDocument(
            page_content=load(manifest.corpus_dir / meta.source_file, meta, settings.max_file_mb).text,
            metadata={"doc_id": meta.doc_id, "authority": meta.authority, "title": meta.title},
        )
        for meta in manifest.documents
        if meta.status == "current"
    ]


def _memory_store(embeddings: Embeddings) -> Any:
    """An in-memory Chroma collection. Ephemeral clients in one process share state, so each
    build gets its own collection name rather than reusing (and appending to) "langchain"."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    return Chroma(
        collection_name=f"tutorial-baseline-{uuid.uuid4().hex[:12]}",
        embedding_function=embeddings,
        client=client,
    )
