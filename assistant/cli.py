"""`guidance` command line: parsing and printing only; the work is in the library."""

from __future__ import annotations

import argparse
import json
import sys

from assistant.settings import Settings
from evals import cli as eval_cli


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="guidance", description="Children's social care guidance assistant")
    sub = parser.add_subparsers(dest="command", required=True)
    p_index = sub.add_parser("index", help="build or update the index from corpus/")
    p_index.add_argument("--rebuild", action="store_true", help="re-embed every document")
    p_ask = sub.add_parser("ask", help="ask a question")
    p_ask.add_argument("question", nargs="?")
    p_ask.add_argument("--authority", action="append", default=[])
    p_ask.add_argument("--json", action="store_true")
    p_ask.add_argument("--jsonl", action="store_true", help="questions one per line on stdin")
    sub.add_parser("sources", help="list documents with metadata and chunk counts")
    eval_cli.add_parser(sub)
    args = parser.parse_args(argv)

    from assistant.service import GuidanceAssistant, QuestionError
    from evals.items import ItemError
    from indexing.manifest import ManifestError

    settings = Settings.from_env()
    try:
        if args.command == "eval" and args.action == "add":
            return eval_cli.run(args, settings, None)
        assistant = GuidanceAssistant(settings)
        if args.command == "index" or assistant.needs_indexing():
            report = assistant.reindex(rebuild=getattr(args, "rebuild", False),
                                       progress=lambda d, i, n: print(f"[{i}/{n}] {d}", file=sys.stderr))
            print(report.summary(), file=sys.stderr if args.command != "index" else sys.stdout)
            if args.command == "index":
                return 0 if report.ok else 1
        if args.command == "eval":
            return eval_cli.run(args, settings, lambda: assistant)
        if args.command == "sources":
            counts = {d.doc_id: d.chunks for d in assistant.store.indexed_documents().values()}
            for m in assistant.manifest.documents:
                print(f"{m.doc_id}\t{m.authority}\t{m.date_label}\t{m.status}\t{counts.get(m.doc_id, 0)} chunks\t{m.title}")
            return 0
        questions = [line.strip() for line in sys.stdin if line.strip()] if args.jsonl else [args.question or ""]
        for q in questions:
            answer = assistant.ask(q, args.authority)
            if args.json or args.jsonl:
                print(json.dumps(answer.as_dict(), ensure_ascii=False))
            else:
                print(answer.text)
                for c in answer.citations:
                    page = f", page {c.page}" if c.page else ""
                    print(f"\n[{c.n}] {c.authority} — {c.title} ({c.date}) — {c.section}{page}")
        return 0
    except (QuestionError, ManifestError, ItemError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
