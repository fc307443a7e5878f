from assistant.types import DocumentMeta, Document
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
