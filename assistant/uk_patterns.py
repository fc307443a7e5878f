"""Redaction's UK detail recognisers: dates of birth, addresses, references, schools, NHS, phone, e-mail.

Presidio `EntityRecognizer`s that `assistant.redaction` adds to its engine; each says in its
docstring what it finds and why its pattern is as wide as it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer, PhoneRecognizer

from assistant.redaction import BIRTH_WORDS
from assistant.redaction import STREET_WORDS as _STREET


class GroupPatternRecognizer(EntityRecognizer):
    """A regular expression whose named group `pii` is the personal part: "dob 3/4/2015" redacts
    the date and keeps "dob"; "mosaic id 1234567" keeps "mosaic id"."""

    def __init__(self, entity: str, patterns: Iterable[str], score: float = 0.85, flags: int = re.I) -> None:
        self.patterns = [re.compile(p, flags) for p in patterns]
        self.score = score
        self.source = f"{entity.title()}Recognizer"
        super().__init__(supported_entities=[entity], name=self.source, supported_language="en")

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts) -> list[RecognizerResult]:
        return [
            RecognizerResult(self.supported_entities[0], m.start("pii"), m.end("pii"), self.score,
                             recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.source})
            for pattern in self.patterns for m in pattern.finditer(text)
        ]


MONTH = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"  # noqa: E501
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:\d{4}|'?\d{2})"
_WRITTEN_DATE = (
    rf"(?:{_DAY}\s+(?:of\s+)?{MONTH}\.?,?(?:\s+{_YEAR})?"  # 12 March 2016, 1st of june 2019, 3rd Feb
    rf"|{MONTH}\.?\s+{_DAY},?(?:\s+{_YEAR})?"  # March 12, 2016 (month first)
    rf"|{MONTH}\s+\d{{4}})"  # May 2018
)
_NUMERIC_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|(?:19|20)\d{2}-\d{2}-\d{2}"


def date_of_birth_recognizer() -> GroupPatternRecognizer:
    """Dates of birth in any form after "born", "dob", "d.o.b", "date of birth", "birthday", and
    any all-number date (3/4/2015, 02/29/2024, 2015-04-03): in a question about a case these are
    a child's dates; the guidance's own dates are written out ("from 1 April 2013") and survive."""
    context = rf"\b(?:{BIRTH_WORDS})\b[\s:,-]*(?:on\s+|in\s+)?(?:the\s+)?"
    return GroupPatternRecognizer("DATE_OF_BIRTH", [
        rf"{context}(?P<pii>{_WRITTEN_DATE}|{_NUMERIC_DATE})\b",
        rf"\b(?P<pii>{_NUMERIC_DATE})\b",
    ])


def address_recognizer() -> GroupPatternRecognizer:
    """A house number and a street: "12 High St", "flat 3, 22 mill lane", "45a London Road"."""
    return GroupPatternRecognizer("STREET_ADDRESS", [
        rf"(?P<pii>\b(?:(?:flat|apartment|apt|unit)\s+\d+[a-z]?,?\s+)?\d{{1,4}}[a-z]?,?\s+"
        rf"(?:[^\W\d_][\w'’-]*\s+){{1,3}}(?:{_STREET})\b\.?)",
    ])


def reference_recognizer() -> GroupPatternRecognizer:
    """Case, client and record numbers ("case number 12345678", "Ref: CS/2024/00123", "mosaic id
    1234567") and any run of six or more digits: no timescale or section number is that long."""
    return GroupPatternRecognizer("CASE_REFERENCE", [
        r"\b(?:case|ref(?:erence)?|client|file|record|mosaic|lcs|eclipse|id|pupil|upn)\b\.?\s*(?:no\.?|number|id|#)?"
        r"\s*[:#]?\s*(?P<pii>(?=[A-Z0-9/-]*\d)[A-Z0-9][A-Z0-9/-]{3,})",
        r"(?P<pii>\b\d{6,}\b)",
    ], score=0.7)


_SCHOOL_TYPES = r"Infants?|Junior|Primary|Secondary|Nursery|Academy|School|College|Pre-?[Ss]chool|High"


def school_recognizer() -> GroupPatternRecognizer:
    """A named school or nursery: capitalised ("Oldfield Park Infant School", "St Mary's C of E
    Primary"), all in lower case ("saltford primary school", "little acorns nursery"), or a
    capitalised name before a lower-case kind ("St Mary's school", "Oakfield primary"). Only kept
    when the question also names a person: on its own a school is not personal, next to a child's
    name it identifies the child. A place the library names before a lower-case kind ("a Torbay
    school") is not a school's name either (Redactor.find drops it)."""
    lower_types = _SCHOOL_TYPES.lower().replace("|school|", "|")  # "goes to school" names no school
    determiners = r"the|a|an|his|her|their|at|to|from|in|of|and|for|our|my|your|this|that|local"
    not_a_name = rf"(?!(?:{determiners})\b)"
    return GroupPatternRecognizer("SCHOOL", [
        rf"(?P<pii>\b(?:[A-Z][\w'’.-]*\s+){{1,4}}(?:(?:C of E|CofE|CE|RC|Catholic|Church of England)\s+)?"
        rf"(?:{_SCHOOL_TYPES})\b(?:\s+(?:School|Academy))?)",
        rf"(?P<pii>\b(?:{not_a_name}[a-z][\w'’-]*\s+){{1,3}}(?:{lower_types})\b(?:\s+(?:school|academy))?)",
        # "St Mary's school": the name capitalised, the kind not ("The school rang" is no name)
        rf"(?P<pii>\b(?:(?!(?i:{determiners})\b)[A-Z][\w'’.-]*\s+){{1,4}}"
        rf"(?:{_SCHOOL_TYPES.lower()})\b(?:\s+(?:school|academy))?)",
    ], score=0.6, flags=0)


def nhs_number_recognizer() -> GroupPatternRecognizer:
    """Ten digits grouped 3-3-4 as NHS numbers are written, even when the checksum fails (a typo
    in a real number is still a real number); Presidio's own recogniser checks the checksum."""
    return GroupPatternRecognizer("UK_NHS", [r"\b(?P<pii>\d{3}[ -]\d{3}[ -]\d{4})\b"], score=0.6)


class UkPhoneRecognizer(PhoneRecognizer):
    """UK phone numbers as practitioners type them (07700 900123, +44 7700 900123, 0117 496 0123).

    python-phonenumbers' "valid" leniency rejects Ofcom's ranges kept for examples and drama and
    any number from a range it does not know, so it runs at "possible" leniency here and drops
    anything shorter than a UK number (10 digits after the trunk 0 or +44), such as a year.
    """

    def __init__(self) -> None:
        super().__init__(supported_regions=("GB",), leniency=0)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts)  # type: ignore[arg-type]  # None is allowed there
        return [r for r in results if _uk_digits(text[r.start:r.end]) >= 10]


def _uk_digits(number: str) -> int:
    digits = re.sub(r"\D", "", number)
    return len(digits) - 2 if number.lstrip().startswith("+44") else len(digits.lstrip("0")) + 1


class OfflineEmailRecognizer(EmailRecognizer):
    """Presidio's e-mail recogniser with the public-suffix check done on tldextract's bundled
    snapshot: its default fetches the suffix list over the network on first use."""

    def validate_result(self, pattern_text: str) -> bool:
        return _offline_tld_extract()(pattern_text).fqdn != ""


@lru_cache(maxsize=1)
def _offline_tld_extract():  # noqa: ANN202 - tldextract.TLDExtract
    import tldextract

    # No URLs to fetch and no cache folder to write: the snapshot inside the package is used.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)
