from assistant.types import Document, DocumentMeta
from indexing.chunk import chunk_document
from indexing.structure import parse_blocks, sections

TEXT = """1. Team Functions

1.1 Duty Team

1.1.3 Process of work

The team provide:-
· Crisis response on a Monday – Friday
· Support to EDS
- All new referrals will be responded to within a maximum of 24 hours during which contact is made with the
family and assessments commenced.
"""


def test_heading_path_lists_and_broken_lines():
    blocks = parse_blocks(TEXT)
    secs = sections(blocks)
    assert secs[0].path == ("1 Team Functions", "1.1 Duty Team", "1.1.3 Process of work")
    texts = [b.text for b in secs[0].blocks]
    assert any(t.endswith("with the family and assessments commenced.") for t in texts)
    meta = DocumentMeta("d", "A Council", "T", "x", "undated", "d.txt")
    chunk = chunk_document(Document(meta, TEXT))[0]
    assert "The team provide:-\n• Crisis response" in chunk.text
    assert chunk.section.endswith("1.1.3 Process of work")


EXTRACT = """3. Referrals

All referrals are screened by the duty social worker on the day they arrive.

3.1 Screening

A manager reviews the screening decision within 24 hours.

4. Assessment

The assessment is completed within 45 working days.
"""


def test_numbering_may_start_after_one_when_the_next_number_carries_on():
    paths = [s.path for s in sections(parse_blocks(EXTRACT))]
    assert paths == [("3 Referrals",), ("3 Referrals", "3.1 Screening"), ("4 Assessment",)]


def test_a_stray_number_before_the_real_sequence_stays_text():
    blocks = parse_blocks("14 FEBRUARY 2019\n\n1. Summary\n\nThe report reviews children in need.\n")
    assert [b.text for b in blocks if b.kind == "heading"] == ["1 Summary"]
    assert blocks[0].kind == "paragraph" and blocks[0].text == "14 FEBRUARY 2019"


def _chunked(text: str) -> list:
    meta = DocumentMeta("d", "A Council", "T", "x", "undated", "d.md")
    return chunk_document(Document(meta, text))


def test_a_table_of_contents_is_not_indexed_but_its_sections_are():
    """Headed 'Contents' or unheaded, a list of the document's own headings is navigation: quoted,
    it reads as an answer ('Contents: The Outcome of Section 47 Enquiries')."""
    headed = """# Strategy Discussions

## Contents

- The Outcome of Section 47 Enquiries
- Who Should be Involved
- Timescales

## The Outcome of Section 47 Enquiries

The team manager decides the outcome of the enquiry within 15 working days.

## Who Should be Involved

A health professional must be invited.

## Timescales

The discussion is held within 2 working days.
"""
    chunks = _chunked(headed)
    assert not any("Contents" in c.section for c in chunks)
    assert any("team manager decides" in c.text for c in chunks)
    unheaded = headed.replace("## Contents\n\n", "")
    assert not any(c.text.startswith("• The Outcome") or c.text.startswith("The Outcome") for c in _chunked(unheaded))
    assert len(_chunked(unheaded)) == len(chunks)


def test_a_section_called_contents_that_says_something_is_kept():
    text = """# 1. Contents

1.1 This annex provided the details of the work considered as part of the review

# 2. Contents of the plan

- The plan sets out what each agency will do.
- It names the lead social worker.
- It says how often the core group meets.
"""
    sections_kept = {c.section for c in _chunked(text)}
    assert any(s.endswith("1 Contents") or s.endswith("1. Contents") for s in sections_kept)
    assert any("Contents of the plan" in s for s in sections_kept)


def test_a_footnote_citing_a_publication_stays_in_its_passage_but_is_no_sentence_to_answer_from():
    text = (
        "1. Assessment\n\nWe use a model of assessing parents' capacity to change¹ in every assessment of a family.\n\n"
        "¹ Harnett, P.H. (2007) 'A procedure for assessing parents' capacity for change in child protection cases.' "
        "Children and Youth Services Review 29, 9, 1179-1188\n\n"
        "Smith, J. and Jones, K. (2015) Early help in practice. London: Example Press.\n\n"
        "The Children Act (1989) places a duty on the local authority to make enquiries.\n"
    )
    chunk = _chunked(text)[0]
    assert "Children and Youth Services Review" in chunk.text  # the source card still shows it
    assert not any("Harnett" in s or "Smith, J." in s for s in chunk.sentences)
    # a sentence that only holds a year in brackets is guidance like any other
    assert any(s.startswith("The Children Act (1989) places a duty") for s in chunk.sentences)
    assert any(s.startswith("We use a model") for s in chunk.sentences)


def test_markdown_single_star_emphasis_and_block_quotes_are_not_text():
    from indexing.structure import clean_inline

    quoted = "> This guidance took the place of the *Kent Inter-Agency Threshold Criteria* on 1 October 2018."
    assert clean_inline(quoted) == "This guidance took the place of the Kent Inter-Agency Threshold Criteria on 1 October 2018."
    assert clean_inline(">> a nested quote") == "a nested quote"
    # a lone star, a product or a list bullet is no emphasis
    assert clean_inline("Children Act 1989* applies") == "Children Act 1989* applies"
    assert clean_inline("5 * 3 * 2") == "5 * 3 * 2"
    assert clean_inline("* item one") == "* item one"


def test_a_numbered_contents_entry_is_no_heading_over_the_sections_after_it():
    """A contents line with one paragraph number ("2.43   Form of Notification") had become a
    heading, and every unnumbered heading after the contents sat under it."""
    text = """Contents

2.1 - 2.3    Introduction
2.4 - 2.7    Promoting Awareness
2.43         Form of Notification


Introduction

2.1 A child is privately fostered where he or she is under 16.

Promoting Awareness

2.4 Every local authority must promote public awareness.

Form of Notification

2.43 Every notification must be given in writing.
"""
    paths = [s.path for s in sections(parse_blocks(text))]
    assert ("Introduction",) in paths and ("Promoting Awareness",) in paths and ("Form of Notification",) in paths
    assert not any("2.43 Form of Notification" in p for path in paths for p in path)
    # the contents list is not indexed, and no chunk is labelled with a contents entry
    assert all(c.section in ("Introduction", "Promoting Awareness", "Form of Notification") for c in _chunked(text))
    # a numbered heading outside a table of contents is still one
    assert ("1 Duty Team",) in [s.path for s in sections(parse_blocks("1 Duty Team\n\n1.1 The team is on a rota.\n"))]


def test_a_long_line_in_title_case_is_a_heading_and_a_long_sentence_is_not():
    text = (
        "Action to be taken by Local Authority on Receipt of Notification About a Child Being Privately Fostered\n\n"
        "2.26 When the authority receives a notification, an officer must visit within seven working days.\n\n"
        "The Referral and Assessment Service is the front door of Children's Social Care and takes all new referrals\n\n"
        "2.27 A written report must follow.\n"
    )
    secs = sections(parse_blocks(text))
    assert secs[0].path[-1].startswith("Action to be taken by Local Authority on Receipt")
    assert not any(p.startswith("The Referral and Assessment Service") for s in secs for p in s.path)
