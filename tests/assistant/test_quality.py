"""Quality view helpers: headline figures as a curator reads them, and eval items from the form."""

from assistant.quality import breakdown_rows, curated_item, failing_items, headline
from evals.items import append_item, load_items


def test_headline_formats_rates_counts_and_missing_values():
    shown = dict(headline({"items": 120, "hit_at_5": 0.914, "answer_p50_ms": 41.6, "conflict_coverage": None}))
    assert shown["Questions"] == "120" and shown["Passage found (top 5)"] == "91%"
    assert shown["Median answer time (ms)"] == "42" and shown["Conflicts shown"] == "n/a"
    assert shown["Facts stated"] == "n/a"


def test_breakdown_rows_and_failing_items():
    report = {"by_kind": {"out_of_scope": {"items": 3, "hit_at_5": None, "pass_rate": 2 / 3}},
              "details": [{"id": "a", "passed": True}, {"id": "b", "passed": False}]}
    row = breakdown_rows(report, "by_kind")[0]
    assert row[""] == "out of scope" and row["Questions"] == "3"
    assert row["All checks passed"] == "67%" and row["Passage found (top 5)"] == "–"
    assert [d["id"] for d in failing_items(report)] == ["b"]


def test_curated_item_parses_facts_and_gets_a_fresh_id(tmp_path):
    path = tmp_path / "items.yaml"
    first = curated_item("How soon is a visit?", "timescale", "City of York Council",
                         "5 working days | five working days\n\n24 hours", "york-doc", " Referrals ", "working days",
                         path)
    assert first.expected_facts == (("5 working days", "five working days"), ("24 hours",))
    assert first.sources[0].section == "Referrals"
    append_item(first, path)
    second = curated_item("How soon is a visit?", "timescale", None, "5 days", "york-doc", "", "days", path)
    assert (first.id, second.id) == ("how-soon-is-a-visit", "how-soon-is-a-visit-2")
    assert load_items(path)[0].authority == "City of York Council"
