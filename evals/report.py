"""Write an eval report: JSON for machines, Markdown and PNG charts for the curator."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals import metrics as m
from evals.runner import HEADLINE, Delta

LABELS = {
    "items": "items",
    "hit_at_1": "hit@1",
    "hit_at_3": "hit@3",
    "hit_at_5": "hit@5",
    "mrr_at_10": "MRR@10",
    "ndcg_at_10": "nDCG@10",
    "fact_recall": "fact recall",
    "citation_support": "citation support",
    "source_recall": "source recall",
    "authority_correct": "authority correct",
    "conflict_coverage": "conflict coverage",
    "abstention_precision": "refusal precision",
    "abstention_recall": "refusal recall",
    "wrong_refusal_rate": "wrong refusals",
    "pass_rate": "items passed",
    "answer_p50_ms": "answer p50 ms",
    "answer_p95_ms": "answer p95 ms",
    "answer_words_p50": "answer words p50",
    "retrieval_p50_ms": "retrieval p50 ms",
    "front_door_named": "front door named",
    "safety_first": "999 line first",
    "partner_refused": "partners refused",
    "standalone_pass_rate": "standalone passed",
    "hedged_share": "answers flagged",
    "failed_answers_flagged": "failed answers flagged",
    "passed_answers_flagged": "passed answers flagged",
}
# How well "This may not answer your question" marks the answers that fail.
HEDGE_COLUMNS = ("items", "hedged_share", "failed_answers_flagged", "passed_answers_flagged")
FOLLOW_UP_COLUMNS = (
    "items",
    "pass_rate",
    "wrong_refusal_rate",
    "standalone_pass_rate",
    "front_door_named",
    "safety_first",
    "partner_refused",
)
TABLE_COLUMNS = (
    "items",
    "hit_at_5",
    "mrr_at_10",
    "fact_recall",
    "citation_support",
    "source_recall",
    "authority_correct",
    "conflict_coverage",
    "abstention_recall",
    "wrong_refusal_rate",
    "pass_rate",
    "answer_words_p50",
)


def fmt(value: Any, name: str = "") -> str:
    if value is None:
        return "–"
    if name == "items" or isinstance(value, int):
        return str(value)
    if name.endswith("_ms"):
        return f"{value:.0f}"
    return f"{value:.2f}"


def table(rows: dict[str, dict[str, Any]], columns: Sequence[str], first: str) -> list[str]:
    lines = [f"| {first} | " + " | ".join(LABELS.get(c, c) for c in columns) + " |", "|---|" + "---:|" * len(columns)]
    for name, agg in rows.items():
        lines.append(f"| {name} | " + " | ".join(fmt(agg.get(c), c) for c in columns) + " |")
    return lines


def headline_lines(report: dict[str, Any], deltas: Sequence[Delta] = ()) -> list[str]:
    by_metric = {d.metric: d for d in deltas}
    lines = ["| metric | value | vs baseline |", "|---|---:|---:|"]
    for name in [*HEADLINE, "answer_p50_ms", "answer_p95_ms"]:
        change = change_text(by_metric.get(name), " ms", "**REGRESSION**")
        lines.append(f"| {LABELS[name]} | {fmt(report.get(name), name)} | {change} |")
    return lines


def change_text(delta: Delta | None, ms_unit: str, flag: str) -> str:
    """'+0.03', '-12 ms', with the flag appended for a regression; empty without a baseline."""
    if delta is None:
        return ""
    text = f"{delta.change:+.0f}{ms_unit}" if delta.metric.endswith("_ms") else f"{delta.change:+.3f}"
    return f"{text} {flag}" if delta.regression else text


def markdown(report: dict[str, Any], deltas: Sequence[Delta] = (), charts: Sequence[str] = ()) -> str:
    out = [
        f"# Eval report ({report['split']} items, {report['generated_at']})",
        "",
        f"{report['items']} items in {report['seconds']} s. Settings: "
        + ", ".join(f"{k}={v}" for k, v in report["settings"].items())
        + ".",
        "",
        "## Headline",
        "",
        *headline_lines(report, deltas),
        "",
        "## Tune, holdout and unseen documents",
        "",
        "Holdout items were never looked at while tuning: if they score much lower than tune "
        "items, the tuning has not generalised. unseen_docs items are asked against documents no "
        "code was tuned on (evals/unseen): the best guess at how the assistant does on a new "
        "council's guidance. The risk–coverage chart shows, per split, what raising the answer "
        "threshold from its operating point (black dot) would do: fewer answers (left), and of "
        "those, a smaller share missing a fact (down).",
        "",
        *table(report["by_split"], TABLE_COLUMNS, "split"),
        "",
        "Answers given below the model's hedge point open with \"This may not answer your question\". "
        "Of the answers given: the share so flagged, the share of failed answers flagged (the higher the "
        "better) and the share of passed answers flagged (the lower the better).",
        "",
        *table(report["by_split"], HEDGE_COLUMNS, "split"),
        "",
        "By corpus: `library` is the shipped documents (tune and holdout items), `tune_docs` the "
        "second tuning corpus (evals/tune_docs: procedures chapters, a levels-of-need document and "
        "national guidance, all tune items), `unseen` the unseen documents.",
        "",
        *table(report.get("by_corpus", {}), TABLE_COLUMNS, "corpus"),
        "",
        "## By kind",
        "",
        *table(report["by_kind"], TABLE_COLUMNS, "kind"),
        "",
        "## By authority",
        "",
        *table(report["by_authority"], TABLE_COLUMNS, "authority"),
        "",
    ]
    follow_up = {k: v for k, v in report["by_kind"].items() if k in ("conversation", "partner")}
    if follow_up:
        sent = [r.get("history_sent") for r in report["details"] if r.get("history")]
        note = (
            "asked with their earlier turns"
            if sent and all(sent)
            else "asked WITHOUT their earlier turns (the assistant does not take a history yet)"
        )
        out += [
            "## Conversations and partners",
            "",
            f"Conversation items are {note}. A partner item fails when refused, when the front door "
            "is not named (the council's, or every one's with no council named), when the 999 line "
            "does not come first for a child in danger now, or when it says not to refer.",
            "",
            *table(follow_up, FOLLOW_UP_COLUMNS, "kind"),
            "",
        ]
    if report.get("ablations"):
        cols = (
            "items",
            "hit_at_1",
            "hit_at_5",
            "mrr_at_10",
            "ndcg_at_10",
            "fact_recall",
            "pass_rate",
            "answer_p50_ms",
            "retrieval_p50_ms",
        )
        out += ["## Ablations (same items, same run)", "", *table(report["ablations"], cols, "configuration"), ""]
    if report.get("writers"):
        cols = (
            "items",
            "fact_recall",
            "citation_support",
            "abstention_recall",
            "wrong_refusal_rate",
            "pass_rate",
            "answer_words_p50",
            "answer_p50_ms",
        )
        out += ["## Writers side by side (library items, same run)", "", *table(report["writers"], cols, "writer"), ""]
    out += [f"![{Path(c).stem}]({Path(c).name})" for c in charts] + [""]
    failing = [r for r in report["details"] if not r["passed"]]
    out += [f"## Failing items ({len(failing)})", ""]
    for r in failing:
        out += [
            f"### {r['id']} ({r['kind']}, {r['authority']}, {r['split']})",
            "",
            *[f"**Earlier turn {n}:** {turn}\n" for n, turn in enumerate(r.get("history") or [], 1)],
            f"**Question:** {r['question']}",
            "",
            *([f"**Understood as:** {r['understood_as']}", ""] if r.get("understood_as") else []),
            "**Failed:** " + "; ".join(r["failed_checks"]),
            "",
            "**Answer:**",
            "",
            *("> " + line for line in r["answer"].splitlines()),
            "",
        ]
        for c in r["citations"]:
            out.append(f"- [{c['n']}] {c['authority']} · {c['doc_id']} · {c['section']}")
        out.append("")
    out += ["## All items", "", "| id | kind | passed | failed checks |", "|---|---|---|---|"]
    out += [
        f"| {r['id']} | {r['kind']} | {'yes' if r['passed'] else 'no'} | {'; '.join(r['failed_checks'])} |"
        for r in report["details"]
    ]
    return "\n".join(out) + "\n"


def charts(report: dict[str, Any], out_dir: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    paths = []
    shown = ("hit_at_5", "fact_recall", "source_recall", "pass_rate")
    for key, title in (("by_kind", "Metrics by kind of question"), ("by_authority", "Metrics by authority")):
        groups = report[key]
        fig, ax = plt.subplots(figsize=(10, 4.5))
        width = 0.8 / len(shown)
        for j, metric in enumerate(shown):
            values = [groups[g].get(metric) or 0 for g in groups]
            ax.bar([i + j * width for i in range(len(groups))], values, width, label=LABELS[metric])
        ax.set_xticks([i + 0.4 - width / 2 for i in range(len(groups))], list(groups), rotation=25, ha="right")
        ax.set_ylim(0, 1.05)
        ax.set_title(title)
        ax.legend(ncols=len(shown), fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.3))
        fig.tight_layout()
        path = out_dir / f"{key}.png"
        fig.savefig(path, dpi=90)
        plt.close(fig)
        paths.append(path)
    fig, ax = plt.subplots(figsize=(6, 4))
    for split in report["by_split"]:
        # Items judged without facts (partner items with none) have no "answered well" to plot.
        rows = [
            r
            for r in report["details"]
            if r["split"] == split and (r["should_abstain"] or r.get("fact_recall") is not None)
        ]
        scored = [
            (r.get("confidence") or 0.0, not r["abstained"], (not r["should_abstain"]) and r["fact_recall"] == 1)
            for r in rows
        ]
        curve = m.risk_coverage(scored)
        if curve:
            ax.plot([c for _, c, _ in curve], [r for _, _, r in curve], marker=".", label=split)
            ax.scatter([curve[0][1]], [curve[0][2]], color="black", zorder=3)
    ax.set_xlabel("coverage (share of questions answered)")
    ax.set_ylabel("risk (share of answers without every fact)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    ax.set_title("Risk against coverage (black dot: the operating point)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = out_dir / "risk_coverage.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    paths.append(path)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist([r["latency_ms"] for r in report["details"]], bins=30, color="#4a7ab5")
    ax.set_xlabel("answer time per question, ms (warm)")
    ax.set_ylabel("questions")
    ax.set_title(
        f"Latency: p50 {fmt(report['answer_p50_ms'], 'x_ms')} ms, p95 {fmt(report['answer_p95_ms'], 'x_ms')} ms"
    )
    fig.tight_layout()
    path = out_dir / "latency.png"
    fig.savefig(path, dpi=90)
    plt.close(fig)
    paths.append(path)
    return paths


def write_report(report: dict[str, Any], out_dir: Path, deltas: Sequence[Delta] = ()) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    pngs = charts(report, out_dir)
    path = out_dir / "latest.md"
    path.write_text(markdown(report, deltas, [str(p) for p in pngs]), encoding="utf-8")
    return path


def console_table(report: dict[str, Any], deltas: Sequence[Delta] = ()) -> str:
    """Compact text table for the terminal."""
    by_metric = {d.metric: d for d in deltas}
    rows = []
    for name in [*HEADLINE, "answer_p50_ms"]:
        change = change_text(by_metric.get(name), "", " REGRESSION")
        rows.append(f"  {LABELS[name]:<20}{fmt(report.get(name), name):>8}  {change}")
    kinds = "\n".join(f"  {k:<16}{fmt(a['pass_rate'])}  ({a['items']} items)" for k, a in report["by_kind"].items())
    splits = ", ".join(f"{s} {fmt(a['pass_rate'])}" for s, a in report["by_split"].items())
    return (
        f"{report['items']} items ({report['split']}), {report['seconds']} s\n"
        + "\n".join(rows)
        + f"\n items passed by kind:\n{kinds}\n items passed by split: {splits}"
    )
