"""Library curation: an upload is validated before anything changes, and rolled back if saving fails."""

import shutil
from pathlib import Path

import pytest

from assistant.library import DocumentForm, LibraryRow, add_upload, edit_document, library_rows
from assistant.settings import Settings
from assistant.types import DocumentMeta
from indexing.load import LoadError
from indexing.manifest import ManifestError, load_manifest

ROOT = Path(__file__).resolve().parents[2]
YORK = "City of York Council"
GOOD = (b"# Neglect strategy\n\n## Timescales\n\nA strategy discussion is held within one working day of "
        b"concerns about neglect being raised.\n")


@pytest.fixture
def settings(tmp_path):
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    return Settings(corpus_dir=tmp_path / "corpus", data_dir=tmp_path / "data")


def state(settings):
    return settings.manifest_path.read_bytes(), sorted((settings.corpus_dir / "documents").iterdir())


def test_good_upload_is_copied_and_listed(settings):
    manifest, meta = add_upload(load_manifest(settings.manifest_path), "Neglect.MD", GOOD,
                                DocumentForm(YORK, "Neglect strategy", "strategy", "2024-01-31"), settings)
    assert meta.doc_id == "york-neglect-strategy" and meta.source_file == "documents/york-neglect-strategy.md"
    assert (settings.corpus_dir / meta.source_file).read_bytes() == GOOD
    assert load_manifest(settings.manifest_path).document(meta.doc_id).published == "2024-01-31"


@pytest.mark.parametrize(
    "filename,data,form_changes,error,message",
    [
        ("virus.exe", GOOD, {}, LoadError, "cannot be added"),
        ("big.md", GOOD * 200, {}, LoadError, "over the"),
        ("scan.pdf", b"%PDF-1.4 garbage", {}, LoadError, "damaged or not a PDF"),
        ("ok.md", GOOD, {"published": "31/01/2024"}, ManifestError, "YYYY-MM-DD"),
        ("ok.md", GOOD, {"authority": "Atlantis"}, ManifestError, "Unknown authority"),
        ("ok.md", GOOD, {"title": "  "}, ManifestError, "title"),
    ],
)
def test_bad_upload_changes_nothing(settings, filename, data, form_changes, error, message):
    small = Settings(corpus_dir=settings.corpus_dir, data_dir=settings.data_dir, max_file_mb=0.01)
    form = DocumentForm(**{**dict(authority=YORK, title="Neglect", doc_type="p", published="undated"), **form_changes})
    before = state(settings)
    with pytest.raises(error, match=message):
        add_upload(load_manifest(settings.manifest_path), filename, data, form, small)
    assert state(settings) == before


def test_failed_manifest_write_rolls_back_the_copy(settings, monkeypatch):
    def broken_save(manifest):
        raise OSError("disk full")

    monkeypatch.setattr("indexing.curate.save_manifest", broken_save)
    before = state(settings)
    with pytest.raises(OSError):
        add_upload(load_manifest(settings.manifest_path), "n.md", GOOD,
                   DocumentForm(YORK, "Neglect", "p", "undated"), settings)
    assert state(settings) == before


def test_edit_marks_superseded_and_saves_only_changes(settings):
    manifest = load_manifest(settings.manifest_path)
    meta = manifest.documents[0]
    form = DocumentForm(meta.authority, meta.title, meta.doc_type, meta.published, meta.date_note,
                        meta.review_date, "superseded")
    edit_document(manifest, meta.doc_id, form)
    assert load_manifest(settings.manifest_path).document(meta.doc_id).status == "superseded"


def test_rows_join_manifest_and_index():
    class Store:
        def indexed_documents(self):
            from indexing.store import IndexedDocument

            return {"a": IndexedDocument("a", "h", "m", chunks=12, indexed_at=1.0)}

    def meta(doc_id, status="current"):
        return DocumentMeta(doc_id, "A", "T", "p", "undated", "f.txt", status)

    class Manifest:
        documents = (meta("a"), meta("b"), meta("c", "withdrawn"))

    rows = library_rows(Manifest(), Store())
    assert rows[0] == LibraryRow(meta("a"), 12, 1.0) and rows[0].state == "searchable"
    assert rows[1].state == "not indexed yet" and rows[2].state == "withdrawn: not searched"


def test_a_stale_manifest_copy_never_drops_a_document_added_meanwhile(settings):
    """The app holds the manifest it opened with; the CLI adds a document; the app then adds one too."""
    stale = load_manifest(settings.manifest_path)
    add_upload(stale, "neglect.md", GOOD, DocumentForm(YORK, "Neglect strategy", "strategy", "2024-01-31"), settings)
    other = GOOD.replace(b"Neglect strategy", b"Exploitation strategy").replace(b"one working day", b"two days")
    add_upload(stale, "cse.md", other, DocumentForm(YORK, "Exploitation strategy", "strategy", "2024-02-01"), settings)
    ids = load_manifest(settings.manifest_path).doc_ids
    assert "york-neglect-strategy" in ids and "york-exploitation-strategy" in ids
    edit_document(stale, "york-neglect-strategy", DocumentForm(YORK, "Neglect strategy", "strategy", "2024-01-31",
                                                              status="superseded"))
    assert "york-exploitation-strategy" in load_manifest(settings.manifest_path).doc_ids


def test_a_second_manifest_edit_waits_for_the_first(settings):
    from indexing.lock import IndexBusy, manifest_lock

    with (
        manifest_lock(settings.manifest_path),
        pytest.raises(IndexBusy, match="being saved"),
        manifest_lock(settings.manifest_path, wait_seconds=0.2),
    ):
        pass


def test_a_front_door_edit_is_saved_under_the_lock_and_a_running_assistant_reads_it_at_its_next_question(settings):
    from types import SimpleNamespace

    from assistant.library import FrontDoorForm, edit_front_door
    from assistant.service import GuidanceAssistant

    manifest = load_manifest(settings.manifest_path)
    reads = []
    running = SimpleNamespace(settings=settings, _manifest_for="", reload_manifest=lambda: reads.append(1))
    running._manifest_stamp = lambda: GuidanceAssistant._manifest_stamp(running)
    GuidanceAssistant._follow_index(running, "generation-1")
    GuidanceAssistant._follow_index(running, "generation-1")
    assert len(reads) == 1, "the same index and the same file: not read again"
    door = manifest.authority(YORK).front_door
    saved = edit_front_door(manifest, YORK, FrontDoorForm(door, phone="01632 960001"))  # a drama number
    assert saved.authority(YORK).phone == "01632 960001"
    assert load_manifest(settings.manifest_path).authority(YORK).phone == "01632 960001"
    GuidanceAssistant._follow_index(running, "generation-1")
    assert len(reads) == 2, "no re-index, but the file changed: read at the next question"
