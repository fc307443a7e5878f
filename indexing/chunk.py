"""Stage 3: sections -> chunks that keep lists with their introducing sentence and tables whole."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import Block, Chunk, Document, Section, content_hash
from indexing.structure import CONTENTS_HEADING, parse_blocks, sections

# A document's own table of contents: navigation, not guidance. Its entries repeat the headings
# word for word, so it ranks for any question about a heading and would be quoted as if it
# answered ("Contents: The Outcome of Section 47 Enquiries"). Procedures-manual chapters and
# national guidance all open with one. A section is one when it is headed "Contents" (or its
# lines mostly repeat the document's own headings) and its lines are entries, not sentences: a
# section called "Contents" that says something ("1.1 This annex provided the details of …")
# is kept, and so is one of fewer than MIN_ENTRIES lines.
MIN_ENTRIES = 3  # a table of contents lists several headings
# A contents entry is a heading: no closing full stop, and short; national guidance titles run
# long ("2.18 - 2.20 Action to be taken by Local Authority on Receipt of Notification of a …").
ENTRY_MAX_WORDS = 20
ENTRY_SHARE = 0.8  # of its lines; a contents list may hold the odd longer line ("Appendix 1: …")
REPEATS_SHARE = 0.5  # an unheaded list is a contents list when half its lines are the document's headings


def _entry_key(line: str) -> str:
    """A heading or entry without its number and punctuation ("4. Strategy Discussion / Meeting",
    "2.11 - 2.13 The Children … Regulations 2005" -> their words)."""
    line = re.sub(r"^\s*[\d.]+(?:\s*[-–]\s*[\d.]+)?\s*", "", line.lower())
    return " ".join(re.findall(r"[a-z0-9]+", line))


def is_table_of_contents(section: Section, headings: frozenset[str]) -> bool:
    """Is this section the document's table of contents? (`headings`: every heading's _entry_key)."""
    lines = [line for block in section.blocks for line in block.text.splitlines() if _entry_key(line)]
    if len(lines) < MIN_ENTRIES:
        return False
    entries = sum(1 for line in lines if len(line.split()) <= ENTRY_MAX_WORDS and not line.rstrip().endswith("."))
    if entries < ENTRY_SHARE * len(lines):
        return False
    if section.path and CONTENTS_HEADING.match(section.path[-1]):
        return True
    repeats = sum(1 for line in lines if _entry_key(line) in headings)
    return repeats >= 3 and repeats >= REPEATS_SHARE * len(lines)


# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "eg",
    "ie",
    "etc",
    "approx",
    "no",
    "mr",
    "mrs",
    "ms",
    "dr",
    "cllr",
    "vs",
    "st",
    "para",
    "ref",
}
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[A-Z0-9“\"'(])")


# A bibliographic reference, as a footnote or a reference list gives it: an author's surname and
# initials, then the year in brackets ("¹ Harnett, P.H. (2007) 'A procedure for assessing …'
# Children and Youth Services Review 29, 9, 1179-1188"). It stays in its passage (the source card
# shows it) but is no sentence of guidance to answer from: the journal's title read as a team
# ("Children and Youth Services") led York's answer to "who chairs the initial child protection
# conference?". An optional footnote mark opens it; up to three authors' names before the year.
REFERENCE_ENTRY = re.compile(
    r"^\s*(?:[¹²³⁴⁵⁶⁷⁸⁹⁰]+|\[\d+\]|\d+\.?\s)?\s*"
    r"[A-Z][\w'’-]+,\s+(?:[A-Z]\.\s?){1,3}(?:,?\s*(?:and|&)?\s*[A-Z][\w'’-]+,\s+(?:[A-Z]\.\s?){1,3}){0,2}"
    r"(?:et al\.?\s*)?\(\s*(?:19|20)\d{2}[a-z]?\s*\)"
)


def is_reference_entry(text: str) -> bool:
    """A footnote or reference-list entry citing a publication (REFERENCE_ENTRY)."""
    return bool(REFERENCE_ENTRY.match(text))


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, not breaking after common abbreviations ("e.g. Family Link")."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start : match.start()].rstrip()
        last_word = re.split(r"\s+", candidate)[-1].rstrip(".").lower() if candidate else ""
        if last_word in _ABBREVIATIONS or len(candidate) < 12:
            continue
        pieces.append(text[start : match.end()].strip())
        start = match.end()
    tail = text[start:].strip()
    if tail:
        pieces.append(tail)
    return [p for p in pieces if p]


@dataclass(frozen=True)
class Unit:
    """Blocks that must stay together: an introducing sentence and its list, or one table."""

    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        return "\n".join(render_block(b) for b in self.blocks)


def render_block(block: Block) -> str:
    if block.kind == "list_item":
        return ("    – " if block.level else "• ") + block.text
    return block.text


def units(section: Section) -> list[Unit]:
    out: list[Unit] = []
    blocks = list(section.blocks)
    i = 0
    while i < len(blocks):
        block = blocks[i]
        group = [block]
        if block.kind in ("paragraph", "list_item") and (block.intro or block.text.endswith((":", ":-"))):
            j = i + 1
            while (
                j < len(blocks)
                and blocks[j].kind == "list_item"
                and (blocks[j].level > block.level or block.kind == "paragraph")
            ):
                group.append(blocks[j])
                j += 1
            i = j
        else:
            i += 1
        out.append(Unit(tuple(group)))
    return out


def chunk_document(
    doc: Document, target_chars: int = 700, max_chars: int = 1000, exclude_sections: tuple[str, ...] = ()
) -> list[Chunk]:
    """Pack units into chunks of about `target_chars` within one section; split only oversized units."""
    chunks: list[Chunk] = []
    parts = sections(parse_blocks(doc.text))
    headings = frozenset(_entry_key(h) for part in parts for h in part.path) - {""}
    for section in parts:
        if any(ex and ex in heading for ex in exclude_sections for heading in section.path):
            continue
        if is_table_of_contents(section, headings):
            continue
        pending: list[Unit] = []
        size = 0
        for unit in _split_oversized(units(section), max_chars):
            length = len(unit.text)
            if pending and size + length > target_chars:
                chunks.append(_make_chunk(doc, section, pending))
                pending, size = [], 0
            pending.append(unit)
            size += length + 1
        if pending:
            chunks.append(_make_chunk(doc, section, pending))
    return chunks


def _split_oversized(items: list[Unit], max_chars: int) -> list[Unit]:
    """A list too long for one chunk is split between items, repeating its introducing sentence."""
    out: list[Unit] = []
    for unit in items:
        if len(unit.text) <= max_chars or len(unit.blocks) == 1:
            out.extend(_split_long_block(unit, max_chars))
            continue
        lead = unit.blocks[0] if unit.blocks[0].kind == "paragraph" else None
        current: list[Block] = [lead] if lead else []
        for block in unit.blocks[1 if lead else 0 :]:
            trial = "\n".join(render_block(b) for b in [*current, block])
            if len(trial) > max_chars and len(current) > (1 if lead else 0):
                out.append(Unit(tuple(current)))
                current = [lead] if lead else []
            current.append(block)
        if current:
            out.append(Unit(tuple(current)))
    return out


def _split_long_block(unit: Unit, max_chars: int) -> list[Unit]:
    """A single paragraph longer than max_chars is split at sentence boundaries; a long table
    between rows, each part repeating the header row so it reads alone."""
    block = unit.blocks[0]
    if len(unit.text) <= max_chars or len(unit.blocks) > 1:
        return [unit]
    if block.kind == "table":
        header, *rows = block.text.split("\n")
        out, group = [], [header]
        for row in rows:
            if len(group) > 1 and len("\n".join([*group, row])) > max_chars:
                out.append(Unit((Block("table", "\n".join(group), block.start, block.end),)))
                group = [header]
            group.append(row)
        out.append(Unit((Block("table", "\n".join(group), block.start, block.end),)))
        return out
    out: list[Unit] = []
    piece = ""
    offset = block.start
    for sentence in split_sentences(block.text):
        if piece and len(piece) + len(sentence) + 1 > max_chars:
            out.append(Unit((Block(block.kind, piece, offset, offset + len(piece), block.level),)))
            offset += len(piece) + 1
            piece = ""
        piece = f"{piece} {sentence}".strip()
    if piece:
        out.append(Unit((Block(block.kind, piece, offset, block.end, block.level),)))
    return out


def table_sentences(table: str) -> list[str]:
    """One sentence per row, each cell labelled with its column header ("Level: 3; Route: Early Help
    Hub"), so a row quoted alone keeps its meaning. A one-row table is its row."""
    header, *rows = table.split("\n")
    if not rows:
        return [header]
    names = [h.strip() for h in header.split(" | ")]
    out = []
    for row in rows:
        cells = [c.strip() for c in row.split(" | ")]
        labelled = [f"{name}: {cell}" if name else cell for name, cell in zip(names, cells, strict=False) if cell]
        out.append("; ".join(labelled + cells[len(names) :]))
    return out


def _make_chunk(doc: Document, section: Section, pending: list[Unit]) -> Chunk:
    blocks = [b for u in pending for b in u.blocks]
    text = "\n".join(u.text for u in pending)
    start = min(b.start for b in blocks)
    end = max(b.end for b in blocks)
    sentences: list[str] = []
    for block in blocks:
        if block.kind == "table":
            sentences.extend(r for r in table_sentences(block.text) if r not in sentences)
        elif is_reference_entry(block.text):
            continue  # cited as the passage's text, never answered from
        elif block.text not in sentences:  # a repeated list intro is one sentence
            sentences.extend(s for s in split_sentences(block.text) if s not in sentences)
    return Chunk(
        chunk_id=f"{doc.meta.doc_id}:{start}:{content_hash(text)[:8]}",
        doc_id=doc.meta.doc_id,
        text=text,
        section_path=section.path,
        start=start,
        end=end,
        page=doc.page_at(start),
        meta=doc.meta,
        sentences=tuple(sentences),
    )
