"""Embedding documents ahead of their writing (indexing/embed.py): the same vectors, per document
and in order, as one pass over every document gives; the groups are embedded off the main thread."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Sequence
from pathlib import Path

from assistant.settings import Settings
from indexing.embed import embed_ahead, embed_documents
from indexing.manifest import load_manifest
from indexing.pipeline import prepare

ROOT = Path(__file__).resolve().parents[2]


class _TextHash:
    """A deterministic vector per text (plumbing, not quality), noting each call's thread."""

    def __init__(self) -> None:
        self.threads: list[str] = []

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        self.threads.append(threading.current_thread().name)
        return [[b / 255 for b in hashlib.sha256(t.encode()).digest()[:8]] for t in texts]


def test_documents_embedded_ahead_get_the_vectors_of_one_pass_in_order():
    settings = Settings.from_env(corpus_dir=ROOT / "corpus")
    manifest = load_manifest(settings.manifest_path)
    documents = [prepare(meta, manifest, settings) for meta in manifest.documents[:4]]
    texts = sum(len(chunks) + sum(len(c.sentences) for c in chunks) for chunks in documents)
    one_pass = embed_documents(_TextHash(), documents)
    embedder = _TextHash()
    ahead = list(embed_ahead(embedder, documents, group_texts=texts // 3))
    assert ahead == one_pass
    assert len(embedder.threads) >= 3 and threading.current_thread().name not in embedder.threads
    single = _TextHash()
    assert list(embed_ahead(single, documents[:1], group_texts=10**9)) == one_pass[:1]
    assert single.threads == [threading.current_thread().name]  # one group: no thread needed
