"""A real `chroma run` on loopback: GUIDANCE_CHROMA_HOST/PORT index into it and answer from it."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.service import GuidanceAssistant
from assistant.settings import Settings

pytestmark = [pytest.mark.server, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
CHROMA = Path(sys.executable).parent / "chroma"  # installed with the chromadb package
KEEP = "plymouth-childrens-social-care-2013"  # one short document keeps CI quick
STARTUP_SECONDS = 90  # ~1 s here; generous for a loaded 2-core CI machine


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_heartbeat(server: subprocess.Popen, port: int, log: Path) -> None:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"chroma run exited with {server.returncode}:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            chromadb.HttpClient(host="127.0.0.1", port=port,
                                settings=ChromaSettings(anonymized_telemetry=False)).heartbeat()
            return
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(0.25)
    pytest.fail(f"chroma run did not answer within {STARTUP_SECONDS} s:\n{log.read_text(errors='replace')[-2000:]}")


@pytest.fixture(scope="module")
def chroma_port(tmp_path_factory) -> Iterator[int]:
    assert CHROMA.exists(), f"{CHROMA} is missing: pip install chromadb into this environment"
    folder = tmp_path_factory.mktemp("chroma-server")
    port = _free_port()
    log = folder / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(CHROMA), "run", "--path", str(folder / "db"), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_heartbeat(server, port, log)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@pytest.fixture(scope="module")
def one_document_corpus(tmp_path_factory, corpus_copy) -> Path:
    return corpus_copy(tmp_path_factory.mktemp("server-corpus") / "corpus", (KEEP,))


def test_index_and_answer_through_a_chroma_server(chroma_port, one_document_corpus, tmp_path):
    settings = Settings.from_env(corpus_dir=one_document_corpus, data_dir=tmp_path / "data",
                                 chroma_host="127.0.0.1", chroma_port=chroma_port)
    assistant = GuidanceAssistant(settings)
    report = assistant.reindex()
    assert report.ok and report.added == (KEEP,) and report.chunks > 0

    answer = assistant.ask("Under Plymouth's new single assessment framework, how soon is the child likely to be seen?")
    assert not answer.abstained and "10 working days" in answer.text
    assert any(c.doc_id == KEEP and "10 working days" in c.quote for c in answer.citations)
    assert not settings.chroma_dir.exists(), "the embedded store was used instead of the server"
    # A second process (here: a second client) sees the same index on the server.
    assert not GuidanceAssistant(settings).needs_indexing()
