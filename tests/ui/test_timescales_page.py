"""Timescales page under AppTest: every council's timescales, a council filter, differences flagged."""

from __future__ import annotations

import pytest
from ui_helpers import texts

pytestmark = pytest.mark.slow


def open_page(app):
    app.switch_page("views/timescales.py").run()
    assert not app.exception
    return app


def table(app):
    return app.dataframe[0].value


def test_lists_every_councils_timescales_with_quotes_and_citations(app):
    frame = table(open_page(app))
    assert {"Bath and North East Somerset", "Plymouth"} <= set(frame["Council"])
    bath_seen = frame[(frame["Applies to"] == "child seen") & frame["Council"].str.startswith("Bath")]
    assert "within a maximum of 5 working days" in set(bath_seen["Timescale"])
    assert set(bath_seen["Force"]) == {"duty", "guidance"}  # "will be seen" in one team, "the aim will be" in another
    assert all(frame["Cite as"].str.contains("§")) and all(frame["Quote"].str.len() > 0)


def test_differing_councils_are_flagged_together_at_the_top(app):
    open_page(app)
    assert "differ from another council" in texts(app.warning)
    frame = table(app)
    flagged = frame[frame[""] == "⚠ differs"]
    assert list(frame.index[: len(flagged)]) == list(flagged.index)  # together, first
    assert set(flagged["Applies to"]) == {"child seen"}
    assert {"Bath and North East Somerset", "Plymouth"} <= set(flagged["Council"])


def test_council_filter_shows_one_council(app):
    open_page(app)
    app.selectbox[0].set_value("Plymouth City Council").run()
    frame = table(app)
    assert set(frame["Council"]) == {"Plymouth"}
    assert "45 days" in set(frame["Timescale"])
    assert not app.exception


def test_a_council_whose_documents_state_no_timescale_is_named_as_such(app):
    open_page(app)
    # York's service description states none: it is not among the councils to filter by, so the
    # page says so rather than leave York missing without a word
    assert "No timescale found in the documents of: York." in texts(app.caption)
    assert "York" not in set(table(app)["Council"])
