"""Presentation of an Answer for the app: safe markdown for quotes, source-card text, highlighted passages."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from assistant.safety import SAFETY_LINE
from assistant.types import Answer, AuthorityAnswer, Citation
from assistant.write import HEDGE_LEAD, UNSURE_LABEL

# Characters that change meaning in Streamlit markdown: CommonMark's punctuation, "$" (LaTeX)
# and ":" (emoji shortcodes and colour directives such as :red[...]).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")
_CITATION_MARK = re.compile(r"\s*\[(\d+)\]")


def escape_markdown(text: str) -> str:
    """Text shown literally by st.markdown: a quoted "*" or "<b>" stays a character."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def with_citation_marks(text: str) -> str:
    """Escape text, then show each [n] marker as a bold citation number."""
    pieces = _CITATION_MARK.split(text)
    out = [escape_markdown(pieces[0])]
    for number, rest in zip(pieces[1::2], pieces[2::2], strict=True):
        out.append(f" **\\[{number}\\]**{escape_markdown(rest)}")
    return "".join(out)


@dataclass(frozen=True)
class PartView:
    """One authority's share of an answer as markdown: its lead line and its quotes."""

    authority: str
    source: str  # the short "authority, document year" label
    lead: str  # markdown, escaped, with its citation number
    quotes: tuple[str, ...]  # markdown, escaped, with citation numbers


def part_view(part: AuthorityAnswer, sure: bool = True) -> PartView:
    """The lead in bold (plain when the answer is not `sure`: a hedged answer's lead is the
    closest sentence, not an answer to stand on, and so is an `unsure` part's, which is labelled);
    each quote with the heading it sits under in italics (once for consecutive quotes from the same
    section) and its citation."""
    quotes = []
    previous = ""
    for quote in part.quotes:
        where = quote.heading.strip().rstrip(":")
        # A heading repeated on the next quote is clutter: say it once per run of quotes.
        label = f"_{escape_markdown(where)}:_ " if where and where != previous else ""
        previous = where
        quotes.append(f"{label}“{escape_markdown(quote.text)}” **\\[{quote.n}\\]**{force_badge(quote.force)}")
    where = part.lead_heading.strip().rstrip(":")
    heading = f"_{escape_markdown(where)}:_ " if where else ""
    said = f"**{escape_markdown(part.lead)}**" if sure and not part.unsure else escape_markdown(part.lead)
    unsure = f" :gray-badge[{UNSURE_LABEL}]" if part.unsure else ""
    lead = f"{heading}{said} **\\[{part.lead_n}\\]**{force_badge(part.lead_force)}{unsure}"
    return PartView(part.authority, part.source, lead, tuple(quotes))


def force_badge(force: str) -> str:
    """A small label after a quote: whether its words state a duty (must, will) or guidance
    (should, aim to); nothing when they say neither. Streamlit's badge markdown."""
    colour = {"duty": "orange", "guidance": "blue"}.get(force)
    return f" :{colour}-badge[{force}]" if colour else ""


def hedge_detail(note: str) -> str:
    """A hedged answer's note without the words the app shows as its box's title."""
    detail = note.removeprefix(HEDGE_LEAD).lstrip(": ")
    return detail[:1].upper() + detail[1:]


def not_covered_title(note: str) -> str:
    """The title of the box a not-covered note is shown in: a council the library holds nothing
    from, or one whose documents here do not say (asked about beside one that does)."""
    held = not note.startswith("This library holds no")
    return "Not covered for a council you asked about" if held else "Not in this library"


def understood_text(answer: Answer) -> tuple[str, str]:
    """How the question was read, when it was not answered exactly as typed, as (label, reading):
    a follow-up read against the conversation ("Understood as"), or a question answered without
    the personal details typed into it ("Answered as", saying what was left out). ("", "") else."""
    if not answer.understood_as:
        return "", ""
    if not answer.left_out:
        return "Understood as", answer.understood_as
    kinds = answer.left_out[0] if len(answer.left_out) == 1 else \
        ", ".join(answer.left_out[:-1]) + " and " + answer.left_out[-1]
    return "Answered as", f"{answer.understood_as} ({kinds} left out: the guidance does not need them)"


def refusal_text(answer: Answer) -> str:
    """What a refusal says (front doors included), without the safety line, which the app shows first."""
    return answer.refusal or answer.text.removeprefix(SAFETY_LINE).strip()


def citation_label(citation: Citation) -> str:
    """A source card's label: number, authority and the heading the passage sits under
    (title and date are inside the card; several cards often share one document)."""
    heading = citation.section.split(" > ")[-1] if citation.section else citation.title
    status = "" if citation.status == "current" else f" · {citation.status.upper()}"
    return escape_markdown(f"[{citation.n}] {citation.authority} — {heading}{status}")


def citation_location(citation: Citation) -> str:
    """Where the passage sits in its document: heading path and page."""
    section = citation.section.replace(" > ", " › ") if citation.section else "(document start)"
    page = f" · page {citation.page}" if citation.page else ""
    return f"Section: {section}{page}"


def highlight_segments(passage: str, sentences: tuple[str, ...]) -> list[tuple[str, bool]]:
    """Split a passage into (text, used) pieces, `used` marking the sentences quoted in the answer.

    Sentences are found whitespace-insensitively (the writer's sentences may have been joined
    across a line break); a sentence that cannot be found is simply not highlighted.
    """
    spans: list[tuple[int, int]] = []
    for sentence in sentences:
        words = sentence.split()
        if not words:
            continue
        match = re.search(r"\s+".join(re.escape(w) for w in words), passage)
        if match:
            spans.append(match.span())
    segments: list[tuple[str, bool]] = []
    cursor = 0
    for start, end in sorted(spans):
        start = max(start, cursor)
        if start >= end:
            continue
        if start > cursor:
            segments.append((passage[cursor:start], False))
        segments.append((passage[start:end], True))
        cursor = end
    if cursor < len(passage):
        segments.append((passage[cursor:], False))
    return segments


def passage_html(passage: str, sentences: tuple[str, ...]) -> str:
    """The passage as escaped HTML with the used sentences in a soft-yellow <mark>; line breaks kept."""
    body = "".join(
        f'<mark style="background: #fde68a">{html.escape(text)}</mark>' if used else html.escape(text)
        for text, used in highlight_segments(passage, sentences)
    )
    return f'<div style="white-space: pre-wrap; line-height: 1.5">{body}</div>'
