"""`guidance add`: a good file becomes answerable; a bad file or authority changes nothing."""

from pathlib import Path

import pytest

from assistant.cli import main
from assistant.service import GuidanceAssistant
from assistant.settings import Settings
from indexing.manifest import load_manifest
from indexing.store import ChunkStore

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
KEEP = "plymouth-childrens-social-care-2013"  # the shortest document keeps the index build quick

PROCEDURE = """# Private fostering

## Notifications

A parent must tell the Referral and Assessment Service about a private fostering arrangement
at least six weeks before it begins.

## Visits

A social worker will visit a privately fostered child within 7 working days of the notification.
"""


@pytest.fixture(scope="module")
def library(tmp_path_factory, corpus_copy) -> Settings:
    """A copy of corpus/ cut down to one document, indexed into its own data folder."""
    corpus = corpus_copy(tmp_path_factory.mktemp("library") / "corpus", (KEEP,))
    settings = Settings.from_env(corpus_dir=corpus, data_dir=corpus.parent / "data", chroma_host="")
    assert GuidanceAssistant(settings).reindex().ok
    return settings


@pytest.fixture
def cli_env(library, monkeypatch) -> Settings:
    monkeypatch.setenv("GUIDANCE_CORPUS_DIR", str(library.corpus_dir))
    monkeypatch.setenv("GUIDANCE_DATA_DIR", str(library.data_dir))
    monkeypatch.setenv("GUIDANCE_CHROMA_HOST", "")
    return library


def _state(settings: Settings) -> tuple[bytes, list[str], dict]:
    documents = sorted(p.name for p in (settings.corpus_dir / "documents").iterdir())
    return settings.manifest_path.read_bytes(), documents, ChunkStore.open(settings).indexed_documents()


def test_added_document_is_indexed_and_answers_with_a_citation(cli_env, tmp_path, capsys):
    source = tmp_path / "private-fostering.md"
    source.write_text(PROCEDURE, encoding="utf-8")
    code = main(["add", str(source), "--authority", "York", "--title", "Private fostering procedure",
                 "--date", "2024-05-01", "--type", "procedure"])
    assert code == 0, capsys.readouterr().err
    meta = next(d for d in load_manifest(cli_env.manifest_path).documents if d.title == "Private fostering procedure")
    assert meta.authority == "City of York Council" and meta.published == "2024-05-01"
    assert (cli_env.corpus_dir / meta.source_file).read_text(encoding="utf-8") == PROCEDURE
    assert f"Added: {meta.doc_id}" in capsys.readouterr().out

    answer = GuidanceAssistant(cli_env).ask("In York, how soon must a social worker visit a privately fostered child?")
    assert not answer.abstained and "7 working days" in answer.text
    assert any(c.doc_id == meta.doc_id and "7 working days" in c.quote for c in answer.citations)


def test_corrupt_file_changes_nothing(cli_env, tmp_path, capsys):
    broken = tmp_path / "procedure.pdf"
    broken.write_bytes(b"%PDF-1.7\nthis is not really a PDF\n")
    before = _state(cli_env)
    code = main(["add", str(broken), "--authority", "Torbay", "--title", "Broken", "--date", "undated"])
    assert code == 2
    assert "procedure.pdf" in capsys.readouterr().err
    assert _state(cli_env) == before


def test_unknown_authority_is_explained_and_changes_nothing(cli_env, tmp_path, capsys):
    source = tmp_path / "procedure.md"
    source.write_text(PROCEDURE, encoding="utf-8")
    before = _state(cli_env)
    code = main(["add", str(source), "--authority", "Yrok", "--title", "Misspelt", "--date", "undated"])
    err = capsys.readouterr().err
    assert code == 2
    assert "Unknown authority 'Yrok'" in err and "Did you mean 'York'?" in err
    assert _state(cli_env) == before


def test_a_new_council_is_added_with_its_document_and_answers_for_its_alias(cli_env, tmp_path, capsys):
    source = tmp_path / "norfolk.md"
    source.write_text(PROCEDURE.replace("Referral and Assessment Service", "Children's Advice and Duty Service")
                      .replace("7 working days", "10 working days"), encoding="utf-8")
    before = cli_env.manifest_path.read_text(encoding="utf-8")
    code = main(["add", str(source), "--new-authority", "Norfolk County Council", "--alias", "Norfolk",
                 "--alias", "NCC", "--front-door", "the Children's Advice and Duty Service",
                 "--id", "norfolk-private-fostering", "--title", "Private fostering", "--date", "2024-05-01"])
    assert code == 0, capsys.readouterr().err
    manifest = load_manifest(cli_env.manifest_path)
    assert manifest.authority("NCC").name == "Norfolk County Council"
    assert manifest.document("norfolk-private-fostering").authority == "Norfolk County Council"
    after = cli_env.manifest_path.read_text(encoding="utf-8")
    assert after.startswith(before.split("\ndocuments:")[0])  # header, comments and flow lists untouched

    answer = GuidanceAssistant(cli_env).ask("In NCC, how soon must a social worker visit a privately fostered child?")
    assert "10 working days" in answer.text
    assert {c.doc_id for c in answer.citations} == {"norfolk-private-fostering"}


def test_national_guidance_is_added_as_such_and_said_to_apply_where_a_council_is_silent(cli_env, tmp_path, capsys):
    source = tmp_path / "national.md"
    source.write_text(
        "# Secure accommodation\n\nA child placed in secure accommodation must have the placement reviewed by "
        "a panel within one month of the placement starting.\n",
        encoding="utf-8",
    )
    code = main(["add", str(source), "--new-authority", "Department for Education", "--alias", "DfE",
                 "--front-door", "local authority children's social care", "--national",
                 "--id", "dfe-secure-accommodation", "--title", "Secure accommodation", "--date", "2005-07-01"])
    assert code == 0, capsys.readouterr().err
    assert "  national: true" in cli_env.manifest_path.read_text(encoding="utf-8")
    assert load_manifest(cli_env.manifest_path).authority("DfE").national
    # Plymouth's document in this library says nothing of secure accommodation reviews
    answer = GuidanceAssistant(cli_env).ask("In Plymouth, how soon must a secure accommodation placement be reviewed?")
    assert "National guidance, which applies there too" in answer.text and "one month" in answer.text
    assert main(["add", str(source), "--authority", "York", "--national", "--title", "x", "--date", "2005-07-01"]) == 2
    assert "--new-authority" in capsys.readouterr().err


def test_doors_lists_each_front_door_and_edits_one_councils_contact_details(cli_env, capsys):
    before = cli_env.manifest_path.read_bytes()
    try:
        assert main(["doors"]) == 0
        listed = capsys.readouterr().out
        assert "City of York Council\tthe Referral and Assessment Service\tno contact details recorded" in listed
        assert main(["doors", "York", "--phone", "ring the hub"]) == 2
        assert "not a UK phone number" in capsys.readouterr().err
        assert cli_env.manifest_path.read_bytes() == before
        assert main(["doors", "--phone", "01632 960001"]) == 2  # which council?
        assert main(["doors", "York", "--phone", "01632 960001", "--out-of-hours", "the Emergency Duty Team"]) == 0
        assert "phone: 01632 960001; out of hours: the Emergency Duty Team" in capsys.readouterr().out
        answer = GuidanceAssistant(cli_env).ask("I'm a teacher in York, where do I send a referral?")
        assert "phone: 01632 960001" in answer.front_doors[0]
    finally:
        cli_env.manifest_path.write_bytes(before)
