"""Library page under AppTest: listing, preview, the curator lock, and a bad upload that changes nothing."""

from __future__ import annotations

import pytest
from ui_helpers import texts

pytestmark = pytest.mark.slow

CORRUPT_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not really a pdf\n"


def open_library(app):
    app.run()
    app.switch_page("views/library.py").run()
    return app


def unlock(app, passphrase: str):
    app.sidebar.text_input[0].set_value(passphrase)
    next(b for b in app.sidebar.button if "Unlock" in b.label).click().run()
    return app


def snapshot(settings):
    from indexing.store import ChunkStore

    documents = sorted(p.name for p in (settings.corpus_dir / "documents").iterdir())
    return settings.manifest_path.read_bytes(), documents, ChunkStore.open(settings).indexed_documents()


def test_lists_every_document_with_passage_counts(app):
    open_library(app)
    table = app.dataframe[0].value
    assert len(table) == 5
    assert (table["Passages"] > 0).all() and set(table["Status"]) == {"searchable"}


def test_preview_shows_passages_with_heading_paths(app):
    open_library(app)
    passages = app.dataframe[-1].value
    assert len(passages) > 5 and passages["Heading path"].str.contains("›").any()


def test_without_passphrase_library_is_read_only(app):
    open_library(app)
    assert "Read-only" in texts(app.info)
    assert not app.file_uploader and len(app.tabs) == 1
    assert not any("Re-index" in b.label for b in app.button)


def test_wrong_passphrase_stays_locked(app, curator):
    unlock(open_library(app), "not the passphrase")
    assert "not right" in texts(app.error)
    assert not app.file_uploader


@pytest.mark.parametrize(
    "filename,content,message",
    [
        ("broken.pdf", CORRUPT_PDF, "damaged or not a PDF"),
        ("empty.txt", b"", "empty"),
        ("notes.txt", b"too short", "no text found"),
    ],
)
def test_bad_upload_gets_clear_message_and_changes_nothing(app, curator, ui_settings, filename, content, message):
    before = snapshot(ui_settings)
    unlock(open_library(app), curator)
    assert app.file_uploader, "unlocked: the upload form is shown"
    app.file_uploader[0].upload(filename, content)
    app.text_input(key="add_title").set_value("Neglect strategy")
    next(b for b in app.button if b.label == "Add to the library").click().run()
    error = texts(app.error)
    assert message in error and "has not been changed" in error and filename in error
    assert snapshot(ui_settings) == before
    assert not app.exception


def test_a_curator_records_a_councils_contact_details_and_a_partner_is_given_them(app, curator, ui_settings):
    from ui.common import _load_assistant

    york = "City of York Council"
    before = ui_settings.manifest_path.read_bytes()
    unlock(open_library(app), curator)
    app.selectbox(key="door_council").set_value(york).run()
    app.text_input(key=f"phone_{york}").set_value("ring the hub")
    next(b for b in app.button if b.label == "Save").click().run()
    assert "not a UK phone number" in texts(app.error) and "has not been changed" in texts(app.error)
    assert ui_settings.manifest_path.read_bytes() == before
    try:
        app.text_input(key=f"phone_{york}").set_value("01632 960001")  # Ofcom's drama range: no real line
        next(b for b in app.button if b.label == "Save").click().run()
        assert "Saved City of York Council's front door" in texts(app.success)
        answer = _load_assistant().ask("I'm a teacher in York, where do I send a referral?")
        assert "phone: 01632 960001" in answer.front_doors[0]
    finally:
        ui_settings.manifest_path.write_bytes(before)
    assert "01632" not in " ".join(_load_assistant().ask("Where do I send a referral in York?").front_doors)
    assert not app.exception
