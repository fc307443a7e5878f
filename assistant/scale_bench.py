"""Scale benchmark: the real corpus grown to N chunks with synthetic councils, measured as a new process meets it.

`guidance bench --scale N[,N...] [--json]`. The real corpus is indexed into a temporary data folder
with the real pipeline and measured; then it is grown, step by step, to each N with synthetic
documents (assistant/scale_corpus.py: light variants of the real ones, real files with manifest
entries, given the real vectors plus a little noise, written so a later `index` sees them as
unchanged). At each size a NEW process opens the index and answers the same questions as
`guidance bench` (its peak RSS is the figure reported), and one real document is changed and
re-indexed. Not a test: every figure depends on the machine and what else it runs.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from assistant.bench import WARMUP_QUESTIONS, bench_questions, percentile
from assistant.scale_corpus import COUNCIL_NAME, Grower, Recording, built_how, real_sources
from assistant.settings import PROJECT_ROOT, Settings
from assistant.types import DocumentMeta

Log = Callable[[str], None]

SLOWEST_SHOWN = 5  # questions listed with their step timings, to show what the tail is made of
PROBE_QUESTION = "How quickly must a child be seen after a referral in {council}?"
CHILD_TIMEOUT_SECONDS = 3600  # a fresh process answering ~140 questions; generous for 100k on a loaded machine
OUTPUT_DIR = PROJECT_ROOT / "evals" / "bench"  # where a several-size run leaves scale.png and scale.json


@dataclass(frozen=True)
class Measured:
    """One corpus size as a new process meets it, plus the re-index of one changed document."""

    chunks: int
    documents: int
    authorities: int
    model_load_s: float
    open_s: float  # assistant built (model already loaded) and its first answer written
    answer_ms: tuple[float, ...]
    rss_mb: float  # the new process's peak resident set (ru_maxrss)
    reindex_one_s: float = float("nan")
    reindex_embed_s: float = float("nan")  # of which the embedding of the changed document
    reindex_doc: str = ""
    reindex_metadata_only: int = 0  # other documents that run saw as changed in the manifest alone
    reindex_error: str = ""  # why `index` failed at this size, when it did (the other figures still stand)
    build_s: float = 0.0  # writing the synthetic documents that reached this size
    probe: dict[str, Any] = field(default_factory=dict)
    step_ms: dict[str, list[float]] = field(default_factory=dict)  # each answer step's [p50, p95]: where time goes
    slowest: list[dict[str, Any]] = field(default_factory=list)  # the slowest questions, with their steps

    def as_dict(self, real: Measured | None = None) -> dict[str, Any]:
        p50, p95 = percentile(self.answer_ms, 50), percentile(self.answer_ms, 95)
        out = {
            "chunks": self.chunks,
            "documents": self.documents,
            "authorities": self.authorities,
            "query_p50_ms": round(p50, 1),
            "query_p95_ms": round(p95, 1),
            "rss_mb": round(self.rss_mb, 1),
            "open_s": round(self.open_s, 2),
            "model_load_s": round(self.model_load_s, 2),
            "reindex_one_s": round(self.reindex_one_s, 2),
            "reindex_embed_s": round(self.reindex_embed_s, 2),
            "reindex_doc": self.reindex_doc,
            "reindex_metadata_only": self.reindex_metadata_only,
            "reindex_error": self.reindex_error,
            "build_s": round(self.build_s, 1),
            "probe": self.probe,
            "step_ms": self.step_ms,
            "slowest": self.slowest,
        }
        if real is not None:  # ratios against the real corpus measured in the same run
            base = real.as_dict()
            for key in ("query_p50_ms", "query_p95_ms", "rss_mb", "open_s", "reindex_one_s"):
                out[f"{key}_over_real"] = round(out[key] / base[key], 2) if base[key] else None
        return out


@dataclass(frozen=True)
class ScaleReport:
    questions: int
    store: str  # "embedded" or the Chroma server's address
    index_seconds: float  # indexing the real corpus, embedding included
    real: Measured
    steps: tuple[Measured, ...]
    machine: dict[str, Any]
    outputs: tuple[str, ...] = ()  # the chart and JSON written by a several-size run
    date: str = field(default_factory=lambda: time.strftime("%Y-%m-%d"))

    def as_dict(self) -> dict[str, Any]:
        real = self.real.as_dict()
        steps = [s.as_dict(self.real) for s in self.steps]
        top = steps[-1] if steps else {}
        return {
            "built_how": built_how(),
            "date": self.date,
            "questions": self.questions,
            "store": self.store,
            "machine": self.machine,
            "chunks": real["chunks"],
            "index_seconds": round(self.index_seconds, 1),
            "query_p50_ms": real["query_p50_ms"],
            "query_p95_ms": real["query_p95_ms"],
            "rss_mb": real["rss_mb"],
            "open_s": real["open_s"],
            "reindex_one_s": real["reindex_one_s"],
            **{
                f"scale_{k}": top.get(k)
                for k in (
                    "chunks",
                    "query_p50_ms",
                    "query_p95_ms",
                    "rss_mb",
                    "open_s",
                    "reindex_embed_s",
                    "query_p95_ms_over_real",
                    "rss_mb_over_real",
                )
            },
            "scale_reindex_one_s": top.get("reindex_one_s"),
            "real": real,
            "steps": steps,
            "outputs": list(self.outputs),
        }


def bench_at_scale(
    settings: Settings,
    sizes: Sequence[int],
    limit: int | None = None,
    log: Log = lambda _: None,
    workdir: Path | None = None,
) -> ScaleReport:
    """Index the real corpus, measure it, then grow it to each size in turn and measure again.
    Several sizes also write the chart and JSON to evals/bench/. `workdir` keeps the folders."""
    from indexing.pipeline import index

    items = [i.question for i in bench_questions(limit)]
    load_at_start = round(os.getloadavg()[0], 2)
    with _scratch(settings, workdir) as fresh:
        export = _model_export(settings, fresh)
        embedder = Recording(export, fresh)
        log(f"indexing the real corpus into {fresh.data_dir}")
        started = time.perf_counter()
        first = index(fresh, embedder)
        index_seconds = time.perf_counter() - started
        sources = real_sources(fresh, embedder)
        changed = sorted(sources.values(), key=lambda s: len(s.chunks))[len(sources) // 2].meta  # the median one
        log(f"measuring the real corpus ({first.chunks} chunks) in a new process")
        real = _with_reindex(_measure(fresh, export, items, ""), fresh, embedder, changed, 0)
        grower = Grower(fresh, sources)
        steps = []
        for step, size in enumerate(sorted(set(sizes)), start=1):
            log(f"growing to {size} chunks")
            built = grower.grow_to(size)
            log(f"measuring {size} chunks in a new process")
            probe = PROBE_QUESTION.format(council=COUNCIL_NAME.format(1))
            measured = replace(_measure(fresh, export, items, probe), build_s=built)
            log(f"re-indexing one changed document at {measured.chunks} chunks")
            steps.append(_reindexed_or_failed(measured, fresh, embedder, changed, step, log))
        report = ScaleReport(
            questions=len(items),
            store=f"{fresh.chroma_host}:{fresh.chroma_port}" if fresh.chroma_host else "embedded",
            index_seconds=index_seconds,
            real=real,
            steps=tuple(steps),
            machine={
                "cpu_count": os.cpu_count(),
                "load_average_1m_at_start": load_at_start,
                "load_average_1m_at_end": round(os.getloadavg()[0], 2),
                "query_threads": fresh.query_threads,
            },
        )
        if fresh.chroma_host:
            _drop_collections(fresh)
    if len(report.steps) > 1:
        report = replace(report, outputs=write_outputs(report, OUTPUT_DIR))
    return report


# --- the scratch folders -----------------------------------------------------------------------


@contextmanager
def _scratch(settings: Settings, workdir: Path | None) -> Iterator[Settings]:
    """A copy of the corpus and an empty data folder; on a Chroma server, collections of their own
    (a run must never write over a live library's collections)."""
    with tempfile.TemporaryDirectory(prefix="guidance-scale-") as tmp:
        root = workdir or Path(tmp)
        shutil.copytree(settings.corpus_dir, root / "corpus")
        collection = f"scalebench{os.getpid()}" if settings.chroma_host else settings.collection
        yield settings.with_(corpus_dir=root / "corpus", data_dir=root / "data", collection=collection)


def _drop_collections(settings: Settings) -> None:
    from indexing.store import open_client

    client = open_client(settings)
    for collection in client.list_collections():
        name = collection if isinstance(collection, str) else collection.name
        if name.startswith(settings.collection):
            client.delete_collection(name)


def _model_export(settings: Settings, fresh: Settings) -> Path:
    """The ONNX export already made for the configured data folder (read only), else one made now."""
    from indexing.onnx_embed import ensure_export, export_is_current, onnx_path

    existing = onnx_path(settings)
    return existing if export_is_current(existing) else ensure_export(fresh)


# --- measuring ---------------------------------------------------------------------------------------


def _measure(settings: Settings, export: Path, questions: list[str], probe: str) -> Measured:
    """Open the index in a new Python process, answer the questions there, and read its peak RSS."""
    env = {**os.environ, **_settings_env(settings)}
    spec = json.dumps({"export": str(export), "questions": questions, "probe": probe})
    done = subprocess.run(
        [sys.executable, "-m", "assistant.scale_bench", spec],
        env=env,
        capture_output=True,
        text=True,
        timeout=CHILD_TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the measuring process failed ({done.returncode}): {done.stderr[-1500:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return Measured(**{**figures, "answer_ms": tuple(figures["answer_ms"])})


def _settings_env(settings: Settings) -> dict[str, str]:
    """Every setting as its GUIDANCE_* variable, so the new process reads exactly these settings."""
    return {f"GUIDANCE_{f.name.upper()}": str(getattr(settings, f.name)) for f in fields(Settings)}


def _reindexed_or_failed(
    measured: Measured, settings: Settings, embedder: Recording, doc: DocumentMeta, step: int, log: Log
) -> Measured:
    """The re-index figures, or the product's error in their place: a size where `index` fails is a
    finding to report, and the next size is still grown and measured (the bench's own checks still stop it)."""
    try:
        return _with_reindex(measured, settings, embedder, doc, step)
    except _BenchProblem:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the product raised is the finding
        log(f"re-indexing failed at {measured.chunks} chunks: {type(exc).__name__}: {exc}")
        return replace(measured, reindex_doc=doc.doc_id, reindex_error=f"{type(exc).__name__}: {exc}"[:500])


class _BenchProblem(RuntimeError):
    """The synthetic corpus is not what the bench meant to write: no figure from it can be trusted."""


def _with_reindex(
    measured: Measured, settings: Settings, embedder: Recording, doc: DocumentMeta, step: int
) -> Measured:
    """Change one real document's text and time `index` bringing the store in line with it. Any other
    document whose *file* the index sees as changed stops the run before anything is embedded (the
    synthetic ones were written wrongly); ones whose manifest entry alone looks changed are counted."""
    from indexing.manifest import load_manifest
    from indexing.pipeline import document_hash, index, status
    from indexing.store import ChunkStore

    path = settings.corpus_dir / doc.source_file
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\n\nThis procedure was checked again at review {step + 1}.\n")
    state = status(settings)
    current = ChunkStore.open(settings).current()
    indexed = current.indexed_documents() if current else {}
    listed = {m.doc_id: m for m in load_manifest(settings.manifest_path).documents}
    files_changed = [
        d
        for d in state.changed
        if indexed[d].doc_hash != document_hash(settings.corpus_dir / listed[d].source_file, listed[d], settings)
    ]
    if files_changed != [doc.doc_id] or state.new or state.removed:
        raise _BenchProblem(f"only {doc.doc_id}'s file should have changed; the index sees {state}")
    embedding_before = embedder.seconds  # the model is loaded before the clock starts, as in a running app
    started = time.perf_counter()
    report = index(settings, embedder)
    seconds = time.perf_counter() - started
    if report.updated != (doc.doc_id,) or report.added:
        raise _BenchProblem(f"re-indexing embedded {report.updated + report.added}, not {doc.doc_id} alone")
    embedding = embedder.seconds - embedding_before
    return replace(
        measured,
        reindex_one_s=seconds,
        reindex_embed_s=embedding,
        reindex_doc=doc.doc_id,
        reindex_metadata_only=len(report.metadata_only),
    )


def _child(spec: dict[str, Any]) -> dict[str, Any]:
    """In the new process: load the model, open the index with the first question, then answer every
    question as `guidance bench` does (a few warm-up answers first, then each one timed)."""
    import resource

    from assistant.service import GuidanceAssistant
    from indexing.onnx_embed import OnnxEmbedder

    settings = Settings.from_env()
    started = time.perf_counter()
    embedder = OnnxEmbedder(Path(spec["export"]), threads=settings.query_threads)
    model_load = time.perf_counter() - started
    questions = spec["questions"]
    started = time.perf_counter()
    assistant = GuidanceAssistant(settings, embedder=embedder)
    assistant.ask(questions[0])
    open_s = time.perf_counter() - started
    for question in questions[1 : 1 + WARMUP_QUESTIONS]:
        assistant.ask(question)
    answer_ms, steps = [], []
    for question in questions:
        started = time.perf_counter()
        answer = assistant.ask(question)
        answer_ms.append((time.perf_counter() - started) * 1000)
        steps.append((answer_ms[-1], question, answer.timings_ms))
    names = sorted({name for _, _, timings in steps for name in timings})
    step_ms = {
        name: [round(percentile([t.get(name, 0.0) for _, _, t in steps], q), 1) for q in (50, 95)] for name in names
    }
    slowest = [
        {"question": q, "ms": round(ms, 1), "steps_ms": {k: round(v, 1) for k, v in t.items()}}
        for ms, q, t in sorted(steps, key=lambda s: -s[0])[:SLOWEST_SHOWN]
    ]
    probe: dict[str, Any] = {}
    if spec["probe"]:
        answer, passages = assistant.ask_traced(spec["probe"])
        probe = {
            "question": spec["probe"],
            "passage_authorities": [p.chunk.meta.authority for p in passages],
            "cited_authorities": sorted({c.authority for c in answer.citations}),
        }
    documents = assistant.manifest.documents
    current = assistant.store.current()
    return {
        "chunks": current.count() if current else 0,
        "documents": len(documents),
        "authorities": len({d.authority for d in documents}),
        "model_load_s": model_load,
        "open_s": open_s,
        "step_ms": step_ms,
        "slowest": slowest,
        "answer_ms": answer_ms,
        "probe": probe,
        "rss_mb": _peak_rss_mb(resource),
    }


def _peak_rss_mb(resource: Any) -> float:
    """This process's peak resident set since it started the measuring program. Linux keeps
    ru_maxrss across exec, so a child started by a parent holding gigabytes (the bench, after
    growing a large corpus) would report the parent's size; VmHWM belongs to the new program's
    address space alone. Elsewhere, ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


# --- reporting -------------------------------------------------------------------------------------


def write_outputs(report: ScaleReport, folder: Path) -> tuple[str, ...]:
    """The run's JSON and its chart, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    data = folder / "scale.json"
    figures = report.as_dict()
    data.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return draw_chart(figures, folder / "scale.png"), str(data)


def draw_chart(d: dict[str, Any], chart: Path) -> str:
    """Query p50/p95 and a new process's peak RSS against corpus size, from a run's JSON, with
    issue 10's limits drawn in (p95 at most 3x the real corpus's, RSS at most 2 GiB)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [d["real"], *d["steps"]]
    sizes = [r["chunks"] for r in rows]
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot(sizes, [r["query_p95_ms"] for r in rows], "o-", label="full cited answer, p95")
    left.plot(sizes, [r["query_p50_ms"] for r in rows], "s--", alpha=0.6, label="p50")
    left.axhline(
        3 * d["real"]["query_p95_ms"], color="grey", linestyle=":", label="3x the real corpus's p95 (issue 10)"
    )
    left.set(xscale="log", xlabel="chunks in the index", ylabel="milliseconds", title="Answer time")
    left.annotate(
        "real corpus", (sizes[0], rows[0]["query_p95_ms"]), textcoords="offset points", xytext=(6, 6), fontsize=8
    )
    right.plot(sizes, [r["rss_mb"] for r in rows], "o-", color="tab:red", label="new process, peak RSS")
    right.axhline(2048, color="grey", linestyle=":", label="2 GiB (issue 10)")
    right.set(xscale="log", xlabel="chunks in the index", ylabel="MB", title="Memory of a process answering")
    for axes in (left, right):
        axes.set_xticks(sizes, [f"{round(n / 1000)}k" if n >= 1000 else str(n) for n in sizes])
        axes.minorticks_off()
        axes.set_ylim(bottom=0)
        axes.grid(True, alpha=0.3)
        axes.legend(fontsize=8)
    figure.suptitle(
        f"guidance bench --scale ({d['store']} Chroma, {d['questions']} questions, "
        f"{d['machine']['cpu_count']} shared cores, {d.get('date', '')})",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(chart, dpi=110)
    plt.close(figure)
    return str(chart)


def format_scale(d: dict[str, Any]) -> str:
    """The run as a curator reads it: one line per size, each against the real corpus."""
    lines = [
        f"Store: {d['store']}. Questions: {d['questions']} (the same as `guidance bench`). "
        f"Machine: {d['machine']['cpu_count']} cores, load {d['machine']['load_average_1m_at_start']} at start, "
        f"{d['machine']['load_average_1m_at_end']} at end (a shared machine: figures are noisy).",
        f"How the corpus was grown: {d['built_how']}",
        "",
        f"{'chunks':>8} {'docs':>6} {'councils':>8} {'p50 ms':>8} {'p95 ms':>8} {'RSS MB':>8} {'open s':>7} "
        f"{'re-index s':>10} {'(embed s)':>9} {'build s':>8}",
    ]
    for row in [d["real"], *d["steps"]]:
        lines.append(
            f"{row['chunks']:>8} {row['documents']:>6} {row['authorities']:>8} {row['query_p50_ms']:>8} "
            f"{row['query_p95_ms']:>8} {row['rss_mb']:>8} {row['open_s']:>7} {row['reindex_one_s']:>10} "
            f"{row['reindex_embed_s']:>9} {row['build_s']:>8}"
        )
    lines.append(
        f"\nThe first row is the real corpus (indexed in {d['index_seconds']} s). 'open' is a new process "
        "building the assistant and writing its first answer, model already loaded; 're-index' is "
        f"`index` after one real document ({d['real']['reindex_doc']}) changed. Its manifest did not change "
        "since the bench's status check read it, so the run reads the parse cached in data/cache; a run right "
        "after a manifest edit parses it again (about a second per 1,000 documents)."
    )
    for row in d["steps"]:
        probe = row["probe"]
        share = sum(a.startswith("Synthetic Council") for a in probe.get("passage_authorities", []))
        found = len(probe.get("passage_authorities", []))
        lines.append(
            f"At {row['chunks']} chunks: p95 {row['query_p95_ms_over_real']}x and RSS {row['rss_mb_over_real']}x "
            f"the real corpus's; re-index {row['reindex_one_s_over_real']}x. "
            f'Probe "{probe.get("question")}": {share} of {found} passages from synthetic councils.'
        )
    for row in [d["real"], *d["steps"]]:
        if row["reindex_metadata_only"]:
            lines.append(
                f"Note: the re-index at {row['chunks']} chunks also saw {row['reindex_metadata_only']} other "
                "documents' manifest entries as changed, though the bench changed one file and no entry."
            )
    for row in [d["real"], *d["steps"]]:
        if row.get("step_ms"):
            where = ", ".join(f"{name} {p50}/{p95}" for name, (p50, p95) in row["step_ms"].items())
            lines.append(f"Where the time goes at {row['chunks']} chunks (ms, p50/p95 per step): {where}.")
    for row in [d["real"], *d["steps"]]:
        if row["reindex_error"]:
            lines.append(f"Re-indexing FAILED at {row['chunks']} chunks: {row['reindex_error']}")
    if d["outputs"]:
        lines.append("Written: " + ", ".join(d["outputs"]))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    """`python -m assistant.scale_bench SPEC`: the measuring process (not a command for people)."""
    print(json.dumps(_child(json.loads(argv[0]))))
    return 0


__all__ = ["Measured", "ScaleReport", "bench_at_scale", "format_scale", "write_outputs"]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
