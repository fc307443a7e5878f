"""Shared by the index consistency tests: a small two-document library and a memoising embedder."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from assistant.settings import Settings
from indexing.curate import add_document
from indexing.manifest import load_manifest
from indexing.store import ChunkStore

PLYMOUTH = "plymouth-childrens-social-care-2013"  # the shortest shipped document keeps builds quick
PLYMOUTH_QUESTION = "Under Plymouth's new single assessment framework, how soon is the child likely to be seen?"
FOSTERING = "york-private-fostering"
FOSTERING_QUESTION = "In York, how soon must a social worker visit a privately fostered child?"
FOSTERING_TEXT = """# Private fostering

## Notifications

A parent must tell the Referral and Assessment Service about a private fostering arrangement
at least six weeks before it begins.

## Visits

A social worker will visit a privately fostered child within 7 working days of the notification.
"""


class MemoEmbedder:
    """The real model, remembering each text's vector: re-running an index after a crash, or a
    --rebuild, costs no model time, so many crash points stay quick to test."""

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner = inner
        self.vectors: dict[str, list[float]] = {}

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        missing = [t for t in dict.fromkeys(texts) if t not in self.vectors]
        if missing:
            self.vectors.update(zip(missing, self.inner.embed(missing), strict=True))
        return [self.vectors[t] for t in texts]


@functools.cache
def shared_embedder() -> MemoEmbedder:
    """One model per test process (the session `assistant` fixture would also build a full index)."""
    from indexing.embed import MiniLMEmbedder

    return MemoEmbedder(MiniLMEmbedder(threads=2))


def add_fostering(corpus: Path, tmp: Path) -> None:
    """Add the York private fostering procedure to a corpus copy's manifest (as `guidance add` would)."""
    source = tmp / f"{FOSTERING}.md"
    source.write_text(FOSTERING_TEXT, encoding="utf-8")
    add_document(
        load_manifest(corpus / "manifest.yaml"),
        source,
        authority="York",
        title="Private fostering",
        published="2024-05-01",
        doc_id=FOSTERING,
    )


def settings_for(corpus: Path, data: Path, **changes: object) -> Settings:
    """The embedded store unless a chroma_host is given."""
    return Settings.from_env(**{"corpus_dir": corpus, "data_dir": data, "chroma_host": "", **changes})


def parts(settings: Settings) -> dict[str, tuple[int, int]]:
    """doc_id -> (chunks, sentence vectors) in the generation readers use now."""
    current = ChunkStore.open(settings).current()
    assert current is not None, "no index"
    sentences = current.sentence_counts()
    return {d.doc_id: (d.chunks, sentences.get(d.doc_id, 0)) for d in current.indexed_documents().values()}


def cited(answer) -> set[str]:  # noqa: ANN001
    return {c.doc_id for c in answer.citations}
