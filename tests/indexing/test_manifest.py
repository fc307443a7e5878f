"""The manifest: edits keep the curator's layout, ids read well, new councils and eval metadata are accepted."""

import shutil
from pathlib import Path

import pytest

from indexing.curate import (
    add_document,
    make_doc_id,
    remove_document,
    slugify,
    update_authority,
    update_document,
)
from indexing.manifest import PARSED_CACHE, Authority, ManifestError, last_read_manifest, load_manifest

ROOT = Path(__file__).resolve().parents[2]
GOOD = "# Neglect\n\nA strategy discussion is held within one working day of concerns being raised.\n"


@pytest.fixture
def corpus(tmp_path) -> Path:
    shutil.copytree(ROOT / "corpus", tmp_path / "corpus")
    return tmp_path / "corpus"


def test_an_edit_changes_only_its_own_lines(corpus):
    path = corpus / "manifest.yaml"
    before = path.read_text(encoding="utf-8").splitlines()
    manifest = load_manifest(path)
    update_document(manifest, "plymouth-childrens-social-care-2013", status="superseded")
    after = path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after, strict=True) if a != b]
    assert changed == [("  status: current", "  status: superseded")]  # comments, flow lists, long titles kept


def test_adding_a_document_for_a_new_council_appends_both_in_the_file_style(corpus, tmp_path):
    source = tmp_path / "procedures.md"
    source.write_text(GOOD, encoding="utf-8")
    path = corpus / "manifest.yaml"
    before = path.read_text(encoding="utf-8")
    norfolk = Authority("Norfolk County Council", ("Norfolk", "NCC"), "the Children's Advice and Duty Service")
    _, meta = add_document(load_manifest(path), source, authority="", title="Norfolk Safeguarding Children "
                           "Partnership procedures for multi-agency working", published="2024-01-31",
                           new_authority=norfolk)
    text = path.read_text(encoding="utf-8")
    assert meta.doc_id == "norfolk-safeguarding-children-partnership-procedures"
    assert "- name: Norfolk County Council\n  aliases: [Norfolk, NCC]\n" in text
    assert text.startswith(before.split("- id: bathnes")[0].split("- name: Norfolk")[0][:2000])
    reread = load_manifest(path)
    assert reread.authority("NCC").front_door == "the Children's Advice and Duty Service"
    assert reread.document(meta.doc_id).published == "2024-01-31"
    remove_document(reread, meta.doc_id, delete_file=True)
    assert "norfolk-safeguarding" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "authority,title,expected",
    [
        ("Norfolk County Council", "Norfolk Safeguarding Children Partnership procedures",
         "norfolk-safeguarding-children-partnership-procedures"),
        ("City of York Council", "Children's Social Care – Targeted help", "york-childrens-social-care-targeted-help"),
        ("Bath and North East Somerset Council", "Service statement", "bath-north-east-somerset-service-statement"),
        ("Torbay Council", "Children and families: a guide to children in need and child protection for the family",
         "torbay-children-and-families-a-guide-to-in-need-child"),
    ],
)
def test_ids_name_the_council_once_and_end_on_a_whole_word(authority, title, expected):
    doc_id = make_doc_id(authority, title)
    assert doc_id == expected and len(doc_id) <= 60


def test_slug_never_cuts_a_word():
    slug = slugify("safeguarding " * 3 + "multiagency partnership arrangements statement " * 3, max_chars=40)
    assert slug == "safeguarding-multiagency-partnership"


def test_same_bytes_under_another_title_is_refused_naming_the_document(corpus, tmp_path):
    copy = tmp_path / "copy.txt"
    copy.write_bytes((corpus / "documents" / "torbay-childrens-safeguarding-service.txt").read_bytes())
    before = (corpus / "manifest.yaml").read_bytes()
    with pytest.raises(ManifestError, match="same content as document 'torbay-childrens-safeguarding-service'"):
        add_document(load_manifest(corpus / "manifest.yaml"), copy, authority="Torbay", title="Another title",
                     published="undated")
    assert (corpus / "manifest.yaml").read_bytes() == before


def test_eval_manifest_may_say_what_a_document_is_modelled_on(corpus):
    path = corpus / "manifest.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "  type: performance report\n",
        "  type: performance report\n  modelled_on:\n    publisher: A council\n    title: A real procedure\n"
        "    date: 2021-03-01\n    url: https://example.org/procedure\n",
    )
    path.write_text(text, encoding="utf-8")
    assert load_manifest(path).document("plymouth-childrens-social-care-2013").doc_type == "performance report"


def test_a_document_may_name_its_council_by_an_alias(corpus):
    path = corpus / "manifest.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("authority: Torbay Council", "authority: Torbay"))
    assert load_manifest(path).document("torbay-childrens-safeguarding-service").authority == "Torbay Council"


def test_a_cached_parse_gives_the_same_manifest_and_follows_every_edit(corpus, tmp_path):
    """An index run reads an unchanged manifest from its cached parse (issue 10: ~1 s per 1,000
    documents saved); the result is the same, and any edit to the file is read afresh."""
    path, cache = corpus / "manifest.yaml", tmp_path / "cache"
    fresh = load_manifest(path)
    assert load_manifest(path, cache) == fresh  # parsed, and the parse kept
    assert any(cache.iterdir())
    assert load_manifest(path, cache) == fresh  # read back from the cache
    update_document(load_manifest(path), "plymouth-childrens-social-care-2013", status="superseded")
    edited = load_manifest(path, cache)
    assert edited.document("plymouth-childrens-social-care-2013").status == "superseded"
    assert edited == load_manifest(path)


def test_a_problem_found_from_the_cached_parse_still_names_its_line(corpus, tmp_path):
    path, cache = corpus / "manifest.yaml", tmp_path / "cache"
    text = path.read_text(encoding="utf-8")
    first = text.index("- id: ")
    entry = text[first : text.index("- id: ", first + 1)]
    path.write_text(text + entry.replace("file: ", "file: ./"), encoding="utf-8")  # the same id twice
    messages = []
    for _ in range(2):  # it passes the schema but not the checks across entries: no parse is kept
        with pytest.raises(ManifestError) as error:
            load_manifest(path, cache)
        messages.append(str(error.value))
    assert messages[0] == messages[1] and "used twice" in messages[0] and ", line " in messages[0]
    assert not (cache / PARSED_CACHE).exists()


def test_a_problem_found_in_a_kept_parse_is_reported_as_a_fresh_parse_reports_it(corpus, tmp_path):
    """A parse kept while the manifest was sound can meet a problem later that lies outside the
    file (two documents' files now hold the same bytes): it is reported as a fresh parse reports it."""
    path, cache = corpus / "manifest.yaml", tmp_path / "cache"
    manifest = load_manifest(path, cache)
    first, second = manifest.documents[:2]
    (corpus / second.source_file).write_bytes((corpus / first.source_file).read_bytes())
    with pytest.raises(ManifestError, match="same content") as cached:
        load_manifest(path, cache)
    with pytest.raises(ManifestError) as fresh:
        load_manifest(path)
    assert str(cached.value) == str(fresh.value)


def test_the_last_read_manifest_outlives_a_broken_file_but_never_a_problem(corpus, tmp_path):
    path, cache = corpus / "manifest.yaml", tmp_path / "cache"
    assert last_read_manifest(path, cache) is None  # nothing read yet
    sound = load_manifest(path, cache)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("authorities:", "authorities: [oops", 1), encoding="utf-8")
    with pytest.raises(ManifestError, match="not valid YAML"):
        load_manifest(path, cache)
    assert last_read_manifest(path, cache) == sound
    path.write_text(text + "\n" + text[text.index("documents:") + len("documents:"):], encoding="utf-8")
    with pytest.raises(ManifestError, match="used twice"):
        load_manifest(path, cache)
    assert last_read_manifest(path, cache) == sound  # the broken one was never kept


# Ofcom's numbers set aside for drama (01632 960000-960999): never a real council's line.
FICTIONAL_PHONE = "01632 960001"


def test_a_councils_front_door_and_contacts_are_saved_on_its_own_lines(corpus):
    path = corpus / "manifest.yaml"
    before = path.read_text(encoding="utf-8")
    manifest = update_authority(
        load_manifest(path), "York", phone=FICTIONAL_PHONE, web="https://www.example.gov.uk/worried", out_of_hours=""
    )
    assert manifest.authority("York").contacts == (("phone", FICTIONAL_PHONE), ("web", "https://www.example.gov.uk/worried"))
    after = path.read_text(encoding="utf-8")
    added = [line for line in after.splitlines() if line not in before.splitlines()]
    assert added == [f"  phone: {FICTIONAL_PHONE}", "  web: https://www.example.gov.uk/worried"]
    assert before.splitlines()[0] in after  # the header comment is kept
    assert load_manifest(path).authority("York") == manifest.authority("York")
    # cleared again: the field stays empty, nothing else moves
    update_authority(load_manifest(path), "York", phone="")
    assert load_manifest(path).authority("York").phone == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "999", "is not a UK phone number"),
        ("phone", "ring the hub", "is not a UK phone number"),
        ("email", "hub at york dot gov", "is not an email address"),
        ("web", "see the council website", "is not a web address"),
        ("front_door", " ", "needs a front door"),
        ("aliases", "Yorks", "Cannot change aliases"),
    ],
)
def test_a_contact_that_is_not_one_is_refused_and_the_file_is_unchanged(corpus, field, value, message):
    path = corpus / "manifest.yaml"
    before = path.read_bytes()
    with pytest.raises(ManifestError, match=message):
        update_authority(load_manifest(path), "York", **{field: value})
    assert path.read_bytes() == before


def test_a_hand_typed_phone_number_that_is_not_one_is_reported_with_its_line(corpus):
    path = corpus / "manifest.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("  front_door: the Referral and Assessment Service", "  front_door: the Referral and Assessment Service\n  phone: ring 999"),
        encoding="utf-8",
    )
    line = next(n for n, row in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "ring 999" in row)
    with pytest.raises(ManifestError, match=rf"line {line}.*phone.*not a UK phone number"):
        load_manifest(path)


def test_an_authority_whose_guidance_is_national_is_marked_so_and_has_no_front_door_among_the_councils(corpus):
    from types import SimpleNamespace

    from assistant.service import GuidanceAssistant
    from assistant.write import ExtractiveWriter

    path = corpus / "manifest.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "documents:\n",
        "- name: Department for Education\n  aliases: [DfE]\n  front_door: local authority children's social care\n"
        "  national: true\ndocuments:\n",
        1,
    )
    path.write_text(text, encoding="utf-8")
    manifest = load_manifest(path)
    assert manifest.authority("DfE").national and not manifest.authority("York").national
    running = SimpleNamespace(manifest=manifest, writer=ExtractiveWriter(model=None))
    GuidanceAssistant._brief_writer(running)
    assert running.writer.national == frozenset({"Department for Education"})
    # its front door is given when a question names it, never listed among the councils'
    assert running.writer.front_doors["Department for Education"] == "local authority children's social care"
    assert set(running.writer.councils_front_doors()) == {a.name for a in manifest.authorities if not a.national}
    path.write_text(text.replace("national: true", "national: maybe"), encoding="utf-8")
    with pytest.raises(ManifestError, match="national"):
        load_manifest(path)
