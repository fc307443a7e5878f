"""The curator's quality view: eval report figures to show, and new eval items from real questions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.redaction import redact_personal
from evals.items import EvalItem, Source, load_items, slug

# (report key, label, is a rate 0..1). The order is the order a curator reads them in:
# can it find the passage, does the answer say the right thing, does it refuse well, is it fast.
HEADLINE: tuple[tuple[str, str, bool], ...] = (
    ("items", "Questions", False),
    ("hit_at_5", "Passage found (top 5)", True),
    ("mrr_at_10", "MRR@10", True),
    ("fact_recall", "Facts stated", True),
    ("citation_support", "Citations support facts", True),
    ("source_recall", "Expected sources cited", True),
    ("conflict_coverage", "Conflicts shown", True),
    ("abstention_precision", "Refusals that were right", True),
    ("abstention_recall", "Out-of-scope refused", True),
    ("wrong_refusal_rate", "Wrong refusals", True),
    ("answer_p50_ms", "Median answer time (ms)", False),
)
BREAKDOWN_COLUMNS = {
    "items": "Questions",
    "pass_rate": "All checks passed",
    "hit_at_5": "Passage found (top 5)",
    "fact_recall": "Facts stated",
    "source_recall": "Expected source cited",
    "abstention_recall": "Out-of-scope refused",
}


def headline(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, formatted value) for each headline metric in the report; absent ones say so."""
    out = []
    for key, label, rate in HEADLINE:
        value = report.get(key)
        if value is None:
            shown = "n/a"
        elif rate:
            shown = f"{100 * float(value):.0f}%"
        else:
            shown = f"{float(value):,.0f}"
        out.append((label, shown))
    return out


def breakdown_rows(report: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """Rows for a table of `by_kind` or `by_authority`: the group, then its main metrics as a
    curator reads them (percentages; a dash where a metric does not apply)."""
    rows = []
    for name, metrics in (report.get(key) or {}).items():
        row: dict[str, Any] = {"": name.replace("_", " ")}
        for metric, label in BREAKDOWN_COLUMNS.items():
            value = metrics.get(metric)
            if metric == "items":
                row[label] = str(value)
            else:
                row[label] = "–" if value is None else f"{float(value):.0%}"
        rows.append(row)
    return rows


def failing_items(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [d for d in report.get("details") or () if not d.get("passed")]


def curated_item(question: str, kind: str, authority: str | None, facts: str, doc_id: str,
                 section: str, evidence: str, path: Path, corpus_dir: Path | None = None) -> EvalItem:
    """An eval item from the curator's form. `facts` has one expected fact per line, with
    alternative wordings separated by "|" ("5 working days | five working days"). The id is
    the question's slug, numbered if the file already has it. The question is redacted before
    it goes into the eval file (keeping the terms of the library in `corpus_dir`): it may be one
    a practitioner typed about a real child."""
    question = redact_personal(question, corpus_dir)
    expected = tuple(
        tuple(alt.strip() for alt in line.split("|") if alt.strip())
        for line in facts.splitlines() if line.strip()
    )
    sources = (Source(doc_id, section.strip(), evidence.strip()),) if doc_id else ()
    existing = {item.id for item in load_items(path)} if path.exists() else set()
    base = item_id = slug(question)
    number = 2
    while item_id in existing:
        item_id, number = f"{base}-{number}", number + 1
    return EvalItem(item_id, question.strip(), kind, authority or None, expected, sources,
                    notes="added from the app's feedback review")
