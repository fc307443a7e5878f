"""Timescales at a glance (pure): every timescale the indexed chunks state, one row each.

A row says which council, what the timescale applies to (the event, in the sentence's own words:
"child seen", "initial assessment"), the duration as written, from when (when the sentence says),
the document, its date and status, the section and page, the sentence quoted, and whether it is
phrased as a duty or as guidance. Where two councils give different durations for the same event
the rows are put together and flagged, so nobody reads one council's rule as another's.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace

from assistant.force import force
from assistant.timescales import WRITTEN_TAIL, counted_from, find_timescales
from assistant.types import Chunk

# Words that open a duration ("within a maximum of", "at least", "at their") and are shown with it.
_OPENER = re.compile(
    r"(?:\b(?:within|in|no later than|not later than|not more than|by|at least|at most|up to|every|after|"
    r"before|a maximum of|a minimum of|maximum of|a further|the first|at their|on the|for over|over|more than)\s+)+$",
    re.I,
)
# Where the clause a duration belongs to starts and ends inside a sentence.
# " and core assessments within a further 35 working days" starts a second timed clause.
_NEXT_TIMED = r"\sand\s(?=[a-z]+\s+\w+\s+within\b)"
_CLAUSE_START = re.compile(rf"[;:–—]|\s-\s|,\s(?:and|but)\s|{_NEXT_TIMED}", re.I)
_CLAUSE_END = re.compile(rf"[.;:()–—]|\s-\s|,\s|\sduring\s|\sand\s(?:this|that|will|is)\b|{_NEXT_TIMED}", re.I)
_ANAPHORA = re.compile(r"^\s*(?:this|these|it|they)\b", re.I)
WHAT_WORDS = 12  # a clause shown as the event when no known event name is found in it

# Known events, first match wins, tried on the clause, then the sentence up to the clause's end,
# then the sentence before one that opens "This…". Each label uses the sentence's own words (lightly normalised:
# "see the child" and "the child will be seen" are both "child seen"), never a term the
# sentence does not contain; a sentence with none of them is shown by its own clause.
_EVENTS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), label)
    for pattern, label in (
        (r"\bsee\s+the\s+child|\bchild\w*(?:/\w+)?\s+(?:will|should|must|to)\s+be\s+seen\b", "child seen"),
        (r"\bcore assessments?\b.*\bsection 47\b", "core assessment after section 47 investigation"),
        (r"\bcore assessments?\b", "core assessment"),
        (r"\binitial assessments?\b", "initial assessment"),
        (r"\bdecision to assess\b", "decision to assess"),
        (r"\bstrateg\w* discussions?\b", "strategy discussion action notes"),
        (r"\bhospital referrals?\b", "hospital referral response"),
        (r"\breferrals?\b.*\brespon", "referral response"),
        (r"\brequests? for services?\b", "request for services response"),
        (r"\bcase responsibility\b", "case responsibility"),
        (r"\bassessments?\b", "assessment"),
        (r"\bnew care episodes?\b", "new care episode"),
        (r"\bcare proceedings\b", "care proceedings"),
        (r"\binduction\b.*\bsupervision\b", "supervision in induction and the assessed and supported year"),
        (r"\bsupervision\b", "supervision"),
        (r"\bannual reviews?\b.*\bfoster carer|\bfoster carers?\b.*\bannual review", "foster carer annual review"),
        (r"\bannual reviews?\b", "annual review"),
        (r"\bpermanency plans?\b", "permanency plan"),
        (r"\bnotification to the Independent Reviewing Service\b", "notification to the Independent Reviewing Service"),
        (r"\bnotification\b", "notification"),
        (r"\ballocations? meetings?\b", "allocations meeting"),
        (r"\baudit", "audit"),
        (r"\bCP plans?\b|\bchild protection plans?\b", "child protection plan"),
        (r"\bcase holder\b", "case holder"),
        (r"\bward\b", "hospital ward visit"),
        (r"\bclos(?:e|ing|ure)\b", "contact after case closure"),
        (r"\bduty\b.*\bresponses?\b", "duty response"),
    )
)


@dataclass(frozen=True)
class TimescaleRow:
    """One timescale one document states, with everything its citation needs."""

    authority: str
    what: str  # the event it applies to ("child seen", "initial assessment")
    duration: str  # as written: "within a maximum of 5 working days"
    value: str  # normalised, for comparing councils: "5 working days"
    from_when: str  # "initial referral", or "" when the sentence does not say
    title: str
    doc_id: str
    date: str
    status: str  # current | superseded
    section: str
    page: int | None
    quote: str  # the whole sentence, verbatim
    force: str  # duty | guidance | ""
    differs: tuple[str, ...] = ()  # other councils' values for the same event: "Plymouth City Council: 10 working days"

    @property
    def citation(self) -> str:
        page = f", page {self.page}" if self.page else ""
        return f"{self.doc_id} § {self.section or '(document start)'}{page}"

    def as_dict(self) -> dict:
        row = asdict(self)
        row["from"] = row.pop("from_when")
        row["differs"] = list(self.differs)
        row["citation"] = self.citation
        return row

    @classmethod
    def from_dict(cls, row: dict) -> TimescaleRow:
        fields = {k: v for k, v in row.items() if k not in ("citation", "from")}
        return cls(**{**fields, "from_when": row.get("from", ""), "differs": tuple(row.get("differs", ()))})


def timescale_rows(chunks: Iterable[Chunk]) -> list[TimescaleRow]:
    """Every timescale the chunks state, conflicting councils' rows together and flagged first,
    then council by council in document order. A sentence repeated by overlapping chunks counts once."""

    rows: list[TimescaleRow] = []
    seen: set[tuple[str, str, str]] = set()
    ordered = sorted(chunks, key=lambda c: (c.meta.authority, c.doc_id, c.start))
    for chunk in ordered:
        for index, sentence in enumerate(chunk.sentences):
            previous = chunk.sentences[index - 1] if index else ""
            for timescale in find_timescales(sentence):
                key = (chunk.doc_id, " ".join(sentence.split()), timescale.value)
                if key in seen:
                    continue
                seen.add(key)
                rows.append(_row(chunk, sentence, previous, timescale.start, timescale.end, timescale.value))
    return flag_differences(rows)


def flag_differences(rows: list[TimescaleRow]) -> list[TimescaleRow]:
    """Mark rows whose event another council times differently, and move each such event's rows
    together to the top (the order within a group: council, then document order)."""
    values: dict[str, dict[str, list[str]]] = {}
    for row in rows:
        values.setdefault(row.what, {}).setdefault(row.authority, [])
        if row.value not in values[row.what][row.authority]:
            values[row.what][row.authority].append(row.value)
    flagged: list[TimescaleRow] = []
    for row in rows:
        by_council = values[row.what]
        others = [
            f"{authority}: {', '.join(found)}"
            for authority, found in by_council.items()
            if authority != row.authority and set(found) != set(by_council[row.authority])
        ]
        flagged.append(replace(row, differs=tuple(others)))
    groups = sorted({r.what for r in flagged if r.differs})
    together = [r for event in groups for r in flagged if r.what == event]
    return together + [r for r in flagged if not r.differs]


def for_authority(rows: list[TimescaleRow], authority: str | None) -> list[TimescaleRow]:
    """One council's rows (conflict flags still name the other councils)."""
    return [r for r in rows if not authority or r.authority == authority]


def without_rows(rows: list[TimescaleRow], authorities: list[str]) -> list[str]:
    """The councils of `authorities` (in their order) whose documents give the table no row: a reader
    looking for York among the councils should be told it states none, not left to wonder."""
    found = {r.authority for r in rows}
    return [a for a in authorities if a not in found]


def rows_csv(rows: list[TimescaleRow]) -> str:
    """The table as CSV with a header row, one line per timescale (the fields of as_dict)."""
    out = io.StringIO()
    names = list(rows[0].as_dict()) if rows else list(TimescaleRow.__dataclass_fields__) + ["citation"]
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row.as_dict(), "differs": "; ".join(row.differs)})
    return out.getvalue()


def _row(chunk: Chunk, sentence: str, previous: str, start: int, end: int, value: str) -> TimescaleRow:
    opener = _OPENER.search(sentence[:start])
    written_start = opener.start() if opener else start
    tail = WRITTEN_TAIL.match(sentence[end:])
    written_end = end + (tail.end() if tail else 0)
    from_when, _start, from_end = counted_from(sentence, written_end)
    what = _what(sentence, previous, written_start, max(written_end, from_end))
    meta = chunk.meta
    return TimescaleRow(
        authority=meta.authority,
        what=what,
        duration=sentence[written_start:written_end].strip(" (),"),
        value=value,
        from_when=from_when,
        title=meta.title,
        doc_id=chunk.doc_id,
        date=meta.date_label,
        status=meta.status,
        section=chunk.section,
        page=chunk.page,
        quote=sentence.strip(),
        force=force(sentence),
    )


def _what(sentence: str, previous: str, start: int, end: int) -> str:
    """The event the timescale applies to: a known event named in its clause, its sentence or the
    sentence a "This…" sentence refers back to; else the clause's own first words."""
    starts = [m.end() for m in _CLAUSE_START.finditer(sentence[:start])]
    clause_start = starts[-1] if starts else 0
    stop = _CLAUSE_END.search(sentence[end:])
    clause_end = end + stop.start() if stop else len(sentence)
    clause = f"{sentence[clause_start:start]} {sentence[end:clause_end]}"
    # The sentence up to this clause's end: an event named in a later clause ("…: undertake
    # assessments") is that clause's business. Each text comes with where the timescale sits in it.
    candidates = [(clause, start - clause_start), (sentence[:clause_end], start)]
    if _ANAPHORA.match(sentence):
        candidates.append((previous, len(previous)))
    for text, at in candidates:
        label = _nearest_event(text, at)
        if label:
            return label
    # Shown with its duration words, so "Provide an immediate response to those cases…" still reads.
    words = re.sub(r"^[\s\-•·]*(?:[a-z]\.|\d+(?:\.\d+)*)?\s*", "", sentence[clause_start:clause_end]).split()
    shown = " ".join(words[:WHAT_WORDS]).strip(" ,.;:-")
    return re.sub(r"\s+(?:for|the|of|to|and|a|an|in)$", "", shown) or "(see the quote)"


def _nearest_event(text: str, at: int) -> str:
    """The known event named closest before position `at` (the subject usually comes before its
    duration: "…referred to the Local Authority who will assume case responsibility within 24
    hours"), else closest after it; on a tie the earlier entry of _EVENTS (the more specific)."""
    best: tuple[tuple[int, int, int], str] | None = None
    for order, (pattern, label) in enumerate(_EVENTS):
        for match in pattern.finditer(text):
            distance = (0, at - match.end(), order) if match.end() <= at else (1, match.start() - at, order)
            if best is None or distance < best[0]:
                best = (distance, label)
    return best[1] if best else ""
