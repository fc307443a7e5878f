"""Bad input and configuration: every case exits 2 with a message naming the problem, never a
traceback, and leaves the manifest, the documents and the index exactly as they were (same chunk
ids, same sentence vectors, same answers with the same citations to fixed questions).

One index is built per module on a one-document copy of the corpus; the CLI runs in-process
through `assistant.cli.main` (one case runs the installed `guidance` to prove the real entry point
behaves the same). The real model is loaded once for the module: `SentenceTransformer` is wrapped
so each `GuidanceAssistant` the CLI makes reuses it.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.service import GuidanceAssistant
from assistant.settings import Settings
from indexing.store import ChunkStore

pytestmark = pytest.mark.slow

KEEP = "plymouth-childrens-social-care-2013"  # the shortest document keeps the index build quick
PLYMOUTH_FILE = f"documents/{KEEP}.txt"
QUESTIONS = (
    "What is the expected timescale for completing care proceedings in Plymouth?",
    "In Plymouth, how long is allowed between a referral and the decision to assess?",
    "How long does Plymouth have to complete a single assessment under Working Together 2013?",
)
GOOD_MD = (
    b"# Neglect strategy\n\n## Timescales\n\nA strategy discussion is held within one working day of "
    b"concerns about neglect being raised.\n"
)
TEXT = "A social worker will visit the child within five working days of the referral being accepted."


@pytest.fixture(scope="module", autouse=True)
def one_model():
    """Every GuidanceAssistant in this module shares one loaded model (the real one)."""
    import sentence_transformers

    real = sentence_transformers.SentenceTransformer
    loaded: dict[str, object] = {}

    def shared(path, device="cpu"):
        if path not in loaded:
            loaded[path] = real(path, device=device)
        return loaded[path]

    patch = pytest.MonkeyPatch()
    patch.setattr(sentence_transformers, "SentenceTransformer", shared)
    yield
    patch.undo()


@pytest.fixture(scope="module")
def library(tmp_path_factory, corpus_copy, one_model) -> Settings:
    corpus = corpus_copy(tmp_path_factory.mktemp("bad_input") / "corpus", (KEEP,))
    settings = Settings.from_env(corpus_dir=corpus, data_dir=corpus.parent / "data", chroma_host="")
    assert GuidanceAssistant(settings).reindex().ok
    return settings


def snapshot(settings: Settings) -> dict:
    """What a user could notice changing: files, index contents and answers with their citations."""
    store = ChunkStore.open(settings)
    assistant = GuidanceAssistant(settings, store=store)
    answers = []
    for question in QUESTIONS:
        answer = assistant.ask(question)
        answers.append((answer.text, [(c.doc_id, c.section, c.quote) for c in answer.citations]))
    return {
        "manifest": settings.manifest_path.read_bytes(),
        "glossary": settings.glossary_path.read_bytes(),
        "documents": sorted(p.name for p in (settings.corpus_dir / "documents").iterdir()),
        "chunk_ids": sorted(c.chunk_id for c in store.all_chunks()),
        "sentence_vectors": sum(len(vectors) for vectors in store.all_sentence_vectors().values()),
        "answers": answers,
    }


@pytest.fixture(scope="module")
def before(library) -> dict:
    state = snapshot(library)
    assert state["chunk_ids"] and all(not text.startswith("I could not") for text, _ in state["answers"])
    return state


@dataclass
class Case:
    argv: list[str]
    message: str  # must appear in what the user sees (stderr, or the error object for --jsonl)
    files: dict[str, bytes | Callable[[Path], bytes]] = field(default_factory=dict)  # written to {tmp}
    env: dict[str, str] = field(default_factory=dict)
    manifest: Callable[[str], str | bytes] | None = None  # edits corpus/manifest.yaml for the run
    glossary: Callable[[str], str | bytes] | None = None
    corpus_files: dict[str, bytes | Callable[[Path], bytes]] = field(default_factory=dict)
    stdin: bytes | None = None
    bad_lines: tuple[int, ...] = ()  # --jsonl: the lines answered with an error object
    # Explained, and still done from the index (a manifest broken by hand: the one last read is
    # used, as a running app uses it): exit 0 with the message on stderr and the output given.
    answered: bool = False


def plymouth_bytes(corpus: Path) -> bytes:
    return (corpus / PLYMOUTH_FILE).read_bytes()


def add(file: str, *extra: str) -> list[str]:
    options = {"--authority": "Plymouth", "--title": "Neglect strategy", "--date": "2024-01-31"}
    for flag in extra[::2]:
        if flag in ("--new-authority",):
            options.pop("--authority")
        if flag in options:
            options.pop(flag)
    return ["add", f"{{tmp}}/{file}", *(x for pair in options.items() for x in pair), *extra]


def entry(doc_id: str, file: str, authority: str = "Plymouth City Council") -> str:
    return f"- id: {doc_id}\n  file: {file}\n  authority: {authority}\n  title: Another\n  published: undated\n"


def sub(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


def append(extra: str) -> Callable[[str], str]:
    return lambda text: text.rstrip("\n") + "\n" + extra


ASK = ["ask", "How long does Plymouth have to complete a single assessment?"]
PLYMOUTH_AUTH = "- name: Plymouth City Council\n  aliases: [Plymouth]\n"
STATUS_LINE = "  status: current\n"

CASES: dict[str, Case] = {
    # --- guidance add: a bad file, bad metadata or a bad council changes nothing --------------
    "add-missing-file": Case(add("nowhere.md"), "No such file"),
    "add-folder-as-file": Case(add("folder"), "Is a directory", files={"folder/x.md": GOOD_MD}),
    "add-unsupported-type": Case(add("virus.exe"), "cannot be added", files={"virus.exe": GOOD_MD}),
    "add-no-extension": Case(add("README"), "without an extension", files={"README": GOOD_MD}),
    "add-empty-file": Case(add("empty.txt"), "empty", files={"empty.txt": b""}),
    "add-short-text": Case(add("short.txt"), "no text found", files={"short.txt": b"too short"}),
    "add-whitespace-text": Case(add("blank.md"), "no text found", files={"blank.md": b"   \n\n\t \n" * 10}),
    "add-script-only-html": Case(
        add("page.html"), "no text found",
        files={"page.html": b"<html><head><script>var tracking = 'a long script body';</script></head></html>"},
    ),
    "add-binary-as-text": Case(add("bin.txt"), "binary", files={"bin.txt": b"\x00\x01\x02binary" * 20}),
    "add-utf16-without-bom": Case(add("u16.txt"), "UTF-16", files={"u16.txt": TEXT.encode("utf-16-le")}),
    "add-undecodable-text": Case(
        add("odd.txt"), "save it as UTF-8", files={"odd.txt": TEXT.encode() + b"\x81\x8d\x8f\x90\x9d"}
    ),
    "add-corrupt-pdf": Case(add("scan.pdf"), "damaged or not a PDF", files={"scan.pdf": b"%PDF-1.7\nnot a pdf\n"}),
    "add-corrupt-docx": Case(add("notes.docx"), "damaged or not a .docx", files={"notes.docx": b"not a zip"}),
    "add-over-size-limit": Case(
        add("big.md"), "KB is over the 1.0 KB limit", files={"big.md": GOOD_MD * 30},
        env={"GUIDANCE_MAX_FILE_MB": "0.001"},
    ),
    "add-same-bytes-as-a-document": Case(add("copy.txt"), f"same content as document '{KEEP}'",
                                         files={"copy.txt": plymouth_bytes}),
    "add-unknown-authority": Case(add("n.md", "--authority", "Plymuoth"), "Did you mean 'Plymouth'",
                                  files={"n.md": GOOD_MD}),
    "add-bad-date": Case(add("n.md", "--date", "31/01/2024"), "YYYY-MM-DD", files={"n.md": GOOD_MD}),
    "add-impossible-date": Case(add("n.md", "--date", "2024-02-30"), "YYYY-MM-DD", files={"n.md": GOOD_MD}),
    "add-bad-review-date": Case(add("n.md", "--review-date", "soon"), "review_date", files={"n.md": GOOD_MD}),
    "add-blank-title": Case(add("n.md", "--title", "   "), "title", files={"n.md": GOOD_MD}),
    "add-existing-id": Case(add("n.md", "--id", KEEP), "already", files={"n.md": GOOD_MD}),
    "add-invalid-id": Case(add("n.md", "--id", "my id!"), "letters, digits and dashes", files={"n.md": GOOD_MD}),
    "add-alias-without-new-authority": Case(add("n.md", "--alias", "NCC"), "--new-authority",
                                            files={"n.md": GOOD_MD}),
    "add-new-authority-already-known": Case(
        add("n.md", "--new-authority", "Plymouth", "--front-door", "the duty team"), "already names",
        files={"n.md": GOOD_MD},
    ),
    "add-new-authority-alias-clash": Case(
        add("n.md", "--new-authority", "Yorkshire Coast Council", "--alias", "York", "--front-door", "duty"),
        "'York' already names 'City of York Council'", files={"n.md": GOOD_MD},
    ),
    "add-new-authority-without-front-door": Case(
        add("n.md", "--new-authority", "Norfolk County Council", "--alias", "Norfolk"), "--front-door",
        files={"n.md": GOOD_MD},
    ),
    "add-bad-status": Case(add("n.md", "--status", "live"), "invalid choice", files={"n.md": GOOD_MD}),
    "add-authority-and-new-authority": Case(
        add("n.md") + ["--new-authority", "Norfolk County Council"], "not allowed with", files={"n.md": GOOD_MD}
    ),
    "add-without-title": Case(["add", "{tmp}/n.md", "--authority", "Plymouth", "--date", "undated"],
                              "--title", files={"n.md": GOOD_MD}),
    "add-with-broken-manifest": Case(add("n.md"), "must be a mapping", files={"n.md": GOOD_MD},
                                     manifest=lambda text: "- just\n- a list\n"),
    "add-with-broken-glossary": Case(add("n.md"), "write the expansions as a list", files={"n.md": GOOD_MD},
                                     glossary=append("XQZ: extra quiet zone\n")),
    # --- the manifest: `guidance index` refuses it with file, line and field ---------------------
    "manifest-is-a-list": Case(["index"], "must be a mapping with `authorities:`", manifest=lambda t: "- a\n- b\n"),
    "manifest-entry-is-a-string": Case(["index"], "documents[0]: must be a mapping",
                                       manifest=sub("documents:\n", "documents:\n- just a title\n")),
    "manifest-authority-without-name": Case(
        ["index"], "authorities[1] field 'name': is missing", manifest=sub(PLYMOUTH_AUTH, "- aliases: [Plymouth]\n")
    ),
    "manifest-invalid-utf8": Case(["index"], "not UTF-8",
                                  manifest=lambda t: t.encode().replace(b"Plymouth City", b"Plym\xffouth City")),
    "manifest-invalid-yaml": Case(["index"], "not valid YAML", manifest=sub("documents:\n", "documents:\n- [open\n")),
    "manifest-duplicate-key": Case(["index"], "duplicate key", manifest=sub(STATUS_LINE, STATUS_LINE + STATUS_LINE)),
    "manifest-misspelt-field": Case(["index"], "did you mean 'review_date'",
                                    manifest=sub("  review_date: ''\n", "  reveiw_date: ''\n")),
    "manifest-unknown-status": Case(["index"], "field 'status': must be one of",
                                    manifest=sub(STATUS_LINE, "  status: live\n")),
    "manifest-bad-published-date": Case(["index"], "field 'published'",
                                        manifest=sub("published: '2013-08-12'", "published: 12/08/2013")),
    "manifest-file-outside-corpus": Case(["index"], "outside the corpus folder",
                                         manifest=sub(f"file: {PLYMOUTH_FILE}", "file: ../../../etc/passwd")),
    "manifest-absolute-file": Case(["index"], "outside the corpus folder",
                                   manifest=sub(f"file: {PLYMOUTH_FILE}", "file: /etc/hostname")),
    "manifest-duplicate-id": Case(["index"], "is used twice", manifest=append(entry(KEEP, "documents/other.txt"))),
    "manifest-same-file-twice": Case(["index"], f"is already document '{KEEP}'",
                                     manifest=append(entry("plymouth-again", PLYMOUTH_FILE))),
    "manifest-same-bytes-twice": Case(
        ["index"], "have the same content", manifest=append(entry("plymouth-copy", "documents/copy.txt")),
        corpus_files={"documents/copy.txt": plymouth_bytes},
    ),
    "manifest-unknown-authority": Case(["index"], "Unknown authority 'Plymuoth'",
                                       manifest=sub("authority: Plymouth City Council", "authority: Plymuoth")),
    "manifest-title-is-a-list": Case(["index"], "field 'title': must be text, not a list",
                                     manifest=sub("  title: ", "  title: [a, b]\n  x: ")),
    "manifest-id-with-spaces": Case(["index"], "letters, digits and dashes", manifest=sub(f"id: {KEEP}", "id: my doc")),
    "manifest-alias-of-two-councils": Case(["index"], "may belong to one council only",
                                           manifest=sub("aliases: [Torbay]", "aliases: [Torbay, Plymouth]")),
    "manifest-empty-authority-entry": Case(["index"], "authorities[0]: must be a mapping",
                                           manifest=sub("authorities:\n", "authorities:\n-\n")),
    "manifest-missing": Case(["sources"], "No manifest", manifest=lambda t: b"\x00REMOVE", answered=True),
    "manifest-broken-on-ask": Case(ASK, "field 'status'", manifest=sub(STATUS_LINE, "  status: [current]\n"),
                                   answered=True),
    # --- the glossary: a broken one is named, not a traceback on every question ----------------
    "glossary-string-value": Case(ASK, "write the expansions as a list", glossary=append("XQZ: extra quiet zone\n")),
    "glossary-is-a-list": Case(ASK, "glossary must be a mapping", glossary=lambda t: "- S47\n- CIN\n"),
    "glossary-empty-value": Case(ASK, "no expansions", glossary=append("XQZ:\n")),
    "glossary-nested-mapping": Case(ASK, "must be a list of phrases", glossary=append("XQZ: {a: b}\n")),
    "glossary-invalid-utf8": Case(ASK, "glossary is not UTF-8", glossary=lambda t: t.encode() + b"XQZ: [\xff]\n"),
    "glossary-term-twice": Case(ASK, 'duplicate key "S47"', glossary=append("S47: [section 47]\n")),
    "glossary-invalid-yaml": Case(ASK, "glossary is not valid YAML", glossary=append("XQZ: [extra quiet zone\n")),
    # --- settings: the variable is named -----------------------------------------------------------
    "settings-max-file-mb-text": Case(ASK, "GUIDANCE_MAX_FILE_MB='abc' is not a number",
                                      env={"GUIDANCE_MAX_FILE_MB": "abc"}),
    "settings-max-file-mb-zero": Case(ASK, "GUIDANCE_MAX_FILE_MB=0.0 is out of range",
                                      env={"GUIDANCE_MAX_FILE_MB": "0"}),
    "settings-max-file-mb-infinite": Case(ASK, "GUIDANCE_MAX_FILE_MB='inf' is not a finite number",
                                          env={"GUIDANCE_MAX_FILE_MB": "inf"}),
    "settings-data-dir-is-a-file": Case(ASK, "GUIDANCE_DATA_DIR=", env={"GUIDANCE_DATA_DIR": "{tmp}/data.txt"},
                                        files={"data.txt": b"not a folder"}),
    "settings-corpus-dir-is-a-file": Case(["sources"], "GUIDANCE_CORPUS_DIR=",
                                          env={"GUIDANCE_CORPUS_DIR": "{tmp}/c.txt"}, files={"c.txt": b"x"}),
    "settings-chunk-chars-negative": Case(["index"], "GUIDANCE_CHUNK_CHARS=-5 is out of range",
                                          env={"GUIDANCE_CHUNK_CHARS": "-5"}),
    "settings-threads-not-a-number": Case(ASK, "GUIDANCE_QUERY_THREADS='two' is not a whole number",
                                          env={"GUIDANCE_QUERY_THREADS": "two"}),
    "settings-bool-not-a-bool": Case(ASK, "GUIDANCE_USE_GLOSSARY='maybe'", env={"GUIDANCE_USE_GLOSSARY": "maybe"}),
    "settings-port-out-of-range": Case(ASK, "GUIDANCE_CHROMA_PORT=70000", env={"GUIDANCE_CHROMA_PORT": "70000"}),
    # The hand-set refusal threshold was replaced by a fitted model: an old deployment's setting is named.
    "settings-retired-abstain-threshold": Case(ASK, "GUIDANCE_ABSTAIN_THRESHOLD is not a setting",
                                               env={"GUIDANCE_ABSTAIN_THRESHOLD": "0.44"}),
    "settings-no-quotes": Case(ASK, "GUIDANCE_MAX_SENTENCES_PER_AUTHORITY=0 is out of range",
                               env={"GUIDANCE_MAX_SENTENCES_PER_AUTHORITY": "0"}),
    "settings-unknown-retrieval-mode": Case(ASK, "GUIDANCE_RETRIEVAL_MODE='magic'",
                                            env={"GUIDANCE_RETRIEVAL_MODE": "magic"}),
    "settings-misspelt-variable": Case(ASK, "GUIDANCE_MAX_FILE_SIZE is not a setting, so it would be ignored; "
                                       "did you mean GUIDANCE_MAX_FILE_MB?", env={"GUIDANCE_MAX_FILE_SIZE": "5"}),
    # --- ask ---------------------------------------------------------------------------------------
    "ask-empty-question": Case(["ask", ""], "Type a question"),
    "ask-blank-question": Case(["ask", "   "], "Type a question"),
    "ask-too-long": Case(["ask", "how soon " * 400], "keep it under"),
    "ask-unknown-authority": Case([*ASK, "--authority", "Yrok"], "Unknown authority 'Yrok'"),
    "ask-not-utf8-argument": Case(["ask", "how soon \udcff is a child seen"], "not valid UTF-8"),
    "jsonl-invalid-utf8-line": Case(["ask", "--jsonl"], "not valid UTF-8", bad_lines=(2,),
                                    stdin=b"\n".join([QUESTIONS[0].encode(), b"how soon \xff\xfe", QUESTIONS[1].encode()])),
    "jsonl-invalid-json-line": Case(["ask", "--jsonl"], "invalid JSON", bad_lines=(1,),
                                    stdin=f'{{"question": "x"\n{QUESTIONS[0]}\n{QUESTIONS[1]}\n'.encode()),
    "jsonl-empty-question": Case(["ask", "--jsonl"], "empty question", bad_lines=(2,),
                                 stdin=f'{QUESTIONS[0]}\n{{"question": "  "}}\n{QUESTIONS[2]}\n'.encode()),
    "jsonl-too-long-line": Case(["ask", "--jsonl"], "keep it under", bad_lines=(3,),
                                stdin=f"{QUESTIONS[0]}\n{QUESTIONS[1]}\n{'why ' * 800}\n{QUESTIONS[2]}\n".encode()),
    "jsonl-question-not-text": Case(["ask", "--jsonl"], "empty question", bad_lines=(1,),
                                    stdin=f'{{"question": 5}}\n{QUESTIONS[0]}\n'.encode()),
    "jsonl-unknown-authority-in-line": Case(
        ["ask", "--jsonl"], "Unknown authority 'Atlantis'", bad_lines=(2,),
        stdin=f'{QUESTIONS[0]}\n{{"question": "{QUESTIONS[1]}", "authority": "Atlantis"}}\n'.encode(),
    ),
    "jsonl-unknown-authority-flag": Case(["ask", "--jsonl", "--authority", "Atlantis"], "Unknown authority",
                                         stdin=f"{QUESTIONS[0]}\n".encode()),
}


def _write(path: Path, content: bytes | Callable[[Path], bytes], corpus: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content(corpus) if callable(content) else content)


def _edit(path: Path, edit: Callable[[str], str | bytes]) -> None:
    new = edit(path.read_text(encoding="utf-8"))
    if new == b"\x00REMOVE":
        path.unlink()
    else:
        path.write_bytes(new.encode("utf-8") if isinstance(new, str) else new)


def run_cli(argv: list[str], stdin: bytes | None, capsys, monkeypatch) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8"))
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("name", list(CASES))
def test_bad_input_is_explained_and_changes_nothing(name, library, before, tmp_path, capsys, monkeypatch):
    case = CASES[name]
    corpus = library.corpus_dir
    for relative, content in case.files.items():
        _write(tmp_path / relative, content, corpus)
    monkeypatch.setenv("GUIDANCE_CORPUS_DIR", str(corpus))
    monkeypatch.setenv("GUIDANCE_DATA_DIR", str(library.data_dir))
    monkeypatch.setenv("GUIDANCE_CHROMA_HOST", "")
    for key, value in case.env.items():
        monkeypatch.setenv(key, value.format(tmp=tmp_path))
    saved = {p: p.read_bytes() for p in (library.manifest_path, library.glossary_path)}
    try:
        if case.manifest:
            _edit(library.manifest_path, case.manifest)
        if case.glossary:
            _edit(library.glossary_path, case.glossary)
        for relative, content in case.corpus_files.items():
            _write(corpus / relative, content, corpus)
        argv = [arg.format(tmp=tmp_path) for arg in case.argv]
        code, out, err = run_cli(argv, case.stdin, capsys, monkeypatch)
    finally:
        for path, content in saved.items():
            path.write_bytes(content)
        for relative in case.corpus_files:
            (corpus / relative).unlink(missing_ok=True)

    assert code == (0 if case.answered else 2), f"exit {code}\nstdout: {out}\nstderr: {err}"
    assert "Traceback" not in out + err
    if case.answered:
        assert case.message in err and "as last read" in err and out.strip(), (out, err)
    if case.bad_lines:
        results = [json.loads(line) for line in out.splitlines()]
        errors = {r["line"]: r["error"] for r in results if "error" in r}
        assert sorted(errors) == list(case.bad_lines), results
        assert all(case.message in message for message in errors.values()), errors
        answered = [r for r in results if "error" not in r]
        assert answered, "the good lines are still answered"
        for result in answered:
            expected_text, expected_citations = before["answers"][QUESTIONS.index(result["question"])]
            assert result["answer"] == expected_text
            assert [(c["doc_id"], c["section"], c["quote"]) for c in result["citations"]] == expected_citations
    else:
        assert case.message in err, err
        assert "Added" not in out
    assert snapshot(library) == before


def test_installed_command_names_a_bad_setting_without_a_traceback(library, tmp_path):
    """The real entry point (a new process), for the path the in-process cases cannot cover."""
    command = Path(sys.executable).with_name("guidance")
    env = {**os.environ, "GUIDANCE_CORPUS_DIR": str(library.corpus_dir), "GUIDANCE_DATA_DIR": str(library.data_dir),
           "GUIDANCE_MAX_FILE_MB": "twenty"}
    done = subprocess.run([str(command), "ask", QUESTIONS[0]], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "GUIDANCE_MAX_FILE_MB='twenty' is not a number" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_the_suite_covers_enough_cases():
    assert len(CASES) >= 60
