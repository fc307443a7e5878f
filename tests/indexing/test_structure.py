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
