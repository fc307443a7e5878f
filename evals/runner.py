"""Run the curated eval set against the current index and score every item.

`run_eval` asks each question once through the same `GuidanceAssistant.ask_traced` the
CLI and app use, scores the answer and the ranked passages with the pure functions in
`evals.metrics`, aggregates by kind, authority and split, and writes the report."""

from __future__ import annotations

import inspect
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evals import metrics as m
from evals.items import EVAL_CORPORA, LIBRARY, EvalCorpus, EvalItem, load_items

if TYPE_CHECKING:
    from assistant.service import GuidanceAssistant
    from assistant.settings import Settings
    from assistant.types import Answer

Progress = Callable[[int, int], None]

# Headline metrics, in report order. True = higher is better.
HEADLINE: dict[str, bool] = {
    "hit_at_1": True,
    "hit_at_3": True,
    "hit_at_5": True,
    "mrr_at_10": True,
    "ndcg_at_10": True,
    "fact_recall": True,
    "citation_support": True,
    "source_recall": True,
    "authority_correct": True,
    "conflict_coverage": True,
    "abstention_precision": True,
    "abstention_recall": True,
    "wrong_refusal_rate": False,
    "pass_rate": True,
}
PER_ITEM = (
    "hit_at_1",
    "hit_at_3",
    "hit_at_5",
    "mrr_at_10",
    "ndcg_at_10",
    "fact_recall",
    "citation_support",
    "source_recall",
    "authority_correct",
    "conflict_coverage",
)
CONFLICT = "several (conflict)"
OUT_OF_SCOPE = "none (out of scope)"
PARTNER_NO_COUNCIL = "none named (partner)"


@dataclass(frozen=True)
class Ablation:
    name: str
    mode: str | None  # hybrid | dense | lexical; None = the tutorial baseline
    use_glossary: bool


ABLATIONS = (
    Ablation("dense only", "dense", False),
    Ablation("BM25 only", "lexical", False),
    Ablation("hybrid", "hybrid", False),
    Ablation("hybrid + glossary (product)", "hybrid", True),
    Ablation("LangChain tutorial baseline", None, False),
)


def names_authority(question: str, aliases: dict[str, str]) -> bool:
    return any(re.search(rf"(?<![\w&]){re.escape(a)}(?![\w&])", question, re.IGNORECASE) for a in aliases)


def score_item(
    item: EvalItem,
    answer: Answer,
    ranked: Sequence[tuple[str, str]],
    aliases: dict[str, str],
    authority_of: dict[str, str],
    front_doors: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One item's record: the answer, its citations and every metric that applies, with the
    checks it failed written so a curator can read them.

    `front_doors` maps each authority to its front door as the manifest writes it (needed for
    items with `front_door: true`). A conversation item is scored on its last turn like any
    other; a partner item must not be refused, must name the front door when `front_door` is
    set, open with the 999 line when `safety` is set, and never tell the asker not to refer."""
    sources = [(s.doc_id, s.evidence) for s in item.sources]
    cited = [(c.doc_id, c.quote) for c in answer.citations]
    cited_authorities = [c.authority for c in answer.citations]
    record: dict[str, Any] = {
        "id": item.id,
        "question": item.question,
        "history": list(item.history),
        "standalone": item.standalone if item.history else None,
        "understood_as": str(getattr(answer, "understood_as", "") or ""),
        "left_out": list(getattr(answer, "left_out", ()) or ()),
        "kind": item.kind,
        "split": item.split,
        "authority": item.authority or _no_authority_label(item.kind),
        "answer": answer.text,
        "abstained": answer.abstained,
        "should_abstain": not item.answerable,
        "answer_authorities": answer.authorities,
        "conflicts": list(answer.conflicts),
        "front_doors_shown": list(answer.front_doors),
        "safety_shown": bool(answer.safety_notice),
        "front_door_named": None,
        "safety_first": None,
        "citations": [
            {
                "n": c.n,
                "doc_id": c.doc_id,
                "authority": c.authority,
                "section": c.section,
                "page": c.page,
                "quote": c.quote,
            }
            for c in answer.citations
        ],
        "retrieved": [doc_id for doc_id, _ in ranked[:5]],
        "latency_ms": answer.timings_ms.get("total", 0.0),
        "words": len(answer.text.split()),
        "confidence": answer.confidence,
        "hedged": bool(getattr(answer, "hedged", False)),
    }
    failed: list[str] = []
    if not item.answerable:
        record.update(dict.fromkeys(PER_ITEM))
        if not answer.abstained:
            failed.append("answered a question the guidance does not cover")
        record.update(passed=not failed, failed_checks=failed)
        return record

    if item.kind == "partner":
        failed += _partner_checks(item, answer, record, front_doors or {})
    if item.history:
        failed += _conversation_checks(item, answer, cited_authorities, aliases)
    if not item.expected_facts:  # a partner item judged only by the checks above
        record.update(dict.fromkeys(PER_ITEM))
        record.update(passed=not failed, failed_checks=failed)
        return record

    gains = m.relevance(ranked, sources)
    facts = [list(f) for f in item.expected_facts]
    support = m.citation_support(facts, answer.text, {c.n: f"{c.section}\n{c.quote}" for c in answer.citations})
    record.update(
        hit_at_1=m.hit_at(gains, 1),
        hit_at_3=m.hit_at(gains, 3),
        hit_at_5=m.hit_at(gains, 5),
        mrr_at_10=m.mrr_at(gains, 10),
        ndcg_at_10=m.ndcg_at(gains, len(sources), 10),
        fact_recall=m.fact_recall(facts, answer.text),
        citation_support=support,
        source_recall=m.source_recall(cited, sources),
        authority_correct=None,
        conflict_coverage=None,
    )
    if item.kind == "conflict":
        sides = [authority_of.get(s.doc_id, s.doc_id) for s in item.sources]
        record["conflict_coverage"] = m.conflict_covered(sides, cited_authorities, facts, answer.text)
        missing = sorted(set(sides) - set(cited_authorities))
        if missing:
            failed.append("conflict: not shown for " + ", ".join(missing))
    elif item.authority:
        # A follow-up that names no council is about the conversation's council ("and a core
        # assessment?" after a Bath question): the answer must keep to it, as if it were named.
        named = names_authority(item.question, aliases) or (
            bool(item.history) and not item.standalone and m.last_named_authority(item.history, aliases) is not None
        )
        record["authority_correct"] = m.authority_correct(item.authority, answer.authorities, cited_authorities, named)
        if not record["authority_correct"]:
            failed.append(
                f"authority: expected {item.authority}, answer cites "
                + (", ".join(sorted(set(cited_authorities))) or "nothing")
            )
    if answer.abstained:
        if item.kind != "partner":  # a partner's refusal is already the first failed check
            failed.insert(0, "refused a question the guidance answers")
    else:
        failed += [f"missing fact: {alts[0]}" for alts in facts if not m.fact_present(alts, answer.text)]
        if support is not None and support < 1:
            failed.append("a fact is cited to a passage that does not contain it")
        if record["source_recall"] < 1:
            failed += [
                f"expected source not cited: {s.doc_id} § {s.section}"
                for s in item.sources
                if not any(m.source_matches(d, q, s.doc_id, s.evidence) for d, q in cited)
            ]
    if not record["hit_at_5"]:
        failed.append("retrieval: expected passage not in the top 5")
    record.update(passed=not failed, failed_checks=failed)
    return record


def _no_authority_label(kind: str) -> str:
    return {"conflict": CONFLICT, "partner": PARTNER_NO_COUNCIL}.get(kind, OUT_OF_SCOPE)


def _partner_checks(item: EvalItem, answer: Answer, record: dict[str, Any], front_doors: dict[str, str]) -> list[str]:
    """A partner must leave with somewhere to go: never refused, the front door named, the 999
    line first when a child is in danger now, and never told not to refer."""
    failed = []
    if answer.abstained:
        failed.append("refused a partner's question")
    if item.front_door:
        wanted = {item.authority: front_doors.get(item.authority, "")} if item.authority else dict(front_doors)
        unknown = sorted(a for a, door in wanted.items() if not door)
        doors = {a: door for a, door in wanted.items() if door}
        missing = m.front_doors_missing(list(doors.values()), [answer.text, *answer.front_doors])
        record["front_door_named"] = 0.0 if (missing or unknown or not wanted) else 1.0
        failed += [f"front door not named: {door} ({a})" for a, door in doors.items() if door in missing]
        failed += [f"front door not named: the manifest records none for {a}" for a in unknown]
        if not wanted:
            failed.append("front door not named: the manifest records no front doors")
    if item.safety:
        record["safety_first"] = 1.0 if m.safety_first(answer.text, answer.safety_notice) else 0.0
        if not record["safety_first"]:
            failed.append("safety: the answer does not start with the 999 line")
    if m.tells_not_to_refer(answer.text):
        failed.append("told a partner not to refer")
    return failed


def _conversation_checks(
    item: EvalItem, answer: Answer, cited_authorities: Sequence[str], aliases: dict[str, str]
) -> list[str]:
    """A new, standalone last turn must not carry the earlier turns' council over."""
    if not item.standalone:
        return []
    earlier = m.last_named_authority(item.history, aliases)
    if not earlier or earlier == item.authority or earlier in m.named_authorities(item.question, aliases):
        return []
    used = set(cited_authorities) | set(answer.authorities) | set(answer.not_covered) | set(answer.authority_filter)
    return [f"standalone question inherited {earlier} from the earlier turns"] if earlier in used else []


def aggregate(records: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Headline metrics over a set of item records (None where nothing applies)."""
    out: dict[str, Any] = {"items": len(records)}
    for name in PER_ITEM:
        out[name] = m.mean([r[name] for r in records])
    out.update(m.abstention([(r["should_abstain"], r["abstained"]) for r in records]))
    out["pass_rate"] = m.mean([1.0 if r["passed"] else 0.0 for r in records])
    # Partner and conversation items (None where no item of the set has the check).
    out["front_door_named"] = m.mean([r.get("front_door_named") for r in records])
    out["safety_first"] = m.mean([r.get("safety_first") for r in records])
    partner = [r for r in records if r["kind"] == "partner"]
    out["partner_refused"] = sum(1 for r in partner if r["abstained"]) if partner else None
    standalone = [r for r in records if r.get("standalone")]
    out["standalone_pass_rate"] = m.mean([1.0 if r["passed"] else 0.0 for r in standalone])
    latencies = [r["latency_ms"] for r in records]
    out["answer_p50_ms"] = m.percentile(latencies, 50)
    out["answer_p95_ms"] = m.percentile(latencies, 95)
    out["answer_words_p50"] = m.percentile([r.get("words", 0) for r in records if not r["abstained"]], 50)
    out.update(m.hedging([(r.get("hedged", False), r["passed"]) for r in records if not r["abstained"]]))
    return out


def breakdown(records: Sequence[dict[str, Any]], key: str) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        groups.setdefault(r[key], []).append(r)
    return {name: aggregate(rs) for name, rs in sorted(groups.items())}


def evaluate(
    assistant: GuidanceAssistant,
    items: Sequence[EvalItem],
    mode: str | None = None,
    use_glossary: bool = True,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    aliases = assistant.aliases
    authority_of = {d.doc_id: d.authority for d in assistant.manifest.documents}
    # every council's front door: a national authority (a government department) has none a worry goes to
    front_doors = {a.name: a.front_door for a in assistant.manifest.authorities if a.front_door and not a.national}
    # A conversation's earlier turns go to the assistant only once it takes them
    # (`ask_traced(..., history=...)`); until then the last turn is asked alone and the
    # record says so (history_sent: false).
    takes_history = accepts_keyword(assistant.ask_traced, "history")
    assistant.ask("How soon must a child be seen after a referral?")  # warm caches: latencies are warm
    records = []
    for i, item in enumerate(items, start=1):
        extra: dict[str, Any] = {"history": list(item.history)} if item.history and takes_history else {}
        answer, passages = assistant.ask_traced(item.question, mode=mode, use_glossary=use_glossary, **extra)
        ranked = [(p.chunk.doc_id, p.chunk.text) for p in passages]
        record = score_item(item, answer, ranked, aliases, authority_of, front_doors)
        record["history_sent"] = bool(extra) if item.history else None
        records.append(record)
        if progress:
            progress(i, len(items))
    return records


def accepts_keyword(function: Callable[..., Any], name: str) -> bool:
    """True when `function` takes the keyword argument `name` (or any keyword)."""
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(
        (p.name == name and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)) or p.kind is p.VAR_KEYWORD
        for p in parameters
    )


def baseline_retrieval(assistant: GuidanceAssistant, settings: Settings, items: Sequence[EvalItem]) -> dict[str, Any]:
    """Retrieval metrics for the LangChain-tutorial pipeline on the same answerable items."""
    from assistant.baseline import TutorialBaseline

    baseline = TutorialBaseline.build(settings, assistant.embedder)
    rows, latencies = [], []
    # The tutorial takes one question alone: items with earlier turns or no expected passage are left out.
    for item in (i for i in items if i.answerable and i.sources and i.single_question):
        started = time.perf_counter()
        hits = baseline.search(item.question, k=10)
        latencies.append((time.perf_counter() - started) * 1000)
        gains = m.relevance([(h.doc_id, h.text) for h in hits], [(s.doc_id, s.evidence) for s in item.sources])
        rows.append(
            {
                "hit_at_1": m.hit_at(gains, 1),
                "hit_at_3": m.hit_at(gains, 3),
                "hit_at_5": m.hit_at(gains, 5),
                "mrr_at_10": m.mrr_at(gains, 10),
                "ndcg_at_10": m.ndcg_at(gains, len(item.sources), 10),
            }
        )
    out: dict[str, Any] = {"items": len(rows)}
    for name in ("hit_at_1", "hit_at_3", "hit_at_5", "mrr_at_10", "ndcg_at_10"):
        out[name] = m.mean([r[name] for r in rows])
    out["retrieval_p50_ms"] = m.percentile(latencies, 50)
    out["note"] = "retrieval only (the tutorial has no answer step); top 10 asked for, the tutorial shows 4"
    return out


def select(items: Sequence[EvalItem], split: str | None) -> list[EvalItem]:
    return [i for i in items if split in (None, "all") or i.split == split]


def corpus_assistant(
    assistant: GuidanceAssistant, settings: Settings, corpus: EvalCorpus, **kwargs: Any
) -> GuidanceAssistant:
    """An assistant over one of the eval's own corpora (evals/tune_docs, evals/unseen), with the
    same code and settings as the product and the embedder already loaded; its index lives apart,
    under DATA_DIR/evals/<name>_index, and is built on first use (again when its documents
    change). The glossary is the shipped one. `kwargs` go to the assistant (e.g. a model)."""
    from assistant.service import GuidanceAssistant

    own = settings.with_(corpus_dir=corpus.folder, data_dir=settings.data_dir / "evals" / f"{corpus.name}_index")
    other = GuidanceAssistant(own, embedder=assistant.embedder, **kwargs)
    if other.needs_indexing():
        other.reindex()
    return other


def corpus_items(
    split: str | None, corpora: Sequence[EvalCorpus] = EVAL_CORPORA
) -> list[tuple[EvalCorpus, list[EvalItem]]]:
    """The items of each eval corpus that has an items file, as `select` picks them by split."""
    return [(c, select(load_items(c.items_path), split)) for c in corpora if c.items_path.exists()]


def evaluate_all(
    assistant: GuidanceAssistant,
    settings: Settings,
    items: Sequence[EvalItem],
    others: Sequence[tuple[EvalCorpus, Sequence[EvalItem]]] = (),
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Records for the library's items, then for each eval corpus's items on its own index; each
    record says which corpus (`corpus`) it was asked against."""
    others = [(c, its) for c, its in others if its]
    total = len(items) + sum(len(its) for _, its in others)
    done = 0

    def shifted(offset: int) -> Progress | None:
        return (lambda i, _n: progress(offset + i, total)) if progress else None

    records = [{**r, "corpus": LIBRARY} for r in evaluate(assistant, items, progress=shifted(0))] if items else []
    done += len(items)
    for corpus, its in others:
        asked = evaluate(corpus_assistant(assistant, settings, corpus), its, progress=shifted(done))
        records += [{**r, "corpus": corpus.name} for r in asked]
        done += len(its)
    return records


def run_eval(
    assistant: GuidanceAssistant,
    settings: Settings,
    split: str | None = None,
    progress: Progress | None = None,
    ablations: bool = False,
    items_path: Path | None = None,
    out_dir: Path | None = None,
    baseline_path: Path | None = None,
    corpora: Sequence[EvalCorpus] = EVAL_CORPORA,
    compare_writers: bool = False,
) -> dict[str, Any]:
    """Run the set (or one split), write latest.json / latest.md / charts, return the report.

    The eval's own corpora (the tuning one and the unseen-documents one) are always part of
    "all": each is asked against its own index.
    With `compare_writers` and a generative writer in place, the library items are also asked
    with the extractive writer alone, and both writers' figures go side by side in `writers`."""
    items = select(load_items(items_path) if items_path else load_items(), split)
    others = corpus_items(split, corpora)
    started = time.perf_counter()
    records = evaluate_all(assistant, settings, items, others, progress)
    report: dict[str, Any] = {
        **aggregate(records),
        "split": split or "all",
        "generated_at": time.strftime("%Y-%m-%d %H:%M:%S"),
        "seconds": round(time.perf_counter() - started, 1),
        "settings": {
            "writer": writer_name(assistant.writer),
            "answer_threshold": extractive_of(assistant.writer).model.answer_threshold,
            "max_sentences_per_authority": settings.max_sentences_per_authority,
            "chunk_chars": settings.chunk_chars,
            "retrieval_mode": settings.retrieval_mode,
            "passages_k": settings.passages_k,
        },
        "by_split": breakdown(records, "split"),
        "by_corpus": breakdown(records, "corpus"),
        "by_kind": breakdown(records, "kind"),
        "by_authority": breakdown(records, "authority"),
        "details": records,
    }
    if ablations:
        table = {}
        for ab in ABLATIONS:
            if ab.mode is None:
                table[ab.name] = baseline_retrieval(assistant, settings, items)
            else:
                table[ab.name] = {
                    k: v for k, v in aggregate(evaluate(assistant, items, ab.mode, ab.use_glossary)).items()
                }
        report["ablations"] = table
    if compare_writers and writer_name(assistant.writer) == "generative":
        generative = assistant.writer
        library = [r for r in records if r["corpus"] == LIBRARY]  # the eval's own corpora are asked extractively
        try:
            assistant.writer = generative.extractive
            extractive_records = evaluate(assistant, items)
        finally:
            assistant.writer = generative
        report["writers"] = {"generative": aggregate(library), "extractive": aggregate(extractive_records)}
    baseline = load_baseline(baseline_path)
    deltas = compare(report, baseline) if baseline and report["split"] == "all" else []
    report["vs_baseline"] = [{**asdict(d), "change": d.change} for d in deltas]
    report["regressions"] = [d.metric for d in deltas if d.regression]
    from evals.report import write_report

    write_report(report, out_dir or report_dir(settings), deltas)
    return report


def writer_name(writer: Any) -> str:
    """'generative' for a GenerativeWriter (which wraps the extractive one), else 'extractive'."""
    return "generative" if hasattr(writer, "extractive") else "extractive"


def extractive_of(writer: Any) -> Any:
    return getattr(writer, "extractive", writer)


def report_dir(settings: Settings) -> Path:
    return settings.data_dir / "evals"


def latest_report(settings: Settings) -> dict[str, Any] | None:
    path = report_dir(settings) / "latest.json"
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- baseline gate

BASELINE_PATH = Path(__file__).resolve().parent / "baseline.json"
TOLERANCE = 0.03  # absolute, on 0..1 metrics
LATENCY_FACTOR = 3.0  # answer p50 may grow to 3x the baseline before it counts as a regression


@dataclass(frozen=True)
class Delta:
    metric: str
    baseline: float
    current: float
    regression: bool

    @property
    def change(self) -> float:
        return self.current - self.baseline


def compare(report: dict[str, Any], baseline: dict[str, Any]) -> list[Delta]:
    """Deltas for each headline metric; a regression is a drop beyond the tolerance (a rise,
    for wrong refusals), or a warm p50 latency beyond LATENCY_FACTOR times the baseline."""
    base = baseline["metrics"]
    tolerance = baseline.get("tolerance", TOLERANCE)
    deltas = []
    for name, higher_better in HEADLINE.items():
        if base.get(name) is None or report.get(name) is None:
            continue
        b, c = float(base[name]), float(report[name])
        worse = (b - c) if higher_better else (c - b)
        deltas.append(Delta(name, b, c, worse > tolerance + 1e-9))
    if base.get("answer_p50_ms") and report.get("answer_p50_ms"):
        b, c = float(base["answer_p50_ms"]), float(report["answer_p50_ms"])
        deltas.append(Delta("answer_p50_ms", b, c, c > b * baseline.get("latency_factor", LATENCY_FACTOR)))
    return deltas


def load_baseline(path: Path | None = None) -> dict[str, Any] | None:
    path = path or BASELINE_PATH
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def save_baseline(report: dict[str, Any], path: Path = BASELINE_PATH) -> None:
    """Deliberate: only `guidance eval --update-baseline` calls this."""
    if report.get("split") != "all":
        raise ValueError("the baseline is taken on the whole set: run without --split")
    data = {
        "note": "Headline eval metrics the CI gate compares against. Update deliberately with "
        "`guidance eval --update-baseline` after reviewing the report.",
        "generated_at": report["generated_at"],
        "tolerance": TOLERANCE,
        "latency_factor": LATENCY_FACTOR,
        "metrics": {k: report[k] for k in [*HEADLINE, "items", "answer_p50_ms"] if k in report},
        "by_split": {s: {k: v for k, v in agg.items() if k in HEADLINE} for s, agg in report["by_split"].items()},
    }
    path.write_text(json.dumps(_rounded(data), indent=2) + "\n", encoding="utf-8")


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value
