"""Value types handed from stage to stage: documents, chunks, passages, citations, answers."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

STATUSES = ("current", "superseded", "withdrawn")


def content_hash(text: str) -> str:
    """Short, stable hash of text; used for ids and for incremental re-indexing."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class DocumentMeta:
    """What the curator records about one document in `corpus/manifest.yaml`."""

    doc_id: str
    authority: str
    title: str
    doc_type: str
    published: str  # ISO date, or "undated"
    source_file: str  # path relative to the corpus folder
    status: str = "current"
    date_note: str = ""  # e.g. "undated; about 2016" or "in force from 1 April 2013"
    review_date: str = ""
    # Headings whose sections are not guidance (e.g. a code-of-conduct preamble): not indexed.
    exclude_sections: tuple[str, ...] = ()

    @property
    def date_label(self) -> str:
        """The date as a practitioner should read it in a citation."""
        if self.published and self.published != "undated":
            return self.published
        return f"undated; {self.date_note}" if self.date_note else "undated"


@dataclass(frozen=True)
class PageSpan:
    """Where a page starts in the document text (PDFs keep their page numbers)."""

    number: int
    start: int


@dataclass(frozen=True)
class Document:
    meta: DocumentMeta
    text: str
    pages: tuple[PageSpan, ...] = ()

    @property
    def content_hash(self) -> str:
        return content_hash(self.text)

    def page_at(self, offset: int) -> int | None:
        page = None
        for span in self.pages:
            if span.start <= offset:
                page = span.number
            else:
                break
        return page


@dataclass(frozen=True)
class Block:
    """One structural unit of a document: a heading, paragraph, list item or table."""

    kind: str  # "heading" | "paragraph" | "list_item" | "table"
    text: str
    start: int
    end: int
    level: int = 0  # heading depth; list nesting for list items
    intro: bool = False  # a paragraph that introduces the list after it ("…as follows:-")


@dataclass(frozen=True)
class Section:
    path: tuple[str, ...]
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Chunk:
    """A retrievable passage with all the provenance a citation needs."""

    chunk_id: str
    doc_id: str
    text: str
    section_path: tuple[str, ...]
    start: int
    end: int
    page: int | None
    meta: DocumentMeta
    sentences: tuple[str, ...] = ()

    @property
    def section(self) -> str:
        return " > ".join(self.section_path)

    @property
    def embed_text(self) -> str:
        """What is embedded: the heading path gives a list item its context."""
        heading = f"{self.section}\n" if self.section_path else ""
        return f"{heading}{self.text}"


@dataclass(frozen=True)
class Passage:
    """A chunk as retrieved for one question, with the scores that ranked it."""

    chunk: Chunk
    score: float  # fused score used for ranking
    dense_similarity: float = 0.0  # cosine similarity to the question, 0 if not dense-retrieved
    lexical_score: float = 0.0
    dense_rank: int | None = None
    lexical_rank: int | None = None
    # Per sentence of chunk.sentences: cosine similarity to the question, and its lexical terms
    # with its headings' (as the retriever cached them), on which the writer measures the share
    # of the question's terms it holds (assistant.answerability.own_coverage).
    sentence_similarity: tuple[float, ...] = ()
    sentence_terms: tuple[frozenset[str], ...] = ()


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    authority: str
    date: str
    section: str
    page: int | None
    quote: str
    score: float
    status: str = "current"
    used_sentences: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "title": self.title,
            "authority": self.authority,
            "date": self.date,
            "section": self.section,
            "page": self.page,
            "quote": self.quote,
            "score": round(self.score, 4),
            "status": self.status,
            "used_sentences": list(self.used_sentences),
        }


@dataclass(frozen=True)
class Quote:
    """One quoted piece of a passage: the passage's own words, with its citation number."""

    text: str
    n: int
    heading: str = ""  # the heading it sits under ("7.1.3 Process of work"), shown beside it
    force: str = ""  # "duty" (must, will), "guidance" (should, aim to) or "": assistant.force, from its words


@dataclass(frozen=True)
class AuthorityAnswer:
    """The part of an answer that comes from one authority's documents: never blended with another's."""

    authority: str
    source: str  # short form named once: "Bath and North East Somerset, service statement 2013"
    lead: str  # the words of the best cited sentence that answer the question
    lead_n: int  # the citation the lead comes from
    quotes: tuple[Quote, ...] = ()
    status: str = "current"
    confidence: float = 0.0  # the answerability model's probability for the lead sentence
    # Duty or guidance (assistant.force) of the lead's sentence when that sentence is not quoted
    # below it (the lead says it all): its label would otherwise be lost with the quote.
    lead_force: str = ""
    # ...and the heading it sits under ("Assessment Resource Centre (The ARC)"), shown before the
    # lead then, as a quote's is: the heading often names what a sentence like "The ARC provides
    # a range of services" is about.
    lead_heading: str = ""
    # Shown beside the council that answers, but its sentence does not name the thing asked about
    # (write.ASIDE_NOTE): its lead is the closest it comes, not an answer to stand on.
    unsure: bool = False

    @property
    def citation_numbers(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys([self.lead_n, *(q.n for q in self.quotes)]))


@dataclass(frozen=True)
class Answer:
    question: str
    text: str  # the whole answer as plain text with [n] markers, rendered from the fields below
    abstained: bool
    citations: tuple[Citation, ...] = ()
    parts: tuple[AuthorityAnswer, ...] = ()
    abstain_reason: str = ""
    safety_notice: str = ""
    conflicts: tuple[str, ...] = ()
    authority_filter: tuple[str, ...] = ()
    timings_ms: dict = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # e.g. "2 councils' documents answer this, each for its own area"
    refusal: str = ""  # what a refusal says, front doors included
    not_covered: tuple[str, ...] = ()  # authorities asked about whose documents do not say
    confidence: float = 0.0  # best answerability probability (the refusal decision's input)
    front_doors: tuple[str, ...] = ()  # where to send a referral: shown first to a partner agency
    understood_as: str = ""  # a follow-up as it was read against the conversation ("" if it stood alone)
    # Answered, but with a probability in the band where tune answers were more often wrong than
    # right (AnswerabilityModel.hedged): the answer opens by saying it may not answer the question.
    # On an abstained answer: the other council's guidance shown is in that band (its note says so).
    hedged: bool = False
    # Personal details typed into the question and left out before it was answered ("a name",
    # "a date of birth"): understood_as then shows the question as answered.
    left_out: tuple[str, ...] = ()

    @property
    def authorities(self) -> list[str]:
        return [part.authority for part in self.parts]

    def as_dict(self) -> dict:
        return {
            "question": self.question,
            "understood_as": self.understood_as,
            "left_out": list(self.left_out),
            "answer": self.text,
            "abstained": self.abstained,
            "abstain_reason": self.abstain_reason,
            "refusal": self.refusal,
            "not_covered": list(self.not_covered),
            "front_doors": list(self.front_doors),
            "safety_notice": self.safety_notice,
            "confidence": round(self.confidence, 4),
            "hedged": self.hedged,
            "authorities": self.authorities,
            "conflicts": list(self.conflicts),
            "notes": list(self.notes),
            "parts": [
                {
                    "authority": p.authority,
                    "source": p.source,
                    "lead": p.lead,
                    "lead_n": p.lead_n,
                    "lead_force": p.lead_force,
                    "lead_heading": p.lead_heading,
                    "status": p.status,
                    "unsure": p.unsure,
                    "confidence": round(p.confidence, 4),
                    "quotes": [
                        {"text": q.text, "n": q.n, "heading": q.heading, "force": q.force} for q in p.quotes
                    ],
                }
                for p in self.parts
            ],
            "citations": [c.as_dict() for c in self.citations],
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
        }
