"""Issue 13: one writer, many readers, always consistent. Readers in other processes (one thread,
ten threads) and on a Chroma server keep answering while a document is added and the index
rebuilt: no question fails, and the new document is cited from the first question after the add."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from index_helpers import (
    FOSTERING,
    FOSTERING_QUESTION,
    FOSTERING_TEXT,
    PLYMOUTH,
    PLYMOUTH_QUESTION,
    add_fostering,
    cited,
    settings_for,
    shared_embedder,
)

from assistant.cli import main
from assistant.service import GuidanceAssistant
from indexing.pipeline import index

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
STARTUP_SECONDS = 180  # a reader process imports torch and loads the model (~10 s idle; CI is shared)

# A reader process: THREADS threads ask the two questions in turn until the stop file appears,
# logging one JSON line per question (start, end, which, what was cited, any error).
READER = r"""
import json, os, sys, threading, time
from pathlib import Path
from assistant.service import GuidanceAssistant
threads, log_path, stop = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
questions = json.loads(sys.argv[4])
assistant = GuidanceAssistant()
assistant.ask(questions[0][1])  # warm
lock = threading.Lock()
log = log_path.open("a")
def loop(n):
    turn = n
    while not stop.exists():
        which, question = questions[turn % len(questions)]
        turn += 1
        started = time.time()
        try:
            answer = assistant.ask(question)
            record = {"cited": sorted({c.doc_id for c in answer.citations}), "error": None}
        except BaseException as exc:
            record = {"cited": [], "error": f"{type(exc).__name__}: {exc}"}
        with lock:
            log.write(json.dumps({"which": which, "start": started, "end": time.time(), **record}) + "\n")
            log.flush()
        time.sleep(0.05 * threads)  # leave the shared CPU to the writer
Path(str(log_path) + ".ready").touch()
workers = [threading.Thread(target=loop, args=(n,)) for n in range(threads)]
for w in workers: w.start()
for w in workers: w.join()
"""
QUESTIONS = [["fostering", FOSTERING_QUESTION], ["plymouth", PLYMOUTH_QUESTION]]


def _records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _check(records: list[dict], added_at: float, label: str) -> None:
    """No failed question; Plymouth always cited; the new document from the first question after the add."""
    assert records, f"{label}: no questions were answered"
    failed = [r for r in records if r["error"]]
    assert not failed, f"{label}: {len(failed)} of {len(records)} questions failed, e.g. {failed[0]['error']}"
    assert all(PLYMOUTH in r["cited"] for r in records if r["which"] == "plymouth"), label
    after = [r for r in records if r["which"] == "fostering" and r["start"] > added_at]
    assert after, f"{label}: no question was asked after the add"
    late = [r for r in after if FOSTERING not in r["cited"]]
    assert not late, f"{label}: {len(late)} of {len(after)} questions after the add did not cite it"


def test_readers_in_other_processes_never_fail_while_a_document_is_added_and_the_index_rebuilt(
    tmp_path, monkeypatch, corpus_copy, capsys
):
    corpus = corpus_copy(tmp_path / "corpus", (PLYMOUTH,))
    settings = settings_for(corpus, tmp_path / "data")
    assert index(settings, shared_embedder()).ok
    env = {
        **os.environ,
        "GUIDANCE_CORPUS_DIR": str(corpus),
        "GUIDANCE_DATA_DIR": str(settings.data_dir),
        "GUIDANCE_CHROMA_HOST": "",
        "HF_HUB_OFFLINE": "1",
    }
    stop = tmp_path / "stop"
    logs = {threads: tmp_path / f"reader-{threads}.jsonl" for threads in (1, 10)}
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(threads), str(log), str(stop), json.dumps(QUESTIONS)],
            cwd=ROOT,
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for threads, log in logs.items()
    ]
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not all(Path(f"{log}.ready").exists() for log in logs.values()):
            for reader in readers:
                assert reader.poll() is None, f"a reader exited: {reader.stderr.read()[-2000:]}"
            assert time.monotonic() < deadline, "the readers did not start"
            time.sleep(0.2)
        time.sleep(1.0)  # some answers from the first index

        # The writer: this process, as `guidance add` then `guidance index --rebuild`.
        for name, value in (("CORPUS_DIR", corpus), ("DATA_DIR", settings.data_dir), ("CHROMA_HOST", "")):
            monkeypatch.setenv(f"GUIDANCE_{name}", str(value))
        source = tmp_path / "private-fostering.md"
        source.write_text(FOSTERING_TEXT, encoding="utf-8")
        add_started = time.time()
        assert (
            main(
                [
                    "add",
                    str(source),
                    "--authority",
                    "York",
                    "--title",
                    "Private fostering",
                    "--date",
                    "2024-05-01",
                    "--id",
                    FOSTERING,
                ]
            )
            == 0
        ), capsys.readouterr().err
        added_at = time.time()
        assert main(["index", "--rebuild"]) == 0, capsys.readouterr().err
        rebuilt_at = time.time()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not all(
            sum(r["start"] > rebuilt_at for r in _records(log)) >= 4 for log in logs.values()
        ):
            time.sleep(0.2)
    finally:
        stop.touch()
        for reader in readers:
            try:
                reader.wait(timeout=60)
            except subprocess.TimeoutExpired:
                reader.kill()
                reader.wait()
    for threads, log in logs.items():
        records = _records(log)
        _check(records, added_at, f"reader with {threads} thread(s)")
        during = [r for r in records if r["end"] > add_started and r["start"] < rebuilt_at]
        assert during, f"reader with {threads} thread(s) asked nothing while the index was being written"


# --- the same with the Chroma server backend (readers and writer are clients of one server) ----


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture()
def chroma_port(tmp_path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    port = _free_port()
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "chroma"),
            "run",
            "--path",
            str(tmp_path / "db"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, (tmp_path / "server.log").read_text(errors="replace")[-2000:]
            try:
                chromadb.HttpClient(
                    host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False)
                ).heartbeat()
                break
            except Exception:  # noqa: BLE001 - not listening yet
                assert time.monotonic() < deadline, "chroma run did not start"
                time.sleep(0.25)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.mark.server
def test_server_backend_readers_never_fail_while_a_document_is_added_and_the_index_rebuilt(
    tmp_path, corpus_copy, chroma_port
):
    corpus = corpus_copy(tmp_path / "corpus", (PLYMOUTH,))
    settings = settings_for(corpus, tmp_path / "data", chroma_host="127.0.0.1", chroma_port=chroma_port)
    embedder = shared_embedder()
    assert index(settings, embedder).ok
    reader = GuidanceAssistant(settings, embedder=embedder)  # the app: one assistant, many sessions
    records: list[dict] = []
    stop = threading.Event()

    def loop(n: int) -> None:
        turn = n
        while not stop.is_set():
            which, question = QUESTIONS[turn % len(QUESTIONS)]
            turn += 1
            started = time.time()
            try:
                record = {"cited": sorted(cited(reader.ask(question))), "error": None}
            except Exception as exc:  # noqa: BLE001 - counted as a failed question
                record = {"cited": [], "error": f"{type(exc).__name__}: {exc}"}
            records.append({"which": which, "start": started, "end": time.time(), **record})
            time.sleep(0.05)

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.5)
        add_fostering(corpus, tmp_path)
        assert index(settings, embedder).added == (FOSTERING,)
        added_at = time.time()
        assert index(settings, embedder, rebuild=True).ok
        rebuilt_at = time.time()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sum(r["start"] > rebuilt_at for r in records) < 8:
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    _check(records, added_at, "server reader")
    assert not settings.chroma_dir.exists(), "the embedded store was used instead of the server"
