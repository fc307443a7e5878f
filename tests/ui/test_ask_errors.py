"""Ask page when the library misbehaves: an error is a message, never a traceback, the question box
stays, and an index behind the manifest is a visible notice (issue 13)."""

from __future__ import annotations

import pytest
from ui_helpers import texts

from assistant.service import GuidanceAssistant, LibraryUnavailable
from indexing.report import IndexStatus

pytestmark = pytest.mark.slow


def _ask(app, question: str):
    app.run()
    app.chat_input[0].set_value(question).run()
    return app


def test_an_unexpected_error_is_a_message_and_the_question_box_stays(app, monkeypatch):
    def broken(self, *args, **kwargs):  # noqa: ANN001, ANN202
        raise RuntimeError("Error executing plan: Internal error: Error finding id")

    monkeypatch.setattr(GuidanceAssistant, "ask", broken)
    _ask(app, "How soon must a child be seen after a referral?")
    assert not app.exception
    assert "Something went wrong answering that question (RuntimeError)" in texts(app.error)
    assert app.chat_input, "the question box is still there"
    _ask(app, "And in York?")  # and it still takes the next question
    assert not app.exception and app.chat_input


def test_an_unreachable_library_is_a_warning_saying_to_try_again(app, monkeypatch):
    def unavailable(self, *args, **kwargs):  # noqa: ANN001, ANN202
        raise LibraryUnavailable("The guidance library could not be searched just now (ConnectError). Please try again")

    monkeypatch.setattr(GuidanceAssistant, "ask", unavailable)
    _ask(app, "How soon must a child be seen after a referral?")
    assert not app.exception
    assert "could not be searched just now" in texts(app.warning)
    assert app.chat_input


def test_an_index_behind_the_manifest_is_a_notice(app, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(GuidanceAssistant, "status", lambda self: IndexStatus(new=("york-private-fostering",)))
        app.run()
        assert "The index is behind the library manifest: 1 new (york-private-fostering)" in texts(app.info)
    app.run()
    assert "behind the library manifest" not in texts(app.info)
