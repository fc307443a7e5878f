"""Questions are embedded on onnxruntime: the same vectors as sentence-transformers, and no torch
on the question path (importing it costs ~10 s of every `guidance ask` and app start)."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.settings import Settings
from evals.items import load_items
from indexing import onnx_embed
from indexing.embed import embed_documents
from indexing.load import load
from indexing.manifest import load_manifest
from indexing.onnx_embed import OnnxEmbedder, export_is_current, onnx_path, question_embedder, token_batches
from indexing.pipeline import prepare

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("torch", "transformers", "sentence_transformers")
SAME = 0.9999  # cosine: the same vector up to float rounding (measured: 0.99999996 or closer)


def cosines(a: list[list[float]], b: list[list[float]]) -> np.ndarray:
    x, y = np.asarray(a), np.asarray(b)
    return (x * y).sum(axis=1) / np.linalg.norm(x, axis=1) / np.linalg.norm(y, axis=1)


@pytest.fixture(scope="module")
def reference():
    from indexing.embed import MiniLMEmbedder

    return MiniLMEmbedder(threads=2)


@pytest.mark.slow
def test_the_assistant_embeds_questions_on_onnx_with_the_reference_vectors(assistant, reference):
    assert isinstance(assistant.embedder, OnnxEmbedder)
    questions = [i.question for i in load_items() if i.answerable][:30]
    assert len(questions) == 30
    one_by_one = [assistant.embedder.embed([q])[0] for q in questions]  # as the chain asks
    assert cosines(one_by_one, reference.embed(questions)).min() >= SAME
    assert cosines(assistant.embedder.embed(questions), reference.embed(questions)).min() >= SAME


@pytest.mark.slow
def test_passages_longer_than_the_model_window_are_cut_as_the_reference_cuts_them(assistant, reference):
    manifest = load_manifest(ROOT / "corpus" / "manifest.yaml")
    text = load(manifest.corpus_dir / manifest.documents[0].source_file, manifest.documents[0]).text
    passages = [text[:300], text[1000:1700], text[2000:6000]]  # the last is far past 256 tokens
    assert len(assistant.embedder.tokenizer.encode(passages[2]).ids) == onnx_embed.MAX_TOKENS
    assert cosines(assistant.embedder.embed(passages), reference.embed(passages)).min() >= SAME


@pytest.mark.slow
def test_a_question_in_a_new_process_never_imports_torch(assistant):
    """`guidance ask` as a practitioner runs it, in a fresh interpreter; then the modules it loaded."""
    script = (
        "import json, sys\n"
        "from assistant.cli import main\n"
        "code = main(['ask', 'How soon must a child be seen after a referral in Bath?', '--json'])\n"
        "import ui.answer_view\n"  # the app's answer rendering too
        f"print(json.dumps({{'code': code, 'heavy': sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY!r})}}))\n"
    )
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "GUIDANCE_DATA_DIR": str(assistant.settings.data_dir),
        "GUIDANCE_CORPUS_DIR": str(assistant.settings.corpus_dir),
        "GUIDANCE_CHROMA_HOST": "",
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    assert json.loads(lines[0])["citations"], "the question was answered"
    result = json.loads(lines[-1])
    assert result == {"code": 0, "heavy": []}
    assert "exporting" not in done.stderr  # the index run made the export; questions only load it


@pytest.mark.slow
def test_a_data_folder_without_the_export_gets_one_on_the_first_question(assistant, tmp_path):
    settings = assistant.settings.with_(data_dir=tmp_path / "data")
    assert not onnx_path(settings).exists()
    embedder = question_embedder(settings)
    assert isinstance(embedder, OnnxEmbedder) and export_is_current(onnx_path(settings))
    assert onnx_path(settings).stat().st_mode & 0o777 == 0o644  # readable by an app run as another user
    question = "Who do I notify when a child is about to come into care?"
    assert cosines(embedder.embed([question]), assistant.embedder.embed([question])).min() >= SAME


def test_an_export_made_from_other_weights_is_not_trusted(tmp_path):
    path = onnx_path(Settings(data_dir=tmp_path))
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a model")
    assert not export_is_current(path)  # no stamp
    stamp = onnx_embed._source_stamp(Path(onnx_embed.model_path()))
    path.with_suffix(".json").write_text(json.dumps({**stamp, "weights_bytes": stamp["weights_bytes"] + 1}))
    assert not export_is_current(path)
    path.with_suffix(".json").write_text(json.dumps(stamp))
    assert export_is_current(path)


def test_when_the_export_cannot_be_made_questions_use_sentence_transformers_and_say_so(tmp_path, monkeypatch, caplog):
    def cannot_write(settings: Settings) -> Path:
        raise PermissionError(13, "Permission denied", str(onnx_path(settings).parent))

    class Reference:
        def __init__(self, threads: int = 1) -> None:
            self.threads = threads

    monkeypatch.setattr(onnx_embed, "ensure_export", cannot_write)
    monkeypatch.setattr("indexing.embed.MiniLMEmbedder", Reference)
    with caplog.at_level(logging.WARNING, logger="indexing.onnx_embed"):
        embedder = question_embedder(Settings(data_dir=tmp_path, query_threads=1))
    assert isinstance(embedder, Reference) and embedder.threads == 1
    assert "sentence-transformers" in caplog.text and "Permission denied" in caplog.text


@pytest.mark.slow
def test_documents_embedded_in_one_bulk_pass_get_the_reference_vectors_in_their_places(assistant, reference):
    """What an index run stores: every chunk and sentence of several documents in one call, sorted by
    token count, repeated texts embedded once, batches shared between two workers. Each vector must
    be the reference's for its own text (a vector put in another text's place would score far below)."""
    manifest = load_manifest(ROOT / "corpus" / "manifest.yaml")
    wanted = ("plymouth-childrens-social-care-2013", "torbay-childrens-safeguarding-service")
    documents = [prepare(m, manifest, assistant.settings) for m in manifest.documents if m.doc_id in wanted]
    assert len(documents) == 2
    texts = [c.embed_text for chunks in documents for c in chunks]
    texts += [s for chunks in documents for c in chunks for s in c.sentences]
    assert len(set(texts)) < len(texts), "the library repeats some sentences: the shortcut for them is exercised"
    bulk = OnnxEmbedder(onnx_path(assistant.settings), threads=1, batch_threads=2)
    tokens = sum(len(e.ids) for e in bulk.tokenizer.encode_batch(texts))
    assert tokens > 4 * bulk.batch_tokens, "several batches, so both workers take some"

    embedded = embed_documents(bulk, documents)

    flat = [v for chunk_vectors, _ in embedded for v in chunk_vectors]
    flat += [v for _, per_chunk in embedded for sentence_vectors in per_chunk for v in sentence_vectors]
    assert [len(cv) for cv, _ in embedded] == [len(chunks) for chunks in documents]
    assert cosines(flat, reference.embed(texts)).min() >= SAME


@pytest.mark.slow
def test_a_passage_past_the_model_window_is_cut_as_the_reference_cuts_it_in_a_bulk_pass_too(assistant, reference):
    manifest = load_manifest(ROOT / "corpus" / "manifest.yaml")
    text = load(manifest.corpus_dir / manifest.documents[0].source_file, manifest.documents[0]).text
    passages = [text[start : start + 300] for start in range(0, 12000, 300)] + [text[2000:6000]]
    bulk = OnnxEmbedder(onnx_path(assistant.settings), threads=1, batch_threads=2)
    assert cosines(bulk.embed(passages), reference.embed(passages)).min() >= SAME


def test_bulk_batches_stay_within_their_token_budget_padding_included():
    lengths = [9, 3, 12, 3, 4]  # token counts of texts 0..4; shortest first: 1, 3, 4, 0, 2
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    # (3, 3, 4) pads to 3 x 4 = 12; adding the 9 would pad to 4 x 9 = 36 > 20; (9) then (9, 12)
    # would pad to 24 > 20, so the 12 goes alone.
    assert token_batches(order, lengths, 20) == [[1, 3, 4], [0], [2]]
    assert token_batches(order, lengths, 8) == [[1, 3], [4], [0], [2]]  # a text over budget is alone
    assert token_batches(order, lengths, 1000) == [order]
    assert token_batches([], [], 20) == []
