"""A refused upload on the Library page reads as one clean sentence and changes nothing (found as a new user)."""

from __future__ import annotations

import pytest
from ui_helpers import texts

pytestmark = pytest.mark.slow

AUTHORITY = "Torbay Council"
TITLE = "Neglect strategy"
NEW_TEXT = b"# Neglect\n\nA strategy discussion is held within one working day of concerns about neglect being raised.\n"


@pytest.fixture
def stray_file(ui_settings):
    """A file already in documents/ under the id the upload would get (left by a hand copy)."""
    from indexing.curate import make_doc_id

    path = ui_settings.corpus_dir / "documents" / f"{make_doc_id(AUTHORITY, TITLE)}.md"
    path.write_bytes(b"# Left here by hand\n\nNot in the manifest.\n")
    yield path
    path.unlink()


def test_an_upload_whose_id_is_taken_is_refused_in_one_sentence(app, curator, ui_settings, stray_file):
    manifest_before = ui_settings.manifest_path.read_bytes()
    app.run()
    app.switch_page("views/library.py").run()
    app.sidebar.text_input[0].set_value(curator)
    next(b for b in app.sidebar.button if "Unlock" in b.label).click().run()
    app.file_uploader[0].upload("neglect.md", NEW_TEXT)
    app.selectbox(key="add_authority").set_value(AUTHORITY)
    app.text_input(key="add_title").set_value(TITLE)
    next(b for b in app.button if b.label == "Add to the library").click().run()
    error = texts(app.error)
    assert f"already has a document called '{stray_file.stem}'" in error and "has not been changed" in error
    assert ".." not in error, error  # was "give the document its own id.. The library has not been changed."
    assert ui_settings.manifest_path.read_bytes() == manifest_before
    assert not app.exception
