"""`guidance` command line: parsing and printing only; the work is in the library."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.present import understood_text
from assistant.settings import Settings
from assistant.types import STATUSES
from evals import cli as eval_cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="guidance", description="Children's social care guidance assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    p_index = sub.add_parser("index", help="build or update the index from corpus/")
    p_index.add_argument("--rebuild", action="store_true", help="re-embed every document")
    p_index.add_argument("--check", action="store_true", help="only verify the index; exit 1 if anything is wrong")
    p_index.add_argument("--allow-removal", action="store_true", help="let a run remove more than half the index")
    p_ask = sub.add_parser("ask", help="ask a question")
    p_ask.add_argument("question", nargs="?")
    p_ask.add_argument("--authority", action="append", default=[])
    p_ask.add_argument("--json", action="store_true")
    p_ask.add_argument("--jsonl", action="store_true", help="questions one per line on stdin")
    sub.add_parser("sources", help="list documents with metadata and chunk counts")
    p_serve = sub.add_parser("serve", help="answer questions over HTTP (POST /ask; docs at /docs)")
    p_serve.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1 (loopback only)")
    p_serve.add_argument("--port", type=int, default=8080)
    sub.add_parser("chat", help="a conversation in the terminal: follow-ups are read against earlier questions")
    p_times = sub.add_parser("timescales", help="every timescale the library states, one row each")
    p_times.add_argument("--authority", help="one council (a name or alias)")
    times_format = p_times.add_mutually_exclusive_group()
    times_format.add_argument("--json", action="store_true")
    times_format.add_argument("--csv", action="store_true")
    p_add = sub.add_parser("add", help="add a document to the library and index it")
    p_add.add_argument("file", type=Path)
    council = p_add.add_mutually_exclusive_group(required=True)
    council.add_argument("--authority", help="a council in corpus/manifest.yaml, or an alias")
    council.add_argument("--new-authority", metavar="NAME", help="a council not yet in the manifest: its full name")
    p_add.add_argument("--alias", action="append", default=[], help="with --new-authority: a short name (repeat)")
    p_add.add_argument("--front-door", default="", help="with --new-authority: the team unanswered questions go to")
    p_add.add_argument(
        "--national",
        action="store_true",
        help="with --new-authority: its guidance applies in every area (e.g. the DfE's Working Together)",
    )
    p_add.add_argument("--id", dest="doc_id", help="the document's id (default: from the council and title)")
    p_add.add_argument("--title", required=True)
    p_add.add_argument("--date", required=True, help="publication date YYYY-MM-DD, or undated")
    p_add.add_argument("--type", default="guidance", help="e.g. procedure, service statement")
    p_add.add_argument("--status", default="current", choices=STATUSES)
    p_add.add_argument("--review-date", default="", help="YYYY-MM-DD")
    p_add.add_argument("--date-note", default="", help="e.g. an estimate for an undated document")
    p_doors = sub.add_parser(
        "doors", help="each council's front door and contact details; with a council and fields, edit them"
    )
    p_doors.add_argument("authority", nargs="?", help="the council to edit (a name or alias)")
    p_doors.add_argument("--front-door", help="the team a worry goes to")
    p_doors.add_argument("--phone", help="a UK number as the council publishes it ('' clears it)")
    p_doors.add_argument("--email")
    p_doors.add_argument("--web")
    p_doors.add_argument("--out-of-hours", help="the service and its number, as published")
    p_bench = sub.add_parser("bench", help="time indexing and answers, and compare hit@5 with the tutorial baseline")
    p_bench.add_argument("--json", action="store_true")
    p_bench.add_argument("--questions", type=int, help="only the first N answerable eval questions")
    p_bench.add_argument(
        "--chunk-sizes", type=_sizes, help="instead: compare chunk_chars on the tune split, e.g. 400,700"
    )
    p_bench.add_argument(
        "--scale", type=_sizes, metavar="N[,N...]",
        help="instead: grow the corpus to N chunks with synthetic councils and measure answers, memory and "
        "re-indexing there; several sizes also write evals/bench/scale.png and scale.json",
    )
    eval_cli.add_parser(sub)
    p_feedback = sub.add_parser("feedback", help="the stored questions and ratings (data/feedback.sqlite3)")
    feedback_action = p_feedback.add_subparsers(dest="action", required=True)
    p_purge = feedback_action.add_parser("purge", help="delete questions and their ratings older than DAYS")
    p_purge.add_argument("--older-than", type=float, required=True, metavar="DAYS")
    args = parser.parse_args(argv)

    from assistant.service import GuidanceAssistant, ManifestError, QuestionError
    from assistant.settings import SettingsError
    from evals.items import ItemError
    from indexing.load import LoadError
    from indexing.schema import ConfigError

    try:
        settings = Settings.from_env()
        if args.command == "eval" and (args.action == "add" or eval_cli.writer_unavailable(args, settings)):
            return eval_cli.run(args, settings, None)  # nothing to load: adding an item, or a message
        if args.command == "bench":
            return _bench(args, settings)
        if args.command == "add":
            return _add(args, settings)
        if args.command == "feedback":
            return _purge_feedback(args.older_than, settings)
        if args.command == "index":
            return _index(args, settings)
        if args.command == "timescales":
            return _timescales(args, settings)
        if args.command == "doors":
            return _doors(args, settings)
        assistant = GuidanceAssistant(settings)  # with the generative writer when GUIDANCE_LLM_BASE_URL is set
        try:
            notice = assistant.status().notice()  # questions never index: a stale index is reported instead
        except ManifestError as exc:  # broken by hand: answered with the manifest as last read
            notice = f"the library's manifest cannot be read; answers use it as last read until it is fixed. {exc}"
        if notice:
            print(f"note: {notice}", file=sys.stderr)
        if args.command == "serve":
            from assistant import api

            api.serve(assistant, args.host, args.port)
            return 0
        if args.command == "eval":
            return eval_cli.run(args, settings, lambda: assistant)
        if args.command == "sources":
            counts = {d.doc_id: d.chunks for d in assistant.store.indexed_documents().values()}
            for m in assistant.manifest.documents:
                print(
                    "\t".join([m.doc_id, m.authority, m.date_label, m.status,
                               f"{counts.get(m.doc_id, 0)} chunks", m.title])
                )
            return 0
        if args.command == "chat":
            return _chat(assistant)
        if args.jsonl:
            return _ask_batch(assistant, args.authority)
        answer = assistant.ask(_typed_text(args.question or ""), args.authority)
        if args.json:
            print(json.dumps(answer.as_dict(), ensure_ascii=False))
        else:
            if answer.understood_as:
                print("({}: {})\n".format(*understood_text(answer)))
            print(answer.text)
            for c in answer.citations:
                page = f", page {c.page}" if c.page else ""
                print(f"\n[{c.n}] {c.authority} — {c.title} ({c.date}) — {c.section}{page}")
        return 0
    except (QuestionError, ConfigError, ItemError, SettingsError, LoadError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"error: {exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}", file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback for a practitioner; the message still says what failed
        print(f"error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 2


def _chat(assistant: Any) -> int:
    """`guidance chat`: questions from the terminal, each read against the ones before it."""
    from assistant.followup import Turn, turn_from
    from assistant.service import QuestionError

    turns: list[Turn] = []
    print("Ask a question (an empty line or Ctrl-D ends). Follow-ups like 'and in Plymouth?' work.")
    while True:
        try:
            question = input("\n> ").strip()
        except EOFError:
            return 0
        if not question:
            return 0
        try:
            answer = assistant.ask(_typed_text(question), history=turns)
        except QuestionError as exc:
            print(f"error: {exc}")
            continue
        if answer.understood_as:
            print("({}: {})".format(*understood_text(answer)))
        print(answer.text)
        for c in answer.citations:
            print(f"[{c.n}] {c.authority} — {c.title} ({c.date}) — {c.section}")
        turns.append(turn_from(answer))  # what a follow-up may refer to: as the app and the API read it


def _typed_text(text: str) -> str:
    """The question as typed; bytes that were not UTF-8 (kept by Python as surrogates) are refused."""
    from assistant.service import QuestionError

    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise QuestionError("the question is not valid UTF-8 text; retype it or save it as UTF-8") from None
    return text


def _ask_batch(assistant: Any, authorities: list[str]) -> int:
    """`ask --jsonl`: one answer per question line, `{"line": N, "error": ...}` for a line that cannot
    be asked (not UTF-8, broken JSON, no question, too long, unknown council), and on to the next.

    A line is a question, or a JSON object `{"question": ..., "authority": NAME or [NAMES],
    "history": ["earlier question", ...]}`; a follow-up is read against its history and the
    output's `understood_as` says how.
    Blank lines are skipped. Exits 2 when any line was refused, after answering the rest.
    """
    from assistant.service import QuestionError
    from indexing.schema import ConfigError

    assistant.resolve_authorities(authorities)  # an unknown --authority stops the batch before it starts
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    refused = 0
    for number, raw in enumerate(stream, start=1):
        try:
            question, asked_for, history = _batch_line(raw)
            if question is None:
                continue
            answer = assistant.ask(question, [*authorities, *asked_for], history=history)
            print(json.dumps({"line": number, **answer.as_dict()}, ensure_ascii=False), flush=True)
        except (QuestionError, ConfigError) as exc:
            refused += 1
            print(json.dumps({"line": number, "error": str(exc)}, ensure_ascii=False), flush=True)
    if refused:
        print(f"error: {refused} line(s) could not be asked; see the objects with an \"error\" field", file=sys.stderr)
    return 2 if refused else 0


def _batch_line(raw: bytes | str) -> tuple[str | None, list[str], list[str]]:
    """(question, authorities, history) from one --jsonl input line; (None, [], []) for a blank line."""
    from assistant.service import QuestionError

    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise QuestionError(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8") from None
    text = raw.strip()
    if not text:
        return None, [], []
    if not text.startswith("{"):
        return _typed_text(text), [], []
    try:
        item = json.loads(text)
    except json.JSONDecodeError as exc:
        raise QuestionError(f"invalid JSON at column {exc.colno}: {exc.msg}") from None
    if not isinstance(item, dict):
        raise QuestionError("a JSON line must be an object like {\"question\": \"...\"}")
    question = item.get("question")
    if not isinstance(question, str) or not question.strip():
        raise QuestionError("empty question: the object needs a \"question\" with text")
    asked_for = item.get("authority") or []
    asked_for = [asked_for] if isinstance(asked_for, str) else asked_for
    if not isinstance(asked_for, list) or not all(isinstance(a, str) for a in asked_for):
        raise QuestionError("\"authority\" must be a council name or a list of names")
    history = item.get("history") or []
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise QuestionError("\"history\" must be a list of the earlier questions, oldest first")
    return _typed_text(question), asked_for, [_typed_text(h) for h in history]


def _index(args: argparse.Namespace, settings: Settings) -> int:
    """`index`: 0 done, 1 a document failed or `--check` found a problem, 2 refused (busy, mass removal)."""
    from assistant.service import GuidanceAssistant
    from indexing.lock import IndexBusy
    from indexing.pipeline import RemovalRefused, check

    if args.check:
        found = check(settings)
        print(found.summary())
        return 0 if found.ok else 1
    bar = IndexBar()
    try:
        report = GuidanceAssistant(settings).reindex(
            rebuild=args.rebuild, progress=bar, allow_removal=args.allow_removal
        )
    except (IndexBusy, RemovalRefused) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        bar.close()
    print(report.summary())
    return 0 if report.ok else 1


def _add(args: argparse.Namespace, settings: Settings) -> int:
    """Validate and copy (library.add_upload changes nothing on a bad file), then index incrementally."""
    from assistant.library import DocumentForm, add_upload
    from assistant.query import Glossary
    from assistant.service import GuidanceAssistant
    from indexing.load import LoadError
    from indexing.manifest import Authority, ManifestError, load_manifest

    if (args.alias or args.front_door or args.national) and not args.new_authority:
        raise ManifestError(
            "--alias, --front-door and --national describe a new authority: use them with --new-authority"
        )
    new_authority = (
        Authority(args.new_authority, tuple(args.alias), args.front_door, national=args.national)
        if args.new_authority
        else None
    )
    form = DocumentForm(
        authority=args.authority or args.new_authority,
        title=args.title,
        doc_type=args.type,
        published=args.date,
        date_note=args.date_note,
        review_date=args.review_date,
        status=args.status,
    )
    try:
        Glossary.load(settings.glossary_path)  # a broken glossary would stop the indexing after the copy
        data = args.file.read_bytes()
        _, meta = add_upload(load_manifest(settings.manifest_path), args.file.name, data, form, settings,
                             doc_id=args.doc_id, new_authority=new_authority)
    except (LoadError, ManifestError) as exc:
        print(f"error: {str(exc).rstrip('.')}. Nothing was added.", file=sys.stderr)  # one full stop, not two
        return 2
    except OSError as exc:
        print(f"error: {args.file}: {exc.strerror or exc}. Nothing was added.", file=sys.stderr)
        return 2
    from indexing.lock import IndexBusy

    bar = IndexBar()
    try:
        report = GuidanceAssistant(settings).reindex(progress=bar)
    except IndexBusy as exc:
        print(f"error: {exc}. {meta.doc_id} is now in the library but NOT indexed: run `guidance index` "
              "when the other run has finished.", file=sys.stderr)
        return 2
    finally:
        bar.close()
    print(report.summary())
    indexed = meta.doc_id in report.added or meta.doc_id in report.updated
    print(f"{'Added' if indexed else 'Recorded but NOT indexed'}: {meta.doc_id} ({meta.source_file})")
    return 0 if indexed else 1


def _doors(args: argparse.Namespace, settings: Settings) -> int:
    """List every authority's front door and contact details, or edit one council's (the Library
    page's "Front doors"): checked as the manifest's schema checks them, no re-index."""
    from assistant.library import FrontDoorForm, edit_front_door
    from indexing.curate import CONTACT_FIELDS
    from indexing.manifest import ManifestError, load_manifest

    manifest = load_manifest(settings.manifest_path)
    given = {f: getattr(args, f) for f in CONTACT_FIELDS if getattr(args, f) is not None}
    if given and not args.authority:
        raise ManifestError("name the council to edit, e.g. `guidance doors York --phone '…'`")
    if given:
        council = manifest.authority(args.authority)
        form = FrontDoorForm(**{f: given.get(f, getattr(council, f)) for f in CONTACT_FIELDS})
        manifest = edit_front_door(manifest, council.name, form)
        print(f"saved {council.name}'s front door; every face reads it at its next question", file=sys.stderr)
    shown = [manifest.authority(args.authority)] if args.authority else list(manifest.authorities)
    for a in shown:
        recorded = "; ".join(f"{label}: {value}" for label, value in a.contacts) or "no contact details recorded"
        row = [a.name, a.front_door or "(no front door)", recorded, "national" if a.national else ""]
        print("\t".join(row).rstrip())
    return 0


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    from dataclasses import asdict

    from assistant import bench

    def log(message: str) -> None:
        print(f"bench: {message}", file=sys.stderr)

    if args.scale:
        from assistant import scale_bench

        scaled = scale_bench.bench_at_scale(settings, args.scale, args.questions, log=log).as_dict()
        print(json.dumps(scaled, indent=2) if args.json else scale_bench.format_scale(scaled))
        return 0
    if args.chunk_sizes:
        results = bench.chunk_size_sweep(settings, args.chunk_sizes, log=log)
        print(json.dumps([asdict(r) for r in results]) if args.json else bench.format_sweep(results))
        return 0
    report = bench.run_bench(settings, args.questions, log=log).as_dict()
    print(json.dumps(report, indent=2) if args.json else bench.format_report(report))
    return 0


def _timescales(args: argparse.Namespace, settings: Settings) -> int:
    """`timescales`: the table built from the current index (no model needed)."""
    from assistant.timescale_cache import load_timescales
    from assistant.timescale_table import for_authority, rows_csv
    from indexing.manifest import load_manifest

    authority = load_manifest(settings.manifest_path).authority(args.authority).name if args.authority else None
    rows = for_authority(load_timescales(settings), authority)
    if args.json:
        print(json.dumps([row.as_dict() for row in rows], ensure_ascii=False, indent=1))
    elif args.csv:
        print(rows_csv(rows), end="")
    elif not rows:
        # The table is machine-read with --json or --csv (an empty list, a header); read by a person,
        # nothing at all would look like a failure.
        whose = f"{authority}'s documents" if authority else "The documents"
        print(f"{whose} in this library state no timescale the table recognises.")
    else:
        for row in rows:
            flags = " ".join(f for f in (row.force, "DIFFERS" if row.differs else "", row.status.upper()
                                          if row.status != "current" else "") if f)
            print(f"{row.authority}\t{row.what}\t{row.duration}\t{flags}\t[{row.citation}]\n  \"{row.quote}\"")
    return 0


def _purge_feedback(days: float, settings: Settings) -> int:
    from assistant.feedback import FeedbackStore

    if days < 0:
        print("--older-than takes a number of days, 0 or more.", file=sys.stderr)
        return 2
    if not settings.feedback_db.exists():
        print(f"No feedback database at {settings.feedback_db}: nothing to purge.")
        return 0
    removed = FeedbackStore(settings.feedback_db).purge(days)
    print(f"Deleted {removed} question(s) asked more than {days:g} days ago, with their ratings.")
    return 0


def _sizes(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.strip()]


class IndexBar:
    """Indexing progress as a tqdm bar on stderr; tqdm draws nothing when stderr is not a terminal."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __call__(self, doc_id: str, position: int, total: int) -> None:
        from tqdm import tqdm

        if self.bar is None:
            self.bar = tqdm(total=total, desc="indexing", unit="doc", file=sys.stderr, disable=None, leave=False)
        self.bar.set_postfix_str(doc_id)  # the document being embedded now
        self.bar.update(position - 1 - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


if __name__ == "__main__":
    sys.exit(main())
