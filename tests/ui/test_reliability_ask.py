"""The Ask page still answers when what it stores beside the answer cannot be written or read.

Found running the app as a new user: with the app open, a manifest left broken by a hand edit
made every question end in a traceback (the answer was found, then storing the redacted question
re-read the manifest and raised), and any failure of the feedback store did the same.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from ui_helpers import texts

QUESTION = "How soon must a child be seen after a referral in Bath?"


def _moved_on(path: Path) -> None:
    """Give the file a newer mtime, so readers that cache on it read it again."""
    stamp = path.stat().st_mtime + 2
    os.utime(path, (stamp, stamp))


@pytest.fixture
def broken_manifest(ui_settings):
    manifest = ui_settings.manifest_path
    saved = manifest.read_bytes()
    manifest.write_text(saved.decode("utf-8").replace("aliases: [York, CYC]", "aliases: [York, CYC", 1),
                        encoding="utf-8")
    _moved_on(manifest)
    yield
    manifest.write_bytes(saved)
    _moved_on(manifest)


@pytest.fixture
def unwritable_store(ui_settings):
    """The feedback database replaced by a folder of the same name: SQLite cannot open it."""
    db = ui_settings.feedback_db
    aside = db.with_name("aside")
    aside.mkdir()
    for path in db.parent.glob(db.name + "*"):
        shutil.move(path, aside / path.name)
    db.mkdir()
    yield
    db.rmdir()
    for path in aside.iterdir():
        shutil.move(path, db.parent / path.name)
    aside.rmdir()


def test_a_manifest_broken_while_the_app_runs_still_gives_the_answer(app, broken_manifest):
    app.run()
    app.chat_input[0].set_value(QUESTION).run()
    assert not app.exception, app.exception[0].value if app.exception else ""
    assert "5 working days" in texts(app.markdown)
    assert app.feedback, "the answer was stored, so it can be rated"


def test_an_unwritable_feedback_store_still_gives_the_answer(app, unwritable_store):
    app.run()
    app.chat_input[0].set_value(QUESTION).run()
    assert not app.exception, app.exception[0].value if app.exception else ""
    assert "5 working days" in texts(app.markdown)
    assert "could not be saved for review" in texts(app.caption)
    assert not app.feedback, "nothing to rate: the question was not stored"


@pytest.mark.parametrize("page", ["views/ask.py", "views/library.py"])
def test_a_broken_manifest_is_named_on_the_ask_and_library_pages(app, broken_manifest, page):
    app.run()
    app.switch_page(page).run()
    assert not app.exception
    notice = texts(app.warning)
    assert "manifest cannot be read" in notice and "line" in notice, "nothing said the hand edit broke the manifest"
