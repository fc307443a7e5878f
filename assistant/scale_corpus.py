"""The scale bench's synthetic library: the real corpus grown to N chunks with synthetic councils.

Each synthetic document is a real file in a scratch copy of the corpus, a light variant of a real
document (its council's names replaced by "Synthetic Council 017", a few words changed), listed in
the manifest, chunked by the product's own chunker, and given the real chunks' and sentences'
vectors plus a little Gaussian noise (so 100k chunks need minutes of writing, not hours of
embedding). They are written through the store's own write path, with the hash `index` computes,
so a later `index` sees them as unchanged. Measuring them is assistant/scale_bench.py's job.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from assistant.settings import Settings
from assistant.types import Chunk, DocumentMeta

COUNCIL_NAME = "Synthetic Council {:03d}"
# A council's whole procedures manual is a few thousand chunks (issue 10): 100k chunks is then
# ~50 councils, the shape of a regional service, rather than one council with an absurd manual.
CHUNKS_PER_COUNCIL = 2000
# Per-dimension sigma of the noise added to a real vector before renormalising: the noise has norm
# ~0.01 * sqrt(384) = 0.2, so a variant keeps cosine ~0.98 with its source, near-duplicate as one
# council's adaptation of another's text is, but never an exact tie in the vector index.
VECTOR_NOISE = 0.01
PERTURBED_WORDS = 8  # words changed per synthetic document: a light edit, not a new text
SEED = 17  # the same corpus on every run, so runs compare
# Mild substitutions that keep a sentence readable; which occurrences change is drawn at random.
WORD_SWAPS = {
    "within": "inside",
    "ensure": "make sure",
    "should": "ought to",
    "will": "shall",
    "must": "has to",
    "team": "service",
    "staff": "workers",
    "parents": "carers",
    "information": "details",
    "appropriate": "suitable",
    "required": "needed",
    "completed": "finished",
    "provide": "give",
    "support": "help",
    "receive": "get",
}


def built_how() -> str:
    return (
        "The real corpus, indexed with the real pipeline (ONNX MiniLM), then grown with synthetic documents: "
        f"light variants of the real ones (council names replaced by '{COUNCIL_NAME.format(1)}' and so on, one "
        f"council per ~{CHUNKS_PER_COUNCIL} chunks; {PERTURBED_WORDS} words changed per document), real files with "
        "manifest entries, chunked by the product's chunker; each chunk and sentence has its real source's vector "
        f"plus Gaussian noise (sigma {VECTOR_NOISE} per dimension, renormalised, cosine ~0.98), written through "
        "the store's write path with the hash `index` computes."
    )


class Recording:
    """The ONNX embedder, keeping every vector it made (text -> vector): the real chunks' and sentences'
    vectors are then reused for their synthetic variants without a second embedding pass. Also counts
    the seconds spent embedding, so a re-index's time can be split."""

    def __init__(self, export: Path, settings: Settings) -> None:
        from indexing.onnx_embed import OnnxEmbedder

        self.inner = OnnxEmbedder(export, threads=settings.query_threads, batch_threads=settings.index_threads)
        self.vectors: dict[str, list[float]] = {}
        self.seconds = 0.0

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        started = time.perf_counter()
        out = self.inner.embed(texts)
        self.seconds += time.perf_counter() - started
        self.vectors.update(zip(texts, out, strict=True))
        return out


@dataclass(frozen=True)
class Source:
    """A real document as indexed: its text, chunks and their vectors, the model for its variants."""

    meta: DocumentMeta
    text: str
    names: tuple[str, ...]  # its council's name and aliases, replaced in a variant
    chunks: tuple[Chunk, ...]
    chunk_vectors: tuple[list[float], ...]
    sentence_vectors: tuple[tuple[list[float], ...], ...]


def real_sources(settings: Settings, recorded: Recording) -> dict[str, Source]:
    from indexing.load import load
    from indexing.manifest import load_manifest
    from indexing.pipeline import prepare

    manifest = load_manifest(settings.manifest_path)
    sources = {}
    for meta in manifest.documents:
        if meta.status == "withdrawn":
            continue
        chunks = tuple(prepare(meta, manifest, settings))
        authority = manifest.authority(meta.authority)
        sources[meta.doc_id] = Source(
            meta,
            load(manifest.corpus_dir / meta.source_file, meta, settings.max_file_mb).text,
            (authority.name, *authority.aliases),
            chunks,
            tuple(recorded.vectors[c.embed_text] for c in chunks),
            tuple(tuple(recorded.vectors[s] for s in c.sentences) for c in chunks),
        )
    return sources


# --- growing the corpus ---------------------------------------------------------------------------


class Grower:
    """Adds synthetic documents (files, manifest entries, chunks and vectors) until the index holds
    at least the target number of chunks; each call writes one new committed generation."""

    def __init__(self, settings: Settings, sources: dict[str, Source]) -> None:
        import numpy as np

        self.settings = settings
        self.sources = list(sources.values())
        self.rng = np.random.default_rng(SEED)
        self.written = 0  # synthetic chunks so far: which council the next document belongs to
        self.documents = 0

    def grow_to(self, target: int) -> float:
        import yaml

        from indexing.lock import index_lock
        from indexing.manifest import load_manifest
        from indexing.pipeline import document_hash
        from indexing.store import ChunkStore

        started = time.perf_counter()
        store = ChunkStore.open(self.settings)
        with index_lock(self.settings.data_dir):
            previous = store.current()
            assert previous is not None, "the real corpus is indexed first"
            have = previous.count()
            raw = yaml.safe_load(self.settings.manifest_path.read_text(encoding="utf-8"))
            known = {a["name"] for a in raw["authorities"]}
            planned: list[tuple[DocumentMeta, list[Chunk], Source]] = []
            while have < target:
                meta, chunks, source = self._variant(raw, known)
                planned.append((meta, chunks, source))
                have += len(chunks)
            self.settings.manifest_path.write_text(
                yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8"
            )
            manifest = load_manifest(self.settings.manifest_path)  # the product's own check of what was written
            listed = {m.doc_id: m for m in manifest.documents}
            generation = store.begin()
            for doc_id in previous.indexed_documents():
                # With its manifest entry: a plain copy rebuilds the entry from the chunk records, which
                # lack exclude_sections, so the copied catalogue's meta hash would not match the manifest.
                generation.copy_document(previous, doc_id, listed[doc_id])
            for meta, chunks, source in planned:
                if listed[meta.doc_id] != meta:
                    raise RuntimeError(f"{meta.doc_id}: the manifest reads back as {listed[meta.doc_id]}")
                chunk_vectors, sentence_vectors = self._vectors(chunks, source)
                doc_hash = document_hash(manifest.corpus_dir / meta.source_file, meta, self.settings)
                generation.write_document(meta.doc_id, chunks, chunk_vectors, sentence_vectors, doc_hash)
            store.commit(generation, documents=len(listed))
            # As `index` does after writing a whole new base: a large one it replaced is dropped now.
            replaced = previous.count()
            store.drop_old(replaced_too=replaced >= self.settings.delta_min_base_chunks)
        return time.perf_counter() - started

    def _variant(self, raw: dict[str, Any], known: set[str]) -> tuple[DocumentMeta, list[Chunk], Source]:
        """The next synthetic document: file written, manifest entry appended to `raw`, chunks made."""
        from indexing.chunk import chunk_document
        from indexing.load import load

        source = self.sources[self.documents % len(self.sources)]
        council = COUNCIL_NAME.format(1 + self.written // CHUNKS_PER_COUNCIL)
        self.documents += 1
        if council not in known:
            known.add(council)
            raw["authorities"].append({"name": council, "front_door": f"the {council} Children's Front Door"})
        doc_id = f"synthetic-{self.documents:05d}-{source.meta.doc_id}"[:100]
        suffix = Path(source.meta.source_file).suffix
        suffix = suffix if suffix in (".txt", ".md") else ".txt"  # another format's text is written as plain text
        relative = f"documents/synthetic/{doc_id}{suffix}"
        path = self.settings.corpus_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(variant_text(source.text, source.names, council, self.rng), encoding="utf-8")
        meta = replace(
            source.meta,
            doc_id=doc_id,
            authority=council,
            source_file=relative,
            status="current",
            title=substitute(source.meta.title, source.names, council),
        )
        entry = {
            "id": doc_id,
            "file": relative,
            "authority": council,
            "title": meta.title,
            "type": meta.doc_type,
            "published": meta.published,
            "date_note": meta.date_note,
            "review_date": meta.review_date,
            "status": "current",
            "exclude_sections": list(meta.exclude_sections),
        }
        raw["documents"].append(entry)
        chunks = chunk_document(
            load(path, meta, self.settings.max_file_mb),
            self.settings.chunk_chars,
            self.settings.chunk_max_chars,
            meta.exclude_sections,
        )
        self.written += len(chunks)
        return meta, chunks, source

    def _vectors(self, chunks: list[Chunk], source: Source) -> tuple[list[list[float]], list[list[list[float]]]]:
        """Each variant chunk takes the real chunk at the same relative position (the same one when the
        counts match), each sentence the real chunk's sentence at its index; both plus noise."""
        import numpy as np

        last = len(source.chunks) - 1
        chunk_rows, sentence_rows, shape = [], [], []
        for i, chunk in enumerate(chunks):
            k = i if len(chunks) == len(source.chunks) else round(i * last / max(len(chunks) - 1, 1))
            chunk_rows.append(source.chunk_vectors[k])
            real = source.sentence_vectors[k] or (source.chunk_vectors[k],)
            sentence_rows += [real[min(j, len(real) - 1)] for j in range(len(chunk.sentences))]
            shape.append(len(chunk.sentences))
        noisy = self._noisy(np.asarray(chunk_rows + sentence_rows, dtype=np.float32))
        chunk_vectors, flat = noisy[: len(chunks)].tolist(), noisy[len(chunks) :].tolist()
        sentence_vectors, cursor = [], 0
        for n in shape:
            sentence_vectors.append(flat[cursor : cursor + n])
            cursor += n
        return chunk_vectors, sentence_vectors

    def _noisy(self, rows: Any) -> Any:
        import numpy as np

        rows = rows + self.rng.normal(0.0, VECTOR_NOISE, rows.shape).astype(np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def substitute(text: str, names: Sequence[str], council: str) -> str:
    """Every mention of the real council (name or alias, longest first, whole words) as `council`."""
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"(?<![\w&]){re.escape(name)}(?![\w&])", council, text)
    return text


def variant_text(text: str, names: Sequence[str], council: str, rng: Any) -> str:
    """A light variant of a real document: its council renamed, PERTURBED_WORDS words swapped."""
    text = substitute(text, names, council)
    swappable = [m for m in re.finditer(r"\b[a-z]+\b", text) if m.group() in WORD_SWAPS]
    picked = sorted(rng.choice(len(swappable), size=min(PERTURBED_WORDS, len(swappable)), replace=False).tolist())
    for index in reversed(picked):  # from the end, so earlier offsets stay valid
        match = swappable[index]
        text = text[: match.start()] + WORD_SWAPS[match.group()] + text[match.end() :]
    return text


__all__ = [
    "CHUNKS_PER_COUNCIL",
    "COUNCIL_NAME",
    "Grower",
    "Recording",
    "Source",
    "built_how",
    "real_sources",
    "variant_text",
]
