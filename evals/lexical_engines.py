"""Lexical engines measured side by side (issue 10): build, disk, load, memory, latency, agreement.

    .venv/bin/python -m evals.lexical_engines [--sizes 1000,10000,100000] [--out evals/bench]

The shipped corpus is chunked and tokenised exactly as retrieval does it, grown to each size as
perturbed copies spread over synthetic councils, and every engine is built, loaded and queried in
fresh subprocesses one at a time, so that their memory figures start clean and they do not share
the machine's two cores with each other. Figures go to lexical_engines.{json,md} in --out.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

DEFAULT_SIZES = (1_000, 10_000, 100_000)
TOP_K = 10  # what the brief compares; retrieval itself keeps lexical_k=20 per question
# A council's procedures manual chunks to a few hundred passages (the shipped B&NES statement alone
# gives 89), so 100k chunks stand for about 500 councils, roughly England's scale with partners.
CHUNKS_PER_COUNCIL = 200
# Light perturbation so no two copies are identical (they would tie exactly and say nothing about
# ranking): each term is dropped or doubled with these chances.
DROP_RATE = 0.05
DOUBLE_RATE = 0.03
SUPERSEDED_SHARE = 0.1  # chunks of previous versions councils keep, so "current only" filters something
# Councils name their own teams, people and places: a word found in one shipped chunk only becomes
# the council's own word in this share of copies. 0.12 grows the vocabulary about as Heaps' law
# (V ~ n^0.5, fitted to the shipped corpus's 1,700 terms in 13,700 tokens) predicts: ~30k at 100k.
LOCAL_WORD_SHARE = 0.12
# Words of a council's name that every council shares; only the place words are swapped per copy.
GENERIC_NAME_TERMS = frozenset({"council", "city", "borough", "county", "district", "metropolitan", "royal"})
SEED = 20261125  # fixed, so every engine sees the same corpus and a rerun the same figures
WARMUP_QUERIES = 5  # first questions per pass not timed: caches and lazy imports settle
QUERY_BUDGET_S = 180.0  # per engine, size and pass; past it the remaining questions are not timed
WORKER_TIMEOUT_S = 1800  # one engine's build or query phase; past it the run records a time-out
HAND_WRITTEN = "## Conclusion"  # the report's hand-written section, kept when figures are rewritten
ENGINES = ("rank_bm25", "bm25s", "sqlite_fts5", "product")
# Syllables of invented English place names, one from each group: 20 x 15 x 12 = 3,600 names.
_PLACE_PARTS = tuple(
    tuple(group.split())
    for group in (
        "ash brad carl dun elm fen gran hal ing kel lang mar nor ock pen ral sel thorn ul wen",
        "ber bour dal fer ham ing ley mor ri sted wick ton ford by wold",
        "bridge brook bury field gate ham mouth port stow wood worth minster",
    )
)


@dataclass(frozen=True)
class LexDoc:
    """One chunk as the lexical side sees it: its terms and what a search filters on."""

    chunk_id: str
    doc_id: str
    authority: str
    status: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class LexQuery:
    """One eval question's terms and the council a filtered search of it is limited to."""

    item_id: str
    terms: tuple[str, ...]
    authority: str


Hits = list[tuple[str, float]]


class Searcher(Protocol):
    def search(self, terms: Sequence[str], k: int, authority: str | None, current_only: bool) -> Hits: ...


class Engine(Protocol):
    def build(self, docs: list[LexDoc], folder: Path) -> None: ...

    def load(self, folder: Path) -> Searcher: ...


# ------------------------------------------------------------------------------------ the corpus


def shipped_docs() -> tuple[list[LexDoc], dict[str, set[str]]]:
    """The shipped corpus chunked by the product's own code, and each council's place words."""
    from assistant.query import content_terms
    from assistant.settings import Settings
    from indexing.manifest import load_manifest
    from indexing.pipeline import prepare

    settings = Settings.from_env()
    manifest = load_manifest(settings.manifest_path)
    docs = [
        LexDoc(c.chunk_id, c.doc_id, c.meta.authority, c.meta.status, tuple(content_terms(c.embed_text)))
        for meta in manifest.documents
        if meta.status != "withdrawn"
        for c in prepare(meta, manifest, settings)
    ]
    places = {
        a.name: {t for label in (a.name, *a.aliases) for t in content_terms(label)} - GENERIC_NAME_TERMS
        for a in manifest.authorities
    }
    return docs, places


def grow(base: list[LexDoc], places: dict[str, set[str]], size: int, seed: int = SEED) -> list[LexDoc]:
    """`size` documents: the shipped chunks first, then perturbed copies, CHUNKS_PER_COUNCIL a council.

    Each synthetic council holds a random sample of the shipped chunks (its own version of the same
    procedures), with the original council's place words replaced by its own invented place name,
    a share of the words found in one shipped chunk only made its own (LOCAL_WORD_SHARE), each term
    dropped (DROP_RATE) or doubled (DOUBLE_RATE), and SUPERSEDED_SHARE of its chunks superseded.
    """
    rng = random.Random(seed)
    spread = Counter(t for d in base for t in set(d.terms))
    rare = {t for t, chunks in spread.items() if chunks == 1}
    docs = list(base[:size])
    used: set[str] = set()
    while len(docs) < size:
        place = _place_name(rng, used)
        authority = f"{place.title()} Council"
        for j in sorted(rng.sample(range(len(base)), min(CHUNKS_PER_COUNCIL, len(base)))):
            if len(docs) >= size:
                break
            original = base[j]
            own = places.get(original.authority, set())
            local = {t for t in rare.intersection(original.terms) if rng.random() < LOCAL_WORD_SHARE}
            terms: list[str] = []
            for term in original.terms:
                draw = rng.random()
                if draw < DROP_RATE:
                    continue
                copies = 2 if draw < DROP_RATE + DOUBLE_RATE else 1
                word = place if term in own else f"{term}{place}" if term in local else term
                terms += [word] * copies
            # Per chunk, not per document: the shipped corpus has five long documents, and a whole
            # one superseded would take a third of a council's chunks out of its filtered searches.
            old = rng.random() < SUPERSEDED_SHARE
            docs.append(
                LexDoc(
                    f"{original.chunk_id}@{place}",
                    f"{original.doc_id}@{place}",
                    authority,
                    "superseded" if old else "current",
                    tuple(terms or original.terms),
                )
            )
    return docs


def _place_name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = "".join(rng.choice(part) for part in _PLACE_PARTS)
        if name not in used:
            used.add(name)
            return name


def eval_queries(docs: list[LexDoc]) -> list[LexQuery]:
    """Every single-turn eval question as content terms; filtered runs cycle through the councils."""
    from assistant.query import content_terms
    from assistant.settings import Settings
    from evals.items import load_items

    authorities = sorted({d.authority for d in docs})
    items = [i for i in load_items(Settings.from_env().eval_items_path) if i.single_question]
    terms = [(i.id, tuple(content_terms(i.question))) for i in items]
    kept = [(item_id, t) for item_id, t in terms if t]
    return [LexQuery(item_id, t, authorities[n % len(authorities)]) for n, (item_id, t) in enumerate(kept)]


def write_jsonl(path: Path, rows: Sequence[object]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(asdict(row)) + "\n")  # type: ignore[call-overload]


def read_docs(path: Path) -> list[LexDoc]:
    with path.open(encoding="utf-8") as lines:
        return [LexDoc(**{**r, "terms": tuple(r["terms"])}) for r in map(json.loads, lines)]


def read_queries(path: Path) -> list[LexQuery]:
    with path.open(encoding="utf-8") as lines:
        return [LexQuery(**{**r, "terms": tuple(r["terms"])}) for r in map(json.loads, lines)]


# ------------------------------------------------------------------------------------ the engines


class RankBM25:
    """Today's engine: BM25Okapi over every chunk, rebuilt in each process, filtered as retrieve.py does.

    It keeps no index on disk; what it reads is the tokenised corpus (in the product, the chunks
    read back from Chroma and tokenised, which this does not count), so its load is a rebuild.
    """

    def build(self, docs: list[LexDoc], folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        write_jsonl(folder / "docs.jsonl", docs)

    def load(self, folder: Path) -> Searcher:
        from rank_bm25 import BM25Okapi

        docs = read_docs(folder / "docs.jsonl")
        return _RankBM25Searcher(BM25Okapi([list(d.terms) for d in docs]), docs)


class _RankBM25Searcher:
    def __init__(self, bm25: object, docs: list[LexDoc]) -> None:
        self.bm25 = bm25
        self.order = tuple(d.chunk_id for d in docs)
        self.meta = {d.chunk_id: d for d in docs}

    def search(self, terms: Sequence[str], k: int, authority: str | None, current_only: bool) -> Hits:
        # The same steps as Retriever.allowed and Retriever.lexical, per question.
        allowed = [
            cid
            for cid in self.order
            if (authority is None or self.meta[cid].authority == authority)
            and (not current_only or self.meta[cid].status == "current")
        ]
        scores = self.bm25.get_scores(list(terms))  # type: ignore[attr-defined]
        position = {cid: i for i, cid in enumerate(self.order)}
        ranked = sorted(((cid, float(scores[position[cid]])) for cid in allowed), key=lambda p: -p[1])
        return [(cid, s) for cid, s in ranked[:k] if s > 0]


class BM25S:
    """bm25s: scores precomputed into a sparse matrix at build, saved as .npy and memory-mapped at load."""

    def build(self, docs: list[LexDoc], folder: Path) -> None:
        import bm25s
        import numpy as np

        retriever = bm25s.BM25()
        retriever.index([list(d.terms) for d in docs], show_progress=False)
        retriever.save(str(folder), show_progress=False)
        _save_filters(docs, folder, np)

    def load(self, folder: Path) -> Searcher:
        import bm25s

        retriever = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        return _BM25SSearcher(retriever, *_load_filters(folder))


class _BM25SSearcher:
    def __init__(self, retriever: object, ids: list[str], councils: list[str], codes: object, current: object):
        import numpy as np

        self.np = np
        self.retriever = retriever
        self.ids = ids
        self.code = {name: n for n, name in enumerate(councils)}
        self.codes = codes
        self.current = current

    def search(self, terms: Sequence[str], k: int, authority: str | None, current_only: bool) -> Hits:
        np = self.np
        mask = np.ones(len(self.ids), dtype=np.float32)
        if authority is not None:
            mask *= self.codes == self.code.get(authority, -1)
        if current_only:
            mask *= self.current
        found, scores = self.retriever.retrieve(  # type: ignore[attr-defined]
            [list(terms)], k=min(k, len(self.ids)), show_progress=False, weight_mask=mask
        )
        return [(self.ids[int(i)], float(s)) for i, s in zip(found[0], scores[0], strict=True) if s > 0]


def _save_filters(docs: list[LexDoc], folder: Path, np: object) -> None:
    """Chunk ids, council codes and current flags in index order: what filtering needs."""
    councils = sorted({d.authority for d in docs})
    code = {name: n for n, name in enumerate(councils)}
    (folder / "filters.json").write_text(json.dumps({"ids": [d.chunk_id for d in docs], "councils": councils}))
    np.save(folder / "council.npy", np.asarray([code[d.authority] for d in docs], dtype=np.int32))  # type: ignore[attr-defined]
    np.save(folder / "current.npy", np.asarray([d.status == "current" for d in docs], dtype=np.float32))  # type: ignore[attr-defined]


def _load_filters(folder: Path) -> tuple[list[str], list[str], object, object]:
    import numpy as np

    names = json.loads((folder / "filters.json").read_text())
    codes = np.load(folder / "council.npy", mmap_mode="r")
    current = np.load(folder / "current.npy", mmap_mode="r")
    return names["ids"], names["councils"], codes, current


class SQLiteFTS5:
    """SQLite FTS5 from the standard library over the pre-tokenised terms, ranked by its bm25().

    '&' is a token character so "b&nes" stays one term, as content_terms keeps it; the filter
    columns are UNINDEXED, so a filtered search scores every match and then drops the others.
    """

    def build(self, docs: list[LexDoc], folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(folder / "lexical.sqlite3") as db:
            db.execute(
                "CREATE VIRTUAL TABLE chunks USING fts5(terms, chunk_id UNINDEXED, authority UNINDEXED,"
                " status UNINDEXED, tokenize = \"unicode61 tokenchars '&'\")"
            )
            db.executemany(
                "INSERT INTO chunks VALUES (?, ?, ?, ?)",
                ((" ".join(d.terms), d.chunk_id, d.authority, d.status) for d in docs),
            )
            db.execute("INSERT INTO chunks(chunks) VALUES ('optimize')")
        db.close()

    def load(self, folder: Path) -> Searcher:
        db = sqlite3.connect(folder / "lexical.sqlite3")
        db.execute("SELECT count(*) FROM chunks").fetchone()
        return _FTS5Searcher(db)


class _FTS5Searcher:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def search(self, terms: Sequence[str], k: int, authority: str | None, current_only: bool) -> Hits:
        if not terms:
            return []
        # Terms are [a-z0-9&] only, so quoting each makes a safe OR query; a repeated term counts twice.
        sql = "SELECT chunk_id, -bm25(chunks) FROM chunks WHERE chunks MATCH ?"
        args: list[object] = [" OR ".join(f'"{t}"' for t in terms)]
        if authority is not None:
            sql += " AND authority = ?"
            args.append(authority)
        if current_only:
            sql += " AND status = 'current'"
        rows = self.db.execute(sql + " ORDER BY bm25(chunks) LIMIT ?", [*args, k]).fetchall()
        return [(cid, float(score)) for cid, score in rows]


class Product:
    """The product's engine, indexing.lexical (scipy sparse BM25 with statistics frozen at build)."""

    def build(self, docs: list[LexDoc], folder: Path) -> None:
        from indexing.lexical import LexicalBuilder

        builder = LexicalBuilder()
        for d in docs:
            # The product also keeps the library's words (for typo repair); the terms stand in for
            # them here, so its files are about the size they will be.
            builder.add(d.chunk_id, list(d.terms), d.authority, d.status, d.doc_id, d.terms)
        folder.mkdir(parents=True, exist_ok=True)  # the product writes into its segment's folder
        builder.finish().save(folder)

    def load(self, folder: Path) -> Searcher:
        from indexing.lexical import LexicalIndex

        index = LexicalIndex.load(folder)
        if index is None:
            raise RuntimeError(f"indexing.lexical could not read the index it saved in {folder}")
        return _ProductSearcher(index)


class _ProductSearcher:
    def __init__(self, index: object) -> None:
        self.index = index

    def search(self, terms: Sequence[str], k: int, authority: str | None, current_only: bool) -> Hits:
        authorities = (authority,) if authority is not None else ()
        return self.index.search(list(terms), k, authorities=authorities, current_only=current_only)  # type: ignore[attr-defined]


def engine(name: str) -> Engine:
    engines: dict[str, type[Engine]] = {
        "rank_bm25": RankBM25,
        "bm25s": BM25S,
        "sqlite_fts5": SQLiteFTS5,
        "product": Product,
    }
    return engines[name]()


def unavailable(name: str) -> str:
    """Why an engine cannot be measured here ('' when it can)."""
    import importlib.util

    module = {"rank_bm25": "rank_bm25", "bm25s": "bm25s", "product": "indexing.lexical"}.get(name)
    if module is None:
        return ""
    try:
        found = importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        found = False
    if found:
        return ""
    if name == "product":
        return "indexing/lexical.py is not in the tree yet"
    return f"{module} is not installed (pip install {name} into the venv to measure it)"


# ------------------------------------------------------------------------------------ measuring


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory (or its peak, VmHWM) in MiB, from /proc/self/status."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile (no interpolation), so p95 is a latency that was actually seen."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else float("nan")


def _preimport(name: str) -> None:
    """Import the engine's libraries before the memory baseline, so load figures are the index's own."""
    import numpy  # noqa: F401

    if name == "rank_bm25":
        import rank_bm25  # noqa: F401
    elif name == "bm25s":
        import bm25s  # noqa: F401
    elif name == "product":
        import scipy.sparse  # noqa: F401

        import indexing.lexical  # noqa: F401


def build_phase(name: str, workdir: Path) -> dict:
    docs = read_docs(workdir / "docs.jsonl")
    _preimport(name)
    folder = workdir / name
    shutil.rmtree(folder, ignore_errors=True)
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    engine(name).build(docs, folder)
    return {
        "build_s": time.perf_counter() - started,
        "build_peak_rss_mb": rss_mb("VmHWM") - before,
        "disk_mb": folder_mb(folder),
    }


def query_phase(name: str, workdir: Path, budget_s: float = QUERY_BUDGET_S) -> dict:
    queries = read_queries(workdir / "queries.jsonl")
    started = time.perf_counter()
    _preimport(name)
    import_s = time.perf_counter() - started
    gc.collect()
    before = rss_mb()
    started = time.perf_counter()
    searcher = engine(name).load(workdir / name)
    load_s = time.perf_counter() - started
    gc.collect()
    after_load = rss_mb()
    result: dict = {"import_s": import_s, "load_s": load_s, "rss_load_mb": after_load - before}
    for label, filtered in (("unfiltered", False), ("filtered", True)):
        timings: list[float] = []
        tops: list[list[str]] = []
        spent = 0.0
        for n, query in enumerate(queries):
            if spent > budget_s:
                break
            t0 = time.perf_counter()
            hits = searcher.search(query.terms, TOP_K, query.authority if filtered else None, filtered)
            elapsed = time.perf_counter() - t0
            spent += elapsed
            tops.append([cid for cid, _ in hits])
            if n >= WARMUP_QUERIES:
                timings.append(elapsed * 1000)
        result[label] = {
            "p50_ms": statistics.median(timings) if timings else float("nan"),
            "p95_ms": percentile(timings, 0.95),
            "timed": len(timings),
            "asked": len(tops),
            "of": len(queries),
            "top": tops,
        }
    result["rss_queries_mb"] = rss_mb() - before
    return result


def _spawn(phase: str, name: str, workdir: Path) -> dict:
    """One phase of one engine in a fresh interpreter: clean memory, nothing shared with the others."""
    from assistant.settings import PROJECT_ROOT

    command = [sys.executable, "-m", "evals.lexical_engines", "--worker", phase, "--engine", name]
    load_before = os.getloadavg()[0]
    try:
        done = subprocess.run(
            [*command, "--workdir", str(workdir)],
            capture_output=True,
            text=True,
            timeout=WORKER_TIMEOUT_S,
            cwd=PROJECT_ROOT,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
    except subprocess.TimeoutExpired:
        return {"error": f"{phase} did not finish in {WORKER_TIMEOUT_S} s"}
    if done.returncode != 0:
        return {"error": f"{phase} failed: {done.stderr.strip().splitlines()[-1:]}"}
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {**figures, f"load_average_{phase}": [load_before, os.getloadavg()[0]]}


def overlap(ours: list[list[str]], baseline: list[list[str]]) -> float:
    """Mean share of shared ids between two engines' top lists, over questions either answers."""
    shares = [len(set(a) & set(b)) / max(len(a), len(b)) for a, b in zip(ours, baseline, strict=False) if a or b]
    return statistics.fmean(shares) if shares else float("nan")


def run(sizes: Sequence[int], out: Path, engines: Sequence[str] = ENGINES) -> dict:
    """Measure every engine at every size and write lexical_engines.{json,md} into `out`."""
    base, places = shipped_docs()
    report: dict = {
        "machine": {"cores": os.cpu_count(), "load_average_start": os.getloadavg()},
        "versions": _versions(),
        "corpus": {
            "shipped_chunks": len(base),
            "shipped_councils": len({d.authority for d in base}),
            "mean_terms_per_chunk": statistics.fmean(len(d.terms) for d in base),
            "chunks_per_council": CHUNKS_PER_COUNCIL,
            "drop_rate": DROP_RATE,
            "double_rate": DOUBLE_RATE,
            "superseded_share": SUPERSEDED_SHARE,
            "local_word_share": LOCAL_WORD_SHARE,
            "seed": SEED,
        },
        "sizes": {},
    }
    with tempfile.TemporaryDirectory(prefix="lexical-engines-") as tmp:
        for size in sizes:
            workdir = Path(tmp) / str(size)
            workdir.mkdir()
            docs = grow(base, places, size)
            queries = eval_queries(docs)
            write_jsonl(workdir / "docs.jsonl", docs)
            write_jsonl(workdir / "queries.jsonl", queries)
            entry: dict = {
                "documents": len(docs),
                "councils": len({d.authority for d in docs}),
                "current": sum(d.status == "current" for d in docs),
                "vocabulary": len({t for d in docs for t in d.terms}),
                "questions": len(queries),
                "engines": {},
            }
            for name in engines:
                why = unavailable(name)
                if why:
                    entry["engines"][name] = {"skipped": why}
                    continue
                figures = _spawn("build", name, workdir)
                if "error" not in figures:
                    figures |= _spawn("query", name, workdir)
                entry["engines"][name] = figures
                shutil.rmtree(workdir / name, ignore_errors=True)
            _agreement(entry["engines"])
            for figures in entry["engines"].values():  # the top lists served the agreement; 3 MB unread
                for label in ("unfiltered", "filtered"):
                    figures.get(label, {}).pop("top", None)
            report["sizes"][str(size)] = entry
    report["machine"]["load_average_end"] = os.getloadavg()
    out.mkdir(parents=True, exist_ok=True)
    (out / "lexical_engines.json").write_text(json.dumps(report, indent=1) + "\n")
    markdown = out / "lexical_engines.md"
    kept = markdown.read_text().partition(HAND_WRITTEN)[2] if markdown.exists() else ""
    markdown.write_text(render(report) + (f"\n{HAND_WRITTEN}{kept}" if kept else ""))
    return report


def _agreement(engines: dict) -> None:
    """Each engine's top-10 overlap with rank_bm25 (today's ranking), unfiltered and filtered."""
    baseline = engines.get("rank_bm25", {})
    for figures in engines.values():
        for label in ("unfiltered", "filtered"):
            if label in figures and label in baseline:
                figures[label]["overlap_rank_bm25"] = overlap(figures[label]["top"], baseline[label]["top"])


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": sys.version.split()[0], "sqlite": sqlite3.sqlite_version}
    for package in ("rank-bm25", "bm25s", "numpy", "scipy"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "not installed"
    return found


# ------------------------------------------------------------------------------------ the report


def render(report: dict) -> str:
    """The figures as markdown: how the corpus was made, one table per size, agreement, a summary."""
    corpus, machine = report["corpus"], report["machine"]
    lines = [
        "# Lexical engines compared (issue 10)",
        "",
        "Written by `.venv/bin/python -m evals.lexical_engines`; every figure below is from one run.",
        "",
        f"**Corpus.** The {corpus['shipped_chunks']} chunks of the shipped corpus"
        f" ({corpus['shipped_councils']} councils, {corpus['mean_terms_per_chunk']:.0f} terms a chunk),"
        " chunked by `indexing.pipeline.prepare` and tokenised"
        " by `assistant.query.content_terms(chunk.embed_text)`, then grown with copies: each synthetic council holds"
        f" a random sample of {corpus['chunks_per_council']} shipped chunks, its own invented place name in place"
        f" of the original council's place words, {corpus['local_word_share']:.0%} of the words found in one"
        " shipped chunk only made the council's own (so the vocabulary grows as real text's does),"
        f" each term dropped ({corpus['drop_rate']:.0%}) or doubled"
        f" ({corpus['double_rate']:.0%}), and {corpus['superseded_share']:.0%} of its chunks superseded"
        f" (seed {corpus['seed']}).",
        "",
        "**Questions.** Every single-turn question of evals/items.yaml, tokenised with `content_terms`, top-10;"
        " the filtered pass limits each question to one council (cycling through all of them) and to current"
        f" documents. The first {WARMUP_QUERIES} questions of a pass are not timed.",
        "",
        "**Method.** Each engine's build and its load + queries run in fresh subprocesses, one engine at a time."
        " Build includes writing to disk. Import is the engine's libraries in a fresh process (paid once per"
        " process, not counted in load). Load is a new object from disk; RSS is the process's resident memory"
        " growth after load (and after the queries, which is what mmap'd engines touch). rank_bm25 keeps no index:"
        " its load is the rebuild every process does today (from the stored terms; reading the chunks from Chroma"
        " and tokenising them, which it also does today, is not counted), and its disk column is those terms.",
        "",
        "**BM25 variants.** rank_bm25 BM25Okapi: k1 1.5, b 0.75, IDF log((N-df+0.5)/(df+0.5)) with negative IDF"
        " floored at 0.25 x the mean IDF. bm25s (default 'lucene'): k1 1.5, b 0.75, IDF log(1+(N-df+0.5)/(df+0.5)),"
        " float32. SQLite FTS5 bm25(): k1 1.2, b 0.75, IDF as Okapi floored at 1e-6. indexing.lexical: BM25Okapi's"
        " formula and floor, float32. So only indexing.lexical should agree with rank_bm25 exactly; where its top-10"
        " differs, check for ties at the 10th score (near-identical copies tie often).",
        "",
        f"**Machine.** {machine['cores']} cores shared with other engineers' work, so latencies are noisy;"
        f" load average {machine['load_average_start'][0]:.2f} at the start and"
        f" {machine.get('load_average_end', [float('nan')])[0]:.2f} at the end (per engine in the JSON)."
        " Versions: " + ", ".join(f"{k} {v}" for k, v in report["versions"].items()) + ".",
        "",
    ]
    for size, entry in report["sizes"].items():
        lines += _size_table(int(size), entry)
    lines += _summary(report)
    return "\n".join(lines) + "\n"


def _size_table(size: int, entry: dict) -> list[str]:
    lines = [
        f"## {size:,} documents",
        "",
        f"{entry['councils']} councils, {entry['current']:,} current documents, vocabulary {entry['vocabulary']:,}"
        f" terms, {entry['questions']} questions.",
        "",
        "| engine | build s | disk MB | import s | load s | RSS +MB load / queries | p50 / p95 ms | x rank_bm25 p50"
        " | filtered p50 / p95 ms | x rank_bm25 p50 | top-10 overlap with rank_bm25 (unfiltered / filtered) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    base = entry["engines"].get("rank_bm25", {})
    for name, f in entry["engines"].items():
        if "skipped" in f or "error" in f:
            lines.append(f"| {name} | " + " | ".join(["–"] * 10) + " |")
            notes.append(f"{name}: {f.get('skipped') or f.get('error')}")
            continue
        cells = [f"{f['build_s']:.2f}", f"{f['disk_mb']:.1f}", f"{f['import_s']:.3f}", f"{f['load_s']:.3f}"]
        cells.append(f"{f['rss_load_mb']:.0f} / {f['rss_queries_mb']:.0f}")
        for label in ("unfiltered", "filtered"):
            p = f[label]
            cells.append(f"{p['p50_ms']:.2f} / {p['p95_ms']:.2f}")
            cells.append(_ratio(p["p50_ms"], base.get(label, {}).get("p50_ms")))
            if p["asked"] < p["of"]:
                notes.append(
                    f"{name} {label}: capped at {QUERY_BUDGET_S:.0f} s of searching, {p['asked']} of {p['of']}"
                    " questions asked"
                )
        cells.append(
            " / ".join(f"{f[lb].get('overlap_rank_bm25', float('nan')):.2f}" for lb in ("unfiltered", "filtered"))
        )
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return [*lines, "", *(f"- {n}" for n in notes), ""] if notes else [*lines, ""]


def _ratio(value: float, baseline: float | None) -> str:
    if baseline is None or not baseline or math.isnan(baseline) or math.isnan(value):
        return "–"
    return f"{value / baseline:.3f}"


def _summary(report: dict) -> list[str]:
    """What the figures say at the largest size measured: which engine is fastest, smallest, quickest to load."""
    size, entry = list(report["sizes"].items())[-1]
    measured = {n: f for n, f in entry["engines"].items() if "filtered" in f}
    if not measured:
        return []
    lines = [f"## Summary at {int(size):,} documents (computed)", ""]
    for label, key, unit in (
        ("fastest filtered p95", lambda f: f["filtered"]["p95_ms"], "ms"),
        ("fastest unfiltered p95", lambda f: f["unfiltered"]["p95_ms"], "ms"),
        ("quickest load", lambda f: f["load_s"], "s"),
        ("least memory after queries", lambda f: f["rss_queries_mb"], "MB"),
        ("smallest on disk", lambda f: f["disk_mb"], "MB"),
    ):
        ranked = sorted(measured, key=lambda n: key(measured[n]))
        lines.append(f"- {label}: " + ", ".join(f"{n} {key(measured[n]):.3g} {unit}" for n in ranked))
    return [*lines, ""]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.lexical_engines", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="comma-separated corpus sizes")
    parser.add_argument("--out", type=Path, default=Path("evals/bench"), help="folder for the .json and .md")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"a subset of {','.join(ENGINES)}")
    parser.add_argument("--worker", choices=("build", "query"), help=argparse.SUPPRESS)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:  # one phase of one engine, in the fresh process run() started
        phase = build_phase if args.worker == "build" else query_phase
        print(json.dumps(phase(args.engine, args.workdir)))
        return 0
    engines = [e for e in args.engines.split(",") if e]
    unknown = sorted(set(engines) - set(ENGINES))
    if unknown:
        parser.error(f"unknown engine(s) {', '.join(unknown)}; choose from {', '.join(ENGINES)}")
    report = run([int(s) for s in args.sizes.split(",") if s], args.out, engines)
    print(render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
