"""`guidance ask --json/--jsonl` and `sources` against the session's index (in-process)."""

import io
import json
import sys

import pytest

from assistant.cli import main

pytestmark = pytest.mark.slow
FIELDS = {"question", "answer", "abstained", "authorities", "citations", "timings_ms"}
CITATION_FIELDS = {"n", "doc_id", "title", "authority", "date", "section", "page", "quote", "score"}


@pytest.fixture()
def env(assistant, monkeypatch):
    monkeypatch.setenv("GUIDANCE_DATA_DIR", str(assistant.settings.data_dir))
    monkeypatch.setenv("GUIDANCE_CORPUS_DIR", str(assistant.settings.corpus_dir))


def test_ask_json_has_the_documented_fields(env, capsys):
    assert main(["ask", "Which York team does S47 enquiries?", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out.keys() >= FIELDS and out["abstained"] is False
    assert out["authorities"] == ["City of York Council"]
    assert out["citations"] and out["citations"][0].keys() >= CITATION_FIELDS
    assert "[1]" in out["answer"]


def test_jsonl_one_object_per_question_and_bad_authority_is_a_clear_error(env, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("How soon is a child seen in Bath?\n\nwhat is the melatonin dose?\n"))
    assert main(["ask", "--jsonl"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [x["abstained"] for x in lines] == [False, True]
    assert main(["ask", "anything", "--authority", "Yrok"]) == 2
    assert "Did you mean" in capsys.readouterr().err


def test_sources_lists_every_document_with_chunk_counts(env, capsys):
    assert main(["sources"]) == 0
    rows = capsys.readouterr().out.strip().splitlines()
    assert len(rows) == 5 and all("chunks" in r and not r.split("\t")[4].startswith("0 ") for r in rows)


def test_chat_reads_a_follow_up_against_the_council_asked_about(env, capsys, monkeypatch):
    # York's documents do not say how soon a child is seen; the answer points to another council's
    # guidance. The follow-up is still about York, as in the app (assistant.followup.turn_council).
    typed = iter(["How soon must a child be seen after a referral in York?", "and who does the assessment?", ""])
    monkeypatch.setattr("builtins.input", lambda _prompt="": next(typed))
    assert main(["chat"]) == 0
    out = capsys.readouterr().out
    understood = [line for line in out.splitlines() if line.startswith("(Understood as:")]
    assert len(understood) == 1 and "York" in understood[0] and "Bath" not in understood[0]


def test_a_fresh_ask_on_a_broken_manifest_answers_with_the_manifest_last_read(
    tmp_path, corpus_copy, monkeypatch, capsys
):
    """A manifest broken by a hand edit: `guidance index` still refuses it with the line, but a
    question asked from a fresh process is answered from the index with the manifest as last
    read (as the running app does), saying so, instead of stopping."""
    corpus = corpus_copy(tmp_path / "corpus", ("york-childrens-social-care-targeted-help",))
    monkeypatch.setenv("GUIDANCE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("GUIDANCE_CORPUS_DIR", str(corpus))
    assert main(["index"]) == 0
    capsys.readouterr()
    manifest = corpus / "manifest.yaml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("authorities:", "authorities: [oops", 1))
    assert main(["ask", "Which York team does S47 enquiries?", "--json"]) == 0
    captured = capsys.readouterr()
    assert "manifest cannot be read" in captured.err and "line " in captured.err
    out = json.loads(captured.out)
    assert out["authorities"] == ["City of York Council"] and not out["abstained"]
    assert main(["index"]) == 2
    assert "not valid YAML" in capsys.readouterr().err


def test_timescales_for_a_council_with_none_says_so(env, capsys):
    # York's service description states no timescale: a person is told so, not shown nothing
    assert main(["timescales", "--authority", "York"]) == 0
    assert capsys.readouterr().out.strip() == (
        "City of York Council's documents in this library state no timescale the table recognises."
    )
    assert main(["timescales", "--authority", "York", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["timescales", "--authority", "Bath"]) == 0
    assert "5 working days" in capsys.readouterr().out
