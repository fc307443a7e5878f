"""Quality page under AppTest: eval report, unhelpful answers, refused questions, adding an eval item."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml
from ui_helpers import texts

from assistant.feedback import FeedbackStore
from assistant.types import Answer

pytestmark = pytest.mark.slow

REPORT = {
    "items": 2, "hit_at_5": 0.5, "mrr_at_10": 0.5, "fact_recall": 0.5, "citation_support": 1.0,
    "source_recall": 0.5, "conflict_coverage": None, "abstention_precision": 1.0, "abstention_recall": 1.0,
    "wrong_refusal_rate": 0.0, "answer_p50_ms": 42.0, "generated_at": "2026-11-23 10:00:00", "split": "all",
    "by_kind": {"timescale": {"items": 2, "hit_at_5": 0.5, "fact_recall": 0.5}},
    "by_authority": {"City of York Council": {"items": 2, "hit_at_5": 0.5}},
    "details": [
        {"id": "york-visit", "question": "How soon is a visit in York?", "kind": "timescale",
         "authority": "City of York Council", "answer": "The guidance ...", "passed": False,
         "failed_checks": ["missing fact: 5 working days"],
         "citations": [{"n": 1, "doc_id": "york-childrens-social-care-targeted-help", "section": "Referrals"}]},
        {"id": "ok", "question": "Fine?", "kind": "timescale", "authority": None, "answer": "",
         "passed": True, "failed_checks": [], "citations": []},
    ],
}


def open_quality(app):
    app.run()
    app.switch_page("views/quality.py").run()
    return app


def test_latest_report_headline_and_failing_items(app, ui_settings):
    folder = ui_settings.data_dir / "evals"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "latest.json").write_text(json.dumps(REPORT), encoding="utf-8")
    open_quality(app)
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["Passage found (top 5)"] == "50%" and metrics["Conflicts shown"] == "n/a"
    failing = [e for e in app.expander if "How soon is a visit in York" in e.label]
    assert failing and "missing fact" in texts(failing[0].markdown)
    assert not any("Fine?" in e.label for e in app.expander)


def test_unhelpful_answers_and_refused_questions_are_listed(app, ui_settings):
    store = FeedbackStore(ui_settings.feedback_db)
    asked = store.log_question(Answer(question="Where is the out of hours team?", text="…", abstained=False))
    store.rate(asked, helpful=False, comment="It quoted the wrong council")
    store.log_question(Answer(question="What is a DoLS order for a 16 year old?", text="Not covered", abstained=True))
    open_quality(app)
    assert any("out of hours" in e.label for e in app.expander)
    refused = app.dataframe[-1].value
    assert "What is a DoLS order for a 16 year old?" in list(refused["Question"])


def test_curator_adds_eval_item_from_the_form(app, curator):
    open_quality(app)
    app.sidebar.text_input[0].set_value(curator)
    next(b for b in app.sidebar.button if "Unlock" in b.label).click().run()
    form = {t.label: t for t in app.text_input}
    form["Question"].set_value("How soon must a child in York be seen after a referral?")
    app.text_area[0].set_value("5 working days | five working days")
    form["Source section (heading)"].set_value("Referrals")
    form["Evidence: a short exact phrase from the passage"].set_value("working days")
    kind = next(s for s in app.selectbox if s.label == "Kind")
    kind.set_value("timescale")
    source = next(s for s in app.selectbox if s.label == "Source document")
    source.set_value("york-childrens-social-care-targeted-help")
    next(b for b in app.button if b.label == "Add eval item").click().run()
    assert "Added eval item" in texts(app.success)
    items = yaml.safe_load(Path(os.environ["GUIDANCE_EVAL_ITEMS_PATH"]).read_text(encoding="utf-8"))
    added = items[-1]
    assert added["question"].startswith("How soon must a child in York")
    assert added["expected_facts"] == [["5 working days", "five working days"]]
