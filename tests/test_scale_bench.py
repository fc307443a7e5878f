"""`guidance bench --scale`: the synthetic growth is real (files, manifest, chunks a question reaches),
the figures are all there, and the chart is drawn. Plumbing at a tiny size, not a timing test."""

import json
import re
from pathlib import Path

import numpy as np
import pytest

from assistant.scale_bench import Measured, ScaleReport, bench_at_scale, write_outputs
from assistant.scale_corpus import COUNCIL_NAME, variant_text
from assistant.service import GuidanceAssistant
from assistant.settings import Settings
from indexing.onnx_embed import OnnxEmbedder, export_is_current, onnx_path
from indexing.pipeline import status

KEEP = "plymouth-childrens-social-care-2013"  # one short real document keeps this quick
TINY = 500  # chunks: about thirty synthetic documents beside the real one


def test_variant_renames_the_council_and_changes_only_a_few_words():
    text = "Plymouth City Council staff will visit within 5 days. In Plymouth the team must record it. Plymouthians."
    out = variant_text(text, ("Plymouth City Council", "Plymouth"), "Synthetic Council 007", np.random.default_rng(1))
    assert "Plymouth" not in out.replace("Plymouthians", "")  # whole names only: 'Plymouthians' stays
    assert out.count("Synthetic Council 007") == 2 and "Plymouthians" in out
    words_before = re.findall(r"\w+", text.replace("Plymouth City Council", "X").replace("Plymouth", "X"))
    words_after = re.findall(r"\w+", out.replace("Synthetic Council 007", "X"))
    assert words_before != words_after  # some of staff/will/within/team/must were swapped
    assert "5 days" in out  # facts are not perturbed


def test_chart_and_json_are_written(tmp_path):
    def measured(chunks, p95, rss):
        return Measured(chunks, 1, 1, 0.5, 1.0, (p95 / 2, p95), rss, 2.0, 1.0, "doc")

    report = ScaleReport(
        3,
        "embedded",
        10.0,
        measured(262, 20, 400),
        (measured(1000, 30, 500), measured(10000, 45, 700)),
        {"cpu_count": 2},
    )
    chart, data = write_outputs(report, tmp_path)
    assert Path(chart).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    written = json.loads(Path(data).read_text(encoding="utf-8"))
    assert written["scale_chunks"] == 10000 and written["scale_query_p95_ms_over_real"] == 2.25


@pytest.mark.slow
def test_scale_bench_grows_a_corpus_that_answers(tmp_path, corpus_copy):
    corpus = corpus_copy(tmp_path / "source", (KEEP,))
    settings = Settings.from_env(corpus_dir=corpus, data_dir=tmp_path / "unused", chroma_host="")
    work = tmp_path / "work"
    work.mkdir()

    report = bench_at_scale(settings, [TINY], limit=2, workdir=work).as_dict()

    for key in (
        "query_p50_ms",
        "query_p95_ms",
        "rss_mb",
        "open_s",
        "scale_query_p50_ms",
        "scale_query_p95_ms",
        "scale_rss_mb",
        "scale_reindex_one_s",
        "reindex_one_s",
    ):
        assert report[key] > 0, key
    assert report["scale_chunks"] >= TINY > report["chunks"]
    assert "Synthetic Council" in report["built_how"] and report["steps"][0]["reindex_doc"] == KEEP
    council = COUNCIL_NAME.format(1)
    assert council in report["steps"][0]["probe"]["passage_authorities"]

    # The folders it left: the synthetic documents are files in the manifest, `index` has nothing to do,
    # and a question naming a synthetic council is answered from that council's chunks.
    grown = settings.with_(corpus_dir=work / "corpus", data_dir=work / "data")
    assert not status(grown).stale
    assert export_is_current(onnx_path(grown))  # made for the run: the settings' data folder had none
    assistant = GuidanceAssistant(grown, embedder=OnnxEmbedder(onnx_path(grown)))
    synthetic = [d for d in assistant.manifest.documents if d.authority == council]
    assert len(synthetic) >= 10 and all((grown.corpus_dir / d.source_file).is_file() for d in synthetic)
    assert assistant.store.current().count() == report["scale_chunks"]
    passages = assistant.retrieve(f"How soon is a single assessment completed in {council}?", (council,))
    assert passages and all(p.chunk.doc_id.startswith("synthetic-") for p in passages)
    assert council in (work / "corpus" / synthetic[0].source_file).read_text(encoding="utf-8")
