"""The benchmark's arithmetic on hand-worked numbers, and the shape of `guidance bench --json`.

Not a timing test: figures depend on the machine. The JSON test runs on a one-document
library and two questions, so it checks plumbing, not quality.
"""

import json
import math

import pytest

from assistant.bench import first_hit_rank, is_hit, mean_reciprocal_rank, percentile
from assistant.cli import main
from evals.items import EvalItem, Source

ITEM = EvalItem(
    id="x", question="q?", kind="timescale", authority=None, expected_facts=(("5 working days",),),
    sources=(Source("bathnes", "7.1.3", "The child will be seen within a maximum of 5 working days"),),
)


def test_percentile_interpolates_between_closest_ranks():
    assert percentile([4, 1, 3, 2], 50) == 2.5  # halfway between 2 and 3
    assert percentile([10, 20, 30, 40, 50], 95) == pytest.approx(48.0)  # 40 + 0.8 * (50 - 40)
    assert percentile([7], 95) == 7
    assert math.isnan(percentile([], 50))


def test_hit_needs_the_right_document_and_its_evidence():
    evidence = "the child will be seen within a maximum of 5 working days and this will be recorded"
    found = [("plymouth", evidence), ("bathnes", "Unrelated text."), ("bathnes", evidence)]
    assert first_hit_rank(found, ITEM) == 3  # same words from another council do not count
    assert is_hit(found, ITEM, k=3) and not is_hit(found, ITEM, k=2)


def test_mean_reciprocal_rank_counts_a_miss_as_zero():
    assert mean_reciprocal_rank([1, 2, None, 4]) == pytest.approx((1 + 0.5 + 0 + 0.25) / 4)


DOCUMENT = """# Referrals

A social worker will see the child within 5 working days of the referral.
"""
MANIFEST = """authorities:
- name: Bath and North East Somerset Council
  aliases: [Bath]
documents:
- id: bathnes
  file: documents/bathnes.md
  authority: Bath and North East Somerset Council
  title: Referrals
  published: '2013-03-15'
"""


@pytest.mark.slow
def test_bench_json_has_every_figure(tmp_path, monkeypatch, capsys):
    (tmp_path / "documents").mkdir()
    (tmp_path / "documents" / "bathnes.md").write_text(DOCUMENT, encoding="utf-8")
    (tmp_path / "manifest.yaml").write_text(MANIFEST, encoding="utf-8")
    monkeypatch.setenv("GUIDANCE_CORPUS_DIR", str(tmp_path))
    monkeypatch.setenv("GUIDANCE_CHROMA_HOST", "")

    assert main(["bench", "--json", "--questions", "2"]) == 0
    report = json.loads(capsys.readouterr().out)

    for key in ("index_seconds", "chunks_per_second", "cold_start_seconds", "retrieval_p50_ms", "retrieval_p95_ms",
                "answer_p50_ms", "answer_p95_ms", "baseline_p50_ms", "model_load_seconds",
                "reference_index_seconds", "reference_chunks_per_second", "index_speedup"):
        assert report[key] > 0, key
    assert report["chunks"] >= 1 and report["questions"] == 2
    assert report["reference_chunks"] == report["chunks"], "both index runs stored the same library"
    assert report["index_speedup"] == pytest.approx(
        report["chunks_per_second"] / report["reference_chunks_per_second"], rel=0.1
    )
    assert report["retrieval_p50_ms"] <= report["retrieval_p95_ms"]
    for key in ("hit_at_5", "baseline_hit_at_5", "baseline_hit_at_4_tutorial_default_k"):
        assert 0 <= report[key] <= 1, key
    assert report["machine"]["cpu_count"] >= 1 and report["machine"]["torch_threads"] >= 1
    assert "answer_p50_over_baseline_p50" in report and "hit_at_5_minus_baseline" in report
