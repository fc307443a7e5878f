"""Document lifecycle on a copy of the corpus: superseded, withdrawn, a failed re-ingest."""

import pytest

from assistant.service import GuidanceAssistant
from assistant.settings import Settings
from indexing.curate import update_document

pytestmark = pytest.mark.slow

YORK = "york-childrens-social-care-targeted-help"
BATH = "bathnes-cypss-service-statement-2013"
QUESTION = "Which York team does S47 enquiries and single assessments?"


@pytest.fixture()
def library(tmp_path, assistant, corpus_copy):
    """A two-document library (York, Bath) sharing the session's loaded model."""
    corpus = corpus_copy(tmp_path / "corpus", (YORK, BATH))
    settings = Settings.from_env(data_dir=tmp_path / "data", corpus_dir=corpus)
    lib = GuidanceAssistant(settings, embedder=assistant.embedder)
    assert lib.reindex().ok
    return lib


def _cited(answer):
    return {c.doc_id for c in answer.citations}


def test_superseded_is_kept_but_never_cited_as_current(library):
    assert YORK in _cited(library.ask(QUESTION))
    update_document(library.manifest, YORK, status="superseded")
    report = library.reindex()
    assert report.metadata_only == (YORK,) and report.embedded_chunks == 0  # no re-embedding
    answer = library.ask(QUESTION)
    assert YORK not in _cited(answer)
    old = library.ask(QUESTION, include_superseded=True)
    york = [c for c in old.citations if c.doc_id == YORK]
    assert york and all(c.status == "superseded" for c in york)
    assert "SUPERSEDED" in old.text  # labelled where it is quoted


def test_withdrawn_disappears_from_the_index(library):
    update_document(library.manifest, YORK, status="withdrawn")
    report = library.reindex()
    assert YORK in report.removed
    assert YORK not in library.store.indexed_documents()
    assert YORK not in _cited(library.ask(QUESTION, include_superseded=True))


def test_failed_reingest_keeps_the_previous_chunks_serving(library):
    path = library.settings.corpus_dir / library.manifest.document(YORK).source_file
    path.write_bytes(b"")  # the file is emptied by a bad copy
    report = library.reindex()
    assert not report.ok and report.failed[0][0] == YORK and "empty" in report.failed[0][1].lower()
    assert YORK in library.store.indexed_documents()
    assert YORK in _cited(library.ask(QUESTION))
