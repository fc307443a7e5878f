"""The curated eval set: load `evals/items.yaml` into frozen items, and append new ones."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ITEMS_PATH = Path(__file__).resolve().parent / "items.yaml"
KINDS = (
    "timescale",
    "threshold",
    "responsibility",
    "definition",
    "process",
    "paraphrase",
    "typo",
    "acronym",
    "conflict",
    "out_of_scope",
    "conversation",
    "partner",
)
# conversation: a follow-up asked after `history` (earlier questions, oldest first); the facts
# are checked on the last turn. partner: a teacher's, GP's, health visitor's or police
# officer's "should I refer? where do I send it?": never refused, judged by the front door
# (`front_door`), the 999 line (`safety`) and, where given, facts as usual.
MULTI_TURN_KINDS = ("conversation",)
# Kinds that may be asked as a follow-up: an out-of-scope question after earlier turns ("and who
# pays for it?") must be refused like any other, so follow-up refusals can be scored both ways.
MAY_FOLLOW_UP = (*MULTI_TURN_KINDS, "out_of_scope")
MAY_HAVE_NO_FACTS = ("out_of_scope", "partner")
SPLITS = ("tune", "holdout", "unseen_docs")
# The unseen-documents eval corpus: documents and items nobody tuned on (see evals/unseen/).
UNSEEN_DIR = Path(__file__).resolve().parent / "unseen"
UNSEEN_ITEMS_PATH = UNSEEN_DIR / "items.yaml"
# A second tuning corpus (see evals/tune_docs/): documents of the kinds the unseen corpus holds
# (procedures chapters, a levels-of-need document, national guidance), modelled on other public
# originals, so that what is fitted on the tune split has seen more than the five shipped
# service statements. Its items are all `split: tune`.
TUNE_DOCS_DIR = Path(__file__).resolve().parent / "tune_docs"


@dataclass(frozen=True)
class EvalCorpus:
    """A corpus of documents the eval asks its own items against, on its own index."""

    name: str  # the eval report's `corpus` for its items, and its index folder under DATA_DIR/evals
    folder: Path  # manifest.yaml, documents/ and items.yaml
    split: str  # the one split its items use

    @property
    def items_path(self) -> Path:
        return self.folder / "items.yaml"


LIBRARY = "library"  # the `corpus` of items asked against the shipped library (evals/items.yaml)
EVAL_CORPORA = (EvalCorpus("tune_docs", TUNE_DOCS_DIR, "tune"), EvalCorpus("unseen", UNSEEN_DIR, "unseen_docs"))


class ItemError(ValueError):
    """An eval item is malformed; the message names the item and the field."""


@dataclass(frozen=True)
class Source:
    doc_id: str
    section: str
    evidence: str


@dataclass(frozen=True)
class EvalItem:
    id: str
    question: str
    kind: str
    authority: str | None
    expected_facts: tuple[tuple[str, ...], ...]
    sources: tuple[Source, ...]
    split: str = "tune"
    notes: str = ""
    extra: dict = field(default_factory=dict, compare=False)
    history: tuple[str, ...] = ()  # earlier questions of the conversation, oldest first
    standalone: bool = False  # a conversation's last turn is a new question: it must not inherit
    front_door: bool = False  # the answer must name the front door (the authority's, or every one)
    safety: bool = False  # the answer must start with the 999 line

    @property
    def answerable(self) -> bool:
        return self.kind != "out_of_scope"

    @property
    def single_question(self) -> bool:
        """True when the question can be asked alone (no earlier turns it depends on). Fitting
        and benchmarking code that asks `question` on its own should skip the others."""
        return not self.history


def load_items(path: Path = ITEMS_PATH) -> list[EvalItem]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(raw, list):
        raise ItemError(f"{path}: expected a list of items")
    items = [_item(entry, n) for n, entry in enumerate(raw, 1)]
    seen: set[str] = set()
    for item in items:
        if item.id in seen:
            raise ItemError(f"duplicate item id {item.id!r}")
        seen.add(item.id)
    return items


def _item(entry: object, n: int) -> EvalItem:
    if not isinstance(entry, dict):
        raise ItemError(f"item {n}: expected a mapping")
    name = entry.get("id") or f"item {n}"
    for key in ("id", "question", "kind"):
        if not str(entry.get(key) or "").strip():
            raise ItemError(f"{name}: missing {key}")
    if entry["kind"] not in KINDS:
        raise ItemError(f"{name}: kind {entry['kind']!r} is not one of {', '.join(KINDS)}")
    split = entry.get("split") or "tune"
    if split not in SPLITS:
        raise ItemError(f"{name}: split must be one of {', '.join(SPLITS)}")
    facts = tuple(
        tuple(str(a) for a in (alts if isinstance(alts, list) else [alts]))
        for alts in entry.get("expected_facts") or []
    )
    sources = tuple(
        Source(str(s["doc_id"]), str(s.get("section") or ""), str(s.get("evidence") or ""))
        for s in entry.get("sources") or []
    )
    if entry["kind"] not in MAY_HAVE_NO_FACTS and not (facts and sources):
        raise ItemError(f"{name}: an answerable item needs expected_facts and sources")
    if bool(facts) != bool(sources):
        raise ItemError(f"{name}: expected_facts and sources go together (both or neither)")
    history = entry.get("history") or []
    if not isinstance(history, list) or not all(isinstance(h, str) and h.strip() for h in history):
        raise ItemError(f"{name}: history must be a list of earlier questions (strings)")
    if entry["kind"] in MULTI_TURN_KINDS and not history:
        raise ItemError(f"{name}: a {entry['kind']} item needs a history of earlier questions")
    if history and entry["kind"] not in MAY_FOLLOW_UP:
        raise ItemError(f"{name}: only {', '.join(MAY_FOLLOW_UP)} items have a history")
    flags = {}
    for key in ("standalone", "front_door", "safety"):
        value = entry.get(key, False)
        if not isinstance(value, bool):
            raise ItemError(f"{name}: {key} must be true or false")
        flags[key] = value
    return EvalItem(
        str(entry["id"]),
        str(entry["question"]).strip(),
        entry["kind"],
        entry.get("authority"),
        facts,
        sources,
        split,
        str(entry.get("notes") or ""),
        history=tuple(h.strip() for h in history),
        **flags,
    )


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "item"


def append_item(item: EvalItem, path: Path = ITEMS_PATH) -> None:
    """Append one item to the YAML file as text, so curators' comments and layout survive."""
    existing = {i.id for i in load_items(path)} if path.exists() else set()
    if item.id in existing:
        raise ItemError(f"an item with id {item.id!r} already exists")
    entry = {
        "id": item.id,
        "question": item.question,
        "kind": item.kind,
        "authority": item.authority,
        "expected_facts": [list(f) for f in item.expected_facts],
        "sources": [{"doc_id": s.doc_id, "section": s.section, "evidence": s.evidence} for s in item.sources],
        "split": item.split,
        "notes": item.notes,
    }
    if item.history:
        entry["history"] = list(item.history)
    for key in ("standalone", "front_door", "safety"):
        if getattr(item, key):
            entry[key] = True
    _item(entry, 0)  # validate before writing
    text = yaml.safe_dump([entry], sort_keys=False, allow_unicode=True, width=1000)
    with path.open("a", encoding="utf-8") as fh:
        fh.write("\n" + text)
