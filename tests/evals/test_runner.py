"""The eval runner: the regression gate's arithmetic, and the gate itself on the real index."""

from evals.runner import compare, load_baseline, run_eval


def test_compare_flags_drops_beyond_tolerance_and_rising_wrong_refusals():
    baseline = {"tolerance": 0.03, "latency_factor": 3.0,
                "metrics": {"fact_recall": 0.80, "hit_at_5": 0.90, "wrong_refusal_rate": 0.05, "answer_p50_ms": 20}}
    report = {"fact_recall": 0.78, "hit_at_5": 0.85, "wrong_refusal_rate": 0.10, "answer_p50_ms": 70}
    flagged = {d.metric for d in compare(report, baseline) if d.regression}
    assert flagged == {"hit_at_5", "wrong_refusal_rate", "answer_p50_ms"}  # 0.02 drop is within tolerance
    better = {"fact_recall": 0.95, "hit_at_5": 0.99, "wrong_refusal_rate": 0.0, "answer_p50_ms": 15}
    assert not any(d.regression for d in compare(better, baseline))


def test_eval_gate_no_regression_against_stored_baseline(assistant, tmp_path):
    """CI's eval gate: the whole curated set against evals/baseline.json."""
    baseline = load_baseline()
    assert baseline is not None, "evals/baseline.json is missing: run `guidance eval --update-baseline`"
    report = run_eval(assistant, assistant.settings, out_dir=tmp_path)
    assert report["items"] == baseline["metrics"]["items"], "items changed: review and update the baseline"
    assert report["regressions"] == [], f"eval regression: {report['vs_baseline']}"
    # every eval corpus is asked on its own index and reported apart
    assert set(report["by_corpus"]) == {"library", "tune_docs", "unseen"}
    assert report["by_corpus"]["tune_docs"]["items"] >= 50 and report["by_split"]["unseen_docs"]["items"] >= 60
    assert (tmp_path / "latest.md").exists() and (tmp_path / "by_kind.png").exists()
