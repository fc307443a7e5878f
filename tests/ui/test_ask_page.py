"""Ask page under AppTest: cited answers, filter, refusal, safety, feedback saved, errors as warnings."""

from __future__ import annotations

import pytest
from streamlit.testing.v1.element_tree import Error
from ui_helpers import db_rows, texts

pytestmark = pytest.mark.slow

CONFLICT = (
    "I'm a health visitor and I've just made a referral to children's social care - "
    "within how many working days should a social worker see the child?"
)


def ask(app, question: str):
    app.run()
    app.chat_input[0].set_value(question).run()
    return app


def test_first_visit_explains_and_offers_examples(app):
    app.run()
    assert "not a decision" in texts(app.caption)
    labels = [b.label for b in app.button]
    assert any("seen after a referral" in label for label in labels)
    assert not app.exception


def test_example_button_asks_it(app):
    app.run()
    next(b for b in app.button if "seen after a referral" in b.label).click().run()
    assert app.expander, "an answer with source cards"
    assert not app.exception


def test_answer_has_citations_and_source_cards(app):
    ask(app, "How soon must a child be seen after a referral in Bath?")
    assert "5 working days" in texts(app.markdown)
    labels = [e.label for e in app.expander]
    assert labels and labels[0].startswith("\\[1\\]") and "Bath and North East Somerset Council" in labels[0]
    card = texts(app.expander[0].markdown)
    assert "Section" in card and "2013" in card
    assert "<mark" in texts(app.expander[0].get("html")) and "5 working days" in texts(app.expander[0].get("html"))
    assert not app.exception


def test_authority_filter_limits_sources(app):
    app.run()
    app.multiselect[0].set_value(["City of York Council"]).run()
    app.chat_input[0].set_value("Who does the assessment after a referral?").run()
    labels = [e.label for e in app.expander]
    assert labels and all("City of York Council" in label for label in labels)


def test_refusal_looks_different_and_is_logged(app, ui_settings):
    ask(app, "What is the Mental Health Act section 136 power?")
    info = texts(app.info)
    assert "Not covered by the guidance" in info and "Please ask" in info
    assert not app.expander
    rows = db_rows(ui_settings, "SELECT question FROM questions WHERE abstained = 1")
    assert ("What is the Mental Health Act section 136 power?",) in rows


def test_an_answer_the_model_is_unsure_of_says_so_before_the_quotes(app, ui_settings):
    from ui.common import _load_assistant

    question = "Which families is Family Group Conferencing in York mainly aimed at?"
    answer = _load_assistant().ask(question)
    # (with another model, pick a question whose probability falls in its hedge band)
    assert answer.hedged and not answer.abstained, "the test's question is no longer in the hedge band"
    ask(app, question)
    message = app.chat_message[-1]
    assert "May not answer your question" in texts(message.warning)
    assert "Family Group Conferencing" in texts(message.markdown) and app.expander
    assert not app.exception


def test_another_councils_guidance_below_the_hedge_point_is_not_shown_as_an_answer(app):
    from assistant.present import escape_markdown
    from ui.common import _load_assistant

    question = "How quickly should a strategy meeting happen in Stockton?"
    answer = _load_assistant().ask(question)
    # (with another model, pick a question whose other council falls in its hedge band)
    assert answer.abstained and answer.hedged and answer.parts, "the test's question no longer points elsewhere unsure"
    ask(app, question)
    message = app.chat_message[-1]
    assert "comes closest, though it may not answer your question" in texts(message.info)
    assert not message.warning, "said once, in the note: no second box"
    lead = escape_markdown(answer.parts[0].lead)
    shown = texts(message.markdown)
    assert lead in shown and f"**{lead}**" not in shown, "its lead is not bold, as a hedged answer's"
    assert not app.exception


def test_a_council_the_library_does_not_hold_is_said_in_its_own_box_before_other_councils(app):
    ask(app, "how soon must a child be seen after a referral in Manchester?")
    message = app.chat_message[-1]
    assert "Not in this library" in texts(message.info) and "no guidance from Manchester" in texts(message.info)
    assert "Bath and North East Somerset" in texts(message.markdown)  # another council's, labelled
    assert "no guidance from Manchester" not in texts(message.caption)  # said once
    assert not app.exception


def test_immediate_danger_shows_safety_line_first(app):
    ask(app, "A child is in immediate danger at home tonight, what do I do?")
    first = app.chat_message[-1].children[0]
    assert isinstance(first, Error) and "call 999 now" in first.value


def test_sources_that_disagree_get_a_visible_notice(app):
    ask(app, CONFLICT)
    notice = texts(app.warning)
    assert "sources disagree" in notice and "working days" in notice
    authorities = {e.label.split("—")[0] for e in app.expander}
    assert len(authorities) >= 2


def test_rating_and_comment_are_saved_redacted(app, ui_settings):
    ask(app, "My client Jayden Smith, born 3/4/2015: how soon must he be seen after a referral in Bath?")
    app.feedback[0].set_value(0).run()
    app.text_input[0].set_value("Missing the York rule; ask Jayden's mum on 07700 900123").run()
    rows = db_rows(
        ui_settings,
        "SELECT q.question, f.helpful, f.comment FROM feedback f JOIN questions q ON q.id = f.question_id"
        " ORDER BY f.rated_at DESC LIMIT 1",
    )
    question, helpful, comment = rows[0]
    assert helpful == 0
    assert "Jayden" not in question and "Smith" not in question and "2015" not in question
    assert "Jayden" not in comment and "07700" not in comment and "York" in comment


def test_too_long_question_is_a_warning_not_a_traceback(app):
    ask(app, "why " * 600)
    assert "keep it under" in texts(app.warning)
    assert not app.exception


def test_follow_up_is_read_against_the_conversation_and_says_how(app):
    ask(app, "How soon must a child be seen after a referral in Bath?")
    app.chat_input[0].set_value("and in Plymouth?").run()
    assert "Understood as: How soon must a child be seen after a referral in Plymouth?" in texts(app.caption)
    assert "10 working days" in texts(app.markdown)
    assert not app.exception


def test_partner_referral_question_gets_the_front_door_not_a_refusal(app):
    ask(app, "I'm a teacher in Torbay. A pupil has bruises and says dad hit him. Should I refer?")
    assert "Safeguarding Hub \\(MASH\\)" in texts(app.info)  # markdown-escaped
    assert "Not covered" not in texts(app.info)
    assert not app.exception
