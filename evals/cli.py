"""`guidance eval` and `guidance eval add`: argument parsing and printing for the eval suite."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from evals.items import (
    KINDS,
    MAY_FOLLOW_UP,
    MAY_HAVE_NO_FACTS,
    MULTI_TURN_KINDS,
    EvalItem,
    ItemError,
    Source,
    append_item,
    slug,
)
from evals.metrics import evidence_found, fact_present

if TYPE_CHECKING:
    from assistant.service import GuidanceAssistant
    from assistant.settings import Settings
    from indexing.manifest import Manifest


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "eval",
        help="run the eval suite (or `eval add` to add an item)",
        description="Run the curated eval set against the current index; "
        "exits 1 when a headline metric regresses against evals/baseline.json.",
    )
    p.add_argument("action", nargs="?", choices=("run", "add"), default="run")
    p.add_argument("--json", action="store_true", help="print the report as one JSON object")
    p.add_argument("--split", choices=("all", "tune", "holdout", "unseen_docs"), default="all")
    p.add_argument(
        "--ablations",
        action="store_true",
        help="also run dense only, BM25 only, hybrid, hybrid + glossary and the LangChain tutorial",
    )
    p.add_argument(
        "--writer",
        choices=("extractive", "generative", "both"),
        default=None,
        help="answer writer to evaluate (default: generative when GUIDANCE_LLM_BASE_URL is set); "
        "'both' puts the two side by side",
    )
    p.add_argument("--items", type=Path, default=None, help="items file (default: settings.eval_items_path)")
    p.add_argument("--baseline", type=Path, default=None, help="baseline file (default evals/baseline.json)")
    p.add_argument(
        "--update-baseline",
        action="store_true",
        help="store this run's headline metrics as the new baseline (deliberate; review first)",
    )
    p.add_argument("--out", type=Path, default=None, help="report folder (default DATA_DIR/evals)")
    g = p.add_argument_group("eval add")
    g.add_argument("--question")
    g.add_argument("--kind", choices=KINDS)
    g.add_argument("--authority", default=None)
    g.add_argument(
        "--fact",
        action="append",
        default=[],
        help='an expected fact; accepted wordings separated by " | " (repeat for more facts)',
    )
    g.add_argument("--doc", help="doc_id of the source document")
    g.add_argument("--section", default="", help="heading above the evidence, as written")
    g.add_argument("--evidence", default="", help="text copied exactly from the document")
    g.add_argument(
        "--history",
        action="append",
        default=[],
        help="an earlier question of the conversation, oldest first (repeat; conversation items)",
    )
    g.add_argument(
        "--standalone",
        action="store_true",
        help="conversation: the last question is a new one and must not inherit the earlier council",
    )
    g.add_argument(
        "--front-door",
        action="store_true",
        help="partner: the answer must name the front door (the --authority's, or every council's)",
    )
    g.add_argument("--safety", action="store_true", help="partner: the answer must open with the 999 line")
    g.add_argument("--holdout", action="store_true", help="put the item in the holdout split")
    g.add_argument("--notes", default="")
    g.add_argument("--id", default=None)


def build_item(args: argparse.Namespace, settings: Settings) -> EvalItem:
    """Validate an `eval add` request against the manifest and the document text.

    Every item's facts must be in its evidence and its evidence in the document. A conversation
    item also takes its earlier questions (`--history`, oldest first); a partner item may have
    no facts (it is then judged by `--front-door` and `--safety`), and a front door to check
    must be recorded in the manifest for its council."""
    from indexing.manifest import load_manifest

    if not args.question or not args.kind:
        raise ItemError("--question and --kind are required")
    _check_kind_options(args)
    manifest = load_manifest(settings.manifest_path)
    facts = tuple(tuple(a.strip() for a in f.split("|") if a.strip()) for f in args.fact)
    authority = manifest.authority(args.authority).name if args.authority else None
    sources: tuple[Source, ...] = ()
    if facts or args.kind not in MAY_HAVE_NO_FACTS:
        authority, sources = _checked_evidence(args, settings, manifest, facts, authority)
    elif args.doc or args.evidence:
        raise ItemError(f"a {args.kind} item's --doc and --evidence go with --fact")
    if args.front_door:
        doors = [a for a in manifest.authorities if a.front_door and (authority is None or a.name == authority)]
        if not doors:
            raise ItemError(f"no front door is recorded for {authority or 'any council'} in the manifest")
    if args.kind in ("conflict", "out_of_scope"):
        authority = None
    return EvalItem(
        args.id or f"added-{slug(args.question)}",
        args.question.strip(),
        args.kind,
        authority,
        facts,
        sources,
        "holdout" if args.holdout else "tune",
        args.notes,
        history=tuple(h.strip() for h in args.history),
        standalone=args.standalone,
        front_door=args.front_door,
        safety=args.safety,
    )


def _check_kind_options(args: argparse.Namespace) -> None:
    """Options that belong to one kind are refused on another, so a typo'd kind is not saved quietly."""
    history = [h for h in args.history if h.strip()]
    if len(history) != len(args.history):
        raise ItemError("--history needs the text of an earlier question")
    if args.kind in MULTI_TURN_KINDS and not history:
        raise ItemError(f'a {args.kind} item needs its earlier questions: --history "..." (repeat, oldest first)')
    if args.kind not in MAY_FOLLOW_UP and history:
        raise ItemError(f"--history is for {', '.join(MAY_FOLLOW_UP)} items")
    if args.kind not in MULTI_TURN_KINDS and args.standalone:
        raise ItemError(f"--standalone is for {', '.join(MULTI_TURN_KINDS)} items")
    if args.kind != "partner" and (args.front_door or args.safety):
        raise ItemError("--front-door and --safety are for partner items")


def _checked_evidence(
    args: argparse.Namespace,
    settings: Settings,
    manifest: Manifest,
    facts: tuple[tuple[str, ...], ...],
    authority: str | None,
) -> tuple[str | None, tuple[Source, ...]]:
    """The item's council and source once its evidence is found in the document and its facts
    in the evidence."""
    from indexing.load import load

    if not (facts and args.doc and args.evidence):
        raise ItemError("an answerable item needs --fact, --doc and --evidence")
    meta = manifest.document(args.doc)
    text = load(manifest.corpus_dir / meta.source_file, meta, settings.max_file_mb).text
    if not evidence_found(text, args.evidence):
        raise ItemError(f"the evidence was not found in {args.doc}: copy it exactly from the document")
    missing = [f[0] for f in facts if not fact_present(f, args.evidence + " " + args.section)]
    if missing:
        raise ItemError("these facts are not in the evidence: " + "; ".join(missing))
    if args.kind != "conflict":
        authority = authority or meta.authority
        if authority != meta.authority:
            raise ItemError(f"{args.doc} belongs to {meta.authority}, not {authority}")
    return authority, (Source(args.doc, args.section, args.evidence),)


def writer_unavailable(args: argparse.Namespace, settings: Settings) -> bool:
    """A generative run was asked for with no LLM endpoint configured."""
    return getattr(args, "writer", None) in ("generative", "both") and not settings.llm_base_url


def run(args: argparse.Namespace, settings: Settings, make_assistant) -> int:  # noqa: ANN001
    args.items = args.items or settings.eval_items_path
    if args.action == "add":
        item = build_item(args, settings)
        append_item(item, args.items)
        print(f"added {item.id} to {args.items}")
        return 0
    from evals.runner import load_baseline, run_eval, save_baseline

    if writer_unavailable(args, settings):
        from assistant.settings import SettingsError

        raise SettingsError("--writer generative needs an LLM endpoint: set GUIDANCE_LLM_BASE_URL (and _MODEL)")
    assistant: GuidanceAssistant = make_assistant()
    if args.writer in ("generative", "both"):
        from assistant.generative import use_generative_writer

        use_generative_writer(assistant)
    elif args.writer == "extractive":
        assistant.writer = getattr(assistant.writer, "extractive", assistant.writer)
    bar = _bar()
    report = run_eval(
        assistant,
        settings,
        split=None if args.split == "all" else args.split,
        progress=bar,
        ablations=args.ablations,
        items_path=args.items,
        out_dir=args.out,
        baseline_path=args.baseline,
        compare_writers=args.writer == "both",
    )
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        from evals.report import console_table
        from evals.runner import Delta, report_dir

        deltas = [Delta(d["metric"], d["baseline"], d["current"], d["regression"]) for d in report["vs_baseline"]]
        print(console_table(report, deltas))
        print(f"report: {(args.out or report_dir(settings)) / 'latest.md'}")
    if args.update_baseline:
        save_baseline(report, args.baseline) if args.baseline else save_baseline(report)
        print("baseline updated", file=sys.stderr)
        return 0
    if report["regressions"]:
        print("REGRESSION against the baseline: " + ", ".join(report["regressions"]), file=sys.stderr)
        return 1
    if load_baseline(args.baseline) is None:
        print("no baseline stored yet: run `guidance eval --update-baseline` to create one", file=sys.stderr)
    return 0


def _bar():  # noqa: ANN202
    from tqdm import tqdm

    state: dict[str, tqdm] = {}

    def progress(i: int, n: int) -> None:
        if "bar" not in state:
            state["bar"] = tqdm(total=n, desc="eval", unit="q", file=sys.stderr, leave=False)
        state["bar"].update(1)
        if i == n:
            state["bar"].close()

    return progress
