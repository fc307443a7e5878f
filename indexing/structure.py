"""Stage 2: document text -> blocks (headings, paragraphs, list items, tables) -> sections with heading paths.

Handles what PDF/Word-to-text conversion leaves behind: bullet glyphs (`·`, `•`, `-`),
numbered paragraphs (`7.1.3`), markdown headings and emphasis, tab-indented form layouts,
paragraphs broken across page boundaries, and lone page numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.types import Block, Section

BULLET = re.compile(r"^(?:[-–·•▪◦●*]|o(?=\s))\s+")
ENUMERATOR = re.compile(r"^(?:\(?[a-z]{1,3}\)|[a-z]{1,4}\.|\(?\d{1,2}\)|\d{1,2}\.)\s+", re.I)
# A document's own table of contents is headed so ("Contents", "Table of contents", "2. Contents:").
CONTENTS_HEADING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(?:table\s+of\s+)?contents(?:\s+list)?\s*:?\s*$", re.I)
NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(?=\S)")
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
PAGE_NUMBER = re.compile(r"^\d{1,3}$")
TERMINAL = (".", "!", "?", ";", ",", ":-", ": -", "-")
MAX_HEADING_CHARS = 90
MAX_HEADING_WORDS = 12
# A longer line is a heading too when it is written in title case, every word capitalised but the
# small ones ("Action to be taken by Local Authority on Receipt of Notification About a Child Being
# Privately Fostered", 16 words: the DfE's private fostering guidance titles its sections so, and
# the line had been a paragraph, then an answer's lead): up to these lengths, past which a line is
# a list of names more than a title.
MAX_TITLE_CASE_CHARS = 160
MAX_TITLE_CASE_WORDS = 20
# Words a title leaves in lower case.
_SMALL_WORDS = frozenset(
    ["a", "an", "the", "and", "or", "nor", "but", "of", "to", "in", "on", "at", "by", "for", "from", "with", "about", "into", "onto", "upon", "as", "be", "is", "are", "was", "were", "its", "their", "his", "her", "than", "that", "this", "these", "those", "per", "via", "vs"]  # noqa: E501
)


@dataclass(frozen=True)
class _Line:
    text: str  # cleaned content
    raw: str
    start: int
    end: int
    indent: bool  # began with whitespace (tab-indented form layout, nested list)


_EMPHASIS = re.compile(r"(?<![*\w])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![*\w])")
_BLOCKQUOTE = re.compile(r"^\s*(?:>\s?)+")


def clean_inline(text: str) -> str:
    """Strip markdown/HTML emphasis and escape residue; normalise odd spaces and quotes."""
    text = text.replace("\u00a0", " ").replace("\u200b", "")
    text = re.sub(r"</?u>", "", text)
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", text)
    text = text.replace("**", "")
    # Markdown's single-star emphasis ("the *Kent Inter-Agency Threshold Criteria*") and a quoted
    # block's "> " were quoted as they stood: "> This online guidance took the place of the *Kent …".
    # A lone star (a footnote mark, "Children Act 1989*") has no partner and stays.
    text = _EMPHASIS.sub(r"\1", text)
    text = _BLOCKQUOTE.sub("", text)
    text = text.replace("\\_", "_")
    text = re.sub(r"(?<=\w)\\(?=\w)", "", text)
    return re.sub(r"[ \t]+", " ", text).strip()


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        out.append(
            _Line(
                text=clean_inline(body),
                raw=body,
                start=offset,
                end=offset + len(body),
                indent=body[:1] in (" ", "\t"),
            )
        )
        offset += len(raw)
    return out


_PIPE_SEPARATOR = re.compile(r"^\|?(\s*:?-{3,}:?\s*\|)+\s*(:?-{3,}:?\s*)?\|?$")


def table_cells(raw: str) -> list[str]:
    """Cells of a table row: a markdown pipe row ("| Level 3 | Targeted |") or tab-separated columns."""
    raw = raw.strip()
    if raw.startswith("|") and raw.endswith("|") and raw.count("|") >= 3:
        return [clean_inline(c) for c in raw[1:-1].split("|")]
    return [c.strip() for c in raw.split("\t")]


def _is_table_row(line: _Line) -> bool:
    if _PIPE_SEPARATOR.match(line.raw.strip()):
        return True
    return len([c for c in table_cells(line.raw) if c]) >= 2


def _heading_like(text: str) -> bool:
    """Short, capitalised, and not ending like a sentence: how these documents write titles."""
    if not text or len(text) > MAX_TITLE_CASE_CHARS or len(text.split()) > MAX_TITLE_CASE_WORDS:
        return False
    if (len(text) > MAX_HEADING_CHARS or len(text.split()) > MAX_HEADING_WORDS) and not _title_case(text):
        return False
    if not (text[0].isupper() or text[0].isdigit()):
        return False
    if text.endswith(TERMINAL) and not text.endswith("?"):
        return False
    if re.search(r":\s+\S", text):
        return False  # "Label: value" lines ("Director: Jane Doe") are content, not titles
    return not re.search(r"https?://|@", text)


def _title_case(text: str) -> bool:
    """Its words but the small ones (_SMALL_WORDS) start with a capital or a digit, but for one in
    eight at most ("taken" in "Action to be taken by Local Authority …")."""
    words = [w.strip("()[]'\"‘’“”,") for w in text.split()]
    words = [w for w in words if w and w.lower() not in _SMALL_WORDS]
    lower = [w for w in words if not (w[0].isupper() or w[0].isdigit())]
    return len(words) >= 3 and len(lower) <= max(1, len(words) // 8)


def _is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 4 and all(c.isupper() for c in letters)


def parse_blocks(text: str) -> list[Block]:
    """Classify lines into blocks. Heading levels: markdown #s, numbering depth, ALL CAPS = 1."""
    lines = _lines(text)
    blocks: list[Block] = []
    has_caps_headings = any(_is_all_caps(ln.text) and _heading_like(ln.text) for ln in lines)
    numbered_depth = 0
    last_top = 0  # last top-level numbered heading, to tell headings from numbered paragraphs
    # Inside a table of contents (after a "Contents" heading, up to the first blank line after its
    # entries), a numbered line is an entry, not a heading: the DfE's "2.43   Form of Notification"
    # had become a heading over every section that followed ("2.43 Form of Notification ›
    # Promoting Awareness"), mislabelling each quote's source.
    contents, entries = False, 0
    i = 0
    while i < len(lines):
        line = lines[i]
        content = line.text
        if not content and contents and entries:
            contents = False
        if not content or PAGE_NUMBER.match(content) or content in {"-", "·", "•"}:
            i += 1
            continue
        if contents:
            entries += 1
        nxt = _next_content(lines, i)
        # Tables: consecutive tab-separated rows stay one block.
        if _is_table_row(line) and not BULLET.match(line.raw.strip()):
            j = i
            rows = []
            while j < len(lines) and lines[j].text and _is_table_row(lines[j]):
                if not _PIPE_SEPARATOR.match(lines[j].raw.strip()):  # "|---|---|" only marks the header
                    rows.append(" | ".join(table_cells(lines[j].raw)))
                j += 1
            if len(rows) >= 2 or (blocks and blocks[-1].kind == "table"):
                blocks.append(Block("table", "\n".join(rows), line.start, lines[j - 1].end))
                i = j
                continue
        md = MARKDOWN_HEADING.match(content)
        if md:
            title = clean_inline(md.group(2))
            num = NUMBERED.match(title)
            level = num.group(1).count(".") + 1 if num else len(md.group(1))
            if title:
                blocks.append(Block("heading", title, line.start, line.end, level=level))
                contents, entries = bool(CONTENTS_HEADING.match(title)), 0
                if num:
                    numbered_depth = level
                    last_top = int(num.group(1).split(".")[0])
            i += 1
            continue
        bullet = BULLET.match(content)
        if bullet:
            item = content[bullet.end() :].strip()
            num = NUMBERED.match(item)
            if num and num.group(1).count(".") >= 1:
                # "- 7.1.3 text": a numbered paragraph written as a bullet.
                blocks.append(_paragraph_or_heading(item, line, num, True))
                if blocks[-1].kind == "heading":
                    numbered_depth = blocks[-1].level
                    last_top = int(num.group(1).split(".")[0])
            else:
                nested = 1 if line.indent or ENUMERATOR.match(item) is None and _is_nested(line) else 0
                blocks.append(Block("list_item", item, line.start, line.end, level=nested))
            i += 1
            continue
        num = NUMBERED.match(content)
        if num and contents:
            blocks.append(Block("paragraph", content, line.start, line.end))
            i += 1
            continue
        if num:
            block = _paragraph_or_heading(content, line, num, _in_sequence(num.group(1), last_top, lines, i))
            if block.kind == "heading":
                numbered_depth = block.level
                last_top = int(num.group(1).split(".")[0])
            blocks.append(block)
            i += 1
            continue
        if _heading_like(content) and not _continues(blocks, content):
            introduces_list = content.endswith(":") and nxt is not None and BULLET.match(nxt.text)
            if not introduces_list:
                if _is_all_caps(content):
                    level = 1
                elif line.indent and content.endswith("?"):
                    level = 1  # tab-indented form question ("What is provided and why?")
                elif numbered_depth:
                    level = numbered_depth + 1
                else:
                    level = 2 if has_caps_headings or _has_form_questions(lines) else 1
                blocks.append(Block("heading", content.rstrip(":").strip(), line.start, line.end, level=level))
                contents, entries = bool(CONTENTS_HEADING.match(content)), 0
                i += 1
                continue
        if _continues(blocks, content):
            prev = blocks[-1]
            blocks[-1] = Block(prev.kind, f"{prev.text} {content}", prev.start, line.end, prev.level, prev.intro)
            i += 1
            continue
        intro = content.endswith((":", ":-", "-")) and nxt is not None and bool(BULLET.match(nxt.text))
        blocks.append(Block("paragraph", content, line.start, line.end, intro=intro))
        i += 1
    return blocks


def _is_nested(line: _Line) -> bool:
    return line.raw.startswith((" ", "\t")) and not line.raw.startswith("\t·")


def _next_content(lines: list[_Line], i: int) -> _Line | None:
    for nxt in lines[i + 1 :]:
        if nxt.text and not PAGE_NUMBER.match(nxt.text):
            return nxt
    return None


def _has_form_questions(lines: list[_Line]) -> bool:
    return any(ln.indent and ln.text.endswith("?") and _heading_like(ln.text) for ln in lines)


def _in_sequence(number: str, last_top: int, lines: list[_Line], i: int) -> bool:
    """Whether a numbered line may be a heading. Subsection numbers always may. A top-level
    number must be 1 or follow the last top-level heading, so "18 There are no ..." stays a
    numbered paragraph. The first top-level heading may start anywhere (an extract that
    begins at "3. Referrals") when the next numbered line carries on from it ("3.1" or "4"),
    which a stray "14 FEBRUARY 2019" before "1. Summary" does not."""
    if "." in number:
        return True
    top = int(number)
    if top in (1, last_top + 1):
        return True
    following = _next_number(lines, i)
    if last_top or following is None:
        return False
    next_top, *deeper = (int(part) for part in following.split("."))
    return (next_top == top and bool(deeper)) or (next_top == top + 1 and not deeper)


def _next_number(lines: list[_Line], i: int) -> str | None:
    """The numbering ("3.1") of the next numbered line, heading or paragraph, after line i."""
    for line in lines[i + 1 :]:
        markdown = MARKDOWN_HEADING.match(line.text)
        text = clean_inline(markdown.group(2)) if markdown else BULLET.sub("", line.text)
        num = NUMBERED.match(text)
        if num:
            return num.group(1)
    return None


def _paragraph_or_heading(content: str, line: _Line, num: re.Match, in_sequence: bool) -> Block:
    rest = content[num.end() :].strip()
    level = num.group(1).count(".") + 1
    if in_sequence and _heading_like(rest) and not rest.endswith(":"):
        return Block("heading", f"{num.group(1)} {rest}", line.start, line.end, level=level)
    return Block("paragraph", content, line.start, line.end, intro=content.endswith((":", ":-")))


def _continues(blocks: list[Block], content: str) -> bool:
    """A line that carries on the previous paragraph (page break or hard wrap mid-sentence)."""
    if not blocks or blocks[-1].kind not in ("paragraph", "list_item"):
        return False
    prev = blocks[-1].text
    if prev.endswith((".", "!", "?", ":", ":-", ";")):
        return False
    if content[0].islower():
        return True
    # A long unfinished sentence followed by a long line: a page break mid-sentence.
    # Short list items ("Section 7 reports") end without punctuation by design.
    return bool(re.search(r"[A-Za-z,]$", prev)) and len(prev) > MAX_HEADING_CHARS and len(content) > MAX_HEADING_CHARS


def sections(blocks: list[Block]) -> list[Section]:
    """Group blocks under their heading path. A heading pops every open heading at its level or deeper."""
    stack: list[tuple[int, str]] = []
    out: list[Section] = []
    current: list[Block] = []

    def flush() -> None:
        if current:
            out.append(Section(path=tuple(t for _, t in stack), blocks=tuple(current)))
            current.clear()

    for block in blocks:
        if block.kind == "heading":
            flush()
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, block.text))
        else:
            current.append(block)
    flush()
    return out
